import CongsoCore
import Fluent
import SQLKit
import Vapor

/// Daily reports (docs/sources.md, seed 003): staff hand in what they did, what comes next, what blocks
/// them and where they worked, once per window; leaders ask for ad-hoc reports.
enum ReportService {
    // MARK: - Windows

    /// An org's own windows, as the scheduler, the rates and every report read them.
    struct ScheduleSetting: Sendable {
        let orgID: UUID
        let orgPath: String
        let schedule: ReportSchedule
    }

    /// Every org's own schedule; few rows, read whole (in plain SQL: every report reads them).
    static func settings(on db: any Database) async throws -> [ScheduleSetting] {
        return try await db.sql.raw("SELECT org_id, org_path, times, minutes, days FROM report_schedules").all().map { r in
            let schedule = (try? ReportSchedule(times: try r.decode(column: "times", as: String.self), minutes: try r.decode(column: "minutes", as: Int.self),
                                                days: try r.decode(column: "days", as: String.self))) ?? .standard
            return ScheduleSetting(orgID: try r.decode(column: "org_id", as: UUID.self), orgPath: try r.decode(column: "org_path", as: String.self),
                                   schedule: schedule)
        }
    }

    /// The schedule that applies at `path`: the deepest setting above it, else the default.
    static func schedule(at path: String, in settings: [ScheduleSetting]) -> (schedule: ReportSchedule, owner: ScheduleSetting?) {
        let owner = settings.filter { path.hasPrefix($0.orgPath) }.max { $0.orgPath.count < $1.orgPath.count }
        return (owner?.schedule ?? .standard, owner)
    }

    struct ScheduleInput: Content {
        var org: String?
        var times: String?
        var minutes: Int?
        var days: String?
        /// true: drop the org's own schedule and use its parent's again.
        var inherit: Bool?
    }

    struct ScheduleDTO: Content {
        let orgId: UUID
        let own: Bool
        let times: [String]
        let minutes: Int
        let days: [Int]
        let inheritedFrom: UUID?
    }

    static func scheduleDTO(_ org: Organization, on db: any Database) async throws -> ScheduleDTO {
        let (s, owner) = schedule(at: org.path, in: try await settings(on: db))
        return ScheduleDTO(orgId: org.id!, own: owner?.orgID == org.id, times: s.times, minutes: s.minutes, days: s.days,
                           inheritedFrom: owner?.orgID == org.id ? nil : owner?.orgID)
    }

    static func setSchedule(_ input: ScheduleInput, actor: Actor, on db: any Database) async throws -> Organization {
        guard let code = input.org, !code.isEmpty else { throw AppError.invalid("org_missing", "") }
        let org = try await OrgService.find(code, actor: actor, on: db)
        try actor.require(.manageReports, on: org.orgPath)
        let existing = try await ReportScheduleSetting.query(on: db).filter(\.$orgID == org.id!).first()
        if input.inherit == true {
            guard let existing else { return org }
            try await db.writeTransaction { tx in
                try await existing.delete(on: tx)
                try await AuditService.record(on: tx, actor: actor, action: "report.schedule_reset", entityType: "org", entityID: org.id,
                                              orgPath: org.path, summary: org.name)
            }
            return org
        }
        let s: ReportSchedule
        do {
            s = try ReportSchedule(times: input.times ?? "", minutes: input.minutes ?? 60, days: input.days ?? "1-5")
        } catch {
            switch error {
            case .badTime(let t): throw AppError.invalid("report.time_invalid", t)
            case .noTimes: throw AppError.invalid("report.times_missing", "")
            case .badMinutes(let m): throw AppError.invalid("report.minutes_invalid", String(m))
            case .badDay(let d): throw AppError.invalid("report.days_invalid", d)
            case .noDays: throw AppError.invalid("report.days_invalid", "")
            case .overlapping(let t): throw AppError.invalid("report.windows_overlap", t)
            }
        }
        let row = existing ?? ReportScheduleSetting()
        if existing == nil { row.id = UUID(); row.orgID = org.id! }
        row.orgPath = org.path
        row.times = s.times.joined(separator: ",")
        row.minutes = s.minutes
        row.days = s.daysText
        row.updatedBy = actor.label
        try await db.writeTransaction { tx in
            try await row.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "report.schedule", entityType: "org", entityID: org.id,
                                          orgPath: org.path, summary: "\(org.name): \(row.times) · \(row.minutes)′ · \(row.days)")
        }
        return org
    }

    // MARK: - Handing in

    struct Input: Content {
        var date: String?
        /// "07:00"; when absent, the window open now (or the last one opened today).
        var window: String?
        var requestId: UUID?
        var done: String?
        var next: String?
        var blockers: String?
        /// "onSite" or "remote".
        var location: String?
    }

    static let maxText = 2000
    static let maxDaysBack = 7

    static func text(_ raw: String?, _ field: String, required: Bool) throws -> String {
        let t = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if required && t.isEmpty { throw AppError.invalid("report.\(field)_missing", "") }
        guard t.count <= maxText else { throw AppError.invalid("too_long", String(maxText)) }
        return t
    }

    static func me(_ actor: Actor, on db: any Database) async throws -> StaffMember {
        guard let id = actor.staffID else { throw AppError.invalid("report.no_staff_record", "") }
        guard let person = try await StaffMember.query(on: db).filter(\.$id == id).with(\.$org).first() else { throw AppError.notFound(id.uuidString) }
        return person
    }

    /// Where a report goes: a window of the person's schedule, or an ad-hoc request.
    struct Target { let date: String; let slot: String; let closesAt: Date }

    static func target(_ input: Input, orgPath: String, now: Date, on db: any Database) async throws -> Target {
        if let rid = input.requestId {
            guard let r = try await ReportRequest.find(rid, on: db), OrgPath(r.orgPath).contains(OrgPath(orgPath)) else {
                throw AppError.notFound(rid.uuidString)
            }
            return Target(date: LocalDate.of(r.createdAt ?? now).value, slot: r.slot, closesAt: r.deadline)
        }
        let (schedule, _) = schedule(at: orgPath, in: try await settings(on: db))
        let today = LocalDate.of(now)
        guard let day = input.date.map({ LocalDate($0) }) ?? today else { throw AppError.invalid("date_invalid", input.date ?? "") }
        guard day <= today else { throw AppError.invalid("report.window_not_open", day.vietnamese) }
        guard day >= today.adding(days: -maxDaysBack) else { throw AppError.invalid("report.too_old", String(maxDaysBack)) }
        let window: ReportWindow
        if let slot = input.window, !slot.isEmpty {
            guard schedule.isReportDay(day), let w = schedule.window(slot, on: day) else {
                throw AppError.invalid("report.window_unknown", "\(slot) \(day.vietnamese)")
            }
            guard w.opensAt <= now else { throw AppError.invalid("report.window_not_open", "\(slot) \(day.vietnamese)") }
            window = w
        } else {
            guard let w = schedule.windows(on: day).last(where: { $0.opensAt <= now }) else {
                throw AppError.invalid("report.window_not_open", day.vietnamese)
            }
            window = w
        }
        return Target(date: day.value, slot: window.slot, closesAt: window.closesAt)
    }

    /// The person handing in a report: id, name and unit, in one query.
    struct Reporter { let id: UUID; let name: String; let orgID: UUID; let orgPath: String }

    static func reporter(_ actor: Actor, on db: any Database) async throws -> Reporter {
        guard let id = actor.staffID else { throw AppError.invalid("report.no_staff_record", "") }
        guard let r = try await db.sql.raw("""
            SELECT s.full_name, s.org_id, o.path FROM staff s JOIN organizations o ON o.id = s.org_id WHERE s.id = \(bind: id)
            """).first() else { throw AppError.notFound(id.uuidString) }
        return Reporter(id: id, name: try r.decode(column: "full_name", as: String.self), orgID: try r.decode(column: "org_id", as: UUID.self),
                        orgPath: try r.decode(column: "path", as: String.self))
    }

    /// Hands in (or edits) a report. The hot path of the three daily windows, so it is
    /// plain SQL: one upsert that keeps the first hand-in time, and the audit line.
    static func submit(_ input: Input, actor: Actor, on db: any Database, now: Date = Date()) async throws -> DailyReport {
        let person = try await reporter(actor, on: db)
        let done = try text(input.done, "done", required: true)
        let next = try text(input.next, "next", required: false)
        let blockers = try text(input.blockers, "blockers", required: false)
        let rawLocation = input.location.flatMap { $0.isEmpty ? nil : $0 } ?? DailyReport.Location.remote.rawValue
        guard let location = DailyReport.Location(rawValue: rawLocation) else { throw AppError.invalid("report.location_invalid", rawLocation) }
        let target = try await target(input, orgPath: person.orgPath, now: now, on: db)
        let report = DailyReport()
        report.id = UUID()
        report.staffID = person.id
        report.orgID = person.orgID
        report.orgPath = person.orgPath
        report.date = target.date
        report.slot = target.slot
        report.done = done
        report.next = next
        report.blockers = blockers
        report.location = location
        report.submittedAt = now
        report.onTime = now < target.closesAt
        try await db.writeTransaction { tx in
            let tsql = try tx.sql
            // Handing in again edits the report; it keeps the time it was first received.
            let row = try await tsql.raw("""
                INSERT INTO daily_reports (id, staff_id, org_id, org_path, date, slot, done, next, blockers, location, submitted_at, on_time, updated_at)
                VALUES (\(bind: report.id!), \(bind: person.id), \(bind: person.orgID), \(bind: person.orgPath), \(bind: target.date),
                        \(bind: target.slot), \(bind: done), \(bind: next), \(bind: blockers), \(bind: location.rawValue), \(bind: now),
                        \(bind: report.onTime), \(bind: now))
                ON CONFLICT (staff_id, date, slot) DO UPDATE SET done = excluded.done, next = excluded.next, blockers = excluded.blockers,
                    location = excluded.location, org_id = excluded.org_id, org_path = excluded.org_path, updated_at = excluded.updated_at
                RETURNING id, submitted_at, on_time
                """).first()
            guard let row else { throw AppError(status: .internalServerError, code: "internal", detail: "report not stored") }
            report.id = try row.decode(column: "id", as: UUID.self)
            report.submittedAt = try row.decode(column: "submitted_at", as: Date.self)
            report.onTime = try row.decode(column: "on_time", as: Bool.self)
            let edited = report.submittedAt.timeIntervalSince(now) < -0.001
            try await AuditService.record(on: tx, actor: actor, action: edited ? "report.edit" : "report.submit", entityType: "report",
                                          entityID: report.id, orgPath: person.orgPath, summary: "\(person.name) \(target.date) \(target.slot)")
        }
        return report
    }

    static func mine(_ actor: Actor, page: PageRequest, on db: any Database) async throws -> Paged<DailyReport> {
        guard let id = actor.staffID else { return Paged(items: [], total: 0, page: page) }
        let q = DailyReport.query(on: db).filter(\.$staffID == id)
        let total = try await q.count()
        let items = try await q.sort(\.$submittedAt, .descending).range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }

    /// Windows of today that have opened, for the form, newest first.
    static func openedToday(for person: StaffMember, now: Date, on db: any Database) async throws -> [ReportWindow] {
        let (s, _) = schedule(at: person.org.path, in: try await settings(on: db))
        return s.windows(on: LocalDate.of(now)).filter { $0.opensAt <= now }.reversed()
    }

    /// Windows of the previous `maxDaysBack` days the person has not reported, newest first.
    static func missed(by person: StaffMember, now: Date, on db: any Database) async throws -> [ReportWindow] {
        let (s, _) = schedule(at: person.org.path, in: try await settings(on: db))
        let today = LocalDate.of(now)
        let from = today.adding(days: -maxDaysBack)
        let done = Set(try await DailyReport.query(on: db).filter(\.$staffID == person.id!).filter(\.$date >= from.value)
            .filter(\.$date < today.value).all().map { "\($0.date)|\($0.slot)" })
        var out: [ReportWindow] = []
        for back in 1...maxDaysBack {
            let day = today.adding(days: -back)
            out += s.windows(on: day).reversed().filter { !done.contains("\(day.value)|\($0.slot)") }
        }
        return out
    }

    // MARK: - Ad-hoc requests

    struct RequestInput: Content {
        var org: String?
        var title: String?
        /// ISO 8601, or "yyyy-MM-ddTHH:mm" in Hanoi time as a browser's datetime-local sends it.
        var deadline: String?
    }

    static func parseInstant(_ raw: String?) -> Date? {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        if let d = ISO8601DateFormatter().date(from: raw) { return d }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = LocalDate.timeZone
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"] {
            f.dateFormat = format
            if let d = f.date(from: raw) { return d }
        }
        return nil
    }

    static func request(_ input: RequestInput, actor: Actor, on db: any Database, now: Date = Date()) async throws -> ReportRequest {
        guard let code = input.org, !code.isEmpty else { throw AppError.invalid("org_missing", "") }
        let org = try await OrgService.find(code, actor: actor, on: db)
        try actor.require(.manageReports, on: org.orgPath)
        let title = try text(input.title, "title", required: true)
        guard title.count <= 200 else { throw AppError.invalid("too_long", "200") }
        guard let deadline = parseInstant(input.deadline) else { throw AppError.invalid("report.deadline_invalid", input.deadline ?? "") }
        guard deadline > now.addingTimeInterval(5 * 60) else { throw AppError.invalid("report.deadline_past", DisplayDate.format(deadline)) }
        guard deadline < now.addingTimeInterval(31 * 86_400) else { throw AppError.invalid("report.deadline_far", DisplayDate.format(deadline)) }
        let r = ReportRequest()
        r.id = UUID()
        r.orgID = org.id!
        r.orgPath = org.path
        r.title = title
        r.deadline = deadline
        r.createdBy = actor.displayName
        try await db.writeTransaction { tx in
            try await r.create(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "report.request", entityType: "report_request", entityID: r.id,
                                          orgPath: org.path, summary: "\(org.name): \(title)")
            let users = try await ReportReminders.staffUsers(under: org.path, excluding: [], on: tx)
            try await NotificationService.notify(users.map(\.userID).filter { $0 != actor.userID }, kind: "notif.report_requested",
                                                 detail: "\(title) — \(DisplayDate.format(deadline))", link: "/reports?request=\(r.id!)", on: tx)
        }
        return r
    }

    static func requests(visibleTo actor: Actor, page: PageRequest, on db: any Database) async throws -> Paged<ReportRequest> {
        let q = ReportRequest.query(on: db)
        if actor.has(.readReports) {
            q.filter(\.$orgPath =~ actor.visiblePrefix)
        } else {
            guard let id = actor.staffID, let person = try await StaffMember.query(on: db).filter(\.$id == id).with(\.$org).first() else {
                return Paged(items: [], total: 0, page: page)
            }
            // The requests that reach a person: those of their org and every org above it.
            q.filter(\.$orgPath ~~ OrgPath(person.org.path).ancestorsAndSelf.map(\.value))
        }
        let total = try await q.count()
        let items = try await q.sort(\.$deadline, .descending).range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }

    static func findRequest(_ id: UUID, actor: Actor, on db: any Database) async throws -> ReportRequest {
        guard let r = try await ReportRequest.find(id, on: db) else { throw AppError.notFound(id.uuidString) }
        try actor.require(.readReports, on: OrgPath(r.orgPath))
        return r
    }
}
