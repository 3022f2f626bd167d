import CongsoCore
import Fluent
import Vapor

struct AbsenceDTO: Content {
    let id: UUID
    let staffId: UUID
    let from: String
    let to: String
    let shift: Shift?
    let reason: String
    let createdBy: String

    init(_ a: StaffAbsence) {
        id = a.id!; staffId = a.staffID; from = a.fromDate; to = a.toDate; shift = a.shift; reason = a.reason; createdBy = a.createdBy
    }
}

enum AbsenceAPI {
    static func register(_ api: any RoutesBuilder) {
        api.get("absences", use: list)
        api.post("absences", use: create)
        api.delete("absences", ":id", use: delete)
    }

    @Sendable static func list(req: Request) async throws -> ListResponse<AbsenceDTO> {
        let actor = try req.requireActor()
        let paged = try await AbsenceService.list(under: try await req.orgFilter(actor), actor: actor, page: try PageRequest(req), on: req.db)
        return ListResponse(paged.map(AbsenceDTO.init))
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let absence = try await AbsenceService.create(try req.content.decode(AbsenceService.Input.self), actor: actor, on: req.db)
        return try await AbsenceDTO(absence).encodeResponse(status: .created, for: req)
    }

    @Sendable static func delete(req: Request) async throws -> HTTPStatus {
        let actor = try req.requireActor()
        try await AbsenceService.delete(try await AbsenceService.find(try req.idParameter(), actor: actor, on: req.db), actor: actor, on: req.db)
        return .noContent
    }
}
