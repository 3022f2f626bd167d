import Fluent
import Vapor

struct AuditDTO: Content {
    let id: UUID
    let at: Date
    let actor: String
    let via: String
    let action: String
    let entityType: String
    let entityId: String
    let summary: String
    let before: [String: String]?
    let after: [String: String]?

    init(_ e: AuditEntry) {
        id = e.id!
        at = e.at
        actor = e.actorLabel
        via = e.via
        action = e.action
        entityType = e.entityType
        entityId = e.entityID
        summary = e.summary
        before = Self.decode(e.before)
        after = Self.decode(e.after)
    }

    static func decode(_ s: String) -> [String: String]? {
        s.isEmpty ? nil : try? JSONDecoder().decode([String: String].self, from: Data(s.utf8))
    }
}

enum AuditAPI {
    static func register(_ api: any RoutesBuilder) {
        api.get("audit", use: list)
    }

    @Sendable static func list(req: Request) async throws -> ListResponse<AuditDTO> {
        let actor = try req.requireActor()
        let filter = AuditService.Filter(entityID: req.query[String.self, at: "entity"], action: req.query[String.self, at: "action"],
                                         org: try await req.orgFilter(actor))
        return ListResponse(try await AuditService.list(on: req.db, actor: actor, filter: filter, page: try PageRequest(req)).map(AuditDTO.init))
    }
}
