import CongsoCore
import Fluent
import SQLKit
import Vapor

/// Handing in a report: the hot path of the three daily windows, when a whole city reports
/// within minutes (issue 18: 3,400 a second on two cores). Reports are stored in batches:
/// the requests that arrive while one batch is being written wait for the next, which then
/// reads their people and the schedules once, stores every report in one upsert and one
/// audit statement, and commits once. Each request answers only after its batch's commit.
extension ReportService {
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
        let t = (raw ?? "").trimmedWhitespace
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

    static func target(_ input: Input, orgPath: String, now: Date, settings: [ScheduleSetting], on db: any Database) async throws -> Target {
        if let rid = input.requestId {
            guard let r = try await ReportRequest.find(rid, on: db), OrgPath(r.orgPath).contains(OrgPath(orgPath)) else {
                throw AppError.notFound(rid.uuidString)
            }
            return Target(date: LocalDate.of(r.createdAt ?? now).value, slot: r.slot, closesAt: r.deadline)
        }
        let (schedule, _) = schedule(at: orgPath, in: settings)
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

    /// One hand-in as a request brought it, with the time it arrived (which decides "on time").
    struct Submission: Sendable {
        let input: Input
        let actor: Actor
        let now: Date
    }

    /// Hands in (or edits) one report, on its own.
    static func submit(_ input: Input, actor: Actor, on db: any Database, now: Date = Date()) async throws -> DailyReportDTO {
        try await store([Submission(input: input, actor: actor, now: now)], on: db)[0].get()
    }

    /// A report checked and placed, ready to be written.
    private struct Ready {
        let index: Int
        let submission: Submission
        let person: StaffPlace
        let target: Target
        let done: String
        let next: String
        let blockers: String
        let location: DailyReport.Location
        /// The id the report gets if it is new; an edit keeps the stored report's id.
        let newID = UUID()
        var key: Key { Key(staffID: person.id, date: target.date, slot: target.slot) }
    }

    /// What makes a report one: the database's unique key on daily_reports.
    private struct Key: Hashable {
        let staffID: UUID
        let date: String
        let slot: String
    }

    /// Hands in many reports at once: each gets its own answer, a refusal of one does not
    /// touch the others, and those stored commit together. `refused` hears of a batch the
    /// database rolled back whole (then retried report by report): a cost worth watching.
    static func store(_ submissions: [Submission], on db: any Database,
                      refused: (@Sendable (any Error) -> Void)? = nil) async -> [Result<DailyReportDTO, any Error>] {
        var results = [Result<DailyReportDTO, any Error>?](repeating: nil, count: submissions.count)
        let people: [UUID: StaffPlace]
        let settings: [ScheduleSetting]
        do {
            people = try await StaffService.places(Set(submissions.compactMap(\.actor.staffID)), on: db)
            settings = try await self.settings(on: db)
        } catch {
            return submissions.map { _ in .failure(error) }
        }
        var ready: [Ready] = []
        for (i, s) in submissions.enumerated() {
            do {
                guard let id = s.actor.staffID else { throw AppError.invalid("report.no_staff_record", "") }
                let done = try text(s.input.done, "done", required: true)
                let next = try text(s.input.next, "next", required: false)
                let blockers = try text(s.input.blockers, "blockers", required: false)
                let rawLocation = s.input.location.flatMap { $0.isEmpty ? nil : $0 } ?? DailyReport.Location.remote.rawValue
                guard let location = DailyReport.Location(rawValue: rawLocation) else { throw AppError.invalid("report.location_invalid", rawLocation) }
                guard let person = people[id] else { throw AppError.notFound(id.uuidString) }
                let target = try await target(s.input, orgPath: person.orgPath, now: s.now, settings: settings, on: db)
                ready.append(Ready(index: i, submission: s, person: person, target: target, done: done, next: next, blockers: blockers, location: location))
            } catch {
                results[i] = .failure(error)
            }
        }
        do {
            for (i, report) in try await write(ready, on: db) { results[i] = .success(report) }
        } catch {
            // The batch rolled back whole; each report is tried alone, so one that the
            // database refuses fails only its own request.
            refused?(error)
            for r in ready {
                do {
                    for (i, report) in try await write([r], on: db) { results[i] = .success(report) }
                } catch let single {
                    results[r.index] = .failure(single)
                }
            }
        }
        return results.map { $0 ?? .failure(AppError(status: .internalServerError, code: "internal", detail: "report not stored")) }
    }

    /// Rounds of distinct keys, in arrival order: an upsert may not touch a row twice.
    private static func distinctRounds(_ ready: [Ready]) -> [[Ready]] {
        var rounds: [[Ready]] = []
        var seen: [Key: Int] = [:]
        for r in ready {
            let round = seen[r.key, default: 0]
            seen[r.key] = round + 1
            if round == rounds.count { rounds.append([]) }
            rounds[round].append(r)
        }
        return rounds
    }

    /// One transaction: the reports in one upsert (a second round for a person who handed
    /// the same report twice in the batch), then their audit lines in one statement.
    ///
    /// Each round's rows go in the order of the unit counts they move (`report_counts`:
    /// unit, day, window), so that concurrent batches, of this process or another, lock
    /// those counts in the same order. In arrival order two batches that share units locked
    /// them crosswise: PostgreSQL found a deadlock after a second, the batch was rolled back
    /// and retried report by report.
    private static func write(_ ready: [Ready], on db: any Database) async throws -> [(Int, DailyReportDTO)] {
        guard !ready.isEmpty else { return [] }
        let rounds = distinctRounds(ready).map { round in
            round.sorted { ($0.person.orgPath, $0.target.date, $0.target.slot) < ($1.person.orgPath, $1.target.date, $1.target.slot) }
        }
        return try await db.writeTransaction { tx in
            let sql = try tx.sql
            var stored: [(Int, DailyReportDTO)] = []
            var audits: [AuditService.Line] = []
            let at = Date()
            for round in rounds {
                for part in round.chunked(by: 200) {
                    let values = SQLBatch.rows([
                        .init(part.map(\.newID), as: "uuid"), .init(part.map(\.person.id), as: "uuid"), .init(part.map(\.person.orgID), as: "uuid"),
                        .init(part.map(\.person.orgPath), as: "text"), .init(part.map(\.target.date), as: "text"), .init(part.map(\.target.slot), as: "text"),
                        .init(part.map(\.done), as: "text"), .init(part.map(\.next), as: "text"), .init(part.map(\.blockers), as: "text"),
                        .init(part.map(\.location.rawValue), as: "text"), .init(part.map(\.submission.now), as: "timestamptz"),
                        .init(part.map { $0.submission.now < $0.target.closesAt }, as: "boolean"), .init(part.map(\.submission.now), as: "timestamptz"),
                    ], on: tx)
                    // Handing in again edits the report; it keeps the time it was first received.
                    let rows = try await sql.raw("""
                        INSERT INTO daily_reports (id, staff_id, org_id, org_path, date, slot, done, next, blockers, location, submitted_at, on_time, updated_at)
                        \(values)
                        ON CONFLICT (staff_id, date, slot) DO UPDATE SET done = excluded.done, next = excluded.next, blockers = excluded.blockers,
                            location = excluded.location, org_id = excluded.org_id, org_path = excluded.org_path, updated_at = excluded.updated_at
                        RETURNING id, staff_id, date, slot, submitted_at, on_time
                        """).all()
                    var byKey: [Key: SQLRow] = [:]
                    for row in rows {
                        byKey[Key(staffID: try row.decode(column: "staff_id", as: UUID.self), date: try row.decode(column: "date", as: String.self),
                                  slot: try row.decode(column: "slot", as: String.self))] = row
                    }
                    for r in part {
                        guard let row = byKey[r.key] else { throw AppError(status: .internalServerError, code: "internal", detail: "report not stored") }
                        let id = try row.decode(column: "id", as: UUID.self)
                        let slot = ReportSlot(stored: r.target.slot)
                        let report = DailyReportDTO(id: id, staffId: r.person.id, date: r.target.date, window: slot.window, requestId: slot.requestID,
                                                    done: r.done, next: r.next, blockers: r.blockers, location: r.location,
                                                    submittedAt: try row.decode(column: "submitted_at", as: Date.self),
                                                    onTime: try row.decode(column: "on_time", as: Bool.self))
                        // Exact on both databases, however close two hand-ins come.
                        let edited = id != r.newID
                        audits.append(AuditService.entry(actor: r.submission.actor, action: edited ? "report.edit" : "report.submit", entityType: "report",
                                                         entityID: id, orgPath: r.person.orgPath,
                                                         summary: "\(r.person.name) \(r.target.date) \(r.target.slot)", at: at))
                        stored.append((r.index, report))
                    }
                }
            }
            try await AuditService.append(audits, on: tx)
            return stored
        }
    }
}

extension Application {
    private struct ReportHandInsKey: StorageKey { typealias Value = Coalescer<ReportService.Submission, DailyReportDTO> }

    /// This process's batches of hand-ins: up to 200 a batch, two batches in flight (one is
    /// written while the next is read).
    var reportHandIns: Coalescer<ReportService.Submission, DailyReportDTO> {
        guard let c = storage[ReportHandInsKey.self] else { fatalError("reportHandIns is set up by configure") }
        return c
    }

    /// Called once by `configure`, before the server takes requests.
    func setUpReportHandIns() {
        let databases = self.databases, logger = self.logger, group = self.eventLoopGroup, metrics = self.metrics
        let refused: @Sendable (any Error) -> Void = { error in
            metrics.reportBatchesRefused.increment()
            logger.warning("report batch refused whole; retried report by report", metadata: ["error": .string(String(reflecting: error))])
        }
        storage[ReportHandInsKey.self] = Coalescer<ReportService.Submission, DailyReportDTO>(maxBatch: 200, lanes: 2) { batch in
            do {
                return await ReportService.store(batch, on: try databases.shared(logger: logger, on: group), refused: refused)
            } catch {
                return batch.map { _ in .failure(error) }
            }
        }
    }
}
