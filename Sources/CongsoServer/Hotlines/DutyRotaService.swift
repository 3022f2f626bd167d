import CongsoCore
import Fluent
import Vapor

/// 24/7 duty rotas: planned by the roster solver as one unit (format v2: the shifts of the
/// whole day, a skill every shift needs, rest after each shift and two shifts' rest after a
/// night, holidays included), published so the public page shows who is on duty now and each
/// person's calendar feed carries their shifts.
enum DutyRotaService {
    /// Three 8-hour shifts, or two 12-hour ones; the night rests its worker for the next two shifts.
    static let presets: [String: [DutyRota.ShiftSpec]] = [
        "3x8": [.init(name: "D1", start: 6 * 60, hours: 8, rest: 1), .init(name: "D2", start: 14 * 60, hours: 8, rest: 1),
                .init(name: "N", start: 22 * 60, hours: 8, rest: 2)],
        "2x12": [.init(name: "D", start: 7 * 60, hours: 12, rest: 1), .init(name: "N", start: 19 * 60, hours: 12, rest: 1)],
    ]
    static let maxStaff = 300

    struct GenerateInput: Content {
        var org: String?
        var start: String?
        var days: Int?
        /// "3x8" (default) or "2x12".
        var pattern: String?
        var perShift: Int?
        /// The skill every shift needs ("hotline" by default; empty for none).
        var skill: String?
        var dutyPhone: String?
    }

    struct Report: Codable, Sendable {
        var spread: Int?
        var optimal: Bool
        var unstaffed: [String]
        var solveMillis: Double
    }

    static func generate(_ input: GenerateInput, actor: Actor, on db: any Database) async throws -> DutyRota {
        guard let ref = input.org, !ref.isEmpty else { throw AppError.invalid("org_missing", "") }
        let org = try await OrgService.find(ref, actor: actor, on: db)
        try actor.require(.manageHotlines, on: org.orgPath)
        guard let start = input.start.flatMap({ LocalDate($0) }) else { throw AppError.invalid("date_invalid", input.start ?? "") }
        let days = input.days ?? 7
        guard (1...62).contains(days) else { throw AppError.invalid("duty.days_invalid", String(days)) }
        guard let shifts = presets[input.pattern ?? "3x8"] else { throw AppError.invalid("duty.pattern_invalid", input.pattern ?? "") }
        let perShift = input.perShift ?? 1
        guard (1...20).contains(perShift) else { throw AppError.invalid("duty.per_shift_invalid", String(perShift)) }
        let skill = VietnameseText.fold(input.skill ?? "hotline")
        guard skill.count <= 60 else { throw AppError.invalid("too_long", "60") }
        let phoneText = VietnameseText.normalize(input.dutyPhone ?? "")
        guard PhoneNumber.normalize(phoneText) != nil || (3...5).contains(phoneText.count) && phoneText.allSatisfy(\.isNumber) else {
            throw AppError.invalid("duty.phone_invalid", phoneText)
        }
        var people = try await StaffMember.query(on: db).join(Organization.self, on: \StaffMember.$org.$id == \Organization.$id)
            .filter(Organization.self, \.$path =~ org.path).sort(\.$sortKey).limit(maxStaff + 1).all()
            .filter { $0.status != .onLeave && $0.status != .isolating }
        // One person a shift who must hold the skill: only holders can ever be on duty, so the
        // rota is theirs and its shifts are spread evenly among them, not among everyone.
        if perShift == 1 && !skill.isEmpty {
            people = people.filter { $0.skills.split(separator: ";").contains { VietnameseText.fold(String($0)) == skill } }
        }
        guard people.count <= maxStaff else { throw AppError.invalid("duty.too_big", String(maxStaff)) }
        guard !people.isEmpty else { throw AppError.invalid("duty.no_staff", org.name) }
        let end = start.adding(days: days - 1)
        // Half-day absences take the whole day off duty: the duty shifts do not line up with them.
        var absent = try await AbsenceService.unavailable(staff: people.compactMap(\.id), start: start, end: end, on: db)
        // Isolation and monitoring keep people off duty on their days (issue 16).
        for (id, days) in try await HealthService.restrictedDays(staff: people.compactMap(\.id), start: start, end: end, on: db) {
            absent[id, default: []] += days
        }
        let calendar = try await WorkingDayService.calendar(on: db)
        var holidays: [String] = []
        var d = start
        while d <= end {
            if case .holiday = calendar.kind(of: d) { holidays.append(d.value) }
            d = d.adding(days: 1)
        }
        var unit = RosterInput.Unit(id: org.id!.uuidString, maxOnSiteShare: 1, minOnDuty: 1, demand: perShift,
                                    requiredSkills: skill.isEmpty ? nil : [skill])
        unit.restAfter = Dictionary(uniqueKeysWithValues: shifts.map { ($0.name, $0.rest) })
        let staff = people.map { p in
            let skills = p.skills.split(separator: ";").map { VietnameseText.fold(String($0)) }
            let away = Set((absent[p.id!] ?? []).map(\.date)).sorted().map { RosterInput.When(date: $0, shift: nil) }
            return RosterInput.Staff(id: p.id!.uuidString, unit: unit.id, skills: skills, unavailable: away)
        }
        var problemInput = RosterInput(start: start.value, days: days, shifts: shifts.map(\.name), units: [unit], staff: staff)
        problemInput.version = 2
        problemInput.holidays = holidays
        let problem: RosterProblem
        do { problem = try RosterProblem(problemInput) } catch let e as RosterInputError {
            throw AppError.invalid("duty.input_invalid", e.problems.prefix(3).joined(separator: "; "))
        }
        let solution = RosterSolver.solve(problem, options: .init(bestEffort: true, satSeconds: 10))
        let names = Dictionary(uniqueKeysWithValues: people.map { ($0.id!.uuidString, $0.fullName) })
        let rota = DutyRota()
        rota.id = UUID(); rota.orgID = org.id!; rota.orgPath = org.path; rota.startDate = start.value; rota.days = days
        rota.shifts = shifts; rota.demand = perShift; rota.skill = skill; rota.dutyPhone = phoneText; rota.status = .draft
        rota.createdBy = actor.displayName
        let result = solution.units.first
        rota.report = String(decoding: try JSONEncoder().encode(Report(
            spread: result?.spread, optimal: result?.optimal ?? false,
            unstaffed: solution.infeasible.map { i in
                [i.day.map { solution.dates[$0] }, i.shift.map { shifts[$0].name }, i.reason].compactMap { $0 }.joined(separator: " · ")
                    + (i.staff.isEmpty ? "" : " (" + i.staff.compactMap { names[$0] }.prefix(6).joined(separator: ", ") + ")")
            },
            solveMillis: solution.solveMillis)), as: UTF8.self)
        var cells: [DutyCell] = []
        if let result {
            let slots = days * shifts.count
            for (p, staffID) in result.staff.enumerated() {
                for slot in 0..<slots where result.onSite[p * slots + slot] {
                    let day = LocalDate(solution.dates[slot / shifts.count])!, spec = shifts[slot % shifts.count]
                    let c = DutyCell()
                    c.id = UUID(); c.rotaID = rota.id!; c.staffID = UUID(uuidString: staffID)!; c.date = day.value; c.shift = spec.name
                    c.startsAt = day.start.addingTimeInterval(Double(spec.start) * 60)
                    c.endsAt = c.startsAt.addingTimeInterval(Double(spec.hours) * 3600)
                    cells.append(c)
                }
            }
        }
        let toSave = cells
        try await db.writeTransaction { tx in
            try await rota.create(on: tx)
            for chunk in stride(from: 0, to: toSave.count, by: 500) { try await toSave[chunk..<min(chunk + 500, toSave.count)].create(on: tx) }
            try await AuditService.record(on: tx, actor: actor, action: "duty.generate", entityType: "dutyRota", entityID: rota.id,
                                          orgPath: org.path, summary: "\(org.name) \(start.value) +\(days) \(input.pattern ?? "3x8")")
        }
        return rota
    }

    static func report(_ r: DutyRota) -> Report {
        (try? JSONDecoder().decode(Report.self, from: Data(r.report.utf8))) ?? Report(spread: nil, optimal: false, unstaffed: [], solveMillis: 0)
    }

    static func find(_ id: UUID, actor: Actor, on db: any Database) async throws -> DutyRota {
        guard let r = try await DutyRota.find(id, on: db) else { throw AppError.notFound(id.uuidString) }
        try actor.require(.readStaff, on: OrgPath(r.orgPath))
        return r
    }

    static func cells(_ r: DutyRota, on db: any Database) async throws -> [DutyCell] {
        try await DutyCell.query(on: db).filter(\.$rotaID == r.id!).sort(\.$startsAt).all()
    }

    /// Publishing replaces any earlier published rota of the org over the same days: its
    /// overlapping shifts stop counting (it is marked superseded), and the people on the new
    /// one are told.
    static func publish(_ id: UUID, actor: Actor, on db: any Database, now: Date = Date()) async throws -> DutyRota {
        let r = try await find(id, actor: actor, on: db)
        try actor.require(.manageHotlines, on: OrgPath(r.orgPath))
        guard r.status == .draft else { throw AppError.conflict("duty.not_draft", r.status.rawValue) }
        guard report(r).unstaffed.isEmpty else { throw AppError.invalid("duty.unstaffed", String(report(r).unstaffed.count)) }
        let rota = r
        return try await db.writeTransaction { tx in
            guard let current = try await DutyRota.lockedForUpdate(rota.id!, on: tx), current.status == .draft else {
                throw AppError.conflict("duty.not_draft", rota.id!.uuidString)
            }
            let older = try await DutyRota.query(on: tx).filter(\.$orgID == rota.orgID).filter(\.$status == .published)
                .filter(\.$startDate <= rota.endDate).all()
            for o in older where o.endDate >= rota.startDate { o.status = .superseded; try await o.save(on: tx) }
            rota.status = .published; rota.publishedAt = now
            try await rota.save(on: tx)
            let staff = Array(Set(try await DutyCell.query(on: tx).filter(\.$rotaID == rota.id!).all(\.$staffID)))
            var users: [UUID] = []
            for s in staff { users += try await TaskService.userIDsOfStaff(s, on: tx) }
            try await NotificationService.notify(users.filter { $0 != actor.userID }, kind: "notif.duty_published",
                                                 detail: "\(LocalDate(rota.startDate)!.vietnamese)–\(LocalDate(rota.endDate)!.vietnamese)",
                                                 link: "/schedule", on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "duty.publish", entityType: "dutyRota", entityID: rota.id,
                                          orgPath: rota.orgPath, summary: "\(rota.startDate) +\(rota.days); \(older.count) superseded")
            return rota
        }
    }

    /// Who is on duty at `at`, per org, from published rotas: name and the duty phone only.
    struct OnDuty: Content {
        let org: String
        let orgName: String
        let name: String
        let shift: String
        let until: Date
        let dutyPhone: String
    }

    static func onDuty(at: Date = Date(), under path: String? = nil, on db: any Database) async throws -> [OnDuty] {
        let cells = try await DutyCell.query(on: db).join(DutyRota.self, on: \DutyCell.$rotaID == \DutyRota.$id)
            .filter(DutyRota.self, \.$status == .published).filter(\.$startsAt <= at).filter(\.$endsAt > at).limit(500).all()
        guard !cells.isEmpty else { return [] }
        let rotas = try await DutyRota.query(on: db).filter(\.$id ~~ Array(Set(cells.map(\.rotaID)))).all()
        let byRota = Dictionary(uniqueKeysWithValues: rotas.map { ($0.id!, $0) })
        let orgs = Dictionary(uniqueKeysWithValues: try await Organization.query(on: db).filter(\.$id ~~ rotas.map(\.orgID)).all().map { ($0.id!, $0) })
        // "Văn phòng" alone says little on a city-wide page: the unit is named with the org above it.
        let names = try await OrgService.names(Set(rotas.map(\.orgID)), withParent: true, on: db)
        let people = Dictionary(uniqueKeysWithValues: try await StaffMember.query(on: db).filter(\.$id ~~ cells.map(\.staffID)).all().map { ($0.id!, $0) })
        return cells.compactMap { c in
            guard let r = byRota[c.rotaID], let o = orgs[r.orgID], path.map({ r.orgPath.hasPrefix($0) }) ?? true else { return nil }
            return OnDuty(org: o.code, orgName: names[o.id!] ?? o.name, name: people[c.staffID]?.fullName ?? "", shift: c.shift, until: c.endsAt, dutyPhone: r.dutyPhone)
        }.sorted { ($0.orgName, $0.name) < ($1.orgName, $1.name) }
    }

    /// Whether an org (or one above it) keeps published 24/7 duty covering `at`.
    static func covered(_ path: String, at: Date, on db: any Database) async throws -> Bool {
        let prefixes = OrgPath(path).ancestorsAndSelf.map(\.value)
        return try await DutyCell.query(on: db).join(DutyRota.self, on: \DutyCell.$rotaID == \DutyRota.$id)
            .filter(DutyRota.self, \.$status == .published).filter(DutyRota.self, \.$orgPath ~~ prefixes)
            .filter(\.$startsAt <= at).filter(\.$endsAt > at).count() > 0
    }

    /// A person's published duty shifts from a day on, for "my schedule" and the calendar feed.
    static func shifts(staffID: UUID, from: LocalDate, days: Int, on db: any Database) async throws -> [(cell: DutyCell, orgID: UUID)] {
        let cells = try await DutyCell.query(on: db).join(DutyRota.self, on: \DutyCell.$rotaID == \DutyRota.$id)
            .filter(DutyRota.self, \.$status == .published).filter(\.$staffID == staffID)
            .filter(\.$startsAt >= from.start).filter(\.$startsAt < from.adding(days: days).start).sort(\.$startsAt).all()
        let rotas = try await DutyRota.query(on: db).filter(\.$id ~~ Array(Set(cells.map(\.rotaID)))).all()
        let orgOf = Dictionary(uniqueKeysWithValues: rotas.map { ($0.id!, $0.orgID) })
        return cells.compactMap { c in orgOf[c.rotaID].map { (c, $0) } }
    }
}
