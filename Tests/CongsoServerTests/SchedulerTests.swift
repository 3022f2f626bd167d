import CongsoCore
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import CongsoServer


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
