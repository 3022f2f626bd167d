import CongsoCore
@testable import CongsoServer
import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Reports handed in through the API are stored in shared batches (`Coalescer`); batching
/// must not change any single request's answer or what is stored.
extension WriteStormTests {
    struct HandInBody: Content { var date: String; var window: String; var done: String; var location: String? }
    /// The last report day before today: every window of it has opened, and it is recent.
    static func lastReportDay() -> LocalDate {
        var day = LocalDate.of(Date()).adding(days: -1)
        while !ReportSchedule.standard.isReportDay(day) { day = day.adding(days: -1) }
        return day
    }

    enum HandInKind: CaseIterable, Sendable { case valid, validOnSite, badLocation, emptyDone, unknownWindow, future }

    /// A storm of hand-ins, valid and invalid, some people twice for the same window: each
    /// request gets the answer it would get alone, the database holds one report per person
    /// and window with one "submit" audit line each and an "edit" line for every repeat, and
    /// the kept counts equal the reports.
    @Test func reportsHandedInAtOnceAreEachAnsweredAsAloneAndStoredOnce() async throws {
        try await withApp(sqliteFile: true) { app in
            let f = try await Fixture.make(app)
            let crowd = try await crowdWithTokens(app, f, count: 24)
            let day = Self.lastReportDay()
            var rng = SystemRandomNumberGenerator()
            let plan: [(person: Int, window: String, kind: HandInKind, done: String)] = (0..<160).map { i in
                let kind: HandInKind = Int.random(in: 0..<10, using: &rng) < 6 ? (Bool.random(using: &rng) ? .valid : .validOnSite)
                    : HandInKind.allCases.dropFirst(2).randomElement(using: &rng)!
                return (Int.random(in: 0..<crowd.count, using: &rng), ["07:00", "11:00", "17:00"].randomElement(using: &rng)!, kind,
                        "Việc số \(i) — 'đã xong'; DROP TABLE x; <b>")
            }
            struct Answer: Sendable { let status: HTTPResponseStatus; let code: String?; let report: DailyReportDTO? }
            let answers = try await withThrowingTaskGroup(of: (Int, Answer).self) { group in
                for (i, p) in plan.enumerated() {
                    let token = crowd[p.person].1
                    let (kind, window, done) = (p.kind, p.window, p.done)
                    group.addTask {
                        let body: HandInBody
                        switch kind {
                        case .valid: body = HandInBody(date: day.value, window: window, done: done, location: nil)
                        case .validOnSite: body = HandInBody(date: day.value, window: window, done: done, location: "onSite")
                        case .badLocation: body = HandInBody(date: day.value, window: window, done: done, location: "beach")
                        case .emptyDone: body = HandInBody(date: day.value, window: window, done: "  \n ", location: nil)
                        case .unknownWindow: body = HandInBody(date: day.value, window: "09:30", done: done, location: nil)
                        case .future: body = HandInBody(date: LocalDate.of(Date()).adding(days: 2).value, window: window, done: done, location: nil)
                        }
                        let res = try await app.send(.POST, "/api/v1/reports", headers: app.bearer(token), json: body)
                        let code = res.status.code >= 400 ? (try? res.content.decode(ErrorBody.self).error.code) : nil
                        return (i, Answer(status: res.status, code: code, report: res.status == .created ? try res.content.decode(DailyReportDTO.self) : nil))
                    }
                }
                var all = [Answer?](repeating: nil, count: plan.count)
                for try await (i, a) in group { all[i] = a }
                return all.map { $0! }
            }
            var stored: [String: Set<String>] = [:]
            var valid = 0
            for (p, a) in zip(plan, answers) {
                let person = crowd[p.person].0
                switch p.kind {
                case .valid, .validOnSite:
                    valid += 1
                    #expect(a.status == .created, "\(p.kind): \(a.status) \(a.code ?? "")")
                    #expect(a.report?.staffId == person.id && a.report?.window == p.window && a.report?.date == day.value && a.report?.done == p.done)
                    #expect(a.report?.location == (p.kind == .validOnSite ? .onSite : .remote))
                    #expect(a.report?.onTime == false, "a report for an earlier day is late")
                    stored["\(person.id!)|\(p.window)", default: []].insert(p.done)
                case .badLocation: #expect(a.status == .unprocessableEntity && a.code == "report.location_invalid")
                case .emptyDone: #expect(a.status == .unprocessableEntity && a.code == "report.done_missing")
                case .unknownWindow: #expect(a.status == .unprocessableEntity && a.code == "report.window_unknown")
                case .future: #expect(a.status == .unprocessableEntity && a.code == "report.window_not_open")
                }
            }
            let reports = try await DailyReport.query(on: app.db).all()
            #expect(reports.count == stored.count)
            for r in reports {
                // The last of a person's hand-ins for a window wins, whichever batch it rode in.
                #expect(stored["\(r.staffID)|\(r.slot)"]?.contains(r.done) == true)
            }
            // One id per report: every answer for a window names the report stored for it.
            let ids = Dictionary(uniqueKeysWithValues: reports.map { ("\($0.staffID)|\($0.slot)", $0.id!) })
            for (p, a) in zip(plan, answers) where a.report != nil {
                #expect(ids["\(crowd[p.person].0.id!)|\(p.window)"] == a.report?.id)
            }
            #expect(try await app.auditCount(action: "report.submit") == stored.count)
            #expect(try await app.auditCount(action: "report.edit") == valid - stored.count)
            let (kept, counted) = try await app.reportCounts()
            #expect(kept == counted)
        }
    }

    /// Batches that move the same unit counts (unit, day, window) in opposite orders commit
    /// without either being refused: each batch takes those counts in one order. In arrival
    /// order, PostgreSQL found a deadlock after a second and rolled a batch back whole.
    @Test func batchesSharingUnitCountsAreNeverRefused() async throws {
        try await withApp(sqliteFile: true) { app in
            let f = try await Fixture.make(app)
            var keys: [(date: String, window: String)] = []
            var day = Self.lastReportDay()
            while keys.count < 9 {
                if ReportSchedule.standard.isReportDay(day) { for w in ["07:00", "11:00", "17:00"] { keys.append((day.value, w)) } }
                day = day.adding(days: -1)
            }
            let rounds = 4
            let crowd = try await crowdWithTokens(app, f, count: rounds * 2 * keys.count)
            let actors = try await TokenAuth.actors(bearer: crowd.map(\.1), on: app.db).map { try #require(try $0.get()) }
            let refusals = NIOLockedValueBox<[String]>([])
            let refused: @Sendable (any Error) -> Void = { e in refusals.withLockedValue { $0.append(String(reflecting: e)) } }
            for round in 0..<rounds {
                func batch(_ half: Int, reversed: Bool) -> [ReportService.Submission] {
                    let order = reversed ? Array(keys.reversed()) : keys
                    return order.enumerated().map { i, k in
                        ReportService.Submission(input: .init(date: k.date, window: k.window, done: "vòng \(round)"),
                                                 actor: actors[(round * 2 + half) * keys.count + i], now: Date())
                    }
                }
                let (a, b) = (batch(0, reversed: false), batch(1, reversed: true))
                async let forward = ReportService.store(a, on: app.db, refused: refused)
                async let backward = ReportService.store(b, on: app.db, refused: refused)
                for r in await forward + backward { #expect(throws: Never.self) { try r.get() } }
            }
            let seen = refusals.withLockedValue { $0 }
            #expect(seen.isEmpty, "\(seen.count) batches refused, the first: \(seen.first?.prefix(400) ?? "")")
            #expect(try await DailyReport.query(on: app.db).count() == crowd.count)
            let (kept, counted) = try await app.reportCounts()
            #expect(kept == counted)
        }
    }

    /// A batch the database refuses as a whole is retried report by report, so only the
    /// report at fault fails. The refusal is a test trigger on one text.
    @Test func aReportTheDatabaseRefusesFailsAloneInItsBatch() async throws {
        try await withApp(sqliteFile: true) { app in
            let f = try await Fixture.make(app)
            let crowd = try await crowdWithTokens(app, f, count: 6)
            let day = Self.lastReportDay()
            let sql = try app.db.sql
            if app.db.isPostgres {
                try await sql.raw("""
                    CREATE FUNCTION refuse_report() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql
                    """).run()
                try await sql.raw("CREATE TRIGGER refuse BEFORE INSERT ON daily_reports FOR EACH ROW WHEN (NEW.done = 'refuse') EXECUTE FUNCTION refuse_report()").run()
            } else {
                try await sql.raw("CREATE TRIGGER refuse BEFORE INSERT ON daily_reports WHEN NEW.done = 'refuse' BEGIN SELECT RAISE(ABORT, 'refused'); END").run()
            }
            let actors = try await TokenAuth.actors(bearer: crowd.map(\.1), on: app.db).map { try #require(try $0.get()) }
            let batch = actors.enumerated().map { i, a in
                ReportService.Submission(input: .init(date: day.value, window: "07:00", done: i == 3 ? "refuse" : "ok \(i)"), actor: a, now: Date())
            }
            let results = await ReportService.store(batch, on: app.db)
            #expect(results.count == actors.count)
            for (i, r) in results.enumerated() {
                if i == 3 {
                    #expect(throws: (any Error).self) { try r.get() }
                } else {
                    #expect((try? r.get())?.done == "ok \(i)", "report \(i)")
                }
            }
            #expect(try await DailyReport.query(on: app.db).count() == actors.count - 1)
            #expect(try await app.auditCount(action: "report.submit") == actors.count - 1)
        }
    }
}
