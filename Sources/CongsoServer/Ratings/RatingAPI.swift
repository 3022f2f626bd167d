import CongsoCore
import Fluent
import Vapor

enum RatingAPI {
    static func register(_ api: any RoutesBuilder) {
        api.get("ratings", use: list)
        api.post("ratings", use: confirm)
        api.get("ratings", "export", use: export)
    }

    static func scope(_ req: Request) async throws -> (Actor, Organization, String) {
        let actor = try req.requireActor()
        let (org, _) = try await req.orgAndDay(actor)
        return (actor, org, try RatingService.parseMonth(req.query[String.self, at: "month"]))
    }

    @Sendable static func list(req: Request) async throws -> ListResponse<RatingService.Row> {
        let (actor, org, month) = try await scope(req)
        return ListResponse(try await RatingService.page(under: org, month: month, actor: actor, page: try PageRequest(req), t: { req.t($0) }, on: req.db))
    }

    @Sendable static func confirm(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let r = try await RatingService.confirm(try req.content.decode(RatingService.ConfirmInput.self), actor: actor, on: req.db)
        let person = try await StaffService.find(r.staffID, actor: actor, on: req.db)
        let row = try await RatingService.rows([person], month: r.month, now: Date(), t: { req.t($0) }, on: req.db)[0]
        return try await row.encodeResponse(status: .created, for: req)
    }

    static func csv(_ req: Request) async throws -> Response {
        let (actor, org, month) = try await scope(req)
        let people = try await RatingService.people(under: org, actor: actor, on: req.db).all()
        let rows = try await RatingService.rows(people, month: month, now: Date(), t: { req.t($0) }, on: req.db)
        return Response.csv(RatingService.csv(rows), filename: "congso-ratings-\(org.code)-\(month).csv")
    }

    @Sendable static func export(req: Request) async throws -> Response { try await csv(req) }
}
