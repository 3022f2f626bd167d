import CongsoCore
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import CongsoServer

/// A Monday of the distancing summer, at a Hanoi clock time.
func hanoi(_ day: String, _ time: String) -> Date { ReportService.parseInstant("\(day)T\(time)")! }
let monday = "2021-07-26"

func staffActor(_ p: StaffMember, _ org: Organization) -> Actor {
    Actor(userID: nil, label: p.email, displayName: p.fullName, role: .staff, orgID: org.id, scope: org.orgPath, via: "test", staffID: p.id)
}

@Suite struct ReportTests {
    @Test func twoOfFiveIsFortyPercentWithThreeNamesMissing() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let others = try await f.crowd(app, in: f.hkUnit, count: 3, prefix: "r")
            let lead = try await Actor.load(user: try await User.query(on: app.db).filter(\.$email == "lead.hk@t.vn").first()!, via: "test", on: app.db)
            let at0710 = hanoi(monday, "07:10")
            for p in [f.hkPerson, f.hkPerson2] {
                _ = try await ReportService.submit(.init(window: "07:00", done: "Trực hồ sơ", location: "remote"), actor: staffActor(p, f.hkUnit),
                                                   on: app.db, now: at0710)
            }
            let day = LocalDate(monday)!
            var rates = try await ReportRates.rates(f.hkUnit, date: day, slot: "07:00", actor: lead, on: app.db)
            #expect(rates.windows.count == 1)
            var w = rates.windows[0]
            #expect(w.expected == 5 && w.received == 2 && w.onTime == 2 && w.rate == 40)
            #expect(Set(w.missing.map(\.name)) == Set(others.map(\.fullName)))
            // Rolled up: the district sees its unit at 40%, and the same totals.
            let head = try await Actor.load(user: try await User.query(on: app.db).filter(\.$email == "head.hk@t.vn").first()!, via: "test", on: app.db)
            rates = try await ReportRates.rates(f.hk, date: day, slot: nil, actor: head, on: app.db)
            #expect(rates.windows.map(\.slot) == ["07:00", "11:00", "17:00"])
            w = rates.windows[0]
            #expect(w.received == 2 && w.expected == 5)
            #expect(w.children.map(\.org.code) == ["HK-NV"] && w.children[0].rate == 40)

            // A late report counts as received, not on time; someone on leave is not expected.
            _ = try await ReportService.submit(.init(window: "07:00", done: "Muộn"), actor: staffActor(others[0], f.hkUnit), on: app.db,
                                               now: hanoi(monday, "08:30"))
            others[1].status = StaffStatus.onLeave
            try await others[1].save(on: app.db)
            w = try await ReportRates.rates(f.hkUnit, date: day, slot: "07:00", actor: lead, on: app.db).windows[0]
            #expect(w.expected == 4 && w.received == 3 && w.onTime == 2 && w.late == 1 && w.rate == 75)
            #expect(w.missing.map(\.name) == [others[2].fullName])
        }
    }

    @Test func windowsAreKeptAndInputIsChecked() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let me = staffActor(f.hkPerson, f.hkUnit)
            func code(_ input: ReportService.Input, _ time: String, day: String = monday) async throws -> String? {
                do {
                    _ = try await ReportService.submit(input, actor: me, on: app.db, now: hanoi(day, time))
                    return nil
                } catch let e as AppError { return e.code }
            }
            #expect(try await code(.init(window: "07:00", done: "x"), "06:50") == "report.window_not_open")
            #expect(try await code(.init(done: "x"), "06:50") == "report.window_not_open")
            #expect(try await code(.init(window: "11:00", done: "x"), "07:10") == "report.window_not_open")
            #expect(try await code(.init(window: "09:00", done: "x"), "09:10") == "report.window_unknown")
            #expect(try await code(.init(window: "07:00", done: " "), "07:10") == "report.done_missing")
            #expect(try await code(.init(window: "07:00", done: "x", location: "beach"), "07:10") == "report.location_invalid")
            #expect(try await code(.init(date: "2021-07-01", window: "07:00", done: "x"), "07:10") == "report.too_old")
            // Sunday has no windows by default.
            #expect(try await code(.init(window: "07:00", done: "x"), "07:10", day: "2021-07-25") == "report.window_unknown")
            // No window named: the one open now. Handing in again edits it and keeps the first time.
            #expect(try await code(.init(done: "Lần 1"), "11:05") == nil)
            #expect(try await code(.init(done: "Lần 2"), "11:55") == nil)
            let rows = try await DailyReport.query(on: app.db).all()
            #expect(rows.count == 1 && rows[0].slot == "11:00" && rows[0].done == "Lần 2" && rows[0].onTime)

            // An org's own windows apply to its subtree; bad ones are named.
            let lead = try await Actor.load(user: try await User.query(on: app.db).filter(\.$email == "lead.hk@t.vn").first()!, via: "test", on: app.db)
            _ = try await ReportService.setSchedule(.init(org: "HK-NV", times: "08:00", minutes: 30, days: "1-7"), actor: lead, on: app.db)
            #expect(try await code(.init(window: "08:00", done: "CN"), "08:10", day: "2021-07-25") == nil)
            #expect(try await code(.init(window: "07:00", done: "x"), "07:10") == "report.window_unknown")
            for (input, expected) in [(ReportService.ScheduleInput(org: "HK-NV", times: "7h"), "report.time_invalid"),
                                      (.init(org: "HK-NV", times: "07:00,07:30", minutes: 60), "report.windows_overlap"),
                                      (.init(org: "HK-NV", times: "07:00", days: "0"), "report.days_invalid")] {
                var got = "accepted"
                do { _ = try await ReportService.setSchedule(input, actor: lead, on: app.db) } catch let e as AppError { got = e.code }
                #expect(got == expected)
            }
        }
    }

    @Test func ratesApiKeepsToTheSubtree() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            let lead = try await app.token("lead.hk@t.vn"), bd = try await app.token("head.bd@t.vn"), staff = try await app.token("staff.hk@t.vn")
            let ok = try await app.send(.GET, "/api/v1/reports/rates?org=HK-NV&date=\(monday)", headers: app.bearer(lead))
            #expect(ok.status == .ok)
            #expect(try ok.content.decode(ReportRatesDTO.self).windows.first?.expected == 2)
            #expect(try await app.send(.GET, "/api/v1/reports/rates?org=HK-NV&date=\(monday)", headers: app.bearer(bd)).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/reports/rates?org=HK-NV", headers: app.bearer(staff)).status == .forbidden)
            #expect(try await app.send(.GET, "/api/v1/reports/rates?org=HK-NV&date=26-07-2021", headers: app.bearer(lead)).status == .unprocessableEntity)
            let noDone = try await app.send(.POST, "/api/v1/reports", headers: app.bearer(staff), json: ReportService.Input(window: "07:00"))
            #expect(try noDone.content.decode(ErrorBody.self).error.code == "report.done_missing")
            let lead2 = try await app.send(.POST, "/api/v1/reports", headers: app.bearer(lead), json: ReportService.Input(done: "x"))
            #expect(try lead2.content.decode(ErrorBody.self).error.code == "report.no_staff_record")
            // An ad-hoc request: asked of the unit, answered, counted.
            let deadline = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
            let created = try await app.send(.POST, "/api/v1/reports/requests", headers: app.bearer(lead),
                                             json: ReportService.RequestInput(org: "HK-NV", title: "Số ca F0 trong cơ quan", deadline: deadline))
            #expect(created.status == .created)
            let r = try created.content.decode(ReportRequestDTO.self)
            #expect(try await app.send(.POST, "/api/v1/reports", headers: app.bearer(staff),
                                       json: ReportService.Input(requestId: r.id, done: "Không có")).status == .created)
            let rr = try await app.send(.GET, "/api/v1/reports/requests/\(r.id)", headers: app.bearer(lead)).content.decode(ReportRatesDTO.self)
            #expect(rr.windows[0].expected == 2 && rr.windows[0].received == 1 && rr.windows[0].onTime == 1)
            #expect(try await app.send(.GET, "/api/v1/reports/requests/\(r.id)", headers: app.bearer(bd)).status == .notFound)
            let past = try await app.send(.POST, "/api/v1/reports/requests", headers: app.bearer(lead),
                                          json: ReportService.RequestInput(org: "HK-NV", title: "x", deadline: "2021-07-26T07:00"))
            #expect(try past.content.decode(ErrorBody.self).error.code == "report.deadline_past")
        }
    }
}

@Suite struct SchedulerTests {
    func count(_ app: Application, kind: String) async throws -> Int {
        try await AppNotification.query(on: app.db).filter(\.$kind == kind).count()
    }

    @Test func windowRemindersGoOnceAndStaleOnesAreSkipped() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            // The server was down through the 07:00 window: at 10:00 nothing stale goes out.
            var r = try await Scheduler.tick(at: hanoi(monday, "10:00"), on: app.db)
            #expect(r.notified == 0 && r.windowsOpened == 0)
            r = try await Scheduler.tick(at: hanoi(monday, "11:00"), on: app.db)
            #expect(r.windowsOpened == 1 && r.notified == 1)
            r = try await Scheduler.tick(at: hanoi(monday, "11:00:30"), on: app.db)
            #expect(r.windowsOpened == 0 && r.notified == 0)
            #expect(try await count(app, kind: "notif.report_window_open") == 1)
            // Shortly before closing, only those still owing a report are reminded.
            r = try await Scheduler.tick(at: hanoi(monday, "11:46"), on: app.db)
            #expect(r.windowsClosing == 1 && r.notified == 1)
            _ = try await ReportService.submit(.init(done: "x"), actor: staffActor(f.hkPerson, f.hkUnit), on: app.db, now: hanoi(monday, "17:01"))
            r = try await Scheduler.tick(at: hanoi(monday, "17:50"), on: app.db)
            #expect(r.windowsClosing == 1 && r.notified == 0)
        }
    }

    @Test func overdueTasksRemindOnceThenDaily() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            let head = try await app.token("head.hk@t.vn")
            let task = try await app.send(.POST, "/api/v1/tasks", headers: app.bearer(head),
                                          json: TaskService.Input(title: "Báo cáo tuần", deadline: futureDay.value, assigneeStaffId: f.hkPerson.id))
                .content.decode(TaskDTO.self)
            let after = futureDay.adding(days: 1).value
            var r = try await Scheduler.tick(at: hanoi(futureDay.value, "12:00"), on: app.db)
            #expect(r.overdueTasks == 0)
            r = try await Scheduler.tick(at: hanoi(after, "08:00"), on: app.db)
            // Assignee, assigner and the unit's lead.
            #expect(r.overdueTasks == 1 && r.notified == 3)
            r = try await Scheduler.tick(at: hanoi(after, "16:00"), on: app.db)
            #expect(r.overdueTasks == 0)
            // Five days of downtime: one reminder, not five.
            r = try await Scheduler.tick(at: hanoi(futureDay.adding(days: 6).value, "08:00"), on: app.db)
            #expect(r.overdueTasks == 1)
            #expect(try await count(app, kind: "notif.task_overdue") == 6)
            let history = try await app.send(.GET, "/api/v1/tasks/\(task.id)", headers: app.bearer(head)).content.decode(TaskDetailDTO.self).history
            #expect(history.filter { $0.kind == .overdue }.count == 2)
        }
    }

    /// Two server processes on one database tick at the same instants: every reminder
    /// still goes out exactly once. On PostgreSQL the second process is a second
    /// application with its own connection pool; on SQLite, concurrent ticks of one.
    @Test func twoProcessesNeverDuplicate() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            let head = try await app.token("head.hk@t.vn")
            for i in 0..<5 {
                _ = try await app.send(.POST, "/api/v1/tasks", headers: app.bearer(head),
                                       json: TaskService.Input(title: "Việc \(i)", deadline: futureDay.value, assigneeStaffId: f.hkPerson.id))
            }
            var second: Application?
            if isPostgres, let sql = app.db as? any SQLDatabase {
                let schema = try await sql.raw("SELECT current_schema() AS s").first()!.decode(column: "s", as: String.self)
                let other = try await Application.make(.testing)
                try await configure(other, options: CongsoOptions(database: .postgres(Environment.get("DATABASE_URL")!, schema: schema),
                                                                  bcryptCost: 4, autoMigrate: false))
                second = other
            }
            let dbs: [any Database] = [app.db, (second ?? app).db]
            // The first weekday after the deadline: a report day, and the tasks are overdue.
            var day = futureDay.adding(days: 1)
            while ReportSchedule.isoWeekday(day) > 5 { day = day.adding(days: 1) }
            let instants = [hanoi(day.value, "07:00:10"), hanoi(day.value, "07:50")]
            for instant in instants {
                try await withThrowingTaskGroup(of: Scheduler.Report.self) { group in
                    for i in 0..<6 { let db = dbs[i % 2]; group.addTask { try await Scheduler.tick(at: instant, on: db) } }
                    for try await _ in group {}
                }
            }
            try await second?.asyncShutdown()
            #expect(try await count(app, kind: "notif.report_window_open") == 1)
            #expect(try await count(app, kind: "notif.report_window_closing") == 1)
            // 5 tasks × (assignee + assigner + lead), once each.
            #expect(try await count(app, kind: "notif.task_overdue") == 15)
            #expect(try await SchedulerClaim.query(on: app.db).count() == 7)
        }
    }
}

@Suite struct CheckInTests {
    @Test func staffConfirmAndLeadersSeeWhoHasNot() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            let lead = try await app.token("lead.hk@t.vn"), staff = try await app.token("staff.hk@t.vn"), bd = try await app.token("head.bd@t.vn")
            #expect(try await app.send(.POST, "/api/v1/checkins", headers: app.bearer(staff), json: CheckInService.Input(org: "HK-NV")).status == .forbidden)
            #expect(try await app.send(.POST, "/api/v1/checkins", headers: app.bearer(lead),
                                       json: CheckInService.Input(org: "HK-NV", minutes: 2)).status == .unprocessableEntity)
            let sent = try await app.send(.POST, "/api/v1/checkins", headers: app.bearer(lead),
                                          json: CheckInService.Input(org: "HK-NV", message: "Điểm danh trực ban", minutes: 15))
            #expect(sent.status == .created)
            let c = try sent.content.decode(CheckInDTO.self)
            #expect(try await AppNotification.query(on: app.db).filter(\.$kind == "notif.checkin").count() == 1)
            #expect(try await app.send(.POST, "/api/v1/checkins/\(c.id)/answer", headers: app.bearer(staff)).status == .ok)
            #expect(try await app.send(.POST, "/api/v1/checkins/\(c.id)/answer", headers: app.bearer(lead)).status == .notFound)
            let s = try await app.send(.GET, "/api/v1/checkins/\(c.id)", headers: app.bearer(lead)).content.decode(CheckInService.StatusDTO.self)
            #expect(s.asked == 2 && s.answered == 1 && s.unanswered.map(\.name) == ["Trần Thị Bình"] && !s.due)
            let counts = try await CheckInService.counts([c.id], on: app.db)[c.id]
            #expect(counts?.asked == 2 && counts?.answered == 1)
            #expect(try await app.send(.GET, "/api/v1/checkins/\(c.id)", headers: app.bearer(bd)).status == .notFound)
            // When the minutes are up, the sender is told once.
            var r = try await Scheduler.tick(at: c.dueAt.addingTimeInterval(30), on: app.db)
            #expect(r.checkInsDue == 1)
            r = try await Scheduler.tick(at: c.dueAt.addingTimeInterval(60), on: app.db)
            #expect(r.checkInsDue == 0)
            #expect(try await AppNotification.query(on: app.db).filter(\.$kind == "notif.checkin_due").count() == 1)
        }
    }
}

@Suite struct ReportTargetTests {
    /// Whatever the form offers reads back as the same target; anything else is refused,
    /// never taken for some other window or request.
    @Test func formValuesRoundTripAndHostileOnesAreRefused() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let day = LocalDate("2021-01-01")!.adding(days: Int.random(in: 0...3_000, using: &rng))
            let time = String(format: "%02d:%02d", Int.random(in: 0...23, using: &rng), Int.random(in: 0...59, using: &rng))
            let targets = [ReportTarget(slot: .window(time)), ReportTarget(date: day, slot: .window(time)), ReportTarget(slot: .request(UUID()))]
            for t in targets {
                #expect(ReportTarget(formValue: t.formValue) == t)
                #expect(ReportSlot(stored: t.slot.stored) == t.slot)
            }
        }
        let hostile = ["", "win:", "win:|07:00", "win:2021-13-45|07:00", "win:a|b|c", "req:", "req:not-a-uuid", "07:00", "'; DROP TABLE x; --",
                       "win:2021-07-26|", String(repeating: "|", count: 500), "req:\(UUID().uuidString)x", "ｗｉｎ:07:00"]
        for h in hostile { #expect(ReportTarget(formValue: h) == nil, "\(h)") }
        // Strings random in shape: accepted only if they read back the same way.
        let alphabet = Array("win:req|0123456789-abcdefABCDEF ")
        for _ in 0..<5_000 {
            let s = String((0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            if let t = ReportTarget(formValue: s) { #expect(ReportTarget(formValue: t.formValue) == t) }
        }
    }
}
