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
