import CongsoCore
import Fluent
import Vapor

struct HotlineDTO: Content {
    let id: UUID
    let org: String
    let orgName: String
    let label: String
    let number: String
    let hours: String

    static func list(_ items: [Hotline], on db: any Database) async throws -> [HotlineDTO] {
        let ids = Array(Set(items.map(\.orgID)))
        let orgs = ids.isEmpty ? [:] : Dictionary(try await Organization.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        return items.map { HotlineDTO(id: $0.id!, org: orgs[$0.orgID]?.code ?? "", orgName: orgs[$0.orgID]?.name ?? "", label: $0.label, number: $0.number, hours: $0.hours) }
    }
}

struct TicketDTO: Content {
    let id: UUID
    let code: String
    let org: UUID
    let channel: Ticket.Channel
    let subject: String
    let body: String
    let citizenName: String
    let citizenPhone: String
    let status: Ticket.Status
    let receivedAt: Date
    let dueAt: Date
    let late: Bool
    let answer: String
    let answeredAt: Date?
    let answeredBy: String?
    let escalatedAt: Date?
    let loggedBy: String

    init(_ t: Ticket, now: Date = Date()) {
        id = t.id!; code = t.code; org = t.orgID; channel = t.channel; subject = t.subject; body = t.body; citizenName = t.citizenName
        citizenPhone = t.citizenPhone; status = t.status; receivedAt = t.receivedAt; dueAt = t.dueAt
        late = t.status == .open ? now > t.dueAt : (t.answeredAt.map { $0 > t.dueAt } ?? false)
        answer = t.answer; answeredAt = t.answeredAt; answeredBy = t.answeredBy; escalatedAt = t.escalatedAt; loggedBy = t.loggedBy
    }
}

/// What anyone with a ticket's code sees; the answer only with the phone given.
struct PublicTicketDTO: Content {
    let code: String
    let agency: String
    let subject: String?
    let status: Ticket.Status
    let receivedAt: Date
    let dueAt: Date
    let answeredAt: Date?
    let answer: String?
    let verified: Bool
}

struct DutyRotaDTO: Content {
    struct Cell: Content { let staffId: UUID; let name: String; let date: String; let shift: String; let startsAt: Date; let endsAt: Date }
    let id: UUID
    let org: UUID
    let startDate: String
    let days: Int
    let shifts: [DutyRota.ShiftSpec]
    let demand: Int
    let skill: String
    let dutyPhone: String
    let status: DutyRota.Status
    let report: DutyRotaService.Report
    let cells: [Cell]?

    static func make(_ r: DutyRota, cells: Bool, on db: any Database) async throws -> DutyRotaDTO {
        var list: [Cell]?
        if cells {
            let rows = try await DutyRotaService.cells(r, on: db)
            let people = Dictionary(uniqueKeysWithValues: try await StaffMember.query(on: db).filter(\.$id ~~ Array(Set(rows.map(\.staffID)))).all().map { ($0.id!, $0.fullName) })
            list = rows.map { Cell(staffId: $0.staffID, name: people[$0.staffID] ?? "", date: $0.date, shift: $0.shift, startsAt: $0.startsAt, endsAt: $0.endsAt) }
        }
        return DutyRotaDTO(id: r.id!, org: r.orgID, startDate: r.startDate, days: r.days, shifts: r.shifts, demand: r.demand, skill: r.skill,
                           dutyPhone: r.dutyPhone, status: r.status, report: DutyRotaService.report(r), cells: list)
    }
}

enum HotlineAPI {
    static func register(_ api: any RoutesBuilder) {
        api.get("public", "hotlines", use: hotlines)
        api.get("public", "on-duty", use: onDuty)
        api.post("public", "tickets", use: submit)
        api.get("public", "tickets", ":code", use: lookup)
        api.post("hotlines", use: createHotline)
        api.delete("hotlines", ":id", use: removeHotline)
        api.get("tickets", use: tickets)
        api.post("tickets", use: logTicket)
        api.get("tickets", ":id", use: ticket)
        api.post("tickets", ":id", "answer", use: answer)
        api.get("duty-rotas", use: rotas)
        api.post("duty-rotas", use: generate)
        api.get("duty-rotas", ":id", use: rota)
        api.post("duty-rotas", ":id", "publish", use: publish)
    }

    // MARK: - Public

    @Sendable static func hotlines(req: Request) async throws -> ListResponse<HotlineDTO> {
        let org = try await PublicServiceAPI.publicOrg(req.query[String.self, at: "org"], on: req.db)
        let page = try await HotlineService.list(q: req.query[String.self, at: "q"], under: org?.path, page: try PageRequest(req), on: req.db)
        return ListResponse(Paged(items: try await HotlineDTO.list(page.items, on: req.db), total: page.total, page: page.page))
    }

    @Sendable static func onDuty(req: Request) async throws -> [DutyRotaService.OnDuty] {
        let org = try await PublicServiceAPI.publicOrg(req.query[String.self, at: "org"], on: req.db)
        return try await DutyRotaService.onDuty(under: org?.path, on: req.db)
    }

    struct Receipt: Content { let code: String; let dueAt: Date }

    @Sendable static func submit(req: Request) async throws -> Response {
        guard req.application.publicLimits.apply.allow(req.clientAddress) else { throw AppError.tooManyRequests }
        let t = try await TicketService.submit(try req.content.decode(TicketService.Input.self), on: req.db)
        return try await Receipt(code: t.code, dueAt: t.dueAt).encodeResponse(status: .created, for: req)
    }

    static func publicTicket(_ req: Request, code: String, phone: String?) async throws -> PublicTicketDTO {
        guard req.application.publicLimits.lookup.allow(req.clientAddress) else { throw AppError.tooManyRequests }
        guard let t = try await TicketService.byCode(code, on: req.db) else { throw AppError.notFound("") }
        var verified = false
        if let phone, !phone.isEmpty {
            let key = t.code + "/ticket"
            guard !req.application.publicLimits.wrongPhone.exceeded(key) else { throw AppError.tooManyRequests }
            verified = !t.citizenPhone.isEmpty && PhoneNumber.normalize(phone) == t.citizenPhone
            if !verified { req.application.publicLimits.wrongPhone.note(key) }
        }
        let org = try await Organization.find(t.orgID, on: req.db)
        return PublicTicketDTO(code: t.code, agency: org?.name ?? "", subject: verified ? t.subject : nil, status: t.status, receivedAt: t.receivedAt,
                               dueAt: t.dueAt, answeredAt: t.answeredAt, answer: verified && !t.answer.isEmpty ? t.answer : nil, verified: verified)
    }

    @Sendable static func lookup(req: Request) async throws -> PublicTicketDTO {
        try await publicTicket(req, code: req.parameters.get("code") ?? "", phone: req.query[String.self, at: "phone"])
    }

    // MARK: - The unit

    @Sendable static func createHotline(req: Request) async throws -> Response {
        let h = try await HotlineService.create(try req.content.decode(HotlineService.Input.self), actor: try req.requireActor(), on: req.db)
        return try await HotlineDTO.list([h], on: req.db)[0].encodeResponse(status: .created, for: req)
    }

    @Sendable static func removeHotline(req: Request) async throws -> HTTPStatus {
        try await HotlineService.remove(try req.idParameter(), actor: try req.requireActor(), on: req.db)
        return .noContent
    }

    @Sendable static func tickets(req: Request) async throws -> ListResponse<TicketDTO> {
        let actor = try req.requireActor()
        let org = try await req.orgFilter(actor)
        let raw = req.query[String.self, at: "status"] ?? "open"
        guard let tab = TicketService.Tab(rawValue: raw) else { throw AppError.badRequest("status: \(raw)") }
        let page = try await TicketService.list(tab: tab, under: org?.path, actor: actor, page: try PageRequest(req), on: req.db)
        return ListResponse(page.map { TicketDTO($0) })
    }

    @Sendable static func logTicket(req: Request) async throws -> Response {
        let t = try await TicketService.log(try req.content.decode(TicketService.Input.self), actor: try req.requireActor(), on: req.db)
        return try await TicketDTO(t).encodeResponse(status: .created, for: req)
    }

    @Sendable static func ticket(req: Request) async throws -> TicketDTO {
        TicketDTO(try await TicketService.find(try req.idParameter(), actor: try req.requireActor(), on: req.db))
    }

    struct AnswerInput: Content { var answer: String? }

    @Sendable static func answer(req: Request) async throws -> TicketDTO {
        let input = try req.content.decode(AnswerInput.self)
        return TicketDTO(try await TicketService.answer(try req.idParameter(), text: input.answer, actor: try req.requireActor(), on: req.db))
    }

    @Sendable static func rotas(req: Request) async throws -> ListResponse<DutyRotaDTO> {
        let actor = try req.requireActor()
        try actor.require(.readStaff)
        let prefix = try await req.orgFilter(actor)?.path ?? actor.visiblePrefix
        let q = DutyRota.query(on: req.db)
        if prefix != "/" { q.filter(\.$orgPath =~ prefix) }
        let page = try PageRequest(req)
        let total = try await q.count()
        var items: [DutyRotaDTO] = []
        for r in try await q.sort(\.$startDate, .descending).sort(\.$createdAt, .descending).range(page.offset..<(page.offset + page.per)).all() {
            items.append(try await DutyRotaDTO.make(r, cells: false, on: req.db))
        }
        return ListResponse(Paged(items: items, total: total, page: page))
    }

    @Sendable static func generate(req: Request) async throws -> Response {
        let r = try await DutyRotaService.generate(try req.content.decode(DutyRotaService.GenerateInput.self), actor: try req.requireActor(), on: req.db)
        return try await DutyRotaDTO.make(r, cells: true, on: req.db).encodeResponse(status: .created, for: req)
    }

    @Sendable static func rota(req: Request) async throws -> DutyRotaDTO {
        try await DutyRotaDTO.make(try await DutyRotaService.find(try req.idParameter(), actor: try req.requireActor(), on: req.db), cells: true, on: req.db)
    }

    @Sendable static func publish(req: Request) async throws -> DutyRotaDTO {
        try await DutyRotaDTO.make(try await DutyRotaService.publish(try req.idParameter(), actor: try req.requireActor(), on: req.db), cells: false, on: req.db)
    }
}
