import CongsoCore
import Vapor

/// "Tìm kiếm": one box over documents, meetings, tasks and staff, typed with or without accents.
enum SearchWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("search", use: page)
    }

    struct Row: Encodable { let kind: String; let title: String; let detail: String; let level: String?; let link: String }
    struct Choice: Encodable { let value: String; let label: String; let selected: Bool }
    struct Data: Encodable {
        let q: String
        let kinds: [Choice]
        let rows: [Row]
        let hasRows: Bool
        let searched: Bool
        let total: Int
        let pages: [PageLink]
        let prev: String?
        let next: String?
    }

    @Sendable static func page(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let q = String((req.query[String.self, at: "q"] ?? "").prefix(200))
        let kind = req.query[String.self, at: "kind"].flatMap(SearchKind.init(rawValue:))
        let page = try PageRequest(req)
        let result = try await SearchService.search(q, kinds: kind.map { [$0] } ?? SearchKind.allCases, actor: actor, page: page, on: req.db)
        let nav = PageLinks.make(base: ["q": q, "kind": kind?.rawValue ?? ""], page: page.page, pageCount: result.pageCount)
        let data = Data(
            q: q, kinds: [Choice(value: "", label: req.t("search_all"), selected: kind == nil)]
                + SearchKind.allCases.map { Choice(value: $0.rawValue, label: req.t("search_kind_" + $0.rawValue), selected: $0 == kind) },
            rows: result.items.map { Row(kind: req.t("search_kind_" + $0.kind.rawValue), title: $0.title, detail: $0.detail,
                                         level: $0.level.map { req.t("doc_level_" + $0.rawValue) }, link: $0.link) },
            hasRows: !result.items.isEmpty, searched: !SearchService.terms(q).isEmpty, total: result.total,
            pages: nav.links, prev: nav.prev, next: nav.next)
        return try await WebPage.render(req, "search/index", title: req.t("search_title"), nav: "search", data: data)
    }
}
