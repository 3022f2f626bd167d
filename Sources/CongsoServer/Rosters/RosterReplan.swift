import CongsoCore
import Fluent
import Vapor

/// Rosters and health states (issue 16): a published roster that has someone on site while
/// they are isolating or under monitoring shows the conflict and is marked for replanning;
/// replanning solves the same problem again with those days taken away.
extension RosterService {
    /// Marks (in the caller's transaction) every roster whose published or draft cells put the
    /// person on site in [from, through]. Returns how many were marked.
    @discardableResult
    static func markForReplan(staffID: UUID, from: LocalDate, through last: LocalDate, note: String, on tx: any Database) async throws -> Int {
        let published = try await RosterPublishedCell.query(on: tx).filter(\.$staffID == staffID)
            .filter(\.$date >= from.value).filter(\.$date <= last.value).all(\.$rosterID)
        let drafts = try await RosterCell.query(on: tx).filter(\.$staffID == staffID)
            .filter(\.$date >= from.value).filter(\.$date <= last.value).all(\.$rosterID)
        let ids = Array(Set(published + drafts))
        guard !ids.isEmpty else { return 0 }
        for r in try await Roster.query(on: tx).filter(\.$id ~~ ids).all() {
            let joined = [r.replanNote, note].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "; ")
            r.replanNote = String(joined.suffix(2000))
            try await r.save(on: tx)
        }
        return ids.count
    }

    struct HealthConflict: Content {
        let staffId: UUID
        let name: String
        let date: String
        let shift: Shift
        let kind: HealthStateKind
        let lastDay: String
        let published: Bool
    }

    /// Cells (published or draft) that put someone on site on a day they may not come.
    static func healthConflicts(_ roster: Roster, on db: any Database) async throws -> [HealthConflict] {
        let today = LocalDate.of(Date())
        let from = max(today, LocalDate(roster.startDate)!), end = LocalDate(roster.endDate)!
        guard from <= end else { return [] }
        let published = try await RosterPublishedCell.query(on: db).filter(\.$rosterID == roster.id!).filter(\.$date >= from.value).all()
        let draft = try await cells(roster, on: db).filter { $0.date >= from.value }
        let people = Array(Set(published.map(\.staffID) + draft.map(\.staffID)))
        let days = try await HealthService.restrictedDays(staff: people, start: from, end: end, on: db)
        guard !days.isEmpty else { return [] }
        let states = try await HealthState.query(on: db).filter(\.$staffID ~~ Array(days.keys)).filter(\.$lastDay >= from.value).all()
        let names = Dictionary(uniqueKeysWithValues: try await StaffMember.query(on: db).filter(\.$id ~~ Array(days.keys)).all().map { ($0.id!, $0.fullName) })
        var out: [HealthConflict] = []
        var seen = Set<String>()
        let cellsToCheck = published.map { ($0.staffID, $0.date, $0.shift, true) } + draft.map { ($0.staffID, $0.date, $0.shift, false) }
        for (staff, date, shift, isPublished) in cellsToCheck {
            guard let off = days[staff], off.contains(where: { $0.date == date }), seen.insert("\(staff)|\(date)|\(shift)").inserted else { continue }
            let state = states.first { $0.staffID == staff && $0.active(on: LocalDate(date)!) }
            out.append(HealthConflict(staffId: staff, name: names[staff] ?? "", date: date, shift: shift, kind: state?.kind ?? .isolating,
                                      lastDay: state?.lastDay ?? date, published: isPublished))
        }
        return out.sorted { ($0.date, $0.name) < ($1.date, $1.name) }
    }

    /// The first draft cell (from today on) that puts someone on site on a day they may not
    /// come, in words ("Name dd/MM/yyyy"); nil when there is none.
    static func draftHealthConflict(_ roster: Roster, cells: [RosterCell], on db: any Database) async throws -> String? {
        let today = LocalDate.of(Date())
        let ahead = cells.filter { $0.date >= today.value }
        guard let first = ahead.map(\.date).min(), let last = ahead.map(\.date).max() else { return nil }
        let off = try await HealthService.restrictedDays(staff: Array(Set(ahead.map(\.staffID))), start: LocalDate(first)!, end: LocalDate(last)!, on: db)
        guard let hit = ahead.sorted(by: { $0.date < $1.date }).first(where: { c in off[c.staffID]?.contains { $0.date == c.date } == true }) else { return nil }
        let name = try await StaffMember.find(hit.staffID, on: db)?.fullName ?? ""
        return "\(name) \(LocalDate(hit.date)!.vietnamese)"
    }

    /// Solves the roster's problem again with today's health states: the days people may not
    /// come become unavailable and their obligations on those days are dropped. The draft is
    /// replaced (to be published), the mark cleared.
    static func replan(_ roster: Roster, actor: Actor, on db: any Database) async throws -> Roster {
        try actor.require(.planRosters, on: OrgPath(roster.orgPath))
        var input = try decodedProblem(roster)
        let start = LocalDate(roster.startDate)!, end = LocalDate(roster.endDate)!
        let ids = input.staff.compactMap { UUID(uuidString: $0.id) }
        let off = try await HealthService.restrictedDays(staff: ids, start: start, end: end, on: db)
        for i in input.staff.indices {
            guard let id = UUID(uuidString: input.staff[i].id), let days = off[id] else { continue }
            let offDates = Set(days.map(\.date))
            input.staff[i].unavailable = (input.staff[i].unavailable ?? []).filter { !offDates.contains($0.date) } + days
            input.staff[i].mustBeOnSite = input.staff[i].mustBeOnSite?.filter { !offDates.contains($0.date) }
        }
        let problem: RosterProblem
        do { problem = try RosterProblem(input) } catch let e as RosterInputError {
            throw AppError.invalid("roster.input_invalid", e.problems.prefix(3).joined(separator: "; "))
        }
        let solution = RosterSolver.solve(problem, options: .init(bestEffort: true, satSeconds: 10))
        let fresh = try await cells(of: solution, roster: roster, units: problem.units.map(\.id), on: db)
        let newProblem = String(decoding: try JSONEncoder().encode(input), as: UTF8.self)
        let newReport = try encode(report(solution))
        let toSave = fresh
        let before = roster.auditSnapshot
        try await db.writeTransaction { tx in
            guard let r = try await Roster.lockedForUpdate(roster.id!, on: tx) else { throw AppError.notFound("") }
            try await RosterCell.query(on: tx).filter(\.$rosterID == r.id!).delete()
            for chunk in stride(from: 0, to: toSave.count, by: 500) {
                try await toSave[chunk..<min(chunk + 500, toSave.count)].create(on: tx)
            }
            r.problem = newProblem
            r.report = newReport
            r.dirty = true
            r.replanNote = nil
            try await r.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "roster.replan", entityType: "roster", entityID: r.id,
                                          orgPath: r.orgPath, summary: "\(off.count) people off site", before: before, after: r.auditSnapshot)
        }
        return try await Roster.find(roster.id!, on: db) ?? roster
    }
}
