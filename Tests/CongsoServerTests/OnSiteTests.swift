import CongsoCore
@testable import CongsoServer
import Fluent
import Testing
import Vapor
import VaporTesting

@Suite struct OnSiteTests {
    func request(_ app: Application, _ token: String, staff: UUID? = nil, shift: String = "morning", reason: String = "officeDuty",
                 justification: String? = nil, test: OnSiteWriteBody.TestBody? = nil) async throws -> TestingHTTPResponse {
        try await app.send(.POST, "/api/v1/onsite-requests", headers: app.bearer(token),
                           json: OnSiteWriteBody(staffId: staff, date: futureDay.value, shift: shift, reason: reason,
                                                 justification: justification, test: test))
    }

    @Test func approvalsStopAtTheCapAndFollowTheTestRule() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.directive(app, number: "1/2", over: f.city, DirectiveRules(maxOnSiteShare: Fraction(1, 2), allowedReasons: [.officeDuty, .other]))
            let people = try await f.crowd(app, in: f.hkUnit, count: 4, prefix: "p")   // 6 staff → cap 3
            let lead = try await app.token("lead.hk@t.vn")
            var ids: [UUID] = []
            for p in people {
                let res = try await request(app, lead, staff: p.id)
                #expect(res.status == .created)
                ids.append(try res.content.decode(OnSiteRequestDTO.self).id)
            }
            for id in ids.prefix(3) {
                #expect(try await app.send(.POST, "/api/v1/onsite-requests/\(id)/approve", headers: app.bearer(lead)).status == .ok)
            }
            let fourth = try await app.send(.POST, "/api/v1/onsite-requests/\(ids[3])/approve", headers: app.bearer(lead))
            #expect(fourth.status == .conflict)
            let err = try fourth.content.decode(ErrorBody.self).error
            #expect(err.code == "onsite.cap_reached" && err.message.contains("3"))
            // The afternoon has its own places.
            let pm = try await request(app, lead, staff: people[3].id, shift: "afternoon")
            let pmID = try pm.content.decode(OnSiteRequestDTO.self).id
            #expect(try await app.send(.POST, "/api/v1/onsite-requests/\(pmID)/approve", headers: app.bearer(lead)).status == .ok)
            // Reason rules and rejection.
            let combat = try await request(app, lead, staff: f.hkPerson.id, reason: "combatDuty")
            #expect(try combat.content.decode(ErrorBody.self).error.code == "onsite.reason_not_allowed")
            let other = try await request(app, lead, staff: f.hkPerson.id, reason: "other")
            #expect(try other.content.decode(ErrorBody.self).error.code == "onsite.justification_missing")
            let ok = try await request(app, lead, staff: f.hkPerson.id, reason: "other", justification: "Xử lý hồ sơ khẩn của quận")
            let okID = try ok.content.decode(OnSiteRequestDTO.self).id
            #expect(try await app.send(.POST, "/api/v1/onsite-requests/\(okID)/reject", headers: app.bearer(lead)).status == .unprocessableEntity)
            let rejected = try await app.send(.POST, "/api/v1/onsite-requests/\(okID)/reject", headers: app.bearer(lead), json: ["comment": "Đủ người"])
            #expect(try rejected.content.decode(OnSiteRequestDTO.self).status.rawValue == "rejected")
            #expect(try await app.auditCount(action: "onsite.approve") == 4)

            // A directive that needs a test: the approval is refused while the test is missing.
            try await f.directive(app, number: "test", over: f.hk, DirectiveRules(negativeTestRequired: true, testValidityHours: 72))
            let noTest = try await request(app, lead, staff: f.hkPerson2.id)
            #expect(try noTest.content.decode(ErrorBody.self).error.code == "onsite.test_missing")
            let stale = try await request(app, lead, staff: f.hkPerson2.id, test: .init(takenOn: futureDay.adding(days: -5).value, kind: "pcr", result: "negative"))
            #expect(try stale.content.decode(ErrorBody.self).error.code == "onsite.test_expired")
            let fresh = try await request(app, lead, staff: f.hkPerson2.id, shift: "afternoon",
                                          test: .init(takenOn: futureDay.adding(days: -1).value, kind: "pcr", result: "negative"))
            #expect(fresh.status == .created)
        }
    }

    @Test func onlyApproversInsideTheSubtreeDecide() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            let staff = try await app.token("staff.hk@t.vn")
            let mine = try await request(app, staff)
            #expect(mine.status == .created)
            let id = try mine.content.decode(OnSiteRequestDTO.self).id
            // Staff cannot approve, nor file for someone else.
            #expect(try await app.send(.POST, "/api/v1/onsite-requests/\(id)/approve", headers: app.bearer(staff)).status == .forbidden)
            #expect(try await request(app, staff, staff: f.hkPerson2.id).status == .forbidden)
            // Another district's head does not even see it.
            let bd = try await app.token("head.bd@t.vn")
            #expect(try await app.send(.POST, "/api/v1/onsite-requests/\(id)/approve", headers: app.bearer(bd)).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/onsite-requests?org=HK", headers: app.bearer(bd)).status == .notFound)
            // The lead was notified; the staff member learns the outcome.
            let lead = try await app.token("lead.hk@t.vn")
            let inbox = try await app.send(.GET, "/api/v1/notifications?unread=true", headers: app.bearer(lead))
            #expect(try inbox.content.decode(ListResponse<NotificationDTO>.self).items.contains { $0.kind == "notif.onsite_requested" })
            #expect(try await app.send(.POST, "/api/v1/onsite-requests/\(id)/approve", headers: app.bearer(lead)).status == .ok)
            let staffInbox = try await app.send(.GET, "/api/v1/notifications", headers: app.bearer(staff))
            let note = try #require(try staffInbox.content.decode(ListResponse<NotificationDTO>.self).items.first)
            #expect(note.kind == "notif.onsite_approved" && !note.read)
            #expect(try await app.send(.POST, "/api/v1/notifications/\(note.id)/read", headers: app.bearer(staff)).status == .noContent)
            let after = try await app.send(.GET, "/api/v1/notifications?unread=true", headers: app.bearer(staff))
            #expect(try after.content.decode(ListResponse<NotificationDTO>.self).total == 0)
            // Someone else's notification is not yours to read.
            #expect(try await app.send(.POST, "/api/v1/notifications/\(note.id)/read", headers: app.bearer(lead)).status == .notFound)
        }
    }

    /// 50 approvals race for a unit whose cap is 3: exactly 3 win, 47 are refused with
    /// the cap reason (on whichever database the suite runs: SQLite or PostgreSQL).
    @Test func theCapHoldsUnderFiftyConcurrentApprovals() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let unit = Organization(code: "HK-RACE", name: "Tổ trực", kind: .unit, parent: f.hk)
            try await unit.create(on: app.db)
            try await f.directive(app, number: "race", over: unit, DirectiveRules(maxOnSiteShare: Fraction(1, 16)))
            let people = try await f.crowd(app, in: unit, count: 50, prefix: "r")    // floor(50/16) = 3
            let head = try await User.query(on: app.db).filter(\.$email == "head.hk@t.vn").first()!
            let actor = try await Actor.load(user: head, via: "api", on: app.db)
            var requests: [OnSiteRequest] = []
            for p in people {
                requests.append(try await OnSiteService.create(.init(staffID: p.id, date: futureDay.value, shift: "morning", reason: "officeDuty"),
                                                               actor: actor, on: app.db))
            }
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for r in requests {
                    group.addTask {
                        do {
                            _ = try await OnSiteService.approve(r, comment: "", actor: actor, on: app.db)
                            return "approved"
                        } catch let e as AppError {
                            return e.code
                        }
                    }
                }
                var all: [String] = []
                for try await o in group { all.append(o) }
                return all
            }
            #expect(outcomes.filter { $0 == "approved" }.count == 3)
            #expect(outcomes.filter { $0 == "onsite.cap_reached" }.count == 47)
            #expect(try await OnSiteRequest.query(on: app.db).filter(\.$status == .approved).count() == 3)
            #expect(try await OnSiteSlot.query(on: app.db).count() == 3)
        }
    }
}

@Suite struct OnSiteWebTests {
    @Test func staffAskForSeveralDaysAtOnceAndARefusedDayFilesNothing() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            var s = try await WebSession.signIn(app, "staff.hk@t.vn")
            let from = futureDay, until = futureDay.adding(days: 2)
            let ok = try await s.post("/onsite", ["date": from.value, "until": until.value, "shift": "both", "reason": "officeDuty"])
            #expect(ok.status == .seeOther)
            #expect(try await OnSiteRequest.query(on: app.db).filter(\.$staffID == f.hkPerson.id!).count() == 6)
            // Overlapping the days already asked for: refused as a whole, nothing added.
            let again = try await s.post("/onsite", ["date": until.value, "until": until.adding(days: 2).value, "shift": "morning", "reason": "officeDuty"])
            #expect(again.status == .unprocessableEntity)
            #expect(again.body.string.contains("Đã có đề nghị cho ca này"))
            #expect(try await OnSiteRequest.query(on: app.db).filter(\.$staffID == f.hkPerson.id!).count() == 6)
            let reversed = try await s.post("/onsite", ["date": until.value, "until": from.value, "shift": "morning", "reason": "officeDuty"])
            #expect(reversed.status == .unprocessableEntity)
            // The lead sees them waiting, with one notification for the batch.
            let lead = try await app.token("lead.hk@t.vn")
            let inbox = try await app.send(.GET, "/api/v1/notifications", headers: app.bearer(lead))
            #expect(try inbox.content.decode(ListResponse<NotificationDTO>.self).total == 1)
            let l = try await WebSession.signIn(app, "lead.hk@t.vn")
            let page = try await l.get("/onsite?org=HK-NV&date=\(from.value)")
            #expect(page.body.string.components(separatedBy: "/approve").count - 1 == 2)
        }
    }
}
