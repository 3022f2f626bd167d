import Fluent
import Vapor

enum AuditWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("audit", use: index)
    }

    struct Change: Encodable { let field: String; let before: String; let after: String }
    struct Row: Encodable {
        let at: String
        let actor: String
        let via: String
        let action: String
        let summary: String
        let changes: [Change]
    }
    struct ListData: Encodable {
        let rows: [Row]
        let total: Int
        let action: String
        let pages: [PageLink]
        let prev: String?
        let next: String?
    }

    /// Only the fields that changed, side by side.
    static func row(_ e: AuditEntry, _ req: Request) -> Row {
        let before = AuditDTO.decode(e.before) ?? [:]
        let after = AuditDTO.decode(e.after) ?? [:]
        let keys = Set(before.keys).union(after.keys).sorted()
        let changes = keys.compactMap { k -> Change? in
            let b = before[k] ?? "", a = after[k] ?? ""
            return b == a ? nil : Change(field: k, before: b, after: a)
        }
        return Row(at: DisplayDate.format(e.at), actor: e.actorLabel, via: e.via, action: e.action, summary: e.summary, changes: changes)
    }

    @Sendable static func index(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let action = req.query[String.self, at: "action"] ?? ""
        let page = try PageRequest(req)
        let paged = try await AuditService.list(on: req.db, actor: actor,
                                                filter: .init(entityID: req.query[String.self, at: "entity"], action: action,
                                                              org: try await req.orgFilter(actor)), page: page)
        let nav = PageLinks.make(base: ["action": action], page: page.page, pageCount: paged.pageCount)
        let data = ListData(rows: paged.items.map { row($0, req) }, total: paged.total, action: action,
                            pages: nav.links, prev: nav.prev, next: nav.next)
        return try await WebPage.render(req, "audit/index", title: req.t("audit.title"), nav: "audit", data: data)
    }
}
