import CongsoCore
import Fluent
import Vapor

/// "Trực 24/7": an agency's hotline numbers and duty rotas — planning one with the roster
/// solver, the grid of who is on which shift, publishing it.
enum DutyWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("duty", use: index)
        web.post("duty", use: generate)
        web.post("duty", "hotlines", use: addHotline)
        web.post("duty", "hotlines", ":id", "delete", use: removeHotline)
        web.get("duty", ":id", use: show)
        web.post("duty", ":id", "publish", use: publish)
    }

    struct RotaRow: Encodable { let id: String; let org: String; let period: String; let status: String; let statusKey: String }
    struct HotlineRow: Encodable { let id: String; let org: String; let label: String; let number: String; let hours: String }
    struct IndexData: Encodable {
        let rotas: [RotaRow]
        let hasRotas: Bool
        let hotlines: [HotlineRow]
        let hasHotlines: Bool
        let orgs: [FormOption]
        let canManage: Bool
        let today: String
    }

    @Sendable static func index(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.readStaff)
        let prefix = actor.visiblePrefix
        let q = DutyRota.query(on: req.db).filter(\.$status != .superseded)
        if prefix != "/" { q.filter(\.$orgPath =~ prefix) }
        let rotas = try await q.sort(\.$startDate, .descending).limit(50).all()
        let orgNames = try await OrgService.names(Set(rotas.map(\.orgID)), on: req.db)
        let lines = try await HotlineService.list(q: nil, under: prefix == "/" ? nil : prefix, page: PageRequest(page: 1, per: 200), on: req.db)
        let hotlines = try await HotlineDTO.list(lines.items, on: req.db).map {
            HotlineRow(id: $0.id.uuidString, org: $0.orgName, label: $0.label, number: $0.number, hours: $0.hours)
        }
        let data = IndexData(rotas: rotas.map {
            RotaRow(id: $0.id!.uuidString, org: orgNames[$0.orgID] ?? "", period: "\(LocalDate($0.startDate)!.vietnamese) – \(LocalDate($0.endDate)!.vietnamese)",
                    status: req.t("duty_status_" + $0.status.rawValue), statusKey: $0.status.rawValue)
        }, hasRotas: !rotas.isEmpty, hotlines: hotlines, hasHotlines: !hotlines.isEmpty, orgs: try await OrgOptions.tree(actor: actor, selected: nil, on: req.db), canManage: actor.has(.manageHotlines),
                             today: LocalDate.of(Date()).value)
        return try await WebPage.render(req, "hotlines/duty", title: req.t("duty_title"), nav: "duty", data: data)
    }

    struct GenerateForm: Content {
        var org: String?; var start: String?; var days: String?; var pattern: String?; var perShift: String?; var skill: String?; var dutyPhone: String?
    }

    @Sendable static func generate(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(GenerateForm.self)
        var rota: DutyRota?
        let back = try await FormAction.run(req, back: "/duty", flash: "flash.duty_generated") {
            rota = try await DutyRotaService.generate(.init(org: f.org, start: f.start, days: try FormNumber.parse(f.days, code: "duty.days_invalid"),
                                                            pattern: f.pattern, perShift: try FormNumber.parse(f.perShift, code: "duty.per_shift_invalid"),
                                                            skill: f.skill, dutyPhone: f.dutyPhone), actor: actor, on: req.db)
        }
        if let r = rota { return req.redirect(to: "/duty/\(r.id!)") }
        return back
    }

    @Sendable static func addHotline(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let input = try req.content.decode(HotlineService.Input.self)
        return try await FormAction.run(req, back: "/duty", flash: "flash.hotline_added") {
            _ = try await HotlineService.create(input, actor: actor, on: req.db)
        }
    }

    @Sendable static func removeHotline(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        return try await FormAction.run(req, back: "/duty", flash: "flash.hotline_removed") {
            try await HotlineService.remove(id, actor: actor, on: req.db)
        }
    }

    struct Cell: Encodable { let names: String; let mine: Bool }
    struct DayRow: Encodable { let date: String; let weekday: String; let holiday: Bool; let cells: [Cell] }
    struct ShowData: Encodable {
        let id: String
        let org: String
        let period: String
        let status: String
        let statusKey: String
        let shifts: [String]
        let days: [DayRow]
        let unstaffed: [String]
        let hasUnstaffed: Bool
        let spread: String
        let phone: String
        let canPublish: Bool
    }

    @Sendable static func show(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let r = try await DutyRotaService.find(try req.idParameter(), actor: actor, on: req.db)
        let cells = try await DutyRotaService.cells(r, on: req.db)
        let people = Dictionary(uniqueKeysWithValues: try await StaffMember.query(on: req.db).filter(\.$id ~~ Array(Set(cells.map(\.staffID)))).all().map { ($0.id!, $0.fullName) })
        let calendar = try await WorkingDayService.calendar(on: req.db)
        let specs = r.shifts
        var byKey: [String: [DutyCell]] = [:]
        for c in cells { byKey[c.date + "|" + c.shift, default: []].append(c) }
        var rows: [DayRow] = []
        var d = LocalDate(r.startDate)!
        for _ in 0..<r.days {
            let day = d
            var holiday = false
            if case .holiday = calendar.kind(of: day) { holiday = true }
            rows.append(DayRow(date: day.vietnamese, weekday: req.t("weekday_\(day.isoWeekday)"), holiday: holiday, cells: specs.map { s in
                let list = byKey[day.value + "|" + s.name] ?? []
                return Cell(names: list.map { people[$0.staffID] ?? "" }.sorted().joined(separator: ", "), mine: list.contains { $0.staffID == actor.staffID })
            }))
            d = d.adding(days: 1)
        }
        let report = DutyRotaService.report(r)
        let org = try await Organization.find(r.orgID, on: req.db)
        let data = ShowData(id: r.id!.uuidString, org: org?.name ?? "", period: "\(LocalDate(r.startDate)!.vietnamese) – \(LocalDate(r.endDate)!.vietnamese)",
                            status: req.t("duty_status_" + r.status.rawValue), statusKey: r.status.rawValue,
                            shifts: specs.map { "\($0.name) \(String(format: "%02d:%02d", $0.start / 60, $0.start % 60))–\(String(format: "%02d:%02d", ($0.start / 60 + $0.hours) % 24, $0.start % 60))" },
                            days: rows, unstaffed: report.unstaffed, hasUnstaffed: !report.unstaffed.isEmpty, spread: report.spread.map(String.init) ?? "—", phone: r.dutyPhone,
                            canPublish: r.status == .draft && report.unstaffed.isEmpty && actor.may(.manageHotlines, on: OrgPath(r.orgPath)))
        return try await WebPage.render(req, "hotlines/duty_show", title: req.t("duty_rota") + " · " + (org?.name ?? ""), nav: "duty", data: data)
    }

    @Sendable static func publish(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        return try await FormAction.run(req, back: "/duty/\(id)", flash: "flash.duty_published") {
            _ = try await DutyRotaService.publish(id, actor: actor, on: req.db)
        }
    }
}
