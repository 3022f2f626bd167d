import CongsoCore
import Fluent
import Vapor

/// The scheduler's report jobs: when a window opens and shortly before it closes, the
/// people who still owe a report are reminded; the same before an ad-hoc deadline.
enum ReportReminders {
    struct StaffUser: Sendable { let userID: UUID; let staffID: UUID }

    /// Active accounts of people under `path` (not on leave), leaving out the subtrees in
    /// `excluding` (they keep their own windows).
    static func staffUsers(under path: String, excluding: [String], on db: any Database) async throws -> [StaffUser] {
        let rows = try await User.query(on: db).filter(\.$active == true).filter(\.$staffID != nil)
            .join(StaffMember.self, on: \User.$staffID == \StaffMember.$id)
            .join(Organization.self, on: \StaffMember.$org.$id == \Organization.$id)
            .filter(Organization.self, \.$path =~ path)
            .filter(StaffMember.self, \.$status != .onLeave)
            .all()
        return try rows.compactMap { u in
            let p = try u.joined(Organization.self).path
            guard !excluding.contains(where: { p.hasPrefix($0) }) else { return nil }
            return StaffUser(userID: u.id!, staffID: u.staffID!)
        }
    }

    /// Those of `users` with no report in `slot` of `date` yet.
    static func owing(_ users: [StaffUser], date: String, slot: String, on db: any Database) async throws -> [UUID] {
        guard !users.isEmpty else { return [] }
        var done = Set<UUID>()
        let ids = Array(Set(users.map(\.staffID)))
        for chunk in stride(from: 0, to: ids.count, by: 500) {
            let part = Array(ids[chunk..<min(chunk + 500, ids.count)])
            for r in try await DailyReport.query(on: db).filter(\.$date == date).filter(\.$slot == slot).filter(\.$staffID ~~ part)
                .field(\.$staffID).all() {
                done.insert(r.staffID)
            }
        }
        return users.filter { !done.contains($0.staffID) }.map(\.userID)
    }

    static func run(at now: Date, on db: any Database, into r: inout Scheduler.Report) async throws {
        let settings = try await ReportService.settings(on: db)
        let today = LocalDate.of(now)
        // The default schedule covers everything without a schedule of its own.
        var owners: [(key: String, path: String, schedule: ReportSchedule, excluding: [String])] =
            [("default", "/", .standard, settings.map(\.orgPath))]
        for s in settings {
            owners.append((s.orgID.uuidString, s.orgPath, s.schedule,
                           settings.map(\.orgPath).filter { $0 != s.orgPath && $0.hasPrefix(s.orgPath) }))
        }
        for owner in owners {
            for w in owner.schedule.windows(on: today) where w.isOpen(at: now) {
                let closing = now >= w.closingReminderAt
                let key = "report-\(closing ? "closing" : "open"):\(owner.key):\(today.value):\(w.slot)"
                let detail = "\(w.slot) \(today.vietnamese)"
                let (path, excluding) = (owner.path, owner.excluding)
                let sent = try await Scheduler.once(key, on: db) { tx in
                    let users = try await staffUsers(under: path, excluding: excluding, on: tx)
                    let ids = try await owing(users, date: today.value, slot: w.slot, on: tx)
                    try await NotificationService.notify(ids, kind: closing ? "notif.report_window_closing" : "notif.report_window_open",
                                                         detail: detail, link: "/reports", on: tx)
                    return ids.count
                }
                if let sent {
                    if closing { r.windowsClosing += 1 } else { r.windowsOpened += 1 }
                    r.notified += sent
                }
            }
        }
        // Ad-hoc requests, in their last quarter of an hour.
        for req in try await ReportRequest.query(on: db).filter(\.$deadline > now).filter(\.$deadline <= now.addingTimeInterval(15 * 60)).all() {
            let sent = try await Scheduler.once("request-closing:\(req.id!)", on: db) { tx in
                let users = try await staffUsers(under: req.orgPath, excluding: [], on: tx)
                let ids = try await owing(users, date: LocalDate.of(req.createdAt ?? now).value, slot: req.slot, on: tx)
                try await NotificationService.notify(ids, kind: "notif.report_request_closing", detail: req.title,
                                                     link: "/reports?request=\(req.id!)", on: tx)
                return ids.count
            }
            if let sent { r.requestsClosing += 1; r.notified += sent }
        }
    }
}
