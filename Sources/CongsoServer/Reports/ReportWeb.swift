import CongsoCore
import Fluent
import Vapor

/// "Báo cáo": hand in today's report; leaders see rates per unit, rolled up the tree,
/// with who has not reported, set their windows and ask for ad-hoc reports.
enum ReportWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("reports", use: index)
        web.post("reports", use: submit)
        web.get("reports", "rates", use: rates)
        web.post("reports", "schedule", use: setSchedule)
        web.post("reports", "requests", use: createRequest)
        web.get("reports", "requests", ":id", use: requestPage)
    }

    struct Choice: Encodable { let value: String; let label: String; let selected: Bool }
    struct Mine: Encodable { let when: String; let slot: String; let done: String; let onTime: Bool; let location: String }
    struct IndexData: Encodable {
        let canReport: Bool
        let targets: [Choice]
        let hasTargets: Bool
        let form: Form
        let mine: [Mine]
        let hasMine: Bool
        let canRates: Bool
        let error: String?
        let pages: [PageLink]
        let prev: String?
        let next: String?
        let total: Int
    }

    struct Form: Content {
        var target: String?
        var done: String?
        var next: String?
        var blockers: String?
        var location: String?
    }

    static func indexPage(_ req: Request, form: Form, error: String?) async throws -> Response {
        let actor = try req.requireActor()
        let now = Date()
        var targets: [Choice] = []
        let wanted = (form.target ?? req.query[String.self, at: "request"].flatMap(UUID.init(uuidString:)).map { ReportSlot.request($0).stored })
            .flatMap(ReportTarget.init(formValue:))
        func choice(_ target: ReportTarget, _ label: String) -> Choice {
            Choice(value: target.formValue, label: label, selected: wanted == target)
        }
        if actor.staffID != nil {
            let person = try await ReportService.me(actor, on: req.db)
            let today = LocalDate.of(now)
            for w in try await ReportService.openedToday(for: person, now: now, on: req.db) {
                let label = req.t(w.isOpen(at: now) ? "reports_window_open" : "reports_window_late", detail: "\(w.slot) \(today.vietnamese)")
                targets.append(choice(ReportTarget(slot: .window(w.slot)), label))
            }
            // Windows of the last days still owed can be handed in late.
            for w in try await ReportService.missed(by: person, now: now, on: req.db) {
                targets.append(choice(ReportTarget(date: w.date, slot: .window(w.slot)),
                                      req.t("reports_window_late", detail: "\(w.slot) \(w.date.vietnamese)")))
            }
            for r in try await ReportService.requests(visibleTo: actor, page: PageRequest(page: 1, per: 20), on: req.db).items
            where r.deadline > now.addingTimeInterval(-86_400) {
                targets.append(choice(ReportTarget(slot: .request(r.id!)),
                                      req.t("reports_request_label", detail: "\(r.title) — \(DisplayDate.format(r.deadline))")))
            }
        }
        let page = try PageRequest(req)
        let mine = try await ReportService.mine(actor, page: page, on: req.db)
        let titles = Dictionary(uniqueKeysWithValues: try await ReportRequest.query(on: req.db)
            .filter(\.$id ~~ mine.items.compactMap { DailyReportDTO($0).requestId }).all().map { ($0.id!, $0.title) })
        let rows = mine.items.map { r in
            Mine(when: DisplayDate.format(r.submittedAt),
                 slot: DailyReportDTO(r).requestId.flatMap { titles[$0] } ?? "\(r.slot) \(LocalDate(r.date)?.vietnamese ?? r.date)",
                 done: r.done, onTime: r.onTime, location: req.t("reports_location_" + r.location.rawValue))
        }
        let nav = PageLinks.make(base: [:], page: page.page, pageCount: mine.pageCount)
        let data = IndexData(canReport: actor.staffID != nil, targets: targets, hasTargets: !targets.isEmpty, form: form, mine: rows,
                             hasMine: !rows.isEmpty, canRates: actor.has(.readReports), error: error,
                             pages: nav.links, prev: nav.prev, next: nav.next, total: mine.total)
        let response = try await WebPage.render(req, "reports/index", title: req.t("reports_title"), nav: "reports", data: data)
        if error != nil { response.status = .unprocessableEntity }
        return response
    }

    @Sendable static func index(req: Request) async throws -> Response { try await indexPage(req, form: Form(location: "remote"), error: nil) }

    static let refusals: [HTTPResponseStatus] = [.unprocessableEntity, .forbidden, .notFound, .conflict]

    @Sendable static func submit(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(Form.self)
        var input = ReportService.Input(done: f.done, next: f.next, blockers: f.blockers, location: f.location)
        if let raw = f.target, !raw.isEmpty {
            guard let target = ReportTarget(formValue: raw) else { return try await indexPage(req, form: f, error: req.t("err.not_found", detail: raw)) }
            target.apply(to: &input)
        }
        do {
            _ = try await ReportService.submit(input, actor: actor, on: req.db)
            WebPage.flash(req, "flash.report_sent")
            return req.redirect(to: "/reports")
        } catch let e as AppError where refusals.contains(e.status) {
            return try await indexPage(req, form: f, error: req.t("err." + e.code, detail: e.detail))
        }
    }

    // MARK: - Rates

    struct Stat: Encodable { let slot: String; let title: String; let href: String; let current: Bool }
    struct Line: Encodable { let name: String; let href: String; let expected: Int; let received: Int; let onTime: Int; let rate: String }
    struct Missing: Encodable { let name: String; let unit: String }
    struct Req: Encodable { let id: String; let title: String; let deadline: String }
    struct RatesData: Encodable {
        let org: String
        let orgCode: String
        let date: String
        let dateLabel: String
        let tabs: [Stat]
        let hasWindow: Bool
        let notOpen: Bool
        let windowTitle: String
        let period: String
        let expected: Int
        let received: Int
        let onTime: Int
        let late: Int
        let rate: String
        let missing: [Missing]
        let hasMissing: Bool
        let missingCount: Int
        let missingMore: Int
        let lines: [Line]
        let hasLines: Bool
        let canManage: Bool
        let schedule: ReportService.ScheduleDTO?
        let scheduleTimes: String
        let scheduleDays: String
        let inherited: Bool
        let requests: [Req]
        let hasRequests: Bool
        let defaultDeadline: String
        let isRequest: Bool
        let error: String?
    }

    static func format(_ d: Double) -> String {
        d == d.rounded() ? String(Int(d)) : String(format: "%.1f", d)
    }

    static func ratesPage(_ req: Request, dto: ReportRatesDTO, slot: String?, isRequest: Bool, error: String?) async throws -> Response {
        let actor = try req.requireActor()
        guard let org = try await Organization.find(dto.org.id, on: req.db) else { throw AppError.notFound("") }
        // By default the window open now, else the last one that opened, else the first.
        let now = Date()
        let current = dto.windows.first { $0.slot == slot } ?? dto.windows.last { ($0.opensAt ?? .distantFuture) <= now } ?? dto.windows.first
        let date = LocalDate(dto.date)!
        let tabs = isRequest ? [] : dto.windows.map { w in
            Stat(slot: w.slot, title: w.slot, href: "/reports/rates?org=\(org.code)&date=\(dto.date)&window=\(w.slot)", current: w.slot == current?.slot)
        }
        let lines = (current?.children ?? []).map { l in
            Line(name: l.org.name, href: "/reports/rates?org=\(l.org.code)&date=\(dto.date)&window=\(current?.slot ?? "")",
                 expected: l.expected, received: l.received, onTime: l.onTime, rate: format(l.rate))
        }
        let canManage = actor.may(.manageReports, on: org.orgPath) && !isRequest
        let schedule = canManage ? try await ReportService.scheduleDTO(org, on: req.db) : nil
        let reqs = canManage ? try await ReportRequest.query(on: req.db).filter(\.$orgPath =~ org.path)
            .sort(\.$deadline, .descending).limit(10).all() : []
        // "07:00 – 08:00" for a day's window; full dates for an ad-hoc request.
        let period = current.map { w in
            [w.opensAt, w.closesAt].compactMap { $0 }.map { isRequest ? DisplayDate.format($0) : String(DisplayDate.format($0).suffix(5)) }
                .joined(separator: " – ")
        } ?? ""
        // The page lists the first hundred; the API gives up to 500 and the total.
        let missing = Array((current?.missing ?? []).prefix(100))
        let notOpen = (current?.opensAt ?? .distantPast) > now
        let data = RatesData(
            org: org.name, orgCode: org.code, date: dto.date, dateLabel: date.vietnamese, tabs: tabs, hasWindow: current != nil, notOpen: notOpen,
            windowTitle: current?.title ?? current?.slot ?? "", period: period,
            expected: current?.expected ?? 0, received: current?.received ?? 0, onTime: current?.onTime ?? 0, late: current?.late ?? 0,
            rate: format(current?.rate ?? 0), missing: missing.map { Missing(name: $0.name, unit: $0.unit) }, hasMissing: !missing.isEmpty,
            missingCount: current?.missingTotal ?? 0, missingMore: (current?.missingTotal ?? 0) - missing.count, lines: lines, hasLines: !lines.isEmpty, canManage: canManage,
            schedule: schedule, scheduleTimes: schedule?.times.joined(separator: ", ") ?? "", scheduleDays: schedule.map { s in
                (try? ReportSchedule(times: s.times.joined(separator: ","), minutes: s.minutes, days: s.days.map(String.init).joined(separator: ",")))?.daysText ?? ""
            } ?? "", inherited: schedule.map { !$0.own } ?? false,
            requests: reqs.map { Req(id: $0.id!.uuidString, title: $0.title, deadline: DisplayDate.format($0.deadline)) }, hasRequests: !reqs.isEmpty,
            defaultDeadline: defaultDeadline(), isRequest: isRequest, error: error)
        let title = isRequest ? (current?.title ?? req.t("reports_rates_title")) : req.t("reports_rates_title")
        let response = try await WebPage.render(req, "reports/rates", title: title, nav: "reports", data: data)
        if error != nil { response.status = .unprocessableEntity }
        return response
    }

    /// Two hours from now, as a Hanoi datetime-local value.
    static func defaultDeadline() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = LocalDate.timeZone
        f.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return f.string(from: Date().addingTimeInterval(2 * 3600))
    }

    static func ratesFor(_ req: Request) async throws -> (ReportRatesDTO, String?) {
        let actor = try req.requireActor()
        let (org, date) = try await req.orgAndDay(actor)
        let slot = req.query[String.self, at: "window"].flatMap { $0.isEmpty ? nil : $0 }
        // A window the day does not have falls back to the whole day.
        let dto = try await ReportRates.rates(org, date: date, slot: nil, actor: actor, on: req.db)
        return (dto, slot)
    }

    @Sendable static func rates(req: Request) async throws -> Response {
        let (dto, slot) = try await ratesFor(req)
        return try await ratesPage(req, dto: dto, slot: slot, isRequest: false, error: nil)
    }

    struct ScheduleForm: Content { var org: String?; var times: String?; var minutes: String?; var days: String?; var inherit: String? }

    @Sendable static func setSchedule(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(ScheduleForm.self)
        do {
            let minutes = try FormNumber.parse(f.minutes, code: "report.minutes_invalid")
            let org = try await ReportService.setSchedule(.init(org: f.org, times: f.times, minutes: minutes, days: f.days,
                                                                inherit: f.inherit == "1"), actor: actor, on: req.db)
            WebPage.flash(req, "flash.report_schedule")
            return req.redirect(to: "/reports/rates?org=\(org.code)")
        } catch let e as AppError where refusals.contains(e.status) && e.code != "not_found" {
            let (dto, slot) = try await ratesFor(req)
            return try await ratesPage(req, dto: dto, slot: slot, isRequest: false, error: req.t("err." + e.code, detail: e.detail))
        }
    }

    struct RequestForm: Content { var org: String?; var title: String?; var deadline: String? }

    @Sendable static func createRequest(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(RequestForm.self)
        do {
            let r = try await ReportService.request(.init(org: f.org, title: f.title, deadline: f.deadline), actor: actor, on: req.db)
            WebPage.flash(req, "flash.report_requested")
            return req.redirect(to: "/reports/requests/\(r.id!)")
        } catch let e as AppError where refusals.contains(e.status) && e.code != "not_found" {
            let (dto, slot) = try await ratesFor(req)
            return try await ratesPage(req, dto: dto, slot: slot, isRequest: false, error: req.t("err." + e.code, detail: e.detail))
        }
    }

    @Sendable static func requestPage(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let r = try await ReportService.findRequest(try req.idParameter(), actor: actor, on: req.db)
        return try await ratesPage(req, dto: try await ReportRates.rates(r, actor: actor, on: req.db), slot: nil, isRequest: true, error: nil)
    }
}
