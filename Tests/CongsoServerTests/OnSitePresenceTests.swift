import CongsoCore
@testable import CongsoServer
import Fluent
import Testing
import Vapor
import VaporTesting

@Suite struct PresenceTests {
    @Test func breachesAreListedForTheHeadAndRollUpTheTree() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.directive(app, number: "cap", over: f.city, DirectiveRules(maxOnSiteShare: Fraction(1, 2), negativeTestRequired: true))
            // hkUnit: 2 staff → cap 1. Both check in; one had an approved request with a test.
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            try await f.link(app, "lead.hk@t.vn", to: f.hkPerson2)
            let staff = try await app.token("staff.hk@t.vn")
            let lead = try await app.token("lead.hk@t.vn")
            let today = LocalDate.of(Date())
            let shift = PresenceService.currentShift().rawValue
            let req = try await app.send(.POST, "/api/v1/onsite-requests", headers: app.bearer(staff),
                                         json: OnSiteWriteBody(date: today.value, shift: shift, reason: "officeDuty",
                                                               test: .init(takenOn: today.value, kind: "rapidAntigen", result: "negative")))
            #expect(req.status == .created)
            let id = try req.content.decode(OnSiteRequestDTO.self).id
            #expect(try await app.send(.POST, "/api/v1/onsite-requests/\(id)/approve", headers: app.bearer(lead)).status == .ok)

            #expect(try await app.send(.POST, "/api/v1/presence/check-in", headers: app.bearer(staff)).status == .created)
            #expect(try await app.send(.POST, "/api/v1/presence/check-in", headers: app.bearer(staff)).status == .conflict)
            #expect(try await app.send(.POST, "/api/v1/presence/check-in", headers: app.bearer(lead)).status == .created)

            for email in ["head.hk@t.vn", "steering@t.vn", "noivu@t.vn"] {
                let t = try await app.token(email)
                let res = try await app.send(.GET, "/api/v1/presence/breaches", headers: app.bearer(t))
                #expect(res.status == .ok, "\(email) \(res.body.string)")
                let kinds = try res.content.decode(ListResponse<BreachDTO>.self).items
                #expect(kinds.contains { $0.kind == "overCap" && $0.count == 2 && $0.cap == 1 }, "\(email)")
                #expect(kinds.contains { $0.kind == "noApproval" && $0.staffId == f.hkPerson2.id }, "\(email)")
                #expect(kinds.contains { $0.kind == "noValidTest" && $0.staffId == f.hkPerson2.id }, "\(email)")
                #expect(!kinds.contains { $0.staffId == f.hkPerson.id }, "\(email)")
            }
            // Another district sees none of it, and cannot ask for it.
            let bd = try await app.token("head.bd@t.vn")
            let bdList = try await app.send(.GET, "/api/v1/presence/breaches", headers: app.bearer(bd))
            #expect(try bdList.content.decode(ListResponse<BreachDTO>.self).total == 0)
            #expect(try await app.send(.GET, "/api/v1/presence?org=HK", headers: app.bearer(bd)).status == .notFound)
            // Who is on site now; checking out closes the entry.
            let now = try await app.send(.GET, "/api/v1/presence?org=HK-NV", headers: app.bearer(lead))
            let units = try now.content.decode(ListResponse<PresenceUnitDTO>.self).items
            #expect(units.count == 1 && units[0].onSiteNow == 2)
            #expect(try await app.send(.POST, "/api/v1/presence/check-out", headers: app.bearer(staff)).status == .ok)
            let later = try await app.send(.GET, "/api/v1/presence?org=HK-NV", headers: app.bearer(lead))
            #expect(try later.content.decode(ListResponse<PresenceUnitDTO>.self).items[0].onSiteNow == 1)
            // The page shows the breaches to the head.
            let s = try await WebSession.signIn(app, "head.hk@t.vn")
            let page = try await s.get("/presence")
            #expect(page.body.string.contains("Vượt số người cho phép") && page.body.string.contains("Trần Thị Bình"))
        }
    }
}

@Suite struct ExceptionTests {
    @Test func anExceptionGoesUnitToHomeAffairsToSteeringAndRaisesTheCap() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.directive(app, number: "1/3", over: f.city, DirectiveRules(maxOnSiteShare: Fraction(1, 3)))
            _ = try await f.crowd(app, in: f.hkUnit, count: 7, prefix: "x")   // 9 staff → cap 3
            let lead = try await app.token("lead.hk@t.vn")
            let filed = try await app.send(.POST, "/api/v1/exceptions", headers: app.bearer(lead),
                                           json: ExceptionWriteBody(org: "HK-NV", requestedMax: 6, justification: "Bộ phận một cửa tiếp nhận hồ sơ",
                                                                    validFrom: futureDay.value, validUntil: futureDay.adding(days: 10).value))
            #expect(filed.status == .created)
            let id = try filed.content.decode(ExceptionDTO.self).id
            // Too high, or not above the cap: refused.
            let tooHigh = try await app.send(.POST, "/api/v1/exceptions", headers: app.bearer(lead),
                                             json: ExceptionWriteBody(org: "HK-NV", requestedMax: 50, justification: "Bộ phận một cửa tiếp nhận",
                                                                      validFrom: futureDay.value, validUntil: futureDay.value))
            #expect(tooHigh.status == .unprocessableEntity)

            // Home Affairs sees it, gives an opinion and forwards; steering cannot skip that step.
            let noivu = try await app.token("noivu@t.vn")
            let steering = try await app.token("steering@t.vn")
            #expect(try await app.send(.POST, "/api/v1/exceptions/\(id)/decide", headers: app.bearer(steering), json: DecideBody(approve: true)).status == .conflict)
            let pending = try await app.send(.GET, "/api/v1/exceptions?status=submitted", headers: app.bearer(noivu))
            #expect(try pending.content.decode(ListResponse<ExceptionDTO>.self).items.map(\.id) == [id])
            let inbox = try await app.send(.GET, "/api/v1/notifications", headers: app.bearer(noivu))
            #expect(try inbox.content.decode(ListResponse<NotificationDTO>.self).items.contains { $0.kind == "notif.exception_filed" })
            #expect(try await app.send(.POST, "/api/v1/exceptions/\(id)/forward", headers: app.bearer(lead), json: ["opinion": "x"]).status == .forbidden)
            let fwd = try await app.send(.POST, "/api/v1/exceptions/\(id)/forward", headers: app.bearer(noivu), json: ["opinion": "Đề nghị chấp thuận"])
            #expect(try fwd.content.decode(ExceptionDTO.self).status.rawValue == "forwarded")
            let steeringInbox = try await app.send(.GET, "/api/v1/notifications", headers: app.bearer(steering))
            #expect(try steeringInbox.content.decode(ListResponse<NotificationDTO>.self).items.contains { $0.kind == "notif.exception_forwarded" })

            let before = try await app.send(.GET, "/api/v1/policy?org=HK-NV&date=\(futureDay.value)", headers: app.bearer(lead))
            #expect(try before.content.decode(PolicyDTO.self).cap.value == 3)
            let decided = try await app.send(.POST, "/api/v1/exceptions/\(id)/decide", headers: app.bearer(steering),
                                             json: DecideBody(approve: true, comment: "Đồng ý"))
            #expect(try decided.content.decode(ExceptionDTO.self).status.rawValue == "approved")
            let after = try await app.send(.GET, "/api/v1/policy?org=HK-NV&date=\(futureDay.value)", headers: app.bearer(lead))
            let p = try after.content.decode(PolicyDTO.self)
            #expect(p.cap.value == 6 && p.cap.source.type == "exception" && p.cap.source.exceptionId == id)
            // The override ends on its date.
            let ended = try await app.send(.GET, "/api/v1/policy?org=HK-NV&date=\(futureDay.adding(days: 11).value)", headers: app.bearer(lead))
            #expect(try ended.content.decode(PolicyDTO.self).cap.value == 3)
            let leadInbox = try await app.send(.GET, "/api/v1/notifications", headers: app.bearer(lead))
            #expect(try leadInbox.content.decode(ListResponse<NotificationDTO>.self).items.contains { $0.kind == "notif.exception_approved" })
            for action in ["exception.file", "exception.forward", "exception.approve"] {
                #expect(try await app.auditCount(action: action) == 1, "\(action)")
            }
        }
    }
}
