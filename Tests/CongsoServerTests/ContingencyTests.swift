import CongsoCore
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import CongsoServer

/// Contingency plans: versions, the one-click switch that changes the caps everywhere at
/// once (strictest wins with the directives), who may do it, and bad plans named.
@Suite struct ContingencyServerTests {
    typealias Level = ContingencyService.PlanInput.Level

    func plan(_ shares: [String] = ["1/1", "1/2", "1/3", "1/4"], essential: [UUID] = []) -> ContingencyService.PlanInput {
        .init(levels: shares.enumerated().map { i, s in
            Level(level: i + 1, maxOnSiteShare: s, minOnDuty: 1, essentialStaffIds: i == 3 ? essential : [], workplace: "Tại nhà, họp trực tuyến \(i + 1)")
        }, note: "Theo Nghị quyết 128")
    }

    func code(_ res: TestingHTTPResponse) -> String { (try? res.content.decode(ErrorBody.self).error.code) ?? "\(res.status.code)" }

    @Test func switchingALevelChangesTheCapAtOnce() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.directive(app, number: "1/2", over: f.city, DirectiveRules(maxOnSiteShare: Fraction(1, 2), allowedReasons: [.officeDuty, .other]))
            let people = try await f.crowd(app, in: f.hkUnit, count: 6, prefix: "p")   // 8 staff: 4 by the directive, 2 at level 4
            let head = try await app.token("head.hk@t.vn"), lead = try await app.token("lead.hk@t.vn")
            let saved = try await app.send(.PUT, "/api/v1/contingency/plan?org=HK-NV", headers: app.bearer(head), json: plan(essential: [people[0].id!]))
            #expect(saved.status == .created, "\(saved.body.string)")
            #expect(try saved.content.decode(ContingencyAPI.PlanDTO.self).version == 1)
            #expect(try await app.auditCount(action: "contingency.plan") == 1)
            // Level 1 (everyone may come) never loosens the city's 1/2.
            var sw = try await app.send(.POST, "/api/v1/contingency/level?org=HK-NV", headers: app.bearer(head), json: ContingencyAPI.LevelInput(level: 1))
            #expect(sw.status == .ok, "\(sw.body.string)")
            let unit = try await Organization.query(on: app.db).filter(\.$code == "HK-NV").first()!
            #expect(try await PolicyService.effective(for: unit, on: futureDay, db: app.db).cap.value == 4)
            // Three approved for a day, then level 4: the cap falls to 2 and the third is over it.
            var ids: [UUID] = []
            for p in people.prefix(3) {
                let r = try await app.send(.POST, "/api/v1/onsite-requests", headers: app.bearer(lead),
                                           json: OnSiteWriteBody(staffId: p.id, date: futureDay.value, shift: "morning", reason: "officeDuty"))
                ids.append(try r.content.decode(OnSiteRequestDTO.self).id)
                #expect(try await app.send(.POST, "/api/v1/onsite-requests/\(ids.last!)/approve", headers: app.bearer(lead)).status == .ok)
            }
            sw = try await app.send(.POST, "/api/v1/contingency/level?org=HK-NV", headers: app.bearer(head), json: ContingencyAPI.LevelInput(level: 4, note: "Ổ dịch"))
            #expect(sw.status == .ok)
            #expect(try sw.content.decode(ContingencyAPI.SwitchDTO.self).previous == 1)
            let effective = try await PolicyService.effective(for: unit, on: futureDay, db: app.db)
            #expect(effective.cap.value == 2)
            if case .directive(let id, _) = effective.cap.source { #expect(id.hasPrefix("plan:")) } else { Issue.record("the cap should come from the plan") }
            let r = try await app.send(.POST, "/api/v1/onsite-requests", headers: app.bearer(lead),
                                       json: OnSiteWriteBody(staffId: people[4].id, date: futureDay.value, shift: "morning", reason: "officeDuty"))
            let fourth = try r.content.decode(OnSiteRequestDTO.self).id
            #expect(code(try await app.send(.POST, "/api/v1/onsite-requests/\(fourth)/approve", headers: app.bearer(lead))) == "onsite.cap_reached")
            // The dashboard shows the unit over its cap that day.
            let dash = try await app.send(.GET, "/api/v1/dashboard?org=HK&date=\(futureDay.value)", headers: app.bearer(head))
                .content.decode(DashboardAPI.DashboardDTO.self)
            #expect(dash.total.breaches == 1)
            #expect(dash.children.first { $0.org.code == "HK-NV" }?.org.alertLevel == 4)
            // Same level again is refused; the unit's people with accounts were told.
            #expect(code(try await app.send(.POST, "/api/v1/contingency/level?org=HK-NV", headers: app.bearer(head), json: ContingencyAPI.LevelInput(level: 4))) == "contingency.same_level")
            #expect(try await AppNotification.query(on: app.db).filter(\.$kind == "notif.alert_level").count() >= 1)
            #expect(try await app.auditCount(action: "contingency.level") == 2)
            // A new version applies at once to the level in force.
            _ = try await app.send(.PUT, "/api/v1/contingency/plan?org=HK-NV", headers: app.bearer(head), json: plan(["1/1", "1/2", "1/3", "1/8"]))
            #expect(try await PolicyService.effective(for: unit, on: futureDay, db: app.db).cap.value == 1)
            let shown = try await app.send(.GET, "/api/v1/contingency?org=HK-NV&version=1", headers: app.bearer(lead)).content.decode(ContingencyAPI.StateDTO.self)
            #expect(shown.plan?.version == 1 && shown.versions.map(\.version) == [2, 1] && shown.level == 4 && shown.planVersion == 2)
        }
    }

    @Test func onlyTheUnitsHeadsManageAndBadPlansAreNamed() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let headBD = try await app.token("head.bd@t.vn"), lead = try await app.token("lead.hk@t.vn"), head = try await app.token("head.hk@t.vn")
            let staff = try await app.token("staff.hk@t.vn"), steering = try await app.token("steering@t.vn")
            #expect(try await app.send(.PUT, "/api/v1/contingency/plan?org=HK-NV", headers: app.bearer(headBD), json: plan()).status == .notFound)
            #expect(try await app.send(.PUT, "/api/v1/contingency/plan?org=HK-NV", headers: app.bearer(lead), json: plan()).status == .forbidden)
            #expect(try await app.send(.GET, "/api/v1/contingency?org=HK-NV", headers: app.bearer(staff)).status == .notFound)
            #expect(code(try await app.send(.POST, "/api/v1/contingency/level?org=HK-NV", headers: app.bearer(head), json: ContingencyAPI.LevelInput(level: 3))) == "contingency.no_plan")
            let bad: [(ContingencyService.PlanInput, String)] = [
                (plan(["1/1", "1/3", "1/2", "1/4"]), "contingency.share_rises"),
                (plan(["1/1", "1/2", "1/3", "0"]), "contingency.share_zero"),
                (plan(["1/1", "1/2", "1/3", "2/1"]), "contingency.share_invalid"),
                (plan(["1/1", "1/2", "1/3"]), "contingency.level_missing"),
                (plan(essential: [f.bdPerson.id!]), "contingency.essential_outside"),
                (.init(levels: plan().levels.map { var l = $0; l.workplace = "<script>\u{200B}"; return l }, note: nil), "ok"),
                (.init(levels: plan().levels.map { var l = $0; l.workplace = " \n "; return l }, note: nil), "contingency.workplace_missing"),
                (.init(levels: plan().levels.map { var l = $0; l.minOnDuty = 0; return l }, note: nil), "contingency.min_on_duty_invalid"),
                (.init(levels: plan().levels.map { var l = $0; l.level = 9; return l }, note: nil), "contingency.level_invalid"),
                (.init(levels: plan().levels, note: String(repeating: "ư", count: 1_001)), "too_long"),
            ]
            for (input, expected) in bad {
                let res = try await app.send(.PUT, "/api/v1/contingency/plan?org=HK-NV", headers: app.bearer(steering), json: input)
                #expect(expected == "ok" ? res.status == .created : code(res) == expected, "\(expected): \(res.body.string)")
            }
            #expect(code(try await app.send(.POST, "/api/v1/contingency/level?org=HK-NV", headers: app.bearer(head), json: ContingencyAPI.LevelInput(level: 7))) == "contingency.level_invalid")
            // The page escapes what was typed.
            let web = try await WebSession.signIn(app, "head.hk@t.vn")
            let page = try await web.get("/contingency?org=HK-NV")
            #expect(page.status == .ok && !page.body.string.contains("<script>\u{200B}") && page.body.string.contains("&lt;script&gt;"))
        }
    }

    /// Saving a plan many times at once gives each its own version; none is lost.
    @Test func concurrentSavesGetDistinctVersions() async throws {
        try await withApp(sqliteFile: true) { app in
            _ = try await Fixture.make(app)
            let head = try await app.token("head.hk@t.vn")
            try await withThrowingTaskGroup(of: HTTPStatus.self) { g in
                for _ in 0..<8 { g.addTask { try await app.send(.PUT, "/api/v1/contingency/plan?org=HK-NV", headers: app.bearer(head), json: self.plan()).status } }
                for try await s in g { #expect(s == .created) }
            }
            let versions = try await ContingencyPlanVersion.query(on: app.db).all().map(\.version).sorted()
            #expect(versions == Array(1...8))
        }
    }

    /// The web form posts the four levels and the switch works in one click.
    @Test func theFormsWork() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            var web = try await WebSession.signIn(app, "head.hk@t.vn")
            try await web.loadForm("/contingency?org=HK-NV")
            var form = ["org": "HK-NV", "note": "v1"]
            for (i, s) in ["1/1", "1/2", "1/3", "1/4"].enumerated() { form["share\(i + 1)"] = s; form["duty\(i + 1)"] = "1"; form["workplace\(i + 1)"] = "Tại nhà" }
            #expect(try await web.post("/contingency/plan", form).status == .seeOther)
            #expect(try await web.post("/contingency/level", ["org": "HK-NV", "level": "3"]).status == .seeOther)
            let page = try await web.get("/contingency?org=HK-NV")
            #expect(page.body.string.contains("id=\"ct-level\""))
            #expect(try await ContingencyService.current(of: (try await Organization.query(on: app.db).filter(\.$code == "HK-NV").first()!.id!), on: app.db)?.level == .three)
            form["share3"] = "2/3"
            _ = try await web.post("/contingency/plan", form)
            let after = try await web.get("/contingency?org=HK-NV")
            #expect(after.body.string.contains(app.translations.table("vi")["err.contingency.share_rises"]!.replacingOccurrences(of: "{detail}", with: "3")))
        }
    }
}
