import CongsoCore
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import CongsoServer


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
