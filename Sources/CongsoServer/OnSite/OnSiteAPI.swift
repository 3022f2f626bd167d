import CongsoCore
import Fluent
import Vapor

struct OnSiteRequestDTO: Content {
    let id: UUID
    let staffId: UUID
    let staffName: String?
    let orgId: UUID
    let date: String
    let shift: Shift
    let reason: ExemptionReason
    let justification: String
    let test: TestResult?
    let status: OnSiteRequest.Status
    let decidedBy: String?
    let decidedAt: Date?
    let decisionComment: String

    init(_ r: OnSiteRequest, name: String? = nil) {
        id = r.id!
        staffId = r.staffID
        staffName = name
        orgId = r.orgID
        date = r.date
        shift = r.shift
        reason = r.reason
        justification = r.justification
        test = r.test
        status = r.status
        decidedBy = r.decidedBy
        decidedAt = r.decidedAt
        decisionComment = r.decisionComment
    }
}

struct OnSiteWriteBody: Content {
    var staffId: UUID?
    var date: String?
    var shift: String?
    var reason: String?
    var justification: String?
    var test: TestBody?
    struct TestBody: Content { var takenOn: String?; var kind: String?; var result: String? }

    var input: OnSiteService.Input {
        OnSiteService.Input(staffID: staffId, date: date, shift: shift, reason: reason, justification: justification,
                            testTakenOn: test?.takenOn, testKind: test?.kind, testOutcome: test?.result)
    }
}

struct DecisionBody: Content { var comment: String? }

struct PresenceDTO: Content {
    let id: UUID
    let staffId: UUID
    let staffName: String?
    let orgId: UUID
    let date: String
    let shift: Shift
    let checkedInAt: Date
    let checkedOutAt: Date?
}

struct PresenceUnitDTO: Content {
    let org: OrgDTO
    let shift: String
    let present: Int
    let onSiteNow: Int
    let cap: Int
    let people: [PresenceDTO]
}

struct BreachDTO: Content {
    let kind: String
    let orgId: UUID
    let orgName: String
    let date: String
    let shift: String
    let staffId: UUID?
    let staffName: String?
    let count: Int
    let cap: Int
}

struct PresenceBody: Content { var staffId: UUID?; var shift: String? }

struct ExceptionDTO: Content {
    let id: UUID
    let orgId: UUID
    let requestedMax: Int
    let justification: String
    let validFrom: String
    let validUntil: String
    let status: CapException.Status
    let homeAffairsOpinion: String
    let forwardedBy: String?
    let decidedBy: String?
    let decisionComment: String

    init(_ e: CapException) {
        id = e.id!
        orgId = e.orgID
        requestedMax = e.requestedMax
        justification = e.justification
        validFrom = e.validFrom
        validUntil = e.validUntil
        status = e.status
        homeAffairsOpinion = e.homeAffairsOpinion
        forwardedBy = e.forwardedBy
        decidedBy = e.decidedBy
        decisionComment = e.decisionComment
    }
}

struct ExceptionWriteBody: Content {
    var org: String?
    var requestedMax: Int?
    var justification: String?
    var validFrom: String?
    var validUntil: String?
}

struct ForwardBody: Content { var opinion: String? }
struct DecideBody: Content { var approve: Bool?; var comment: String? }

enum OnSiteAPI {
    static func register(_ api: any RoutesBuilder) {
        let r = api.grouped("onsite-requests")
        r.get(use: list)
        r.post(use: create)
        r.get(":id", use: show)
        r.post(":id", "approve", use: approve)
        r.post(":id", "reject", use: reject)
        let p = api.grouped("presence")
        p.get(use: presence)
        p.get("breaches", use: breaches)
        p.post("check-in", use: checkIn)
        p.post("check-out", use: checkOut)
        let e = api.grouped("exceptions")
        e.get(use: listExceptions)
        e.post(use: fileException)
        e.get(":id", use: showException)
        e.post(":id", "forward", use: forwardException)
        e.post(":id", "decide", use: decideException)
    }

    static func names(_ ids: [UUID], on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        var out: [UUID: String] = [:]
        for p in try await StaffMember.query(on: db).filter(\.$id ~~ Array(Set(ids))).all() { out[p.id!] = p.fullName }
        return out
    }

    @Sendable static func list(req: Request) async throws -> ListResponse<OnSiteRequestDTO> {
        let actor = try req.requireActor()
        let date = try req.query[String.self, at: "date"].map { try DayParameter.parse($0) }
        let filter = OnSiteService.Filter(under: try await req.orgFilter(actor), date: date,
                                          status: req.query[String.self, at: "status"], mineOnly: req.query[String.self, at: "mine"] == "true")
        let paged = try await OnSiteService.list(filter, actor: actor, page: try PageRequest(req), on: req.db)
        let n = try await names(paged.items.map(\.staffID), on: req.db)
        return ListResponse(paged.map { OnSiteRequestDTO($0, name: n[$0.staffID]) })
    }

    @Sendable static func show(req: Request) async throws -> OnSiteRequestDTO {
        OnSiteRequestDTO(try await OnSiteService.find(try req.idParameter(), actor: try req.requireActor(), on: req.db))
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let body = try req.content.decode(OnSiteWriteBody.self)
        let r = try await OnSiteService.create(body.input, actor: try req.requireActor(), on: req.db)
        return try await OnSiteRequestDTO(r).encodeResponse(status: .created, for: req)
    }

    @Sendable static func approve(req: Request) async throws -> OnSiteRequestDTO {
        let actor = try req.requireActor()
        let r = try await OnSiteService.find(try req.idParameter(), actor: actor, on: req.db)
        let body = (try? req.content.decode(DecisionBody.self)) ?? DecisionBody()
        return OnSiteRequestDTO(try await OnSiteService.approve(r, comment: body.comment ?? "", actor: actor, on: req.db))
    }

    @Sendable static func reject(req: Request) async throws -> OnSiteRequestDTO {
        let actor = try req.requireActor()
        let r = try await OnSiteService.find(try req.idParameter(), actor: actor, on: req.db)
        let body = (try? req.content.decode(DecisionBody.self)) ?? DecisionBody()
        return OnSiteRequestDTO(try await OnSiteService.reject(r, comment: body.comment ?? "", actor: actor, on: req.db))
    }

    static func presenceDTO(_ e: PresenceEntry, _ names: [UUID: StaffMember]) -> PresenceDTO {
        PresenceDTO(id: e.id!, staffId: e.staffID, staffName: names[e.staffID]?.fullName, orgId: e.orgID, date: e.date, shift: e.shift,
                    checkedInAt: e.checkedInAt, checkedOutAt: e.checkedOutAt)
    }

    @Sendable static func presence(req: Request) async throws -> ListResponse<PresenceUnitDTO> {
        let actor = try req.requireActor()
        let date = try DayParameter.parse(req.query[String.self, at: "date"])
        let reg = try await PresenceService.register(under: try await req.orgFilter(actor), date: date, actor: actor, on: req.db)
        let orgDTOs = try await OrgPresenter.dtos(reg.units.map(\.org), on: req.db)
        let items = zip(reg.units, orgDTOs).map { u, o in
            PresenceUnitDTO(org: o, shift: u.shift.rawValue, present: u.present.count,
                            onSiteNow: u.present.filter { $0.checkedOutAt == nil }.count, cap: u.cap,
                            people: u.present.map { presenceDTO($0, reg.staff) })
        }
        return ListResponse(Paged(items: items, total: items.count, page: PageRequest(page: 1, per: max(1, items.count))))
    }

    @Sendable static func breaches(req: Request) async throws -> ListResponse<BreachDTO> {
        let actor = try req.requireActor()
        let date = try DayParameter.parse(req.query[String.self, at: "date"])
        let reg = try await PresenceService.register(under: try await req.orgFilter(actor), date: date, actor: actor, on: req.db)
        let items = reg.breaches.map { b in
            BreachDTO(kind: b.kind.rawValue, orgId: b.org.id!, orgName: b.org.name, date: b.date, shift: b.shift, staffId: b.staffID,
                      staffName: b.staffID.flatMap { reg.staff[$0]?.fullName }, count: b.count, cap: b.cap)
        }
        return ListResponse(Paged(items: items, total: items.count, page: PageRequest(page: 1, per: max(1, items.count))))
    }

    @Sendable static func checkIn(req: Request) async throws -> Response {
        let body = (try? req.content.decode(PresenceBody.self)) ?? PresenceBody()
        var shift: Shift?
        if let s = body.shift { guard let v = Shift(rawValue: s) else { throw AppError.invalid("onsite.shift_invalid", s) }; shift = v }
        let e = try await PresenceService.checkIn(staffID: body.staffId, shift: shift, actor: try req.requireActor(), on: req.db)
        return try await presenceDTO(e, [:]).encodeResponse(status: .created, for: req)
    }

    @Sendable static func checkOut(req: Request) async throws -> PresenceDTO {
        let body = (try? req.content.decode(PresenceBody.self)) ?? PresenceBody()
        return presenceDTO(try await PresenceService.checkOut(staffID: body.staffId, actor: try req.requireActor(), on: req.db), [:])
    }

    @Sendable static func listExceptions(req: Request) async throws -> ListResponse<ExceptionDTO> {
        let paged = try await ExceptionService.list(status: req.query[String.self, at: "status"], actor: try req.requireActor(),
                                                    page: try PageRequest(req), on: req.db)
        return ListResponse(paged.map(ExceptionDTO.init))
    }

    @Sendable static func fileException(req: Request) async throws -> Response {
        let b = try req.content.decode(ExceptionWriteBody.self)
        let e = try await ExceptionService.file(.init(org: b.org, requestedMax: b.requestedMax, justification: b.justification,
                                                      validFrom: b.validFrom, validUntil: b.validUntil),
                                                actor: try req.requireActor(), on: req.db)
        return try await ExceptionDTO(e).encodeResponse(status: .created, for: req)
    }

    @Sendable static func showException(req: Request) async throws -> ExceptionDTO {
        ExceptionDTO(try await ExceptionService.find(try req.idParameter(), actor: try req.requireActor(), on: req.db))
    }

    @Sendable static func forwardException(req: Request) async throws -> ExceptionDTO {
        let actor = try req.requireActor()
        let e = try await ExceptionService.find(try req.idParameter(), actor: actor, on: req.db)
        let b = try req.content.decode(ForwardBody.self)
        return ExceptionDTO(try await ExceptionService.forward(e, opinion: b.opinion ?? "", actor: actor, on: req.db))
    }

    @Sendable static func decideException(req: Request) async throws -> ExceptionDTO {
        let actor = try req.requireActor()
        let e = try await ExceptionService.find(try req.idParameter(), actor: actor, on: req.db)
        let b = try req.content.decode(DecideBody.self)
        guard let approve = b.approve else { throw AppError.invalid("exception.decision_missing", "approve") }
        return ExceptionDTO(try await ExceptionService.decide(e, approve: approve, comment: b.comment ?? "", actor: actor, on: req.db))
    }
}
