import CongsoCore
import Vapor

enum SearchAPI {
    static func register(_ api: any RoutesBuilder) {
        api.get("search", use: search)
    }

    static func kinds(_ req: Request) throws -> [SearchKind] {
        guard let raw = req.query[String.self, at: "kind"], !raw.isEmpty else { return SearchKind.allCases }
        guard let k = SearchKind(rawValue: raw) else { throw AppError.badRequest("kind must be document, meeting, task or staff") }
        return [k]
    }

    @Sendable static func search(req: Request) async throws -> ListResponse<SearchService.Hit> {
        let actor = try req.requireActor()
        let q = req.query[String.self, at: "q"] ?? ""
        guard q.count <= 200 else { throw AppError.invalid("too_long", "200") }
        return ListResponse(try await SearchService.search(q, kinds: try kinds(req), actor: actor, page: try PageRequest(req), on: req.db))
    }
}
