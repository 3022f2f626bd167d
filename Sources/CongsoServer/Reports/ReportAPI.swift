import CongsoCore
import Fluent
import Vapor

struct DailyReportDTO: Content {
    let id: UUID
    let staffId: UUID
    let date: String
    let window: String?
    let requestId: UUID?
    let done: String
    let next: String
    let blockers: String
    let location: DailyReport.Location
    let submittedAt: Date
    let onTime: Bool

    init(id: UUID, staffId: UUID, date: String, window: String?, requestId: UUID?, done: String, next: String, blockers: String,
         location: DailyReport.Location, submittedAt: Date, onTime: Bool) {
        self.id = id; self.staffId = staffId; self.date = date; self.window = window; self.requestId = requestId
        self.done = done; self.next = next; self.blockers = blockers; self.location = location; self.submittedAt = submittedAt; self.onTime = onTime
    }

    init(_ r: DailyReport) {
        self.init(id: r.id!, staffId: r.staffID, date: r.date, window: r.reportSlot.window, requestId: r.reportSlot.requestID,
                  done: r.done, next: r.next, blockers: r.blockers, location: r.location, submittedAt: r.submittedAt, onTime: r.onTime)
    }
}

struct ReportRequestDTO: Content {
    let id: UUID
    let orgId: UUID
    let title: String
    let deadline: Date
    let createdBy: String
    let createdAt: Date?
    init(_ r: ReportRequest) { id = r.id!; orgId = r.orgID; title = r.title; deadline = r.deadline; createdBy = r.createdBy; createdAt = r.createdAt }
}

enum ReportAPI {
    static func register(_ api: any RoutesBuilder) {
        api.post("reports", use: submit)
        api.get("reports", use: mine)
        api.get("reports", "rates", use: rates)
        api.get("reports", "schedule", use: schedule)
        api.put("reports", "schedule", use: setSchedule)
        api.get("reports", "requests", use: requests)
        api.post("reports", "requests", use: createRequest)
        api.get("reports", "requests", ":id", use: requestRates)
    }

    @Sendable static func submit(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let input = try req.decodeJSON(ReportService.Input.self)
        let r = try await req.application.reportHandIns.submit(.init(input: input, actor: actor, now: Date()))
        return try JSONBody.response(r, status: .created)
    }

    @Sendable static func mine(req: Request) async throws -> ListResponse<DailyReportDTO> {
        ListResponse(try await ReportService.mine(try req.requireActor(), page: try PageRequest(req), on: req.db).map(DailyReportDTO.init))
    }

    @Sendable static func rates(req: Request) async throws -> ReportRatesDTO {
        let actor = try req.requireActor()
        let (org, date) = try await req.orgAndDay(actor)
        let slot = req.query[String.self, at: "window"].flatMap { $0.isEmpty ? nil : $0 }
        return try await ReportRates.rates(org, date: date, slot: slot, actor: actor, on: req.db)
    }

    @Sendable static func schedule(req: Request) async throws -> ReportService.ScheduleDTO {
        let actor = try req.requireActor()
        let (org, _) = try await req.orgAndDay(actor)
        try actor.require(.readOrgs, on: org.orgPath)
        return try await ReportService.scheduleDTO(org, on: req.db)
    }

    @Sendable static func setSchedule(req: Request) async throws -> ReportService.ScheduleDTO {
        let actor = try req.requireActor()
        let org = try await ReportService.setSchedule(try req.content.decode(ReportService.ScheduleInput.self), actor: actor, on: req.db)
        return try await ReportService.scheduleDTO(org, on: req.db)
    }

    @Sendable static func requests(req: Request) async throws -> ListResponse<ReportRequestDTO> {
        let paged = try await ReportService.requests(visibleTo: try req.requireActor(), page: try PageRequest(req), on: req.db)
        return ListResponse(paged.map(ReportRequestDTO.init))
    }

    @Sendable static func createRequest(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let r = try await ReportService.request(try req.content.decode(ReportService.RequestInput.self), actor: actor, on: req.db)
        return try await ReportRequestDTO(r).encodeResponse(status: .created, for: req)
    }

    @Sendable static func requestRates(req: Request) async throws -> ReportRatesDTO {
        let actor = try req.requireActor()
        return try await ReportRates.rates(try await ReportService.findRequest(try req.idParameter(), actor: actor, on: req.db), actor: actor, on: req.db)
    }
}
