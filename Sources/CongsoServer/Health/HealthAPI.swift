import CongsoCore
import Fluent
import Vapor

struct HealthStateDTO: Content {
    let id: UUID
    let staffId: UUID
    let name: String
    let org: UUID
    let kind: HealthStateKind
    let basis: HealthBasis
    let startsOn: String
    let lastDay: String
    let detail: String
    let endedOn: String?
    let endReason: String?

    static func list(_ items: [HealthState], on db: any Database) async throws -> [HealthStateDTO] {
        let ids = Array(Set(items.map(\.staffID)))
        let names = ids.isEmpty ? [:] : Dictionary(try await StaffMember.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0.fullName) },
                                                   uniquingKeysWith: { a, _ in a })
        return items.map {
            HealthStateDTO(id: $0.id!, staffId: $0.staffID, name: names[$0.staffID] ?? "", org: $0.orgID, kind: $0.kind, basis: $0.basis,
                           startsOn: $0.startsOn, lastDay: $0.lastDay, detail: $0.detail, endedOn: $0.endedOn, endReason: $0.endReason)
        }
    }
}

struct DeclarationDTO: Content {
    let id: UUID
    let staffId: UUID?
    let declaredAt: Date
    let symptoms: [Symptom]
    let noSymptoms: Bool
    let contactWithCase: Bool?
    let test: TestResult?
    let places: [VisitedPlace]
    let noPlaces: Bool
    let temperature: Double?
    let outcome: HealthBasis?
    let tripId: UUID?

    init(_ d: HealthDeclaration) {
        id = d.id!; staffId = d.staffID; declaredAt = d.declaredAt; symptoms = d.symptoms; noSymptoms = d.noSymptoms
        contactWithCase = d.contactWithCase; test = d.test; places = d.places; noPlaces = d.noPlaces; temperature = d.temperature
        outcome = d.outcome; tripId = d.tripID
    }
}

struct TripDTO: Content {
    let id: UUID
    let staffId: UUID
    let leaveOn: String
    let returnOn: String
    let destination: String
    let purpose: String
    let status: CityTrip.Status
    let decisionComment: String
    let returnedAt: Date?
    let declarationDueAt: Date?
    let declared: Bool
    let lateReturn: Bool
    let lateDeclaration: Bool

    init(_ t: CityTrip, now: Date = Date()) {
        id = t.id!; staffId = t.staffID; leaveOn = t.leaveOn; returnOn = t.returnOn; destination = t.destination; purpose = t.purpose
        status = t.status; decisionComment = t.decisionComment; returnedAt = t.returnedAt; declarationDueAt = t.declarationDueAt
        declared = t.declarationID != nil; lateReturn = TripService.lateReturn(t, now: now); lateDeclaration = TripService.lateDeclaration(t, now: now)
    }
}

struct VisitDTO: Content {
    let id: UUID
    let name: String
    let phone: String
    let hostName: String
    let temperature: Double
    let admitted: Bool
    let refusal: String
    let arrivedAt: Date
    let leftAt: Date?

    init(_ v: VisitorVisit) {
        id = v.id!; name = v.name; phone = v.phone; hostName = v.hostName; temperature = v.temperature; admitted = v.admitted
        refusal = v.refusal; arrivedAt = v.arrivedAt; leftAt = v.leftAt
    }
}

struct OutbreakDTO: Content {
    let id: UUID
    let place: String
    let address: String
    let from: Date
    let to: Date
    let source: String

    init(_ r: OutbreakPlaceRecord) { id = r.id!; place = r.place; address = r.address; from = r.fromAt; to = r.toAt; source = r.source }
}

enum HealthAPI {
    static func register(_ api: any RoutesBuilder) {
        let h = api.grouped("health")
        h.get("declarations", use: declarations)
        h.post("declarations", use: declare)
        h.get("declarations", ":id", use: declaration)
        h.get("states", use: states)
        h.post("states", use: decide)
        h.post("states", ":id", "end", use: end)
        h.get("trace", use: trace)
        h.post("trace", use: applyTrace)
        h.get("outbreaks", use: outbreaks)
        h.post("outbreaks", use: announce)
        h.post("outbreaks", "import", use: importOutbreaks)
        h.get("trips", use: trips)
        h.post("trips", use: requestTrip)
        h.post("trips", ":id", "decision", use: decideTrip)
        h.post("trips", ":id", "return", use: tripReturn)
        h.get("visits", use: visits)
        h.post("visits", use: visit)
        h.post("visits", ":id", "leave", use: leave)
        h.get("counts", use: counts)
        h.get("delegates", use: delegates)
        h.post("delegates", use: delegate)
        h.delete("delegates", ":id", use: undelegate)
    }

    struct DeclareResult: Content {
        let declaration: DeclarationDTO
        let state: HealthStateDTO?
        let isolationEnded: Bool
        let matches: [String]
    }

    @Sendable static func declare(req: Request) async throws -> Response {
        let r = try await DeclarationService.declare(try req.content.decode(DeclarationService.Input.self), actor: try req.requireActor(), on: req.db)
        let state = try await HealthStateDTO.list(r.state.map { [$0] } ?? [], on: req.db).first
        return try await DeclareResult(declaration: DeclarationDTO(r.declaration), state: state, isolationEnded: r.ended,
                                       matches: r.matches.map(\.place)).encodeResponse(status: .created, for: req)
    }

    @Sendable static func declarations(req: Request) async throws -> ListResponse<DeclarationDTO> {
        let actor = try req.requireActor()
        let staff = try req.query[String.self, at: "staff"].map { raw -> UUID in
            guard let id = UUID(uuidString: raw) else { throw AppError.invalid("health.staff_missing", raw) }
            return id
        }
        let page = try await DeclarationService.list(staffID: staff, under: try await req.orgFilter(actor), actor: actor, page: try PageRequest(req), on: req.db)
        return ListResponse(page.map(DeclarationDTO.init))
    }

    @Sendable static func declaration(req: Request) async throws -> DeclarationDTO {
        DeclarationDTO(try await DeclarationService.read(try req.idParameter(), actor: try req.requireActor(), on: req.db))
    }

    /// States in force today: your own, or (with health rights) a subtree's.
    @Sendable static func states(req: Request) async throws -> [HealthStateDTO] {
        let actor = try req.requireActor()
        let today = LocalDate.of(Date())
        if let org = try await req.orgFilter(actor) {
            try await HealthService.requireRead(actor, at: org.orgPath, on: req.db)
            return try await HealthStateDTO.list(try await HealthService.active(under: org.path, on: today, db: req.db), on: req.db)
        }
        if try await HealthService.mayRead(actor, at: OrgPath(actor.visiblePrefix), on: req.db) {
            return try await HealthStateDTO.list(try await HealthService.active(under: actor.visiblePrefix, on: today, db: req.db), on: req.db)
        }
        guard let own = actor.staffID else { return [] }
        let mine = try await HealthState.query(on: req.db).filter(\.$staffID == own).sort(\.$startsOn, .descending).limit(20).all()
        return try await HealthStateDTO.list(mine, on: req.db)
    }

    @Sendable static func decide(req: Request) async throws -> Response {
        let s = try await HealthService.decide(try req.content.decode(HealthService.DecisionInput.self), actor: try req.requireActor(), on: req.db)
        return try await HealthStateDTO.list([s], on: req.db)[0].encodeResponse(status: .created, for: req)
    }

    @Sendable static func end(req: Request) async throws -> HealthStateDTO {
        let s = try await HealthService.endByHead(try req.idParameter(), actor: try req.requireActor(), on: req.db)
        return try await HealthStateDTO.list([s], on: req.db)[0]
    }

    struct TraceInput: Content { var staffId: UUID?; var days: Int? }

    @Sendable static func trace(req: Request) async throws -> TracingService.Result {
        let raw = req.query[String.self, at: "staff"] ?? ""
        let days = try FormNumber.parse(req.query[String.self, at: "days"], code: "health.trace_days_invalid")
        return try await TracingService.trace(UUID(uuidString: raw), days: days, actor: try req.requireActor(), on: req.db)
    }

    @Sendable static func applyTrace(req: Request) async throws -> TracingService.Result {
        let input = try req.content.decode(TraceInput.self)
        return try await TracingService.apply(input.staffId, days: input.days, actor: try req.requireActor(), on: req.db)
    }

    @Sendable static func outbreaks(req: Request) async throws -> ListResponse<OutbreakDTO> {
        let actor = try req.requireActor()
        let prefix = try await req.orgFilter(actor)?.path ?? "/"
        return ListResponse(try await OutbreakService.list(under: prefix, page: try PageRequest(req), on: req.db).map(OutbreakDTO.init))
    }

    struct Announced: Content { let place: OutbreakDTO; let monitored: Int }

    @Sendable static func announce(req: Request) async throws -> Response {
        let (r, n) = try await OutbreakService.create(try req.content.decode(OutbreakService.Input.self), actor: try req.requireActor(), on: req.db)
        return try await Announced(place: OutbreakDTO(r), monitored: n).encodeResponse(status: .created, for: req)
    }

    @Sendable static func importOutbreaks(req: Request) async throws -> OutbreakService.Announced {
        let actor = try req.requireActor()
        guard let body = req.body.string else { throw AppError.invalid("health.import_invalid", "CSV: empty") }
        return try await OutbreakService.importCSV(body, org: req.query[String.self, at: "org"] ?? "", actor: actor, on: req.db)
    }

    @Sendable static func trips(req: Request) async throws -> ListResponse<TripDTO> {
        let actor = try req.requireActor()
        let page = try PageRequest(req)
        if let org = try await req.orgFilter(actor) {
            guard actor.may(.approveTrips, on: org.orgPath) else { throw AppError.forbidden }
            let waiting = req.query[String.self, at: "status"] == "requested"
            return ListResponse(try await TripService.list(under: org.path, waiting: waiting, page: page, on: req.db).map { TripDTO($0) })
        }
        let mine = try await TripService.mine(actor, on: req.db)
        return ListResponse(Paged(items: mine.map { TripDTO($0) }, total: mine.count, page: page))
    }

    @Sendable static func requestTrip(req: Request) async throws -> Response {
        let t = try await TripService.request(try req.content.decode(TripService.Input.self), actor: try req.requireActor(), on: req.db)
        return try await TripDTO(t).encodeResponse(status: .created, for: req)
    }

    @Sendable static func decideTrip(req: Request) async throws -> TripDTO {
        TripDTO(try await TripService.decide(try req.idParameter(), try req.content.decode(TripService.Decision.self), actor: try req.requireActor(), on: req.db))
    }

    @Sendable static func tripReturn(req: Request) async throws -> TripDTO {
        TripDTO(try await TripService.reportReturn(try req.idParameter(), actor: try req.requireActor(), on: req.db))
    }

    @Sendable static func visits(req: Request) async throws -> ListResponse<VisitDTO> {
        let actor = try req.requireActor()
        let (org, day) = try await req.orgAndDay(actor)
        return ListResponse(try await VisitorService.list(org: org, date: day, actor: actor, page: try PageRequest(req), on: req.db).map(VisitDTO.init))
    }

    @Sendable static func visit(req: Request) async throws -> Response {
        let v = try await VisitorService.record(try req.content.decode(VisitorService.Input.self), actor: try req.requireActor(), on: req.db)
        return try await VisitDTO(v).encodeResponse(status: .created, for: req)
    }

    @Sendable static func leave(req: Request) async throws -> VisitDTO {
        VisitDTO(try await VisitorService.leave(try req.idParameter(), actor: try req.requireActor(), on: req.db))
    }

    @Sendable static func counts(req: Request) async throws -> HealthCounts.Result {
        let actor = try req.requireActor()
        let (org, _) = try await req.orgAndDay(actor)
        return try await HealthCounts.counts(under: org, actor: actor, on: req.db)
    }

    struct DelegateDTO: Content { let id: UUID; let org: UUID; let userId: UUID; let grantedBy: String }

    @Sendable static func delegates(req: Request) async throws -> [DelegateDTO] {
        let actor = try req.requireActor()
        try actor.require(.manageHealth)
        return try await HealthDelegates.list(under: actor.visiblePrefix, on: req.db).map { DelegateDTO(id: $0.id!, org: $0.orgID, userId: $0.userID, grantedBy: $0.grantedBy) }
    }

    @Sendable static func delegate(req: Request) async throws -> Response {
        let d = try await HealthDelegates.grant(try req.content.decode(HealthDelegates.Input.self), actor: try req.requireActor(), on: req.db)
        return try await DelegateDTO(id: d.id!, org: d.orgID, userId: d.userID, grantedBy: d.grantedBy).encodeResponse(status: .created, for: req)
    }

    @Sendable static func undelegate(req: Request) async throws -> HTTPStatus {
        try await HealthDelegates.revoke(try req.idParameter(), actor: try req.requireActor(), on: req.db)
        return .noContent
    }
}
