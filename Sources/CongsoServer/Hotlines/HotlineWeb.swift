import CongsoCore
import Fluent
import Vapor

/// The public hotline page (every unit's numbers, searchable without accents, and who is on
/// duty now), written feedback and its lookup by code — all without signing in or JavaScript —
/// and the unit's ticket pages: the list by deadline, logging a call, answering.
enum HotlineWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("hotlines", use: index)
        web.get("hotlines", "feedback", use: feedbackForm)
        web.post("hotlines", "feedback", use: feedback)
        web.get("hotlines", "track", use: track)
        web.get("tickets", use: tickets)
        web.post("tickets", use: logTicket)
        web.get("tickets", ":id", use: ticket)
        web.post("tickets", ":id", "answer", use: answer)
    }

    // MARK: - Public

    struct Row: Encodable { let org: String; let label: String; let number: String; let dial: String; let hours: String }
    struct DutyRow: Encodable { let org: String; let name: String; let shift: String; let until: String; let phone: String; let dial: String }
    struct IndexData: Encodable {
        let q: String
        let rows: [Row]
        let total: Int
        let duty: [DutyRow]
        let hasDuty: Bool
        let pages: [PageLink]
        let prev: String?
        let next: String?
    }

    @Sendable static func index(req: Request) async throws -> Response {
        let q = req.query[String.self, at: "q"] ?? ""
        let page = try PageRequest(req)
        let paged = try await HotlineService.list(q: q, page: page, on: req.db)
        let rows = try await HotlineDTO.list(paged.items, on: req.db).map {
            Row(org: $0.orgName, label: $0.label, number: $0.number, dial: $0.number.filter { $0.isNumber || $0 == "+" }, hours: $0.hours)
        }
        let duty = try await DutyRotaService.onDuty(on: req.db).map {
            DutyRow(org: $0.orgName, name: $0.name, shift: $0.shift, until: DisplayDate.time($0.until), phone: $0.dutyPhone,
                    dial: $0.dutyPhone.filter { $0.isNumber || $0 == "+" })
        }
        let bar = PageLinks.make(base: ["q": q], page: page.page, pageCount: paged.pageCount)
        return try await WebPage.render(req, "hotlines/index", title: req.t("hotlines_title"), nav: "hotlines",
                                        data: IndexData(q: q, rows: rows, total: paged.total, duty: duty, hasDuty: !duty.isEmpty, pages: bar.links, prev: bar.prev, next: bar.next))
    }

    struct FeedbackData: Encodable { let orgs: [FormOption]; let form: TicketService.Input; let error: String? }

    static func feedbackPage(_ req: Request, form: TicketService.Input = .init(), error: String? = nil) async throws -> Response {
        // Agencies that publish a hotline take written feedback.
        let ids = Array(Set(try await Hotline.query(on: req.db).filter(\.$active == true).all(\.$orgID)))
        let orgs = ids.isEmpty ? [] : try await Organization.query(on: req.db).filter(\.$id ~~ ids).sort(\.$sortKey).all()
            .map { FormOption(value: $0.code, label: $0.name, selected: $0.code == form.org) }
        let response = try await WebPage.render(req, "hotlines/feedback", title: req.t("feedback_title"), nav: "hotlines",
                                                data: FeedbackData(orgs: orgs, form: form, error: error))
        if error != nil { response.status = .unprocessableEntity }
        return response
    }

    @Sendable static func feedbackForm(req: Request) async throws -> Response { try await feedbackPage(req) }

    @Sendable static func feedback(req: Request) async throws -> Response {
        let form = try req.content.decode(TicketService.Input.self)
        guard req.application.publicLimits.apply.allow(req.clientAddress) else { return try await feedbackPage(req, form: form, error: req.t("err.too_many_requests")) }
        do {
            let t = try await TicketService.submit(form, on: req.db)
            WebPage.flash(req, "flash.feedback_sent")
            return req.redirect(to: "/hotlines/track?code=\(t.code)&new=1")
        } catch let e as AppError where e.status == .unprocessableEntity {
            return try await feedbackPage(req, form: form, error: req.t("err." + e.code, detail: e.detail))
        }
    }

    struct TrackData: Encodable {
        let code: String; let phone: String; let isNew: Bool; let found: Bool; let error: String?
        let agency: String?; let status: String?; let statusKey: String?; let received: String?; let due: String?
        let answered: String?; let subject: String?; let answer: String?; let verified: Bool
    }

    @Sendable static func track(req: Request) async throws -> Response {
        let code = (req.query[String.self, at: "code"] ?? "").trimmingCharacters(in: .whitespaces)
        let phone = req.query[String.self, at: "phone"] ?? ""
        var t: PublicTicketDTO?, error: String?
        if !code.isEmpty {
            do { t = try await HotlineAPI.publicTicket(req, code: code, phone: phone) } catch let e as AppError where e.status == .notFound || e.status == .tooManyRequests {
                error = e.status == .notFound ? req.t("feedback_not_found") : req.t("err.too_many_requests")
            }
        }
        let data = TrackData(code: t?.code ?? code, phone: phone, isNew: req.query[String.self, at: "new"] == "1", found: t != nil, error: error,
                             agency: t?.agency, status: t.map { req.t("ticket_status_" + $0.status.rawValue) }, statusKey: t?.status.rawValue,
                             received: t.map { DisplayDate.format($0.receivedAt) }, due: t.map { DisplayDate.format($0.dueAt) },
                             answered: t?.answeredAt.map { DisplayDate.format($0) }, subject: t?.subject, answer: t?.answer, verified: t?.verified ?? false)
        return try await WebPage.render(req, "hotlines/track", title: req.t("feedback_track_title"), nav: "hotlines", data: data)
    }

    // MARK: - The unit's tickets

    struct TicketRow: Encodable {
        let id: String; let code: String; let subject: String; let channel: String; let received: String; let due: String; let late: Bool
        let status: String; let escalated: Bool
    }
    struct TicketsData: Encodable {
        let tabs: [FormOption]
        let rows: [TicketRow]
        let total: Int
        let orgs: [FormOption]
        let canLog: Bool
        let pages: [PageLink]
        let prev: String?
        let next: String?
    }

    @Sendable static func tickets(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let tab = TicketService.Tab(rawValue: req.query[String.self, at: "tab"] ?? "") ?? .open
        let org = try await req.orgFilter(actor)
        let page = try PageRequest(req)
        let paged = try await TicketService.list(tab: tab, under: org?.path, actor: actor, page: page, on: req.db)
        let now = Date()
        let rows = paged.items.map { t in
            TicketRow(id: t.id!.uuidString, code: t.code, subject: t.subject, channel: req.t("ticket_channel_" + t.channel.rawValue),
                      received: DisplayDate.format(t.receivedAt), due: DisplayDate.format(t.dueAt), late: t.status == .open && now > t.dueAt,
                      status: req.t("ticket_status_" + t.status.rawValue), escalated: t.escalatedAt != nil)
        }
        let bar = PageLinks.make(base: ["tab": tab.rawValue], page: page.page, pageCount: paged.pageCount)
        return try await WebPage.render(req, "hotlines/tickets", title: req.t("tickets_title"), nav: "tickets", data: TicketsData(
            tabs: TicketService.Tab.allCases.map { FormOption(value: $0.rawValue, label: req.t("tickets_tab_" + $0.rawValue), selected: $0 == tab) },
            rows: rows, total: paged.total, orgs: try await OrgOptions.tree(actor: actor, selected: nil, on: req.db), canLog: actor.has(.handleTickets),
            pages: bar.links, prev: bar.prev, next: bar.next))
    }

    struct LogForm: Content {
        var org: String?; var channel: String?; var subject: String?; var body: String?; var citizenName: String?; var citizenPhone: String?
        var responseHours: String?
    }

    @Sendable static func logTicket(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(LogForm.self)
        var created: Ticket?
        let back = try await FormAction.run(req, back: "/tickets", flash: "flash.ticket_logged") {
            created = try await TicketService.log(.init(org: f.org, channel: f.channel, subject: f.subject, body: f.body, citizenName: f.citizenName,
                                                        citizenPhone: f.citizenPhone, responseHours: try FormNumber.parse(f.responseHours, code: "ticket.hours_invalid")),
                                                  actor: actor, on: req.db)
        }
        if let t = created { return req.redirect(to: "/tickets/\(t.id!)") }
        return back
    }

    struct TicketData: Encodable {
        let id: String; let code: String; let org: String; let channel: String; let subject: String; let body: String?; let name: String?
        let phone: String; let status: String; let statusKey: String; let received: String; let due: String; let late: Bool
        let answer: String?; let answered: String?; let answeredBy: String?; let escalated: String?; let loggedBy: String; let open: Bool
    }

    @Sendable static func ticket(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let t = try await TicketService.find(try req.idParameter(), actor: actor, on: req.db)
        let org = try await Organization.find(t.orgID, on: req.db)
        let data = TicketData(id: t.id!.uuidString, code: t.code, org: org?.name ?? "", channel: req.t("ticket_channel_" + t.channel.rawValue),
                              subject: t.subject, body: t.body.isEmpty ? nil : t.body, name: t.citizenName.isEmpty && t.citizenPhone.isEmpty ? nil : t.citizenName, phone: t.citizenPhone,
                              status: req.t("ticket_status_" + t.status.rawValue), statusKey: t.status.rawValue,
                              received: DisplayDate.format(t.receivedAt), due: DisplayDate.format(t.dueAt), late: t.status == .open && Date() > t.dueAt,
                              answer: t.answer.isEmpty ? nil : t.answer, answered: t.answeredAt.map { DisplayDate.format($0) }, answeredBy: t.answeredBy,
                              escalated: t.escalatedAt.map { DisplayDate.format($0) }, loggedBy: t.loggedBy.isEmpty ? req.t("app_by_citizen") : t.loggedBy,
                              open: t.status == .open)
        return try await WebPage.render(req, "hotlines/ticket", title: "\(req.t("ticket_title")) \(t.code)", nav: "tickets", data: data)
    }

    struct AnswerForm: Content { var answer: String? }

    @Sendable static func answer(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        let f = try req.content.decode(AnswerForm.self)
        return try await FormAction.run(req, back: "/tickets/\(id)", flash: "flash.ticket_answered") {
            _ = try await TicketService.answer(id, text: f.answer, actor: actor, on: req.db)
        }
    }
}
