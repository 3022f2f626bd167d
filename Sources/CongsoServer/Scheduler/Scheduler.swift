import CongsoCore
import Fluent
import Vapor

/// A job that ran, by key ("report-open:<org>:<day>:<slot>", "task-overdue:<task>:<day>").
/// The key is unique: whichever process inserts it first does the job, in the same
/// transaction, so two servers on one database never send the same reminder twice —
/// and if the job fails the claim rolls back with it and the next tick retries.
final class SchedulerClaim: Model, @unchecked Sendable {
    static let schema = "scheduler_claims"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "claimed_by") var claimedBy: String
    @Timestamp(key: "claimed_at", on: .create) var claimedAt: Date?

    init() {}
    init(key: String, by: String) { id = UUID(); self.key = key; claimedBy = by }
}

struct CreateSchedulerClaims: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SchedulerClaim.schema)
            .id()
            .field("key", .string, .required)
            .field("claimed_by", .string, .required)
            .field("claimed_at", .datetime)
            .unique(on: "key")
            .create()
    }

    func revert(on database: any Database) async throws { try await database.schema(SchedulerClaim.schema).delete() }
}

/// Reminders and escalations, run inside the server every 30 seconds. Each tick only
/// looks at what is due *now*: a window still open, a task overdue today. After a
/// downtime nothing stale is sent — closed windows are skipped, and an overdue task is
/// reminded once for today rather than once for every day missed.
enum Scheduler {
    struct Report: Sendable, CustomStringConvertible {
        var windowsOpened = 0
        var windowsClosing = 0
        var requestsClosing = 0
        var overdueTasks = 0
        var checkInsDue = 0
        var ticketsEscalated = 0
        var healthEnded = 0
        var tripsFlagged = 0
        var notified = 0
        var description: String {
            "windows opened \(windowsOpened), closing \(windowsClosing), requests closing \(requestsClosing), "
                + "overdue tasks \(overdueTasks), check-ins due \(checkInsDue), tickets escalated \(ticketsEscalated), "
                + "health states ended \(healthEnded), trips flagged \(tripsFlagged), notifications \(notified)"
        }
    }

    static let processLabel = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"

    /// Runs `work` unless another process (or an earlier tick) already ran `key`, and
    /// hands back its result; nil when it was not this call's to do.
    static func once<T: Sendable>(_ key: String, on db: any Database,
                                  _ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T? {
        if try await SchedulerClaim.query(on: db).filter(\.$key == key).count() > 0 { return nil }
        do {
            return try await db.writeTransaction { tx in
                try await SchedulerClaim(key: key, by: processLabel).create(on: tx)
                return try await work(tx)
            }
        } catch let e as any DatabaseError where e.isConstraintFailure {
            return nil
        }
    }

    static func tick(at now: Date, on db: any Database) async throws -> Report {
        var r = Report()
        try await ReportReminders.run(at: now, on: db, into: &r)
        try await TaskReminders.run(at: now, on: db, into: &r)
        try await CheckInReminders.run(at: now, on: db, into: &r)
        try await TicketEscalation.run(at: now, on: db, into: &r)
        try await HealthExpiry.run(at: now, on: db, into: &r)
        try await TripReminders.run(at: now, on: db, into: &r)
        return r
    }

    struct Stopper: LifecycleHandler {
        let task: Task<Void, Never>
        func shutdown(_ application: Application) { task.cancel() }
        /// Waits for a tick in progress to end: it must not outlive the database pools.
        func shutdownAsync(_ application: Application) async { await task.cancelAndWait() }
    }

    /// The loop `serve` runs. CONGSO_SCHEDULER=off leaves it to another process.
    static func start(_ app: Application) -> Task<Void, Never>? {
        guard Environment.get("CONGSO_SCHEDULER") != "off" else {
            app.logger.notice("Scheduler off (CONGSO_SCHEDULER=off)")
            return nil
        }
        let db = app.db, logger = app.logger
        return Task.detached {
            while !Task.isCancelled {
                do {
                    let r = try await tick(at: Date(), on: db)
                    if r.notified > 0 { logger.info("Scheduler: \(r)") }
                } catch {
                    logger.error("Scheduler tick failed: \(String(reflecting: error))")
                }
                // Mail after the reminders, so those of this tick go out at once; a relay
                // that is down only delays mail, never the reminders.
                do {
                    let m = try await MailDispatcher.tick(app: app)
                    if m.sent + m.retried + m.failed > 0 { logger.info("Mail: sent \(m.sent), to retry \(m.retried), failed \(m.failed)") }
                } catch {
                    logger.error("Mail tick failed: \(String(reflecting: error))")
                }
                try? await Task.sleep(for: .seconds(MailQueue.isEnabled ? 10 : 30))
            }
        }
    }
}
