import CongsoCore
import Fluent
import Vapor

/// Pages for on-site requests, the presence register and cap exceptions.
enum OnSiteWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("onsite", use: onsite)
        web.post("onsite", use: request)
        web.post("onsite", ":id", "approve", use: approve)
        web.post("onsite", ":id", "reject", use: reject)
        web.get("presence", use: presence)
        web.post("presence", "check-in", use: checkIn)
        web.post("presence", "check-out", use: checkOut)
        web.get("exceptions", use: exceptions)
        web.post("exceptions", use: file)
        web.get("exceptions", ":id", use: exception)
        web.post("exceptions", ":id", "forward", use: forward)
        web.post("exceptions", ":id", "decide", use: decide)
    }

    static func errorText(_ req: Request, _ e: AppError) -> String { req.t("err." + e.code, detail: e.detail) }

    // MARK: - On-site requests

    struct RequestRow: Encodable {
        let id: String
        let name: String
        let date: String
        let shift: String
        let reason: String
        let justification: String
        let test: String
        let status: String
        let statusLabel: String
        let comment: String
        let pending: Bool
    }
    struct OnSiteData: Encodable {
        let mine: [RequestRow]
        let hasMine: Bool
        let canRequest: Bool
        let canApprove: Bool
        let queue: [RequestRow]
        let hasQueue: Bool
        let date: String
        let orgRef: String
        let summary: String?
        let reasons: [FormOption]
        let error: String?
        let form: Form
    }
    struct Form: Codable {
        var date: String?
        var until: String?
        var shift: String?
        var reason: String?
        var justification: String?
        var testTakenOn: String?
        var testKind: String?
        var testOutcome: String?
        var staffId: String?
    }

    static func rows(_ items: [OnSiteRequest], _ req: Request) async throws -> [RequestRow] {
        let names = try await OnSiteAPI.names(items.map(\.staffID), on: req.db)
        return items.map { r in
            RequestRow(id: r.id!.uuidString, name: names[r.staffID] ?? "", date: LocalDate(r.date)?.vietnamese ?? r.date,
                       shift: req.t("shift." + r.shift.rawValue), reason: req.t("reason." + r.reason.rawValue), justification: r.justification,
                       test: r.test.map { "\(req.t("test." + $0.kind.rawValue)) \($0.takenOn.vietnamese): \(req.t("test." + $0.outcome.rawValue))" } ?? "",
                       status: r.status.rawValue, statusLabel: req.t("onsite_status." + r.status.rawValue), comment: r.decisionComment,
                       pending: r.status == .pending)
        }
    }

    static func onsitePage(_ req: Request, form: Form, error: String?) async throws -> Response {
        let actor = try req.requireActor()
        let date = try DayParameter.parse(req.query[String.self, at: "date"] ?? form.date)
        let mine = try await OnSiteService.list(.init(mineOnly: true), actor: actor, page: PageRequest(page: 1, per: 50), on: req.db)
        var queue: [OnSiteRequest] = []
        var orgRef = ""
        var summary: String?
        if actor.has(.approveOnSite) {
            let under = try await req.orgFilter(actor)
            queue = try await OnSiteService.list(.init(under: under, date: date, status: "pending"), actor: actor,
                                                 page: PageRequest(page: 1, per: 200), on: req.db).items
            var home: Organization? = under
            if home == nil, let id = actor.orgID { home = try await Organization.find(id, on: req.db) }
            if let org = home {
                orgRef = org.code
                summary = PolicyPresenter.summary(try await PolicyService.effective(for: org, on: date, db: req.db), req)
            }
        }
        let mineRows = try await rows(mine.items, req)
        let queueRows = try await rows(queue, req)
        let reasons = ExemptionReason.allCases.map { FormOption(value: $0.rawValue, label: req.t("reason." + $0.rawValue), selected: $0.rawValue == form.reason) }
        var f = form
        if f.date == nil { f.date = date.value }
        let data = OnSiteData(mine: mineRows, hasMine: !mineRows.isEmpty, canRequest: actor.has(.requestOnSite) && actor.staffID != nil,
                              canApprove: actor.has(.approveOnSite), queue: queueRows, hasQueue: !queueRows.isEmpty, date: date.value,
                              orgRef: orgRef, summary: summary, reasons: reasons, error: error, form: f)
        let page = try await WebPage.render(req, "onsite/index", title: req.t("onsite_title"), nav: "onsite", data: data)
        if error != nil { page.status = .unprocessableEntity }
        return page
    }

    @Sendable static func onsite(req: Request) async throws -> Response {
        try await onsitePage(req, form: Form(shift: "morning", reason: "officeDuty"), error: nil)
    }

    @Sendable static func request(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(Form.self)
        do {
            // From `date` to `until` (inclusive), one shift or both.
            guard let first = f.date.flatMap(LocalDate.init) else { throw AppError.invalid("date_invalid", f.date ?? "") }
            var last = first
            if let u = f.until, !u.isEmpty {
                guard let d = LocalDate(u), d >= first else { throw AppError.invalid("onsite.range_invalid", u) }
                last = d
            }
            let shifts = f.shift == "both" ? Shift.allCases.map(\.rawValue) : [f.shift ?? ""]
            var inputs: [OnSiteService.Input] = []
            var day = first
            while day <= last && inputs.count <= 62 {
                for shift in shifts {
                    inputs.append(.init(staffID: f.staffId.flatMap(UUID.init(uuidString:)), date: day.value, shift: shift, reason: f.reason,
                                        justification: f.justification, testTakenOn: f.testTakenOn, testKind: f.testKind, testOutcome: f.testOutcome))
                }
                day = day.adding(days: 1)
            }
            _ = try await OnSiteService.createMany(inputs, actor: actor, on: req.db)
            WebPage.flash(req, "flash.onsite_requested")
            return req.redirect(to: "/onsite")
        } catch let e as AppError where [.unprocessableEntity, .conflict].contains(e.status) {
            return try await onsitePage(req, form: f, error: errorText(req, e))
        }
    }

    struct DecisionForm: Content { var comment: String?; var back: String? }

    @Sendable static func approve(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let r = try await OnSiteService.find(try req.idParameter(), actor: actor, on: req.db)
        let f = try req.content.decode(DecisionForm.self)
        do {
            _ = try await OnSiteService.approve(r, comment: f.comment ?? "", actor: actor, on: req.db)
            WebPage.flash(req, "flash.approved")
        } catch let e as AppError where [.unprocessableEntity, .conflict].contains(e.status) {
            WebPage.flashError(req, errorText(req, e))
        }
        return req.redirect(to: SafeRedirect.path(f.back ?? "/onsite"))
    }

    @Sendable static func reject(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let r = try await OnSiteService.find(try req.idParameter(), actor: actor, on: req.db)
        let f = try req.content.decode(DecisionForm.self)
        do {
            _ = try await OnSiteService.reject(r, comment: f.comment ?? "", actor: actor, on: req.db)
            WebPage.flash(req, "flash.rejected")
        } catch let e as AppError where [.unprocessableEntity, .conflict].contains(e.status) {
            WebPage.flashError(req, errorText(req, e))
        }
        return req.redirect(to: SafeRedirect.path(f.back ?? "/onsite"))
    }

    // MARK: - Presence register

    struct PersonRow: Encodable { let name: String; let checkedIn: String; let checkedOut: String }
    struct UnitRow: Encodable {
        let orgID: String
        let name: String
        let shift: String
        let present: Int
        let now: Int
        let cap: Int
        let over: Bool
        let people: [PersonRow]
    }
    struct BreachRow: Encodable { let kind: String; let label: String; let unit: String; let orgID: String; let shift: String; let person: String; let detail: String }
    struct PresenceData: Encodable {
        let date: String
        let dateVN: String
        let orgRef: String
        let canCheck: Bool
        let checkedIn: Bool
        let units: [UnitRow]
        let hasUnits: Bool
        let breaches: [BreachRow]
        let hasBreaches: Bool
        let canRead: Bool
    }

    @Sendable static func presence(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let date = try DayParameter.parse(req.query[String.self, at: "date"])
        var units: [UnitRow] = []
        var breaches: [BreachRow] = []
        let under = try await req.orgFilter(actor)
        if actor.has(.readPresence) {
            let reg = try await PresenceService.register(under: under, date: date, actor: actor, on: req.db)
            units = reg.units.map { u in
                UnitRow(orgID: u.org.id!.uuidString, name: u.org.name, shift: req.t("shift." + u.shift.rawValue), present: u.present.count,
                        now: u.present.filter { $0.checkedOutAt == nil }.count, cap: u.cap, over: u.present.count > u.cap,
                        people: u.present.map { PersonRow(name: reg.staff[$0.staffID]?.fullName ?? "", checkedIn: DisplayDate.format($0.checkedInAt),
                                                          checkedOut: DisplayDate.format($0.checkedOutAt)) })
            }
            breaches = reg.breaches.map { b in
                BreachRow(kind: b.kind.rawValue, label: req.t("breach." + b.kind.rawValue), unit: b.org.name, orgID: b.org.id!.uuidString,
                          shift: req.t("shift." + b.shift), person: b.staffID.flatMap { reg.staff[$0]?.fullName } ?? "",
                          detail: b.kind == .overCap ? "\(b.count)/\(b.cap)" : "")
            }
        }
        var checkedIn = false
        if let staffID = actor.staffID {
            checkedIn = try await PresenceEntry.query(on: req.db).filter(\.$staffID == staffID).filter(\.$date == LocalDate.of(Date()).value)
                .filter(\.$checkedOutAt == nil).first() != nil
        }
        let data = PresenceData(date: date.value, dateVN: date.vietnamese, orgRef: under?.code ?? "", canCheck: actor.staffID != nil,
                                checkedIn: checkedIn, units: units, hasUnits: !units.isEmpty, breaches: breaches, hasBreaches: !breaches.isEmpty,
                                canRead: actor.has(.readPresence))
        return try await WebPage.render(req, "onsite/presence/index", title: req.t("presence_title"), nav: "presence", data: data)
    }

    @Sendable static func checkIn(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        do {
            _ = try await PresenceService.checkIn(staffID: nil, shift: nil, actor: actor, on: req.db)
            WebPage.flash(req, "flash.checked_in")
        } catch let e as AppError where [.unprocessableEntity, .conflict].contains(e.status) {
            WebPage.flashError(req, errorText(req, e))
        }
        return req.redirect(to: "/presence")
    }

    @Sendable static func checkOut(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        do {
            _ = try await PresenceService.checkOut(staffID: nil, actor: actor, on: req.db)
            WebPage.flash(req, "flash.checked_out")
        } catch let e as AppError where [.unprocessableEntity, .conflict].contains(e.status) {
            WebPage.flashError(req, errorText(req, e))
        }
        return req.redirect(to: "/presence")
    }

    // MARK: - Exceptions

    struct ExceptionRow: Encodable {
        let id: String
        let unit: String
        let requestedMax: Int
        let validFrom: String
        let validUntil: String
        let status: String
        let statusLabel: String
        let justification: String
        let opinion: String
        let decision: String
    }
    struct ExceptionsData: Encodable {
        let rows: [ExceptionRow]
        let hasRows: Bool
        let canFile: Bool
        let status: String
        let form: ExceptionForm
        let error: String?
    }
    struct ExceptionForm: Codable {
        var org: String?
        var requestedMax: String?
        var justification: String?
        var validFrom: String?
        var validUntil: String?
    }

    static func exceptionRows(_ items: [CapException], _ req: Request) async throws -> [ExceptionRow] {
        let names = try await OrgService.names(items.map(\.orgID), withParent: true, on: req.db)
        return items.map { e in
            ExceptionRow(id: e.id!.uuidString, unit: names[e.orgID] ?? "", requestedMax: e.requestedMax,
                         validFrom: LocalDate(e.validFrom)?.vietnamese ?? e.validFrom, validUntil: LocalDate(e.validUntil)?.vietnamese ?? e.validUntil,
                         status: e.status.rawValue, statusLabel: req.t("exception_status." + e.status.rawValue), justification: e.justification,
                         opinion: e.homeAffairsOpinion, decision: e.decisionComment)
        }
    }

    static func exceptionsPage(_ req: Request, form: ExceptionForm, error: String?) async throws -> Response {
        let actor = try req.requireActor()
        let status = req.query[String.self, at: "status"] ?? (actor.has(.reviewExceptions) ? "submitted" : actor.has(.decideExceptions) ? "forwarded" : "")
        let paged = try await ExceptionService.list(status: status, actor: actor, page: PageRequest(page: 1, per: 200), on: req.db)
        let rows = try await exceptionRows(paged.items, req)
        var f = form
        if f.org == nil, let id = actor.orgID { f.org = try await Organization.find(id, on: req.db)?.code }
        let data = ExceptionsData(rows: rows, hasRows: !rows.isEmpty, canFile: actor.has(.fileExceptions), status: status, form: f, error: error)
        let page = try await WebPage.render(req, "onsite/exceptions/index", title: req.t("exceptions_title"), nav: "exceptions", data: data)
        if error != nil { page.status = .unprocessableEntity }
        return page
    }

    @Sendable static func exceptions(req: Request) async throws -> Response {
        let today = LocalDate.of(Date())
        return try await exceptionsPage(req, form: ExceptionForm(validFrom: today.value, validUntil: today.adding(days: 14).value), error: nil)
    }

    @Sendable static func file(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(ExceptionForm.self)
        do {
            let e = try await ExceptionService.file(.init(org: f.org, requestedMax: f.requestedMax.flatMap { Int($0) }, justification: f.justification,
                                                          validFrom: f.validFrom, validUntil: f.validUntil), actor: actor, on: req.db)
            WebPage.flash(req, "flash.exception_filed")
            return req.redirect(to: "/exceptions/\(e.id!)")
        } catch let e as AppError where [.unprocessableEntity, .conflict, .notFound].contains(e.status) {
            return try await exceptionsPage(req, form: f, error: errorText(req, e))
        }
    }

    struct ExceptionData: Encodable {
        let row: ExceptionRow
        let canForward: Bool
        let canDecide: Bool
        let summary: String
    }

    @Sendable static func exception(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let e = try await ExceptionService.find(try req.idParameter(), actor: actor, on: req.db)
        guard let org = try await Organization.find(e.orgID, on: req.db), let from = LocalDate(e.validFrom) else { throw AppError.notFound("") }
        let summary = PolicyPresenter.summary(try await PolicyService.effective(for: org, on: max(from, LocalDate.of(Date())), db: req.db), req)
        let data = ExceptionData(row: try await exceptionRows([e], req)[0],
                                 canForward: e.status == .submitted && actor.may(.reviewExceptions, on: OrgPath(e.orgPath)),
                                 canDecide: e.status == .forwarded && actor.may(.decideExceptions, on: OrgPath(e.orgPath)), summary: summary)
        return try await WebPage.render(req, "onsite/exceptions/show", title: req.t("exceptions_one"), nav: "exceptions", data: data)
    }

    struct ForwardForm: Content { var opinion: String? }
    struct DecideForm: Content { var decision: String?; var comment: String? }

    @Sendable static func forward(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let e = try await ExceptionService.find(try req.idParameter(), actor: actor, on: req.db)
        let f = try req.content.decode(ForwardForm.self)
        do {
            _ = try await ExceptionService.forward(e, opinion: f.opinion ?? "", actor: actor, on: req.db)
            WebPage.flash(req, "flash.exception_forwarded")
        } catch let err as AppError where [.unprocessableEntity, .conflict].contains(err.status) {
            WebPage.flashError(req, errorText(req, err))
        }
        return req.redirect(to: "/exceptions/\(e.id!)")
    }

    @Sendable static func decide(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let e = try await ExceptionService.find(try req.idParameter(), actor: actor, on: req.db)
        let f = try req.content.decode(DecideForm.self)
        guard f.decision == "approve" || f.decision == "reject" else { throw AppError.invalid("exception.decision_missing", "") }
        do {
            _ = try await ExceptionService.decide(e, approve: f.decision == "approve", comment: f.comment ?? "", actor: actor, on: req.db)
            WebPage.flash(req, "flash.exception_decided")
        } catch let err as AppError where [.unprocessableEntity, .conflict].contains(err.status) {
            WebPage.flashError(req, errorText(req, err))
        }
        return req.redirect(to: "/exceptions/\(e.id!)")
    }
}
