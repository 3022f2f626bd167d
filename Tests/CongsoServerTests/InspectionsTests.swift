import CongsoCore
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import CongsoServer

/// Inspections end to end: a team and a checklist, a sample drawn again from its seed,
/// a visit with findings and a photo, a violation charged to the head, answered and closed;
/// who may do each step; bad inputs named.
@Suite struct InspectionsServerTests {
    func code(_ res: TestingHTTPResponse) -> String { (try? res.content.decode(ErrorBody.self).error.code) ?? "\(res.status.code)" }

    struct Setup { let inspector: String; let team: UUID; let checklist: UUID; let f: Fixture }

    func setup(_ app: Application) async throws -> Setup {
        let f = try await Fixture.make(app)
        _ = try await f.crowd(app, in: f.hkWard, count: 3, prefix: "w")
        let d = try await f.directive(app, number: "16/CT-TTg", over: f.city, DirectiveRules(maxOnSiteShare: Fraction(1, 2)))
        let inspector = try await app.token("inspector@t.vn")
        let me = try await User.query(on: app.db).filter(\.$email == "inspector@t.vn").first()!
        let team = try await app.send(.POST, "/api/v1/inspections/teams?org=C", headers: app.bearer(inspector),
                                      json: InspectionAPI.TeamInput(name: "Đoàn kiểm tra số 1", memberIds: [me.id!]))
        #expect(team.status == .created, "\(team.body.string)")
        let checklist = try await app.send(.POST, "/api/v1/inspections/checklists?org=C", headers: app.bearer(inspector),
                                           json: InspectionAPI.ChecklistInput(directiveId: d.id, title: "Giãn cách tại công sở",
                                                                              items: ["Không quá 1/2 tại trụ sở", "Có người trực", "  ", "Khai báo y tế"]))
        #expect(checklist.status == .created, "\(checklist.body.string)")
        let c = try checklist.content.decode(InspectionAPI.ChecklistDTO.self)
        #expect(c.items.count == 3)
        return Setup(inspector: inspector, team: try team.content.decode(InspectionAPI.TeamDTO.self).id, checklist: c.id, f: f)
    }

    func upload(_ app: Application, _ token: String, visit: UUID, name: String, bytes: [UInt8]) async throws -> TestingHTTPResponse {
        let boundary = "----congso\(UUID().uuidString.prefix(8))"
        var body = ByteBuffer(string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"photos[]\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n")
        body.writeBytes(bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        var out: TestingHTTPResponse?
        try await app.testing().test(.POST, "/api/v1/inspections/visits/\(visit)/photos", headers: app.bearer(token), beforeRequest: { req in
            req.body = body
            req.headers.contentType = HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary])
        }, afterResponse: { res async throws in out = res })
        return out!
    }

    @Test func aSampleIsDrawnAgainFromItsSeedAndAViolationRunsItsCourse() async throws {
        try await withApp { app in
            let s = try await setup(app)
            let draw = { (seed: String) in
                try await app.send(.POST, "/api/v1/inspections/samples?org=C", headers: app.bearer(s.inspector),
                                   json: InspectionAPI.DrawInput(teamId: s.team, checklistId: s.checklist, size: 2, seed: seed))
            }
            let first = try await draw("42")
            #expect(first.status == .created, "\(first.body.string)")
            let a = try first.content.decode(InspectionAPI.SampleDTO.self)
            let b = try await draw("42").content.decode(InspectionAPI.SampleDTO.self)
            #expect(Set(a.visits!.map(\.orgId)) == Set(b.visits!.map(\.orgId)))
            #expect(a.population == 3 && a.size == 2)
            // Two districts, each a stratum of units never inspected: one unit from each.
            #expect(a.strata.count == 2 && a.strata.allSatisfy { $0.drawn == 1 && $0.lastResult == "never" })
            // Findings: all lines, a failed line with a note.
            let visit = a.visits!.first { $0.orgId == s.f.hkUnit.id || $0.orgId == s.f.hkWard.id }!
            let rec = { (findings: [InspectionService.FindingInput], day: String?) in
                try await app.send(.POST, "/api/v1/inspections/visits/\(visit.id)", headers: app.bearer(s.inspector),
                                   json: InspectionAPI.RecordInput(visitedOn: day, summary: "Kết luận", findings: findings))
            }
            #expect(code(try await rec([.init(result: "pass")], nil)) == "inspection.findings_incomplete")
            #expect(code(try await rec([.init(result: "pass"), .init(result: "fail"), .init(result: "na")], nil)) == "inspection.fail_needs_note")
            #expect(code(try await rec([.init(result: "pass"), .init(result: "maybe"), .init(result: "na")], nil)) == "inspection.finding_invalid")
            #expect(code(try await rec([.init(result: "pass"), .init(result: "pass"), .init(result: "pass")], futureDay.value)) == "inspection.visit_future")
            let charge = { (deadline: String) in
                try await app.send(.POST, "/api/v1/inspections/visits/\(visit.id)/violations", headers: app.bearer(s.inspector),
                                   json: InspectionAPI.ChargeInput(description: "Không bố trí người trực ca chiều", deadline: deadline))
            }
            #expect(code(try await charge(futureDay.value)) == "inspection.visit_not_done")
            let done = try await rec([.init(result: "pass"), .init(result: "fail", note: "Ca chiều không có ai"), .init(result: "na")], nil)
            #expect(done.status == .ok, "\(done.body.string)")
            // Photo evidence: a PNG by its bytes; a text file named .png is refused.
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0, count: 32)
            #expect(try await upload(app, s.inspector, visit: visit.id, name: "anh.png", bytes: png).status == .created)
            #expect(code(try await upload(app, s.inspector, visit: visit.id, name: "anh.png", bytes: Array("xin chào".utf8))) == "inspection.file_disguised")
            #expect(code(try await charge(LocalDate.of(Date()).value)) == "inspection.deadline_past")
            let charged = try await charge(futureDay.value)
            #expect(charged.status == .created, "\(charged.body.string)")
            let v = try charged.content.decode(InspectionAPI.ViolationDTO.self)
            #expect(try await AppNotification.query(on: app.db).filter(\.$kind == "notif.violation_charged").count() >= 1)
            let headHK = try await app.token("head.hk@t.vn"), headBD = try await app.token("head.bd@t.vn"), steering = try await app.token("steering@t.vn")
            let dash = { try await app.send(.GET, "/api/v1/dashboard?org=C", headers: app.bearer(steering)).content.decode(DashboardAPI.DashboardDTO.self).total.violationsOpen }
            #expect(try await dash() == 1)
            // The other district's head neither sees nor answers it; the unit's head answers.
            #expect(try await app.send(.POST, "/api/v1/inspections/violations/\(v.id)/answer", headers: app.bearer(headBD), json: InspectionAPI.ActInput(text: "x")).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/inspections/violations?org=HK", headers: app.bearer(headBD)).status == .notFound)
            #expect(code(try await app.send(.POST, "/api/v1/inspections/violations/\(v.id)/answer", headers: app.bearer(headHK), json: InspectionAPI.ActInput(text: " "))) == "inspection.answer_missing")
            #expect(try await app.send(.POST, "/api/v1/inspections/violations/\(v.id)/close", headers: app.bearer(headHK), json: InspectionAPI.ActInput(text: "")).status == .forbidden)
            #expect(try await app.send(.POST, "/api/v1/inspections/violations/\(v.id)/answer", headers: app.bearer(headHK), json: InspectionAPI.ActInput(text: "Đã bố trí trực ca chiều")).status == .ok)
            #expect(code(try await app.send(.POST, "/api/v1/inspections/violations/\(v.id)/reopen", headers: app.bearer(s.inspector), json: InspectionAPI.ActInput(text: ""))) == "inspection.reopen_needs_reason")
            let closed = try await app.send(.POST, "/api/v1/inspections/violations/\(v.id)/close", headers: app.bearer(s.inspector), json: InspectionAPI.ActInput(text: "Đã khắc phục"))
            #expect(try closed.content.decode(InspectionAPI.ViolationDTO.self).status == "closed")
            #expect(code(try await app.send(.POST, "/api/v1/inspections/violations/\(v.id)/answer", headers: app.bearer(headHK), json: InspectionAPI.ActInput(text: "x"))) == "inspection.violation_move")
            #expect(try await dash() == 0)
            #expect(try await app.auditCount(action: "inspection.close") == 1)
            // The next sample sees that unit's last result as a violation, in its own stratum.
            let next = try await draw("7").content.decode(InspectionAPI.SampleDTO.self)
            #expect(next.strata.contains { $0.lastResult == "violation" && $0.population == 1 })
        }
    }

    @Test func whoMayInspectAndBadInput() async throws {
        try await withApp { app in
            let s = try await setup(app)
            let headHK = try await app.token("head.hk@t.vn"), staff = try await app.token("staff.hk@t.vn")
            let lead = try await User.query(on: app.db).filter(\.$email == "lead.hk@t.vn").first()!
            // Heads do not inspect; members must be inspectors.
            #expect(try await app.send(.POST, "/api/v1/inspections/teams?org=HK", headers: app.bearer(headHK),
                                       json: InspectionAPI.TeamInput(name: "x", memberIds: [lead.id!])).status == .forbidden)
            #expect(code(try await app.send(.POST, "/api/v1/inspections/teams?org=C", headers: app.bearer(s.inspector),
                                            json: InspectionAPI.TeamInput(name: "x", memberIds: [lead.id!]))) == "inspection.member_invalid")
            #expect(code(try await app.send(.POST, "/api/v1/inspections/teams?org=C", headers: app.bearer(s.inspector),
                                            json: InspectionAPI.TeamInput(name: "   ", memberIds: []))) == "inspection.team_name_missing")
            #expect(try await app.send(.GET, "/api/v1/inspections/teams?org=C", headers: app.bearer(staff)).status == .notFound)
            let draw = { (size: Int, seed: String?) in
                try await app.send(.POST, "/api/v1/inspections/samples?org=C", headers: app.bearer(s.inspector),
                                   json: InspectionAPI.DrawInput(teamId: s.team, checklistId: s.checklist, size: size, seed: seed))
            }
            #expect(code(try await draw(0, nil)) == "inspection.size_invalid")
            #expect(code(try await draw(5, "-3")) == "inspection.seed_invalid")
            #expect(code(try await draw(5, "1e9")) == "inspection.seed_invalid")
            // Asking for more than exist draws them all.
            let all = try await draw(50, nil).content.decode(InspectionAPI.SampleDTO.self)
            #expect(all.size == 3 && all.visits?.count == 3)
            // A head not on the team cannot record a visit.
            let visit = all.visits![0]
            #expect(try await app.send(.POST, "/api/v1/inspections/visits/\(visit.id)", headers: app.bearer(headHK),
                                       json: InspectionAPI.RecordInput(findings: [])).status != .ok)
            // The web pages render for the inspector and the head.
            let web = try await WebSession.signIn(app, "inspector@t.vn")
            #expect(try await web.get("/inspections?org=C").status == .ok)
            #expect(try await web.get("/inspections/samples/\(all.id)").body.string.contains("id=\"sample-method\""))
            #expect(try await web.get("/inspections/samples/\(all.id)?format=csv").body.string.split(whereSeparator: \.isNewline).count == 4)
            #expect(try await web.get("/inspections/visits/\(visit.id)").body.string.contains("name=\"result_2\""))
            let head = try await WebSession.signIn(app, "head.hk@t.vn")
            #expect(try await head.get("/inspections/violations?org=HK").status == .ok)
            #expect(try await head.get("/inspections/violations?org=C").status == .notFound)
        }
    }
}
