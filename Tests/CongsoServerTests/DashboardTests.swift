import CongsoCore
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import CongsoServer

/// The dashboard: figures rolled up the tree equal direct counts for any data, rows drill
/// one level down, nobody reads outside their subtree, CSV and PDF, and live changes reach
/// the watchers of the right subtree (across processes on PostgreSQL).
@Suite struct DashboardServerTests {
    /// The most recent Monday: a working day with the standard report windows.
    var monday: LocalDate {
        var d = LocalDate.of(Date()).adding(days: -1)
        while d.weekday != 2 { d = d.adding(days: -1) }
        return d
    }

    func report(_ app: Application, _ person: StaffMember, org: Organization, day: LocalDate, slot: String, onTime: Bool) async throws {
        let r = DailyReport()
        r.id = UUID(); r.staffID = person.id!; r.orgID = org.id!; r.orgPath = org.path; r.date = day.value; r.slot = slot
        r.done = "x"; r.next = ""; r.blockers = ""; r.location = .remote; r.submittedAt = Date(); r.onTime = onTime
        try await r.create(on: app.db)
    }

    func dashboard(_ app: Application, _ token: String, _ query: String) async throws -> DashboardAPI.DashboardDTO {
        let res = try await app.send(.GET, "/api/v1/dashboard?\(query)", headers: app.bearer(token))
        #expect(res.status == .ok, "\(res.body.string)")
        return try res.content.decode(DashboardAPI.DashboardDTO.self)
    }

    /// Random reports, tasks and health states over the fixture's units: the city's figures
    /// and each district's row equal what a direct count finds.
    /// Rows packed by the database come back as they went in: every column as text, NULL as
    /// "", Vietnamese intact, on either database; no row gives no rows.
    @Test func packedRowsRoundTrip() async throws {
        try await withApp { app in
            let rows = try await PackedRows.all("""
                SELECT 'Hoàng Mai' AS a, NULL AS b, 3 AS c UNION ALL SELECT '', 'x/y', 40 UNION ALL SELECT 'Đống Đa', 'z', NULL
                """, columns: ["a", "b", "c"], on: app.db)
            #expect(Set(rows.map { $0.map(String.init) }) == [["Hoàng Mai", "", "3"], ["", "x/y", "40"], ["Đống Đa", "z", ""]])
            let none = try await PackedRows.all("SELECT 'a' AS a WHERE 1 = 0", columns: ["a"], on: app.db)
            #expect(none.isEmpty)
        }
    }

    @Test func figuresEqualDirectCountsForRandomData() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let extra = try await f.crowd(app, in: f.bdUnit, count: 5, prefix: "bd") + f.crowd(app, in: f.hkWard, count: 4, prefix: "w")
            var rng = SeededRandom(seed: 11)
            let everyone: [(StaffMember, Organization)] = [(f.hkPerson, f.hkUnit), (f.hkPerson2, f.hkUnit), (f.bdPerson, f.bdUnit)]
                + extra.prefix(5).map { ($0, f.bdUnit) } + extra.suffix(4).map { ($0, f.hkWard) }
            var sent: [String: (hk: Int, bd: Int)] = [:]
            for (p, org) in everyone {
                for slot in ["07:00", "11:00", "17:00"] where Bool.random(using: &rng) {
                    try await report(app, p, org: org, day: monday, slot: slot, onTime: Bool.random(using: &rng))
                    var e = sent[slot] ?? (0, 0)
                    if org.path.hasPrefix(f.hk.path) { e.hk += 1 } else { e.bd += 1 }
                    sent[slot] = e
                }
            }
            let admin = try await app.token("admin@t.vn")
            let city = try await dashboard(app, admin, "org=C&date=\(monday.value)")
            #expect(city.total.staff == everyone.count)
            #expect(city.children.map(\.org.code) == ["BD", "HK"])
            let hkRow = city.children.first { $0.org.code == "HK" }!.figures, bdRow = city.children.first { $0.org.code == "BD" }!.figures
            #expect(hkRow.staff == 6 && bdRow.staff == 6)
            for (slot, n) in sent {
                #expect(city.total.windows.first { $0.slot == slot }?.received == n.hk + n.bd)
                #expect(hkRow.windows.first { $0.slot == slot }?.received == n.hk)
                #expect(bdRow.windows.first { $0.slot == slot }?.received == n.bd)
                #expect(city.total.windows.first { $0.slot == slot }?.expected == everyone.count)
            }
            // Drilling down: the district's own view agrees with its row in the city's.
            let hk = try await dashboard(app, admin, "org=HK&date=\(monday.value)")
            #expect(hk.total.windows.map(\.received) == hkRow.windows.map(\.received))
            #expect(Set(hk.children.map(\.org.code)) == ["HK-NV", "HK-W1"])
            // Nobody is approved on site on that Monday: every unit with staff has no one on duty.
            #expect(city.total.unitsNoOneOnDuty == 3 && city.total.unitsWithStaff == 3)
        }
    }

    @Test func overdueTasksHealthAndPermitsCount() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let head = try await app.token("head.hk@t.vn")
            let made = try await app.send(.POST, "/api/v1/tasks", headers: app.bearer(head),
                                          json: TaskService.Input(title: "Báo cáo tuần", deadline: futureDay.value, assigneeStaffId: f.hkPerson.id))
            #expect(made.status == .created, "\(made.body.string)")
            try await app.db.sql.raw("UPDATE tasks SET deadline = \(bind: "2020-01-01")").run()
            let state = HealthState()
            state.id = UUID(); state.staffID = f.bdPerson.id!; state.orgID = f.bdUnit.id!; state.orgPath = f.bdUnit.path; state.kind = .isolating
            state.basis = .headDecision; state.startsOn = LocalDate.of(Date()).value; state.lastDay = futureDay.value; state.detail = ""
            state.previousStatus = .remote; state.createdBy = "t"
            try await state.create(on: app.db)
            let admin = try await app.token("admin@t.vn")
            let city = try await dashboard(app, admin, "org=C")
            #expect(city.total.tasksOverdue == 1 && city.total.isolating == 1)
            #expect(city.children.first { $0.org.code == "HK" }?.figures.tasksOverdue == 1)
            #expect(city.children.first { $0.org.code == "BD" }?.figures.isolating == 1)
        }
    }

    /// The kept counts equal a count of the reports after any mix of inserts, edits that move
    /// a report to another unit, window or lateness, and deletions.
    @Test func reportCountsFollowEveryWrite() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            var rng = SeededRandom(seed: 99)
            let people = [f.hkPerson, f.hkPerson2, f.bdPerson]
            let units = [f.hkUnit, f.bdUnit, f.hkWard]
            var made: [DailyReport] = []
            for i in 0..<60 {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0, 1:
                    let r = DailyReport()
                    r.id = UUID(); r.staffID = people[i % 3].id!; let u = units.randomElement(using: &rng)!; r.orgID = u.id!; r.orgPath = u.path
                    r.date = monday.adding(days: -Int.random(in: 0..<3, using: &rng)).value; r.slot = ["07:00", "11:00", "17:00"].randomElement(using: &rng)!
                    r.done = "x"; r.next = ""; r.blockers = ""; r.location = .remote; r.submittedAt = Date(); r.onTime = Bool.random(using: &rng)
                    do { try await r.create(on: app.db); made.append(r) } catch {}   // a duplicate (person, day, window) is refused
                case 2:
                    guard let r = made.randomElement(using: &rng) else { continue }
                    let u = units.randomElement(using: &rng)!
                    r.orgID = u.id!; r.orgPath = u.path; r.onTime = Bool.random(using: &rng)
                    try await r.update(on: app.db)
                default:
                    guard !made.isEmpty else { continue }
                    let r = made.remove(at: Int.random(in: 0..<made.count, using: &rng))
                    try await r.delete(on: app.db)
                }
            }
            let (kept, counted) = try await app.reportCounts()
            #expect(kept == counted)
            #expect(!counted.isEmpty)
        }
    }

    /// The kept staff and on-site counts equal a count of their tables after any mix of new
    /// staff, status changes, moves between units and removals; requests made, approved,
    /// rejected, moved; check-ins made, moved and removed.
    @Test func unitCountsFollowEveryWrite() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            var rng = SeededRandom(seed: 7)
            let units = [f.hkUnit, f.bdUnit, f.hkWard]
            var staff = try await f.crowd(app, in: f.hkUnit, count: 6, prefix: "kc")
            var requests: [OnSiteRequest] = [], entries: [PresenceEntry] = []
            let days = (0..<3).map { monday.adding(days: -$0).value }
            for i in 0..<90 {
                let u = units.randomElement(using: &rng)!
                switch Int.random(in: 0..<9, using: &rng) {
                case 0:
                    staff += try await f.crowd(app, in: u, count: 1, prefix: "kn\(i)-")
                case 1:
                    guard let p = staff.randomElement(using: &rng) else { continue }
                    p.status = StaffStatus.allCases.randomElement(using: &rng)!
                    if Bool.random(using: &rng) { p.$org.id = u.id! }
                    try await p.update(on: app.db)
                case 2:
                    guard !staff.isEmpty else { continue }
                    let i = Int.random(in: 0..<staff.count, using: &rng)
                    do { try await staff[i].delete(on: app.db); staff.remove(at: i) } catch {}   // refused while requests point at them
                case 3, 4:
                    guard let p = staff.randomElement(using: &rng) else { continue }
                    let r = OnSiteRequest()
                    r.id = UUID(); r.staffID = p.id!; r.orgID = u.id!; r.orgPath = u.path; r.date = days.randomElement(using: &rng)!
                    r.shift = Shift.allCases.randomElement(using: &rng)!; r.reason = .officeDuty; r.justification = ""
                    r.status = OnSiteRequest.Status.allCases.randomElement(using: &rng)!; r.decisionComment = ""
                    do { try await r.create(on: app.db); requests.append(r) } catch {}   // one live request per person, day and shift
                case 5:
                    guard let r = requests.randomElement(using: &rng) else { continue }
                    r.status = OnSiteRequest.Status.allCases.randomElement(using: &rng)!
                    if Bool.random(using: &rng) { r.orgPath = u.path; r.orgID = u.id! }
                    do { try await r.update(on: app.db) } catch {}
                case 6:
                    guard let p = staff.randomElement(using: &rng) else { continue }
                    let e = PresenceEntry()
                    e.id = UUID(); e.staffID = p.id!; e.orgID = u.id!; e.orgPath = u.path; e.date = days.randomElement(using: &rng)!
                    e.shift = Shift.allCases.randomElement(using: &rng)!; e.checkedInAt = Date()
                    do { try await e.create(on: app.db); entries.append(e) } catch {}
                case 7:
                    guard let e = entries.randomElement(using: &rng) else { continue }
                    e.shift = Shift.allCases.randomElement(using: &rng)!; e.checkedOutAt = Date()
                    do { try await e.update(on: app.db) } catch {}
                default:
                    guard !entries.isEmpty else { continue }
                    try await entries.remove(at: Int.random(in: 0..<entries.count, using: &rng)).delete(on: app.db)
                }
            }
            struct Staff: Decodable, Equatable { let o: UUID; let s: String; let n: Int }
            let keptStaff = try await app.db.sql.raw("SELECT org_id AS o, status AS s, n FROM staff_counts WHERE n > 0")
                .all(decoding: Staff.self).sorted { ($0.o.uuidString, $0.s) < ($1.o.uuidString, $1.s) }
            let countedStaff = try await app.db.sql.raw("SELECT org_id AS o, status AS s, COUNT(*) AS n FROM staff GROUP BY org_id, status")
                .all(decoding: Staff.self).sorted { ($0.o.uuidString, $0.s) < ($1.o.uuidString, $1.s) }
            #expect(keptStaff == countedStaff)
            struct OnSite: Decodable, Equatable { let p: String; let d: String; let s: String; let a: Int; let c: Int }
            let keptOnSite = try await app.db.sql.raw("""
                SELECT org_path AS p, date AS d, shift AS s, approved AS a, present AS c FROM onsite_counts WHERE approved > 0 OR present > 0 ORDER BY 1, 2, 3
                """).all(decoding: OnSite.self)
            let countedOnSite = try await app.db.sql.raw("""
                SELECT org_path AS p, date AS d, shift AS s, SUM(a) AS a, SUM(c) AS c FROM (
                    SELECT org_path, date, shift, 1 AS a, 0 AS c FROM onsite_requests WHERE status = 'approved'
                    UNION ALL SELECT org_path, date, shift, 0 AS a, 1 AS c FROM presence_entries) x
                GROUP BY org_path, date, shift ORDER BY 1, 2, 3
                """).all(decoding: OnSite.self)
            #expect(keptOnSite == countedOnSite)
            #expect(!countedOnSite.isEmpty && requests.contains { $0.status == .approved })
        }
    }

    /// Checked in without an approval is on site all the same: two in the register of a unit
    /// whose cap is one make a breach.
    @Test func theRegisterCountsOnSite() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.directive(app, number: "1/2", over: f.city, DirectiveRules(maxOnSiteShare: Fraction(1, 2)))
            for p in [f.hkPerson, f.hkPerson2] {
                let e = PresenceEntry()
                e.id = UUID(); e.staffID = p.id!; e.orgID = f.hkUnit.id!; e.orgPath = f.hkUnit.path; e.date = monday.value; e.shift = .morning
                e.checkedInAt = monday.start.addingTimeInterval(8 * 3600)
                try await e.create(on: app.db)
            }
            let city = try await dashboard(app, try await app.token("admin@t.vn"), "org=C&date=\(monday.value)")
            #expect(city.total.present == 2 && city.total.onSite == 2)
            #expect(city.children.first { $0.org.code == "HK" }?.figures.cap == 1)
            #expect(city.total.breaches == 1 && city.total.unitsNoOneOnDuty == 1)
            #expect(city.children.first { $0.org.code == "HK" }?.figures.breaches == 1)
        }
    }

    /// Heads read their own subtree only; staff and checkpoints have no dashboard.
    @Test func nobodyReadsOutsideTheirSubtree() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            let headBD = try await app.token("head.bd@t.vn"), staff = try await app.token("staff.hk@t.vn"), noivu = try await app.token("noivu@t.vn")
            let checkpoint = try await app.token("checkpoint@t.vn"), inspector = try await app.token("inspector@t.vn")
            #expect(try await app.send(.GET, "/api/v1/dashboard?org=HK", headers: app.bearer(headBD)).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/dashboard?org=BD", headers: app.bearer(headBD)).status == .ok)
            #expect(try await app.send(.GET, "/api/v1/dashboard", headers: app.bearer(staff)).status == .forbidden)
            #expect(try await app.send(.GET, "/api/v1/dashboard", headers: app.bearer(checkpoint)).status == .forbidden)
            #expect(try await app.send(.GET, "/api/v1/dashboard?org=C", headers: app.bearer(noivu)).status == .ok)
            #expect(try await app.send(.GET, "/api/v1/dashboard?org=C", headers: app.bearer(inspector)).status == .ok)
            #expect(try await app.send(.GET, "/api/v1/dashboard/units?org=HK&only=noduty", headers: app.bearer(headBD)).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/dashboard/units?org=BD&only=everything", headers: app.bearer(headBD)).status == .unprocessableEntity)
            #expect(try await app.send(.GET, "/api/v1/dashboard?org=BD&date=2026-02-30", headers: app.bearer(headBD)).status == .unprocessableEntity)
            #expect(try await app.send(.GET, "/api/v1/dashboard?org=%27%3B--", headers: app.bearer(headBD)).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/dashboard").status == .unauthorized)
            var web = try await WebSession.signIn(app, "head.bd@t.vn")
            #expect(try await web.get("/dashboard?org=HK").status == .notFound)
            #expect(try await web.get("/dashboard/events?org=HK").status == .notFound)
            #expect(try await web.get("/dashboard.csv?org=HK").status == .notFound)
            #expect(try await web.get("/dashboard/chart.svg?org=HK").status == .notFound)
            _ = try await web.loadForm("/")
        }
    }

    @Test func pageCsvChartAndPdf() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await report(app, f.hkPerson, org: f.hkUnit, day: monday, slot: "07:00", onTime: true)
            let web = try await WebSession.signIn(app, "admin@t.vn")
            let page = try await web.get("/dashboard?org=C&date=\(monday.value)")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("href=\"/dashboard?org=HK&amp;date=\(monday.value)\"") || page.body.string.contains("/dashboard?org=HK&date="))
            #expect(page.body.string.contains("id=\"tile-report-0700\""))
            let part = try await web.get("/dashboard?org=C&date=\(monday.value)&part=figures")
            #expect(part.body.string.hasPrefix("<div id=\"dash-figures\""))
            let csv = try await web.get("/dashboard.csv?org=C&date=\(monday.value)")
            let lines = csv.body.string.split(whereSeparator: \.isNewline)
            #expect(lines.count == 4)   // header, the city, two districts
            #expect(lines[0].contains("reports_received_07:00"))
            let svg = try await web.get("/dashboard/chart.svg?org=C&date=\(monday.value)")
            #expect(svg.headers.contentType?.subType == "svg+xml" && svg.body.string.hasPrefix("<svg"))
            let units = try await web.get("/dashboard/units?org=C&date=\(monday.value)&only=noduty&format=csv")
            #expect(units.body.string.split(whereSeparator: \.isNewline).count == 3)   // header and the two units with staff
            let pdf = try await web.get("/dashboard.pdf?org=C&date=\(monday.value)")
            if PDFPrinter.binary != nil {
                #expect(pdf.status == .ok)
                #expect(pdf.body.string.hasPrefix("%PDF"))
            } else {
                #expect(pdf.status == .serviceUnavailable)
            }
        }
    }

    /// A watcher hears changes above and below its node, never a sibling's; a successful
    /// write through the app announces the writer's unit.
    @Test func changesReachTheRightWatchers() async throws {
        let hub = LiveHub(heartbeat: .seconds(3600))
        let hk = hub.watch("/c/hk/"), bd = hub.watch("/c/bd/")
        hub.announce("/c/hk/unit/")
        hub.announce("/c/")
        var seen: [String] = []
        for await e in hk { if case .change(let c) = e { seen.append(c.path) }; if seen.count == 2 { break } }
        #expect(seen == ["/c/hk/unit/", "/c/"])
        var bdSeen: [String] = []
        for await e in bd { if case .change(let c) = e { bdSeen.append(c.path) }; break }
        #expect(bdSeen == ["/c/"])
        hub.receive(payload: "other 42 /c/bd/x/ /c/hk/")
        hub.receive(payload: "\(hub.processID) 43 /c/bd/")   // our own, already delivered
        hub.receive(payload: "garbage")
        #expect(hub.lastID >= 42)
        #expect(LiveHub.compact(["/a/b/", "/a/", "/c/d/e/"]) == ["/a/", "/c/d/e/"])
        #expect(LiveHub.compact((0..<100).map { "/r/\($0 % 3)/\($0)/" }).count <= 40)
        // For any set of unit paths: every path is covered by one kept, the kept are at most
        // 40 (as long as the first level allows), none covers another, and each is a path or
        // an ancestor of one.
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let paths = (0..<Int.random(in: 0...600, using: &rng)).map { _ in
                "/" + (0..<Int.random(in: 1...5, using: &rng)).map { _ in String(Int.random(in: 0..<Int.random(in: 1...30, using: &rng), using: &rng)) }
                    .joined(separator: "/") + "/"
            }
            let kept = LiveHub.compact(paths)
            #expect(paths.allSatisfy { p in kept.contains { p.hasPrefix($0) } })
            let firstLevel = Set(paths.map { "/" + $0.split(separator: "/")[0] + "/" }).count
            #expect(kept.count <= max(40, firstLevel))
            #expect(!kept.contains { a in kept.contains { b in a != b && a.hasPrefix(b) } })
            #expect(kept.allSatisfy { k in paths.contains { $0.hasPrefix(k) } })
        }
        hub.close()
        try await withApp { app in
            _ = try await Fixture.make(app)
            let before = app.live.lastID
            let head = try await app.token("head.hk@t.vn")
            let res = try await app.send(.POST, "/api/v1/tasks", headers: app.bearer(head), json: TaskService.Input(title: "Việc mới", deadline: futureDay.value))
            #expect(res.status == .created || res.status == .unprocessableEntity)
            #expect(app.live.lastID > before || res.status != .created)
        }
    }

    /// On PostgreSQL, a NOTIFY from another process reaches this process's watchers.
    @Test func notificationsFromAnotherProcessArrive() async throws {
        guard isPostgres else { return }
        try await withApp { app in
            let task = LiveListener.start(app)
            defer { task?.cancel() }
            let stream = app.live.watch("/x/")
            let consumer = Task { () -> String? in
                // Other tests' applications share the channel (their writes announce "/"): wait for ours.
                for await e in stream { if case .change(let c) = e, c.path != "/" { return c.path } }
                return nil
            }
            // The listener connects in the background: send until it hears one.
            for attempt in 0..<40 where app.live.lastID < 1_000_000 {
                try await app.db.sql.raw("SELECT pg_notify(\(bind: LiveListener.channel), \(bind: "another-process \(1_000_000 + attempt) /x/y/"))").run()
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(app.live.lastID >= 1_000_000)
            let got = await consumer.value
            #expect(got == "/x/y/")
        }
    }
}

/// Every list page answers `?format=csv` with the table it shows (all rows), and a cell that
/// would start a spreadsheet formula stays text.
@Suite struct ListCSVTests {
    @Test func everyListHasItsCSV() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let hostile = try await f.crowd(app, in: f.hkUnit, count: 30, prefix: "=HYPERLINK(\"x\")")
            _ = hostile
            let web = try await WebSession.signIn(app, "admin@t.vn")
            for path in ["/staff?org=HK-NV", "/users", "/audit", "/permits", "/onsite", "/absences",
                         "/inspections/violations?status=all", "/dashboard/units?only=noduty"] {
                let res = try await web.get(path + (path.contains("?") ? "&" : "?") + "format=csv")
                #expect(res.status == .ok, "\(path): \(res.status)")
                #expect(res.headers.contentType?.subType == "csv", "\(path)")
            }
            let users = try await web.get("/users?format=csv").body.string
            #expect(users.split(whereSeparator: \.isNewline).count >= 10, "\(users.prefix(300))")
            let staff = try await web.get("/staff?org=HK-NV&format=csv").body.string
            // 32 people on one export, more than a page.
            #expect(staff.split(whereSeparator: \.isNewline).count >= 33, "\(staff.prefix(300))")
            #expect(!staff.contains("\n=HYPERLINK") && !staff.contains(",=HYPERLINK"))
            #expect(TableCSV.csv(fromPage: "<p>no table</p>") == nil)
            let table = "<table class=\"list\"><thead><tr><th>Tên</th><th>Việc</th></tr></thead><tbody><tr><td data-label=\"x\"><a href=\"/a\">Lê&nbsp;Văn &amp; A</a></td>"
                + "<td><form method=\"post\"><button>Duyệt</button></form>@SUM(1)</td></tr></tbody></table>"
            #expect(TableCSV.csv(fromPage: table) == "Tên,Việc\r\nLê Văn & A,'@SUM(1)\r\n")
        }
    }
}
