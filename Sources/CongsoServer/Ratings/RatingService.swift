import CongsoCore
import Fluent
import SQLKit
import Vapor

/// Monthly ratings: a level proposed from the month's record (RatingRecord holds the
/// formula), which the head confirms or changes with a justification.
enum RatingService {
    /// "2021-07" → its first and last day.
    static func bounds(_ month: String) -> (LocalDate, LocalDate)? {
        guard month.count == 7, let first = LocalDate(month + "-01") else { return nil }
        var last = first
        while last.adding(days: 1).value.hasPrefix(month) { last = last.adding(days: 1) }
        return (first, last)
    }

    static func parseMonth(_ raw: String?, now: Date = Date()) throws -> String {
        let current = String(LocalDate.of(now).value.prefix(7))
        guard let raw, !raw.isEmpty else { return current }
        guard bounds(raw) != nil else { throw AppError.invalid("rating.month_invalid", raw) }
        guard raw <= current else { throw AppError.invalid("rating.month_future", raw) }
        return raw
    }

    struct Row: Content {
        let staffId: UUID
        let name: String
        let unit: String
        let month: String
        let tasksDue: Int
        let tasksOnTime: Int
        let tasksOverdue: Int
        let reportsExpected: Int
        let reportsReceived: Int
        let taskScore: Double
        let reportScore: Double
        let score: Double
        let proposed: String
        let proposedLabel: String
        /// The head's level once confirmed.
        let level: String?
        let levelLabel: String?
        let justification: String?
        let confirmedBy: String?
    }

    /// The record of each person, as of `now` (a month in progress counts what is due so far).
    static func records(_ people: [StaffMember], month: String, now: Date, on db: any Database) async throws -> [UUID: RatingRecord] {
        guard let (first, last) = bounds(month), !people.isEmpty else { return [:] }
        let today = LocalDate.of(now)
        let ids = people.map { $0.id! }
        var out: [UUID: RatingRecord] = [:]
        for id in ids { out[id] = RatingRecord(tasksDue: 0, tasksOnTime: 0, tasksOverdue: 0, reportsExpected: 0, reportsReceived: 0) }
        let settings = try await ReportService.settings(on: db)
        var orgPaths: [UUID: String] = [:]
        for o in try await Organization.query(on: db).filter(\.$id ~~ Array(Set(people.map { $0.$org.id }))).all() { orgPaths[o.id!] = o.path }
        // The first day each unit reported this month: someone added to a unit later is
        // still expected from then on, like everyone the rates page counts.
        var unitStart: [UUID: LocalDate] = [:]
        let units = Array(Set(people.map { $0.$org.id }))
        let sql = try db.sql
        for chunk in stride(from: 0, to: units.count, by: 500) {
            let part = Array(units[chunk..<min(chunk + 500, units.count)])
            for row in try await sql.select().column("org_id").column(SQLFunction("min", args: SQLColumn("date")), as: "first_day")
                .from(DailyReport.schema).where("org_id", .in, part)
                .where("date", .greaterThanOrEqual, first.value).where("date", .lessThanOrEqual, last.value)
                .groupBy("org_id").all() {
                unitStart[try row.decode(column: "org_id", as: UUID.self)] = LocalDate(try row.decode(column: "first_day", as: String.self))
            }
        }
        // A chunk of people at a time (the IN list stays short), each read grouped per
        // person in SQL: a city's month is ~250,000 reports, which decoding row by row (and
        // matching every person against every chunk) made a ten-second export.
        for chunk in stride(from: 0, to: people.count, by: 500) {
            let group = people[chunk..<min(chunk + 500, people.count)]
            let part = group.map { $0.id! }
            // Tasks due this month: finished ones, and open ones whose deadline has passed.
            for t in try await WorkTask.query(on: db).filter(\.$assigneeStaffID ~~ part)
                .filter(\.$deadline >= first.value).filter(\.$deadline <= last.value).filter(\.$status != .cancelled).all() {
                let status = t.status
                guard status == .done || t.deadline < today.value else { continue }
                out[t.assigneeStaffID!]!.tasksDue += 1
                if t.doneOnTime == true { out[t.assigneeStaffID!]!.tasksOnTime += 1 }
                if status.isOpen { out[t.assigneeStaffID!]!.tasksOverdue += 1 }
            }
            var firstReport: [UUID: String] = [:]
            for row in try await sql.select().column("staff_id").column("slot").column(SQLFunction("count", args: SQLLiteral.all), as: "n")
                .column(SQLFunction("min", args: SQLColumn("date")), as: "first_day")
                .from(DailyReport.schema).where("staff_id", .in, part)
                .where("date", .greaterThanOrEqual, first.value).where("date", .lessThanOrEqual, last.value)
                .groupBy("staff_id").groupBy("slot").all() {
                guard ReportSlot(stored: try row.decode(column: "slot", as: String.self)).window != nil else { continue }
                let staffID = try row.decode(column: "staff_id", as: UUID.self)
                let day = try row.decode(column: "first_day", as: String.self)
                out[staffID]!.reportsReceived += try row.decode(column: "n", as: Int.self)
                firstReport[staffID] = min(firstReport[staffID] ?? day, day)
            }
            let absences = Dictionary(grouping: try await StaffAbsence.query(on: db).filter(\.$staffID ~~ part).filter(\.$shift == nil)
                .filter(\.$fromDate <= last.value).filter(\.$toDate >= first.value).all(), by: \.staffID)
            for p in group {
                // Windows count from the month's start, or from when the person came on record
                // (or their unit first reported, if that was earlier).
                var day = max(first, LocalDate.of(p.createdAt ?? first.start))
                if let f = firstReport[p.id!].flatMap(LocalDate.init) { day = min(day, f) }
                if let u = unitStart[p.$org.id] { day = min(day, u) }
                let schedule = ReportService.schedule(at: orgPaths[p.$org.id] ?? "/", in: settings).schedule
                let mine = absences[p.id!] ?? []
                var expected = 0
                while day <= last, day <= today {
                    if !mine.contains(where: { $0.fromDate <= day.value && $0.toDate >= day.value }) {
                        expected += schedule.windows(on: day).filter { $0.opensAt <= now }.count
                    }
                    day = day.adding(days: 1)
                }
                out[p.id!]!.reportsExpected = expected
            }
        }
        return out
    }

    static func rows(_ people: [StaffMember], month: String, now: Date, t: (String) -> String, on db: any Database) async throws -> [Row] {
        let records = try await records(people, month: month, now: now, on: db)
        let confirmed = Dictionary(try await MonthlyRating.query(on: db).filter(\.$staffID ~~ people.map { $0.id! }).filter(\.$month == month).all()
            .map { ($0.staffID, $0) }, uniquingKeysWith: { a, _ in a })
        let units = try await OrgService.names(Set(people.map { $0.$org.id }), on: db)
        return people.map { p in
            let r = records[p.id!]!
            let c = confirmed[p.id!]
            return Row(staffId: p.id!, name: p.fullName, unit: units[p.$org.id] ?? "", month: month, tasksDue: r.tasksDue, tasksOnTime: r.tasksOnTime,
                       tasksOverdue: r.tasksOverdue, reportsExpected: r.reportsExpected, reportsReceived: r.reportsReceived,
                       taskScore: r.taskScore.roundedTenth, reportScore: r.reportScore.roundedTenth, score: r.score,
                       proposed: r.proposed.rawValue, proposedLabel: t("rating." + r.proposed.rawValue),
                       level: c?.level, levelLabel: c.map { t("rating." + $0.level) }, justification: c?.justification, confirmedBy: c?.confirmedBy)
        }
    }

    /// Everyone under `org`, by Vietnamese name order.
    static func people(under org: Organization, actor: Actor, on db: any Database) throws -> QueryBuilder<StaffMember> {
        try actor.require(.readReports, on: org.orgPath)
        return StaffMember.query(on: db).join(Organization.self, on: \StaffMember.$org.$id == \Organization.$id)
            .filter(Organization.self, \.$path =~ org.path).sort(\.$sortKey).sort(\.$id)
    }

    static func page(under org: Organization, month: String, actor: Actor, page: PageRequest, t: (String) -> String,
                     on db: any Database) async throws -> Paged<Row> {
        let total = try await people(under: org, actor: actor, on: db).count()
        let people = try await people(under: org, actor: actor, on: db).range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: try await rows(people, month: month, now: Date(), t: t, on: db), total: total, page: page)
    }

    struct ConfirmInput: Content {
        var staffId: UUID?
        var month: String?
        var level: String?
        var justification: String?
    }

    /// The head confirms the proposal or sets another level; a changed level needs a reason.
    static func confirm(_ input: ConfirmInput, actor: Actor, on db: any Database, now: Date = Date()) async throws -> MonthlyRating {
        guard let id = input.staffId else { throw AppError.invalid("rating.staff_missing", "") }
        let person = try await StaffService.find(id, actor: actor, on: db)
        try actor.require(.rateStaff, on: person.org.orgPath)
        let month = try parseMonth(input.month, now: now)
        guard let raw = input.level, let level = RatingLevel(rawValue: raw) else { throw AppError.invalid("rating.level_invalid", input.level ?? "") }
        let record = try await records([person], month: month, now: now, on: db)[id]!
        let why = (input.justification ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard why.count <= 1000 else { throw AppError.invalid("too_long", "1000") }
        if level != record.proposed && why.count < 10 { throw AppError.invalid("rating.justification_missing", "") }
        // The month's row is read inside the transaction: two heads confirming at once both
        // land, the later one as a change. On PostgreSQL the first row of a month meets the
        // unique (person, month) index; the one turned away runs again and updates it.
        for attempt in 1...2 {
            do {
                return try await db.writeTransaction { tx in
                    let existing = try await MonthlyRating.query(on: tx).filter(\.$staffID == id).filter(\.$month == month).first()
                    var locked: MonthlyRating?
                    if let existing { locked = try await MonthlyRating.lockedForUpdate(existing.id!, on: tx) }
                    let row = locked ?? MonthlyRating()
                    if existing == nil { row.id = UUID(); row.staffID = id; row.month = month }
                    row.orgPath = person.org.path
                    row.proposed = record.proposed.rawValue
                    row.score = record.score
                    row.level = level.rawValue
                    row.justification = why
                    row.tasksDue = record.tasksDue; row.tasksOnTime = record.tasksOnTime; row.tasksOverdue = record.tasksOverdue
                    row.reportsExpected = record.reportsExpected; row.reportsReceived = record.reportsReceived
                    row.confirmedBy = actor.displayName
                    try await row.save(on: tx)
                    try await AuditService.record(on: tx, actor: actor, action: "rating.confirm", entityType: "staff", entityID: id, orgPath: person.org.path,
                                                  summary: "\(person.fullName) \(month): \(level.vietnamese)",
                                                  after: ["proposed": record.proposed.rawValue, "level": level.rawValue, "score": String(record.score), "why": why])
                    return row
                }
            } catch where attempt == 1 && DatabaseFailure.isUniqueViolation(error) {
                continue
            }
        }
        throw AppError.conflict("conflict", "")
    }

    static func csv(_ rows: [Row]) -> String {
        var out = CSVTable.line(["staff_id", "full_name", "unit", "month", "tasks_due", "tasks_on_time", "tasks_overdue", "reports_expected",
                                 "reports_received", "task_score", "report_score", "score", "proposed", "level", "justification", "confirmed_by"])
        for r in rows {
            out += CSVTable.line([r.staffId.uuidString, r.name, r.unit, r.month, String(r.tasksDue), String(r.tasksOnTime), String(r.tasksOverdue),
                                  String(r.reportsExpected), String(r.reportsReceived), String(r.taskScore), String(r.reportScore), String(r.score),
                                  r.proposedLabel, r.levelLabel ?? "", r.justification ?? "", r.confirmedBy ?? ""])
        }
        return out
    }
}

extension Double {
    var roundedTenth: Double { (self * 10).rounded() / 10 }
}
