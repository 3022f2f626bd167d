import CongsoCore
import Fluent
import Vapor

/// Pages for planning rosters: the list with the generate form, one unit's grid, a shift's
/// hand edit, and publishing.
enum RosterWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("rosters", use: index)
        web.post("rosters", use: generate)
        web.get("rosters", ":id", use: show)
        web.get("rosters", ":id", "shift", use: shift)
        web.post("rosters", ":id", "swap", use: swap)
        web.post("rosters", ":id", "publish", use: publish)
        web.post("rosters", ":id", "replan", use: replan)
        ScheduleWeb.register(web)
    }

    // MARK: - List and generate

    struct Row: Encodable {
        let id: String
        let org: String
        let period: String
        let status: String
        let statusLabel: String
        let version: Int
        let dirty: Bool
        let createdBy: String
    }
    struct IndexData: Encodable {
        let rows: [Row]
        let hasRows: Bool
        let total: Int
        let canPlan: Bool
        let orgs: [FormOption]
        let start: String
        let days: Int
        let error: String?
        let pages: [PageLink]
        let prev: String?
        let next: String?
    }

    static func period(_ r: Roster) -> String {
        "\(LocalDate(r.startDate)?.vietnamese ?? r.startDate) – \(LocalDate(r.endDate)?.vietnamese ?? r.endDate)"
    }

    static func indexPage(_ req: Request, form: RosterService.GenerateInput?, error: String?) async throws -> Response {
        let actor = try req.requireActor()
        let page = try PageRequest(req)
        let paged = try await RosterService.list(under: nil, actor: actor, page: page, on: req.db)
        let names = try await OrgService.names(paged.items.map(\.orgID), withParent: true, on: req.db)
        let rows = paged.items.map { r in
            Row(id: r.id!.uuidString, org: names[r.orgID] ?? "", period: period(r), status: r.status.rawValue,
                statusLabel: req.t("roster_status." + r.status.rawValue), version: r.version, dirty: r.dirty && r.version > 0, createdBy: r.createdBy)
        }
        var orgs: [FormOption] = []
        let canPlan = actor.has(.planRosters)
        if canPlan {
            // Where a plan can be made: the actor's org and everything under it.
            orgs = try await OrgOptions.tree(actor: actor, selected: form?.org, on: req.db)
        }
        // Plans usually start on the coming Monday.
        let today = LocalDate.of(Date())
        let monday = today.adding(days: (9 - today.weekday) % 7)
        let nav = PageLinks.make(base: [:], page: page.page, pageCount: paged.pageCount)
        let data = IndexData(rows: rows, hasRows: !rows.isEmpty, total: paged.total, canPlan: canPlan, orgs: orgs,
                             start: form?.start ?? monday.value, days: form?.days ?? 14, error: error,
                             pages: nav.links, prev: nav.prev, next: nav.next)
        let response = try await WebPage.render(req, "rosters/index", title: req.t("rosters_title"), nav: "rosters", data: data)
        if error != nil { response.status = .unprocessableEntity }
        return response
    }

    @Sendable static func index(req: Request) async throws -> Response { try await indexPage(req, form: nil, error: nil) }

    /// The form sends empty strings for "none"; the service wants nil.
    struct GenerateForm: Content {
        var org: String?
        var start: String?
        var days: String?
        var cohorts: String?
        var maxConsecutiveOnSiteDays: String?
        var requiredSkill: String?
        var perShift: String?

        var input: RosterService.GenerateInput {
            func int(_ s: String?) -> Int? { s.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
            return .init(org: org, start: start, days: int(days) ?? (days?.isEmpty == false ? -1 : nil),
                         cohorts: int(cohorts).flatMap { $0 > 1 ? $0 : nil },
                         maxConsecutiveOnSiteDays: int(maxConsecutiveOnSiteDays),
                         requiredSkill: requiredSkill?.trimmingCharacters(in: .whitespaces),
                         perShift: int(perShift) ?? (perShift.map { $0.trimmingCharacters(in: .whitespaces).isEmpty } == false ? -1 : nil))
        }
    }

    @Sendable static func generate(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let input = try req.content.decode(GenerateForm.self).input
        do {
            let roster = try await RosterService.generate(input, actor: actor, on: req.db)
            WebPage.flash(req, "flash.roster_generated")
            return req.redirect(to: "/rosters/\(roster.id!.uuidString)")
        } catch let e as AppError where [.unprocessableEntity, .conflict].contains(e.status) {
            return try await indexPage(req, form: input, error: req.t("err." + e.code, detail: e.detail))
        }
    }

    // MARK: - One unit's grid

    struct Column: Encodable { let date: String; let shift: String; let label: String; let firstOfDay: Bool }
    struct Day: Encodable { let label: String; let weekday: String; let weekend: Bool }
    struct GridCell: Encodable { let on: Bool; let href: String; let label: String; let firstOfDay: Bool }
    struct GridRow: Encodable { let name: String; let position: String; let cohort: String?; let shifts: Int; let cells: [GridCell] }
    struct UnitLink: Encodable { let id: String; let name: String; let spread: Int; let current: Bool; let trouble: Bool }
    struct Problem: Encodable { let text: String }
    struct ChangeRow: Encodable { let name: String; let added: String; let removed: String }
    struct ShowData: Encodable {
        let id: String
        let org: String
        let period: String
        let status: String
        let statusLabel: String
        let version: Int
        let dirty: Bool
        let published: Bool
        let canPlan: Bool
        let units: [UnitLink]
        let manyUnits: Bool
        let unit: String
        let unitID: String
        let spread: Int
        let optimal: Bool
        let demand: Int
        let days: [Day]
        let columns: [Column]
        let rows: [GridRow]
        let hasRows: Bool
        let problems: [Problem]
        let hasProblems: Bool
        let violations: Int
        let publishConfirm: String
        let changes: [ChangeRow]
        let hasChanges: Bool
        let conflicts: [ConflictRow]
        let hasConflicts: Bool
        let replanNote: String?
    }
    struct ConflictRow: Encodable { let name: String; let when: String; let state: String; let published: Bool }

    /// What republishing would change, person by person, in the reader's words.
    static func changeRows(_ roster: Roster, cells: [RosterCell], _ req: Request) async throws -> [ChangeRow] {
        guard roster.version > 0, roster.dirty else { return [] }
        let changes = try await RosterService.changes(roster, draft: cells, on: req.db)
        let names = Dictionary(uniqueKeysWithValues: try await StaffMember.query(on: req.db).filter(\.$id ~~ changes.map(\.staffID)).all()
            .map { ($0.id!, $0.fullName) })
        func words(_ list: [(date: String, shift: String)]) -> String {
            list.isEmpty ? "—" : list.map { "\(LocalDate($0.date)?.vietnamese.prefix(5) ?? "") \(req.t("shift." + $0.shift).lowercased())" }.joined(separator: ", ")
        }
        return changes.map { ChangeRow(name: names[$0.staffID] ?? "", added: words($0.added), removed: words($0.removed)) }
            .sorted { VietnameseText.sortKey($0.name) < VietnameseText.sortKey($1.name) }
    }

    static func weekday(_ d: LocalDate, _ req: Request) -> (String, Bool) {
        let w = d.weekday
        return (req.t("weekday.\(w)"), w == 1 || w == 7)
    }

    @Sendable static func show(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let roster = try await RosterService.find(try req.idParameter(), actor: actor, on: req.db)
        let report = RosterService.decodedReport(roster)
        let problem = try RosterService.decodedProblem(roster)
        let unitIDs = problem.units.compactMap { UUID(uuidString: $0.id) }
        let unitNames = try await OrgService.names(unitIDs, on: req.db)
        let cells = try await RosterService.cells(roster, on: req.db)
        let check = try RosterService.check(problem, cohorts: report.cohorts, cells: cells)
        let troubled = Set(check.violations.map(\.unit))
        let chosen = req.query[UUID.self, at: "unit"].flatMap { id in unitIDs.contains(id) ? id : nil } ?? unitIDs.first
        let units = unitIDs.sorted { VietnameseText.sortKey(unitNames[$0] ?? "") < VietnameseText.sortKey(unitNames[$1] ?? "") }.map { id in
            UnitLink(id: id.uuidString, name: unitNames[id] ?? id.uuidString, spread: report.units.first { $0.id == id.uuidString }?.spread ?? 0,
                     current: id == chosen, trouble: troubled.contains(id.uuidString))
        }
        let start = LocalDate(roster.startDate)!
        let dates = (0..<roster.days).map { start.adding(days: $0) }
        var days: [Day] = [], columns: [Column] = []
        for d in dates {
            let (w, weekend) = weekday(d, req)
            days.append(Day(label: String(d.vietnamese.prefix(5)), weekday: w, weekend: weekend))
            for s in Shift.allCases {
                columns.append(Column(date: d.value, shift: s.rawValue, label: req.t("shift_short." + s.rawValue), firstOfDay: s == .morning))
            }
        }
        var rows: [GridRow] = []
        var demand = 0, spread = 0, optimal = true
        if let chosen {
            let unit = problem.units.first { $0.id == chosen.uuidString }
            // Drafts made in the app have one number per unit (format v1).
            if case .everyShift(let n)? = unit?.demand { demand = n }
            let u = report.units.first { $0.id == chosen.uuidString }
            spread = u?.spread ?? 0
            optimal = u?.optimal ?? false
            let ids = problem.staff.filter { $0.unit == chosen.uuidString }.compactMap { UUID(uuidString: $0.id) }
            let people = try await StaffMember.query(on: req.db).filter(\.$id ~~ ids).sort(\.$sortKey).all()
            let on = Set(cells.filter { $0.unitID == chosen }.map { "\($0.staffID)|\($0.date)|\($0.shift)" })
            for p in people {
                var count = 0
                let gridCells = columns.map { c -> GridCell in
                    let isOn = on.contains("\(p.id!)|\(c.date)|\(c.shift)")
                    if isOn { count += 1 }
                    let label = "\(p.fullName), \(LocalDate(c.date)!.vietnamese), \(req.t("shift." + c.shift)): "
                        + req.t(isOn ? "roster_on_site" : "roster_off_site")
                    return GridCell(on: isOn, href: "/rosters/\(roster.id!)/shift?unit=\(chosen)&date=\(c.date)&shift=\(c.shift)",
                                    label: label, firstOfDay: c.firstOfDay)
                }
                rows.append(GridRow(name: p.fullName, position: p.position,
                                    cohort: report.cohorts[p.id!.uuidString].map { String(UnicodeScalar(UInt8(65 + $0))) },
                                    shifts: count, cells: gridCells))
            }
        }
        let reasons = report.infeasible.filter { $0.unit == chosen?.uuidString || chosen == nil }
        // The solver names staff by id; the page names them as people do.
        let involved = Set(reasons.flatMap { $0.staff ?? [] }).compactMap(UUID.init(uuidString:))
        let names = try await StaffMember.query(on: req.db).filter(\.$id ~~ involved).all()
            .reduce(into: [String: String]()) { $0[$1.id!.uuidString] = $1.fullName }
        var problems = reasons.map { p in
            let days = [p.date, p.dateTo].compactMap { $0.flatMap(LocalDate.init)?.vietnamese }.joined(separator: " – ")
            let reason = p.clash.map { RosterClashText.words($0, names: names, req) }
                ?? names.reduce(p.reason) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
            return Problem(text: [days.isEmpty ? nil : days, p.shift.map { req.t("shift." + $0) }, reason]
                .compactMap { $0 }.joined(separator: ", "))
        }
        for v in check.violations where v.unit == chosen?.uuidString {
            problems.append(Problem(text: req.t("err.roster.rule." + v.code.rawValue, detail: try await RosterService.describe(v, on: req.db))))
        }
        let orgName = try await OrgService.names([roster.orgID], withParent: true, on: req.db)[roster.orgID] ?? ""
        let changes = try await changeRows(roster, cells: cells, req)
        let conflicts = try await RosterService.healthConflicts(roster, on: req.db).map {
            ConflictRow(name: $0.name, when: "\(LocalDate($0.date)!.vietnamese) · \(req.t("shift." + $0.shift.rawValue))",
                        state: req.t("health_state." + $0.kind.rawValue) + " → " + (LocalDate($0.lastDay)?.vietnamese ?? $0.lastDay), published: $0.published)
        }
        let data = ShowData(id: roster.id!.uuidString, org: orgName, period: period(roster), status: roster.status.rawValue,
                            statusLabel: req.t("roster_status." + roster.status.rawValue), version: roster.version, dirty: roster.dirty && roster.version > 0,
                            published: roster.status == .published,
                            canPlan: actor.may(.planRosters, on: OrgPath(roster.orgPath)), units: units, manyUnits: units.count > 1,
                            unit: chosen.flatMap { unitNames[$0] } ?? "", unitID: chosen?.uuidString ?? "", spread: spread, optimal: optimal,
                            demand: demand, days: days, columns: columns, rows: rows, hasRows: !rows.isEmpty,
                            problems: problems, hasProblems: !problems.isEmpty, violations: check.violations.count,
                            publishConfirm: req.t(roster.version == 0 ? "rosters_publish_confirm" : "rosters_republish_confirm"),
                            changes: changes, hasChanges: !changes.isEmpty, conflicts: conflicts, hasConflicts: !conflicts.isEmpty,
                            replanNote: roster.replanNote.flatMap { $0.isEmpty ? nil : $0 })
        return try await WebPage.render(req, "rosters/show", title: req.t("rosters_show_title"), nav: "rosters", data: data)
    }

    // MARK: - One shift: who is on site, and who could take a place

    struct Person: Encodable { let id: String; let name: String; let shifts: Int; let note: String? }
    struct ShiftData: Encodable {
        let id: String
        let unit: String
        let unitID: String
        let date: String
        let dateLabel: String
        let shift: String
        let shiftLabel: String
        let onSite: [Person]
        let others: [Person]
        let away: String
        let hasAway: Bool
        let canSwap: Bool
        let back: String
    }

    @Sendable static func shift(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let roster = try await RosterService.find(try req.idParameter(), actor: actor, on: req.db)
        let problem = try RosterService.decodedProblem(roster)
        guard let unitID = req.query[UUID.self, at: "unit"], problem.units.contains(where: { $0.id == unitID.uuidString }),
              let date = req.query[String.self, at: "date"].flatMap(LocalDate.init), date.value >= roster.startDate, date.value <= roster.endDate,
              let shift = req.query[String.self, at: "shift"].flatMap(Shift.init(rawValue:)) else {
            throw AppError.invalid("roster.shift_invalid", "")
        }
        let cells = try await RosterService.cells(roster, on: req.db).filter { $0.unitID == unitID }
        var counts: [UUID: Int] = [:]
        for c in cells { counts[c.staffID, default: 0] += 1 }
        let here = Set(cells.filter { $0.date == date.value && $0.shift == shift }.map(\.staffID))
        let staff = problem.staff.filter { $0.unit == unitID.uuidString }
        let people = try await StaffMember.query(on: req.db).filter(\.$id ~~ staff.compactMap { UUID(uuidString: $0.id) }).sort(\.$sortKey).all()
        func away(_ s: RosterInput.Staff?) -> Bool {
            s?.unavailable?.contains { $0.date == date.value && ($0.shift == nil || $0.shift == shift.rawValue) } ?? false
        }
        func must(_ s: RosterInput.Staff?) -> Bool {
            s?.mustBeOnSite?.contains { $0.date == date.value && ($0.shift == nil || $0.shift == shift.rawValue) } ?? false
        }
        var onSite: [Person] = [], others: [Person] = []
        for p in people {
            let s = staff.first { $0.id == p.id!.uuidString }
            let note: String? = away(s) ? req.t("rosters_note_away") : must(s) ? req.t("rosters_note_must") : nil
            let person = Person(id: p.id!.uuidString, name: p.fullName, shifts: counts[p.id!] ?? 0, note: note)
            if here.contains(p.id!) { onSite.append(person) } else { others.append(person) }
        }
        // Fewest shifts first: the fairest replacement leads the list.
        others.sort { ($0.note == nil ? 0 : 1, $0.shifts) < ($1.note == nil ? 0 : 1, $1.shifts) }
        // Staff away for the whole period are not in the roster; say so rather than leave them out silently.
        let rostered = Set(people.compactMap(\.id))
        let awayAll = try await StaffMember.query(on: req.db).filter(\.$org.$id == unitID).sort(\.$sortKey).all()
            .filter { !rostered.contains($0.id!) }.map(\.fullName)
        let names = try await OrgService.names([unitID], on: req.db)
        let data = ShiftData(id: roster.id!.uuidString, unit: names[unitID] ?? "", unitID: unitID.uuidString, date: date.value,
                             dateLabel: date.vietnamese, shift: shift.rawValue, shiftLabel: req.t("shift." + shift.rawValue),
                             onSite: onSite, others: others, away: awayAll.joined(separator: ", "), hasAway: !awayAll.isEmpty, canSwap: actor.may(.planRosters, on: OrgPath(roster.orgPath)),
                             back: "/rosters/\(roster.id!)?unit=\(unitID)")
        return try await WebPage.render(req, "rosters/shift", title: req.t("rosters_shift_title"), nav: "rosters", data: data)
    }

    struct SwapForm: Content {
        var date: String?
        var shift: String?
        var out: String?
        var `in`: String?
        var unit: String?
    }

    @Sendable static func swap(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let roster = try await RosterService.find(try req.idParameter(), actor: actor, on: req.db)
        let form = try req.content.decode(SwapForm.self)
        let back = "/rosters/\(roster.id!)/shift?unit=\(form.unit ?? "")&date=\(form.date ?? "")&shift=\(form.shift ?? "")"
        do {
            _ = try await RosterService.swap(roster, .init(date: form.date, shift: form.shift, out: form.out.flatMap(UUID.init(uuidString:)),
                                                           in: form.in.flatMap(UUID.init(uuidString:))), actor: actor, on: req.db)
            WebPage.flash(req, "flash.roster_edited")
            return req.redirect(to: "/rosters/\(roster.id!)?unit=\(form.unit ?? "")")
        } catch let e as AppError where [.unprocessableEntity, .conflict].contains(e.status) {
            WebPage.flashError(req, req.t("err." + e.code, detail: e.detail))
            return req.redirect(to: back)
        }
    }

    @Sendable static func publish(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let roster = try await RosterService.find(try req.idParameter(), actor: actor, on: req.db)
        do {
            let result = try await RosterService.publish(roster, actor: actor, on: req.db)
            req.session.data["flash"] = req.t("flash.roster_published", detail: "\(result.changedStaff)/\(result.notified)")
        } catch let e as AppError where [.unprocessableEntity, .conflict].contains(e.status) {
            WebPage.flashError(req, req.t("err." + e.code, detail: e.detail))
        }
        return req.redirect(to: "/rosters/\(roster.id!)")
    }

    /// Solve again with today's isolation and monitoring taken into account; the new draft waits to be published.
    @Sendable static func replan(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let roster = try await RosterService.find(try req.idParameter(), actor: actor, on: req.db)
        return try await FormAction.run(req, back: "/rosters/\(roster.id!)", flash: "flash.roster_replanned") {
            _ = try await RosterService.replan(roster, actor: actor, on: req.db)
        }
    }
}
