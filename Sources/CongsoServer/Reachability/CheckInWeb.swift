import CongsoCore
import Fluent
import Vapor

/// "Điểm danh": staff confirm with one tap; leaders send check-ins and see who has not
/// answered, with their phone numbers.
enum CheckInWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("checkins", use: index)
        web.post("checkins", use: send)
        web.get("checkins", ":id", use: show)
        web.post("checkins", ":id", "answer", use: answer)
    }

    struct Pending: Encodable { let id: String; let message: String; let sentBy: String; let due: String; let answered: Bool; let answeredAt: String }
    struct Sent: Encodable { let id: String; let message: String; let org: String; let at: String; let answered: Int; let asked: Int }
    struct IndexData: Encodable {
        let mine: [Pending]
        let hasMine: Bool
        let canSend: Bool
        let orgs: [FormOption]
        let sent: [Sent]
        let hasSent: Bool
        let error: String?
        let pages: [PageLink]
        let prev: String?
        let next: String?
        let total: Int
    }

    static func indexPage(_ req: Request, error: String?) async throws -> Response {
        let actor = try req.requireActor()
        let mine = try await CheckInService.mine(actor, on: req.db).map { c, a in
            Pending(id: c.id!.uuidString, message: c.message, sentBy: c.sentBy, due: DisplayDate.format(c.dueAt),
                    answered: a.answeredAt != nil, answeredAt: DisplayDate.format(a.answeredAt))
        }
        let page = try PageRequest(req)
        let sent = try await CheckInService.sent(actor, page: page, on: req.db)
        let names = try await OrgService.names(sent.items.map(\.orgID), on: req.db)
        let counts = try await CheckInService.counts(sent.items.map { $0.id! }, on: req.db)
        let rows = sent.items.map { c in
            Sent(id: c.id!.uuidString, message: c.message, org: names[c.orgID] ?? "", at: DisplayDate.format(c.createdAt),
                 answered: counts[c.id!]?.answered ?? 0, asked: counts[c.id!]?.asked ?? 0)
        }
        let canSend = actor.has(.manageReports)
        let nav = PageLinks.make(base: [:], page: page.page, pageCount: sent.pageCount)
        let data = IndexData(mine: mine, hasMine: !mine.isEmpty, canSend: canSend,
                             orgs: canSend ? try await OrgOptions.tree(actor: actor, selected: nil, on: req.db) : [],
                             sent: rows, hasSent: !rows.isEmpty, error: error, pages: nav.links, prev: nav.prev, next: nav.next, total: sent.total)
        let response = try await WebPage.render(req, "reachability/index", title: req.t("checkins_title"), nav: "checkins", data: data)
        if error != nil { response.status = .unprocessableEntity }
        return response
    }

    @Sendable static func index(req: Request) async throws -> Response { try await indexPage(req, error: nil) }

    struct Form: Content { var org: String?; var message: String?; var minutes: String? }

    @Sendable static func send(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(Form.self)
        do {
            let minutes = try FormNumber.parse(f.minutes, code: "checkin.minutes_invalid")
            let c = try await CheckInService.send(.init(org: f.org, message: f.message, minutes: minutes), actor: actor, on: req.db)
            WebPage.flash(req, "flash.checkin_sent")
            return req.redirect(to: "/checkins/\(c.id!)")
        } catch let e as AppError where [.unprocessableEntity, .forbidden, .notFound].contains(e.status) && e.code != "not_found" {
            return try await indexPage(req, error: req.t("err." + e.code, detail: e.detail))
        }
    }

    @Sendable static func answer(req: Request) async throws -> Response {
        _ = try await CheckInService.answer(try req.idParameter(), actor: try req.requireActor(), on: req.db)
        WebPage.flash(req, "flash.checkin_answered")
        return req.redirect(to: "/checkins")
    }

    struct ShowData: Encodable {
        let status: CheckInService.StatusDTO
        let sentAt: String
        let dueAt: String
        let people: [Person]
        let hasPeople: Bool
    }
    struct Person: Encodable { let name: String; let unit: String; let phone: String }

    @Sendable static func show(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let c = try await CheckInService.find(try req.idParameter(), actor: actor, on: req.db)
        let s = try await CheckInService.status(c, on: req.db)
        let data = ShowData(status: s, sentAt: DisplayDate.format(s.sentAt), dueAt: DisplayDate.format(s.dueAt),
                            people: s.unanswered.map { Person(name: $0.name, unit: $0.unit, phone: $0.phone) }, hasPeople: !s.unanswered.isEmpty)
        return try await WebPage.render(req, "reachability/show", title: c.message, nav: "checkins", data: data)
    }
}
