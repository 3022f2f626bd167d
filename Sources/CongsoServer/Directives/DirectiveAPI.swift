import CongsoCore
import Fluent
import Vapor

struct DirectiveDTO: Content {
    let id: UUID
    let number: String
    let issuer: String
    let title: String
    let scopeOrgId: UUID
    let effectiveFrom: String
    let effectiveTo: String?
    let rules: DirectiveRules
    let version: Int
    let updatedAt: Date?

    init(_ d: Directive) {
        id = d.id!
        number = d.number
        issuer = d.issuer
        title = d.title
        scopeOrgId = d.scopeOrgID
        effectiveFrom = d.effectiveFrom
        effectiveTo = d.effectiveTo
        rules = d.rules
        version = d.version
        updatedAt = d.updatedAt
    }
}

struct DirectiveVersionDTO: Content {
    let version: Int
    let editedBy: String
    let editedAt: Date
    let snapshot: [String: String]
}

struct DirectiveWriteBody: Content {
    var number: String?
    var issuer: String?
    var title: String?
    var scopeOrg: String?
    var effectiveFrom: String?
    var effectiveTo: String?
    var rules: DirectiveRules?

    var input: DirectiveService.Input {
        DirectiveService.Input(number: number, issuer: issuer, title: title, scopeOrg: scopeOrg, effectiveFrom: effectiveFrom,
                               effectiveTo: effectiveTo.map { .some($0) }, rules: rules)
    }
}

enum DirectiveAPI {
    static func register(_ api: any RoutesBuilder) {
        let d = api.grouped("directives")
        d.get(use: list)
        d.post(use: create)
        d.get(":id", use: show)
        d.patch(":id", use: update)
        d.get(":id", "versions", use: versions)
        api.get("policy", use: policy)
    }

    @Sendable static func list(req: Request) async throws -> ListResponse<DirectiveDTO> {
        let actor = try req.requireActor()
        let paged = try await DirectiveService.list(on: req.db, actor: actor, q: req.query[String.self, at: "q"],
                                                    under: try await req.orgFilter(actor), page: try PageRequest(req))
        return ListResponse(paged.map(DirectiveDTO.init))
    }

    @Sendable static func show(req: Request) async throws -> DirectiveDTO {
        DirectiveDTO(try await DirectiveService.find(try req.idParameter(), actor: try req.requireActor(), on: req.db))
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let body = try req.content.decode(DirectiveWriteBody.self)
        let d = try await DirectiveService.create(body.input, actor: try req.requireActor(), on: req.db)
        let response = try await DirectiveDTO(d).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/directives/\(d.id!)")
        return response
    }

    @Sendable static func update(req: Request) async throws -> DirectiveDTO {
        let actor = try req.requireActor()
        let d = try await DirectiveService.find(try req.idParameter(), actor: actor, on: req.db)
        let body = try req.content.decode(DirectiveWriteBody.self)
        return DirectiveDTO(try await DirectiveService.update(d, body.input, actor: actor, on: req.db))
    }

    @Sendable static func versions(req: Request) async throws -> ListResponse<DirectiveVersionDTO> {
        let d = try await DirectiveService.find(try req.idParameter(), actor: try req.requireActor(), on: req.db)
        let items = try await DirectiveService.versions(of: d, on: req.db).map {
            DirectiveVersionDTO(version: $0.version, editedBy: $0.editedBy, editedAt: $0.editedAt, snapshot: AuditDTO.decode($0.snapshot) ?? [:])
        }
        return ListResponse(Paged(items: items, total: items.count, page: PageRequest(page: 1, per: max(1, items.count))))
    }

    /// GET /api/v1/policy?org=ID&date=YYYY-MM-DD: the rules in force with their sources.
    @Sendable static func policy(req: Request) async throws -> PolicyDTO {
        let actor = try req.requireActor()
        guard let org = try await req.orgFilter(actor) else { throw AppError.invalid("policy.org_missing", "org") }
        let date = try DayParameter.parse(req.query[String.self, at: "date"])
        return try await PolicyPresenter.dto(try await PolicyService.effective(for: org, on: date, db: req.db), req)
    }
}
