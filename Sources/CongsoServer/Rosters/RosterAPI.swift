import CongsoCore
import Fluent
import Vapor

struct RosterDTO: Content {
    struct Cell: Content { let staffId: UUID; let unitId: UUID; let date: String; let shift: Shift }
    let id: UUID
    let orgId: UUID
    let start: String
    let end: String
    let days: Int
    let status: Roster.Status
    let version: Int
    let unpublishedChanges: Bool
    let units: [RosterReport.Unit]
    let infeasible: [RosterReport.Problem]
    let cohorts: [String: Int]
    let cells: [Cell]?

    init(_ r: Roster, cells: [RosterCell]?) {
        let report = RosterService.decodedReport(r)
        id = r.id!; orgId = r.orgID; start = r.startDate; end = r.endDate; days = r.days; status = r.status; version = r.version
        unpublishedChanges = r.dirty; units = report.units; infeasible = report.infeasible; cohorts = report.cohorts
        self.cells = cells?.sorted { ($0.date, $0.shift, $0.staffID.uuidString) < ($1.date, $1.shift, $1.staffID.uuidString) }
            .map { Cell(staffId: $0.staffID, unitId: $0.unitID, date: $0.date, shift: $0.shift) }
    }
}

struct PublishDTO: Content { let roster: RosterDTO; let changedStaff: Int; let notified: Int }
struct ScheduleDTO: Content {
    struct Item: Content { let date: String; let shift: String; let unitId: UUID; let source: String }
    let items: [Item]
}

enum RosterAPI {
    /// The v1 solver over HTTP is bounded: at most this many bytes and staff per call.
    static let solveMaxBytes = 8 * 1024 * 1024
    static let solveMaxStaff = 20_000

    static func register(_ api: any RoutesBuilder) {
        let r = api.grouped("rosters")
        r.on(.POST, "solve", body: .collect(maxSize: ByteCount(value: solveMaxBytes)), use: solve)
        r.get(use: list)
        r.post(use: create)
        r.get(":id", use: show)
        r.post(":id", "publish", use: publish)
        r.post(":id", "replan", use: replan)
        r.get(":id", "conflicts", use: conflicts)
        r.post(":id", "swap", use: swap)
        api.get("me", "schedule", use: schedule)
    }

    /// Format v1 or v2 in, the roster format out: 200 with a roster, 422 with {"infeasible": […]}, 400 on a bad problem.
    @Sendable static func solve(req: Request) async throws -> Response {
        _ = try req.requireActor()
        guard let body = req.body.data, body.readableBytes > 0 else { throw AppError.invalid("roster.input_invalid", "empty body") }
        let input: RosterInput
        do { input = try JSONDecoder().decode(RosterInput.self, from: Data(buffer: body)) } catch {
            throw AppError.invalid("roster.input_invalid", RosterInput.describe(error))
        }
        guard input.staff.count <= solveMaxStaff else { throw AppError.invalid("roster.too_big", String(solveMaxStaff)) }
        let problem: RosterProblem
        do { problem = try RosterProblem(input) } catch let e as RosterInputError {
            throw AppError.invalid("roster.input_invalid", e.problems.prefix(20).joined(separator: "; "))
        }
        // Solving is CPU work: keep it off the event loop.
        let solution = try await req.application.threadPool.runIfActive(eventLoop: req.eventLoop) { RosterSolver.solve(problem, options: .init(satSeconds: 10)) }.get()
        let infeasible = !solution.infeasible.isEmpty
        let response = Response(status: infeasible ? .unprocessableEntity : .ok,
                                body: .init(data: Data(infeasible ? RosterJSON.infeasible(solution) : RosterJSON.solution(solution))))
        response.headers.contentType = .json
        return response
    }

    @Sendable static func list(req: Request) async throws -> ListResponse<RosterDTO> {
        let actor = try req.requireActor()
        let paged = try await RosterService.list(under: try await req.orgFilter(actor), actor: actor, page: try PageRequest(req), on: req.db)
        return ListResponse(paged.map { RosterDTO($0, cells: nil) })
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let roster = try await RosterService.generate(try req.content.decode(RosterService.GenerateInput.self), actor: actor, on: req.db)
        return try await RosterDTO(roster, cells: try await RosterService.cells(roster, on: req.db)).encodeResponse(status: .created, for: req)
    }

    @Sendable static func show(req: Request) async throws -> RosterDTO {
        let roster = try await RosterService.find(try req.idParameter(), actor: try req.requireActor(), on: req.db)
        return RosterDTO(roster, cells: try await RosterService.cells(roster, on: req.db))
    }

    @Sendable static func publish(req: Request) async throws -> PublishDTO {
        let actor = try req.requireActor()
        let roster = try await RosterService.find(try req.idParameter(), actor: actor, on: req.db)
        let result = try await RosterService.publish(roster, actor: actor, on: req.db)
        return PublishDTO(roster: RosterDTO(result.roster, cells: nil), changedStaff: result.changedStaff, notified: result.notified)
    }

    @Sendable static func swap(req: Request) async throws -> RosterDTO {
        let actor = try req.requireActor()
        let roster = try await RosterService.find(try req.idParameter(), actor: actor, on: req.db)
        _ = try await RosterService.swap(roster, try req.content.decode(RosterService.SwapInput.self), actor: actor, on: req.db)
        return RosterDTO(roster, cells: try await RosterService.cells(roster, on: req.db))
    }

    @Sendable static func schedule(req: Request) async throws -> ScheduleDTO {
        let actor = try req.requireActor()
        guard let staffID = actor.staffID else { throw AppError.invalid("schedule.no_staff", "") }
        let from = try DayParameter.parse(req.query[String.self, at: "from"])
        let items = try await CalendarService.entries(staffID: staffID, from: from, on: req.db)
        return ScheduleDTO(items: items.map { .init(date: $0.date, shift: $0.shift.rawValue, unitId: $0.unitID, source: $0.source) })
    }

    @Sendable static func replan(req: Request) async throws -> RosterDTO {
        let actor = try req.requireActor()
        let roster = try await RosterService.find(try req.idParameter(), actor: actor, on: req.db)
        let fresh = try await RosterService.replan(roster, actor: actor, on: req.db)
        return RosterDTO(fresh, cells: try await RosterService.cells(fresh, on: req.db))
    }

    /// Who is on the roster on a day they are isolating or under monitoring.
    @Sendable static func conflicts(req: Request) async throws -> [RosterService.HealthConflict] {
        let actor = try req.requireActor()
        return try await RosterService.healthConflicts(try await RosterService.find(try req.idParameter(), actor: actor, on: req.db), on: req.db)
    }
}
