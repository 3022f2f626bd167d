import CongsoCore
import Fluent
import Vapor

enum PlanAPI {
    static func register(_ api: any RoutesBuilder) {
        api.get("plans", use: show)
        api.post("plans", "items", use: addItem)
        api.delete("plans", "items", ":id", use: removeItem)
        api.post("plans", ":id", "approve", use: approve)
        api.post("plans", ":id", "reopen", use: reopen)
    }

    @Sendable static func show(req: Request) async throws -> PlanService.PlanDTO {
        let actor = try req.requireActor()
        let org = try await PlanService.org(req.query[String.self, at: "org"], actor: actor, on: req.db)
        return try await PlanService.dto(org, week: try PlanService.monday(req.query[String.self, at: "week"]), on: req.db)
    }

    @Sendable static func addItem(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let (plan, _) = try await PlanService.addItem(try req.content.decode(PlanService.ItemInput.self), actor: actor, on: req.db)
        guard let org = try await Organization.find(plan.orgID, on: req.db) else { throw AppError.notFound("") }
        return try await PlanService.dto(org, week: LocalDate(plan.weekStart)!, on: req.db).encodeResponse(status: .created, for: req)
    }

    @Sendable static func removeItem(req: Request) async throws -> HTTPStatus {
        try await PlanService.removeItem(try req.idParameter(), actor: try req.requireActor(), on: req.db)
        return .noContent
    }

    static func decide(_ req: Request, approve: Bool) async throws -> PlanService.PlanDTO {
        let plan = try await PlanService.decide(try req.idParameter(), approve: approve, actor: try req.requireActor(), on: req.db)
        guard let org = try await Organization.find(plan.orgID, on: req.db) else { throw AppError.notFound("") }
        return try await PlanService.dto(org, week: LocalDate(plan.weekStart)!, on: req.db)
    }

    @Sendable static func approve(req: Request) async throws -> PlanService.PlanDTO { try await decide(req, approve: true) }
    @Sendable static func reopen(req: Request) async throws -> PlanService.PlanDTO { try await decide(req, approve: false) }
}
