import CongsoCore
import Fluent
import Vapor

struct CheckInDTO: Content {
    let id: UUID
    let orgId: UUID
    let message: String
    let minutes: Int
    let sentBy: String
    let sentAt: Date?
    let dueAt: Date
    init(_ c: CheckIn) { id = c.id!; orgId = c.orgID; message = c.message; minutes = c.minutes; sentBy = c.sentBy; sentAt = c.createdAt; dueAt = c.dueAt }
}

enum CheckInAPI {
    static func register(_ api: any RoutesBuilder) {
        api.get("checkins", use: list)
        api.post("checkins", use: send)
        api.get("checkins", ":id", use: show)
        api.post("checkins", ":id", "answer", use: answer)
    }

    @Sendable static func list(req: Request) async throws -> ListResponse<CheckInDTO> {
        ListResponse(try await CheckInService.sent(try req.requireActor(), page: try PageRequest(req), on: req.db).map(CheckInDTO.init))
    }

    @Sendable static func send(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let c = try await CheckInService.send(try req.content.decode(CheckInService.Input.self), actor: actor, on: req.db)
        return try await CheckInDTO(c).encodeResponse(status: .created, for: req)
    }

    @Sendable static func show(req: Request) async throws -> CheckInService.StatusDTO {
        let actor = try req.requireActor()
        return try await CheckInService.status(try await CheckInService.find(try req.idParameter(), actor: actor, on: req.db), on: req.db)
    }

    struct AnswerDTO: Content { let answeredAt: Date? }

    @Sendable static func answer(req: Request) async throws -> AnswerDTO {
        AnswerDTO(answeredAt: try await CheckInService.answer(try req.idParameter(), actor: try req.requireActor(), on: req.db).answeredAt)
    }
}
