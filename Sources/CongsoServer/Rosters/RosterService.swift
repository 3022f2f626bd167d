import CongsoCore
import Fluent
import Vapor

/// Planning rosters in the app: a draft solved from the directives in force, approved
/// on-site requests and who is away; hand edits re-checked against the same rules; publishing
/// that tells only the people whose shifts changed.
enum RosterService {
    struct GenerateInput: Content {
        var org: String?
        var start: String?
        var days: Int?
        var cohorts: Int?
        var maxConsecutiveOnSiteDays: Int?
        var requiredSkill: String?
        /// People on site per shift; at most the cap, at least the minimum on duty. Default: the cap.
        var perShift: Int?
    }

    static let maxStaff = 20_000
    static let shifts = Shift.allCases.map(\.rawValue)

    /// Builds the v1 problem for every unit with staff in the org's subtree: reported
    /// absences make shifts unavailable, approved on-site requests make them obligations.
    static func problem(for org: Organization, start: LocalDate, days: Int, cohorts: Int?, maxRun: Int?, skill: String?,
                        perShift: Int? = nil, on db: any Database) async throws -> (RosterInput, [UUID: Organization]) {
        let people = try await StaffMember.query(on: db).join(Organization.self, on: \StaffMember.$org.$id == \Organization.$id)
            .filter(Organization.self, \.$path =~ org.path).sort(\.$sortKey).limit(maxStaff + 1).all()
        guard people.count <= maxStaff else { throw AppError.invalid("roster.too_big", String(maxStaff)) }
        guard !people.isEmpty else { throw AppError.invalid("roster.no_staff", org.name) }
        let unitIDs = Array(Set(people.map { $0.$org.id }))
        let units = try await Organization.query(on: db).filter(\.$id ~~ unitIDs).sort(\.$sortKey).all()
        let byID = Dictionary(uniqueKeysWithValues: units.map { ($0.id!, $0) })
        var counts: [UUID: Int] = [:]
        for p in people { counts[p.$org.id, default: 0] += 1 }
        // The strictest cap over the period: the demand every shift of the roster keeps to.
        var demand: [UUID: Int] = [:]
        var minimum: [UUID: Int] = [:]
        let end = start.adding(days: days - 1)
        let exceptions = try await CapException.query(on: db).filter(\.$status == .approved)
            .filter(\.$validFrom <= end.value).filter(\.$validUntil >= start.value).all()
        for d in 0..<days {
            let date = start.adding(days: d)
            let resolver = PolicyResolver(directives: try await DirectiveService.inForce(on: date, db: db),
                                          overrides: exceptions.compactMap(\.override))
            for unit in units {
                let policy = resolver.resolve(unit.orgPath, on: date)
                let cap = policy.cap(staffCount: counts[unit.id!] ?? 0).value
                demand[unit.id!] = min(demand[unit.id!] ?? .max, cap)
                minimum[unit.id!] = max(minimum[unit.id!] ?? 0, policy.minOnDuty.value)
            }
        }
        // People on leave or isolating cannot come at all: they stay out of the roster (and out of
        // its spread), though they still count in the headcount the cap is a share of.
        func away(_ p: StaffMember) -> Bool { p.status == .onLeave || p.status == .isolating }
        let present = people.filter { !away($0) }
        var available: [UUID: Int] = [:]
        for p in present { available[p.$org.id, default: 0] += 1 }
        let k = cohorts.flatMap { $0 > 1 ? $0 : nil }
        let wanted = skill.map { VietnameseText.fold($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let rosterUnits = units.map { u in
            let id = u.id!
            let least = min(minimum[id] ?? 1, demand[id] ?? 1)
            // The planner's choice within [minimum, cap], then no more than who is there; never
            // below the minimum, so a unit short of people shows as infeasible rather than quietly thin.
            let chosen = max(least, min(perShift ?? .max, demand[id] ?? 1, available[id] ?? 0))
            return RosterInput.Unit(id: id.uuidString, maxOnSiteShare: 1, minOnDuty: least, demand: chosen,
                                    requiredSkills: wanted.map { [$0] },
                                    cohorts: k.map { min($0, max(1, available[id] ?? 1)) })
        }
        // Who must be on site: approved requests in the period.
        let approved = try await OnSiteRequest.query(on: db).filter(\.$orgPath =~ org.path)
            .filter(\.$status == .approved)
            .filter(\.$date >= start.value).filter(\.$date <= end.value).all()
        var must: [UUID: [RosterInput.When]] = [:]
        for r in approved { must[r.staffID, default: []].append(.init(date: r.date, shift: r.shift.rawValue)) }
        var absent = try await AbsenceService.unavailable(staff: present.compactMap(\.id), start: start, end: end, on: db)
        // Isolation and monitoring keep people off site on their days (issue 16).
        for (id, days) in try await HealthService.restrictedDays(staff: present.compactMap(\.id), start: start, end: end, on: db) {
            absent[id, default: []] += days
            let off = Set(days.map(\.date))
            must[id] = must[id]?.filter { !off.contains($0.date) }
        }
        let staff = present.map { p in
            let skills = p.skills.split(separator: ";").map { VietnameseText.fold(String($0)) }
            return RosterInput.Staff(id: p.id!.uuidString, unit: p.$org.id.uuidString, skills: skills.isEmpty ? nil : skills,
                                     unavailable: absent[p.id!], mustBeOnSite: must[p.id!])
        }
        let input = RosterInput(start: start.value, days: days, shifts: shifts, maxConsecutiveOnSiteDays: maxRun,
                                units: rosterUnits, staff: staff)
        return (input, byID)
    }

    static func generate(_ input: GenerateInput, actor: Actor, on db: any Database) async throws -> Roster {
        try actor.require(.planRosters)
        guard let ref = input.org, !ref.isEmpty else { throw AppError.invalid("roster.org_missing", "") }
        let org = try await OrgService.find(ref, actor: actor, on: db)
        try actor.require(.planRosters, on: org.orgPath)
        guard let start = input.start.flatMap(LocalDate.init) else { throw AppError.invalid("date_invalid", input.start ?? "") }
        let days = input.days ?? 14
        guard (1...31).contains(days) else { throw AppError.invalid("roster.days_invalid", String(days)) }
        if let k = input.cohorts, !(1...4).contains(k) { throw AppError.invalid("roster.cohorts_invalid", String(k)) }
        if let run = input.maxConsecutiveOnSiteDays, !(1...31).contains(run) { throw AppError.invalid("roster.run_invalid", String(run)) }
        if let n = input.perShift, !(1...1000).contains(n) { throw AppError.invalid("roster.per_shift_invalid", String(n)) }
        let (problemInput, _) = try await problem(for: org, start: start, days: days, cohorts: input.cohorts,
                                                  maxRun: input.maxConsecutiveOnSiteDays, skill: input.requiredSkill,
                                                  perShift: input.perShift, on: db)
        let problem: RosterProblem
        do { problem = try RosterProblem(problemInput) } catch let e as RosterInputError {
            throw AppError.invalid("roster.input_invalid", e.problems.prefix(3).joined(separator: "; "))
        }
        // A request waits: the SAT solver gets 10 s per unit here rather than the command line's 30.
        let solution = RosterSolver.solve(problem, options: .init(bestEffort: true, satSeconds: 10))
        let roster = Roster()
        roster.id = UUID()
        roster.orgID = org.id!
        roster.orgPath = org.path
        roster.startDate = start.value
        roster.days = days
        roster.status = .draft
        roster.version = 0
        roster.dirty = true
        roster.problem = String(decoding: try JSONEncoder().encode(problemInput), as: UTF8.self)
        roster.report = try encode(report(solution))
        roster.createdBy = actor.label
        let toSave = try await cells(of: solution, roster: roster, units: problem.units.map(\.id), on: db)
        try await db.writeTransaction { tx in
            try await roster.create(on: tx)
            for chunk in stride(from: 0, to: toSave.count, by: 500) {
                try await toSave[chunk..<min(chunk + 500, toSave.count)].create(on: tx)
            }
            try await AuditService.record(on: tx, actor: actor, action: "roster.generate", entityType: "roster", entityID: roster.id,
                                          orgPath: org.path, summary: "\(org.name) \(start.value) +\(days)", after: roster.auditSnapshot)
        }
        return roster
    }

    /// The draft cells a solution puts on site.
    static func cells(of solution: RosterSolution, roster: Roster, units: [String], on db: any Database) async throws -> [RosterCell] {
        let paths = try await unitPaths(units, on: db)
        var cells: [RosterCell] = []
        for unit in solution.units {
            let unitID = UUID(uuidString: unit.id)!
            for (p, staffID) in unit.staff.enumerated() {
                for slot in 0..<(roster.days * shifts.count) where unit.onSite[p * roster.days * shifts.count + slot] {
                    cells.append(RosterCell(rosterID: roster.id!, staffID: UUID(uuidString: staffID)!, unitID: unitID,
                                            unitPath: paths[unitID] ?? roster.orgPath, date: solution.dates[slot / shifts.count],
                                            shift: Shift.allCases[slot % shifts.count]))
                }
            }
        }
        return cells
    }

    static func report(_ s: RosterSolution) -> RosterReport {
        var cohorts: [String: Int] = [:]
        for u in s.units { if let c = u.cohorts { for (p, id) in u.staff.enumerated() { cohorts[id] = c[p] } } }
        return RosterReport(units: s.units.map { .init(id: $0.id, spread: $0.spread, optimal: $0.optimal, partial: $0.partial) },
                            infeasible: s.infeasible.map { .init(unit: $0.unit, date: $0.day.map { s.dates[$0] }, shift: $0.shift.map { s.shifts[$0] },
                                                                 reason: $0.reason, dateTo: $0.lastDay.map { s.dates[$0] },
                                                                 staff: $0.staff.isEmpty ? nil : $0.staff, clash: $0.clash) },
                            cohorts: cohorts, solveMillis: s.solveMillis)
    }

    static func encode<T: Encodable>(_ v: T) throws -> String { String(decoding: try JSONEncoder().encode(v), as: UTF8.self) }

    static func unitPaths(_ ids: [String], on db: any Database) async throws -> [UUID: String] {
        let uuids = ids.compactMap(UUID.init(uuidString:))
        let orgs = try await Organization.query(on: db).filter(\.$id ~~ uuids).all()
        return Dictionary(uniqueKeysWithValues: orgs.map { ($0.id!, $0.path) })
    }

    static func find(_ id: UUID, actor: Actor, on db: any Database) async throws -> Roster {
        guard let r = try await Roster.find(id, on: db) else { throw AppError.notFound(id.uuidString) }
        try actor.require(.readStaff, on: OrgPath(r.orgPath))
        return r
    }

    static func list(under: Organization?, actor: Actor, page: PageRequest, on db: any Database) async throws -> Paged<Roster> {
        try actor.require(.readStaff)
        let prefix = under?.path ?? actor.visiblePrefix
        if let under { try actor.require(.readStaff, on: under.orgPath) }
        let q = Roster.query(on: db).filter(\.$orgPath =~ prefix)
        let total = try await q.count()
        let items = try await q.sort(\.$createdAt, .descending).range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }

    static func cells(_ roster: Roster, on db: any Database) async throws -> [RosterCell] {
        try await RosterCell.query(on: db).filter(\.$rosterID == roster.id!).all()
    }

    static func decodedReport(_ r: Roster) -> RosterReport {
        (try? JSONDecoder().decode(RosterReport.self, from: Data(r.report.utf8)))
            ?? RosterReport(units: [], infeasible: [], cohorts: [:], solveMillis: 0)
    }

    static func decodedProblem(_ r: Roster) throws -> RosterInput {
        try JSONDecoder().decode(RosterInput.self, from: Data(r.problem.utf8))
    }

    /// Checks cells (all of them, or one unit's) against the roster's stored problem.
    static func check(_ roster: Roster, cells: [RosterCell], unit: UUID? = nil) throws -> RosterChecker.Report {
        try check(decodedProblem(roster), cohorts: decodedReport(roster).cohorts, cells: cells, unit: unit)
    }

    /// The same with the stored problem already decoded (a hand edit checks it three times).
    static func check(_ problem: RosterInput, cohorts: [String: Int], cells: [RosterCell], unit: UUID? = nil) throws -> RosterChecker.Report {
        var input = problem
        if let unit {
            input.units = input.units.filter { $0.id == unit.uuidString }
            input.staff = input.staff.filter { $0.unit == unit.uuidString }
        }
        let checked = try RosterProblem(input)
        let keep = Set(input.staff.map(\.id))
        let doc = RosterDocument(assignments: cells.filter { keep.contains($0.staffID.uuidString) }
                                    .map { .init(staff: $0.staffID.uuidString, date: $0.date, shift: $0.shift.rawValue) },
                                 cohorts: cohorts)
        return RosterChecker.check(checked, doc)
    }

    struct SwapInput: Content {
        var date: String?
        var shift: String?
        var out: UUID?
        var `in`: UUID?
    }

    /// A hand edit: in one shift, one person leaves and another comes. Refused, with the
    /// rule it would break, when the unit's roster would break a rule it did not break before.
    static func swap(_ roster: Roster, _ input: SwapInput, actor: Actor, on db: any Database) async throws -> RosterCell {
        try actor.require(.planRosters, on: OrgPath(roster.orgPath))
        guard let date = input.date.flatMap(LocalDate.init), date.value >= roster.startDate, date.value <= roster.endDate else {
            throw AppError.invalid("date_invalid", input.date ?? "")
        }
        guard let shift = input.shift.flatMap(Shift.init(rawValue:)) else { throw AppError.invalid("onsite.shift_invalid", input.shift ?? "") }
        guard let outID = input.out, let inID = input.in, outID != inID else { throw AppError.invalid("roster.swap_people", "") }
        let all = try await cells(roster, on: db)
        guard let leaving = all.first(where: { $0.staffID == outID && $0.date == date.value && $0.shift == shift }) else {
            throw AppError.invalid("roster.not_on_site", "")
        }
        let problem = try decodedProblem(roster)
        guard let newcomer = problem.staff.first(where: { $0.id == inID.uuidString }), newcomer.unit == leaving.unitID.uuidString else {
            // Left out of the roster because away for the whole period, or from elsewhere.
            if let person = try await StaffMember.find(inID, on: db), person.$org.id == leaving.unitID {
                throw AppError.invalid("roster.not_available", person.fullName)
            }
            throw AppError.invalid("roster.other_unit", "")
        }
        try await HealthService.requireFree(inID, on: date, db: db)
        guard !all.contains(where: { $0.staffID == inID && $0.date == date.value && $0.shift == shift }) else {
            throw AppError.invalid("roster.already_on_site", "")
        }
        let unitCells = all.filter { $0.unitID == leaving.unitID }
        var report = decodedReport(roster)
        let before = Set(try check(problem, cohorts: report.cohorts, cells: unitCells, unit: leaving.unitID).violations.map(\.text))
        let arriving = RosterCell(rosterID: roster.id!, staffID: inID, unitID: leaving.unitID, unitPath: leaving.unitPath,
                                  date: date.value, shift: shift)
        let after = try check(problem, cohorts: report.cohorts, cells: unitCells.filter { $0.id != leaving.id } + [arriving], unit: leaving.unitID)
        if let broken = after.violations.first(where: { !before.contains($0.text) }) {
            throw AppError.conflict("roster.rule." + broken.code.rawValue, try await describe(broken, on: db))
        }
        // The edited unit's spread, recomputed; the other units keep theirs.
        if let i = report.units.firstIndex(where: { $0.id == leaving.unitID.uuidString }) {
            report.units[i].spread = after.spreads.first?.spread ?? 0
            report.units[i].optimal = false
        }
        let reportText = try encode(report)
        let names = try await StaffMember.query(on: db).filter(\.$id ~~ [outID, inID]).all()
        let outName = names.first { $0.id == outID }?.fullName ?? outID.uuidString
        let inName = names.first { $0.id == inID }?.fullName ?? inID.uuidString
        try await db.writeTransaction { tx in
            try await leaving.delete(on: tx)
            try await arriving.create(on: tx)
            roster.dirty = true
            roster.report = reportText
            try await roster.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "roster.edit", entityType: "roster", entityID: roster.id,
                                          orgPath: leaving.unitPath, summary: "\(date.value) \(shift): \(outName) → \(inName)",
                                          before: ["staff": outID.uuidString, "date": date.value, "shift": shift.rawValue],
                                          after: ["staff": inID.uuidString, "date": date.value, "shift": shift.rawValue])
        }
        return arriving
    }

    /// A rule violation in the reader's words: who, when, and the numbers.
    static func describe(_ v: RosterChecker.Violation, on db: any Database) async throws -> String {
        var parts: [String] = []
        if let s = v.staff, let id = UUID(uuidString: s), let p = try await StaffMember.find(id, on: db) { parts.append(p.fullName) }
        if let d = v.date.flatMap(LocalDate.init) { parts.append(d.vietnamese) }
        if let s = v.shift { parts.append(s == Shift.morning.rawValue ? "sáng/morning" : "chiều/afternoon") }
        if let c = v.count, let l = v.limit { parts.append("\(c)/\(l)") }
        if let d = v.detail { parts.append(d) }
        return parts.joined(separator: ", ")
    }

    struct Change: Sendable { let staffID: UUID; var added: [(date: String, shift: String)]; var removed: [(date: String, shift: String)] }

    /// Who gains or loses which shifts if the draft were published now.
    static func changes(_ roster: Roster, draft: [RosterCell], on db: any Database) async throws -> [Change] {
        let old = try await RosterPublishedCell.query(on: db).filter(\.$rosterID == roster.id!).all()
        let before = Set(old.map { "\($0.staffID)|\($0.date)|\($0.shift)" })
        let after = Set(draft.map(\.key))
        var out: [UUID: Change] = [:]
        func split(_ key: String) -> (UUID, String, String) {
            let p = key.split(separator: "|").map(String.init)
            return (UUID(uuidString: p[0])!, p[1], p[2])
        }
        for key in after.subtracting(before) {
            let (id, date, shift) = split(key)
            out[id, default: Change(staffID: id, added: [], removed: [])].added.append((date, shift))
        }
        for key in before.subtracting(after) {
            let (id, date, shift) = split(key)
            out[id, default: Change(staffID: id, added: [], removed: [])].removed.append((date, shift))
        }
        return out.values.map { c in
            var c = c
            c.added.sort { ($0.date, $1.shift) < ($1.date, $0.shift) }
            c.removed.sort { ($0.date, $1.shift) < ($1.date, $0.shift) }
            return c
        }
    }

    struct PublishResult: Sendable { let roster: Roster; let changedStaff: Int; let notified: Int }

    /// Publishes the draft when it breaks no rule. Only staff whose shifts changed since the
    /// last publication are notified; the published cells count as approval to be on site.
    static func publish(_ roster: Roster, actor: Actor, on db: any Database) async throws -> PublishResult {
        try actor.require(.planRosters, on: OrgPath(roster.orgPath))
        let draft = try await cells(roster, on: db)
        let report = try check(roster, cells: draft)
        if let first = report.violations.first {
            throw AppError.conflict("roster.rule." + first.code.rawValue, "\(report.violations.count): " + (try await describe(first, on: db)))
        }
        // Nobody goes on site on a day they are isolating or under monitoring: replan first.
        if let c = try await draftHealthConflict(roster, cells: draft, on: db) {
            throw AppError.conflict("roster.health_conflict", c)
        }
        guard roster.dirty || roster.status != .published else { throw AppError.conflict("roster.nothing_new", "") }
        let changed = Set(try await changes(roster, draft: draft, on: db).map(\.staffID))
        let users = try await User.query(on: db).filter(\.$staffID ~~ Array(changed)).all()
        let firstTime = roster.version == 0
        let snapshot = roster.auditSnapshot
        try await db.writeTransaction { tx in
            try await RosterPublishedCell.query(on: tx).filter(\.$rosterID == roster.id!).delete()
            let published = draft.map(RosterPublishedCell.init)
            for chunk in stride(from: 0, to: published.count, by: 500) {
                try await published[chunk..<min(chunk + 500, published.count)].create(on: tx)
            }
            roster.status = .published
            roster.version += 1
            roster.dirty = false
            roster.publishedAt = Date()
            roster.publishedBy = actor.label
            try await roster.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "roster.publish", entityType: "roster", entityID: roster.id,
                                          orgPath: roster.orgPath, summary: "v\(roster.version): \(changed.count) staff changed",
                                          before: snapshot, after: roster.auditSnapshot)
            let start = LocalDate(roster.startDate)!.vietnamese, end = LocalDate(roster.endDate)!.vietnamese
            try await NotificationService.notify(users.compactMap(\.id), kind: firstTime ? "notif.roster_published" : "notif.roster_changed",
                                                 detail: "\(start) – \(end)", link: "/schedule", on: tx)
        }
        return PublishResult(roster: roster, changedStaff: changed.count, notified: users.count)
    }

    /// A person's published shifts from `from` on, with the unit's name.
    static func schedule(staffID: UUID, from: LocalDate, days: Int = 62, on db: any Database) async throws -> [RosterPublishedCell] {
        try await RosterPublishedCell.query(on: db).filter(\.$staffID == staffID).filter(\.$date >= from.value)
            .filter(\.$date <= from.adding(days: days).value).sort(\.$date).sort(\.$shift, .descending).all()
    }
}
