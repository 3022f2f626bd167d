import CongsoCore
@testable import CongsoServer
import Fluent
import Testing
import Vapor
import VaporTesting

@Suite struct DirectiveTests {
    @Test func policyNamesTheStrictestRuleAndItsSource() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            try await f.directive(app, number: "17/CT-UBND", over: f.city, DirectiveRules(maxOnSiteShare: Fraction(1, 2), minOnDutyPerShift: 1))
            try await f.directive(app, number: "HK-1/3", over: f.hk, DirectiveRules(maxOnSiteShare: Fraction(1, 3), negativeTestRequired: true, testValidityHours: 48))
            try await f.directive(app, number: "Ended", over: f.city, from: "2020-01-01", to: "2020-02-01", DirectiveRules(maxOnSiteShare: Fraction(1, 10)))
            _ = try await f.crowd(app, in: f.hkUnit, count: 7, prefix: "hk")   // 9 staff in the unit
            let token = try await app.token("head.hk@t.vn")
            let res = try await app.send(.GET, "/api/v1/policy?org=HK-NV&date=\(futureDay.value)", headers: app.bearer(token))
            #expect(res.status == .ok)
            let p = try res.content.decode(PolicyDTO.self)
            #expect(p.staffCount == 9 && p.cap.value == 3)
            #expect(p.maxOnSiteShare?.value == "1/3" && p.maxOnSiteShare?.source.number == "HK-1/3")
            #expect(p.cap.source.number == "HK-1/3")
            #expect(p.negativeTestRequired?.value == true && p.testValidityHours?.value == 48)
            #expect(p.minOnDuty.source.number == "17/CT-UBND")
            #expect(p.summary.contains("3/9") && p.summary.contains("HK-1/3"))
            // Before the district's directive: the city's half applies.
            let early = try await app.send(.GET, "/api/v1/policy?org=HK-NV&date=2020-12-31", headers: app.bearer(token))
            #expect(try early.content.decode(PolicyDTO.self).maxOnSiteShare == nil)
            // The page says it in plain Vietnamese.
            let s = try await WebSession.signIn(app, "head.hk@t.vn")
            let page = try await s.get("/policy?org=HK-NV&date=\(futureDay.value)")
            #expect(page.body.string.contains("Đơn vị được tối đa 3/9 người tại trụ sở mỗi ca, theo HK-1/3"))
            // Outside the subtree, and bad input.
            #expect(try await app.send(.GET, "/api/v1/policy?org=BD-NV", headers: app.bearer(token)).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/policy?org=HK-NV&date=2021-02-30", headers: app.bearer(token)).status == .unprocessableEntity)
            #expect(try await app.send(.GET, "/api/v1/policy", headers: app.bearer(token)).status == .unprocessableEntity)
        }
    }

    @Test func editingKeepsEveryVersionAndOnlySteeringOrAdminWrite() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            let steering = try await app.token("steering@t.vn")
            let body = DirectiveWriteBody(number: "17/CT-UBND", issuer: "Chủ tịch UBND TP", title: "Giãn cách xã hội", scopeOrg: "C",
                                          effectiveFrom: "2021-07-24", rules: DirectiveRules(maxOnSiteShare: Fraction(1, 2)))
            let created = try await app.send(.POST, "/api/v1/directives", headers: app.bearer(steering), json: body)
            #expect(created.status == .created)
            let id = try created.content.decode(DirectiveDTO.self).id
            let edit = try await app.send(.PATCH, "/api/v1/directives/\(id)", headers: app.bearer(steering),
                                          json: DirectiveWriteBody(effectiveTo: "2021-08-08", rules: DirectiveRules(maxOnSiteShare: Fraction(1, 3))))
            #expect(edit.status == .ok)
            #expect(try edit.content.decode(DirectiveDTO.self).version == 2)
            let versions = try await app.send(.GET, "/api/v1/directives/\(id)/versions", headers: app.bearer(steering))
            let list = try versions.content.decode(ListResponse<DirectiveVersionDTO>.self)
            #expect(list.items.map(\.version) == [2, 1])
            #expect(list.items[1].snapshot["rules"]?.contains("1\\/2") == true || list.items[1].snapshot["rules"]?.contains("1/2") == true)
            #expect(try await app.auditCount(action: "directive.update") == 1)

            let head = try await app.token("head.hk@t.vn")
            #expect(try await app.send(.POST, "/api/v1/directives", headers: app.bearer(head), json: body).status == .forbidden)
            #expect(try await app.send(.PATCH, "/api/v1/directives/\(id)", headers: app.bearer(head), json: ["title": "x"]).status == .forbidden)
            // Heads read the directives that cover them.
            let read = try await app.send(.GET, "/api/v1/directives", headers: app.bearer(head))
            #expect(try read.content.decode(ListResponse<DirectiveDTO>.self).total == 1)
            // Bad rules are refused with a reason.
            for bad in [DirectiveWriteBody(number: "X", issuer: "X", title: "X", scopeOrg: "C", effectiveFrom: "2021-01-01",
                                           rules: DirectiveRules(minOnDutyPerShift: 0)),
                        DirectiveWriteBody(number: "X", issuer: "X", title: "X", scopeOrg: "C", effectiveFrom: "2021-02-01", effectiveTo: "2021-01-01"),
                        DirectiveWriteBody(number: "X", issuer: "X", title: "X", scopeOrg: "C", effectiveFrom: "23/07/2021")] {
                #expect(try await app.send(.POST, "/api/v1/directives", headers: app.bearer(steering), json: bad).status == .unprocessableEntity)
            }
            let share = try await app.send(.POST, "/api/v1/directives", headers: app.bearer(steering),
                                           body: #"{"number":"X","issuer":"X","title":"X","scopeOrg":"C","effectiveFrom":"2021-01-01","rules":{"maxOnSiteShare":"3/2"}}"#)
            #expect(share.status == .badRequest)
        }
    }
}

@Suite struct DirectiveWebTests {
    @Test func steeringWritesDirectivesThroughTheFormAndSeesVersions() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            var s = try await WebSession.signIn(app, "steering@t.vn")
            let form = ["number": "17/CT-UBND", "issuer": "Chủ tịch UBND TP", "title": "Giãn cách xã hội", "scopeOrg": "C",
                        "effectiveFrom": "2021-07-24", "share": "1/2", "minOnDuty": "1", "testRequired": "true", "testHours": "72"]
            let bad = try await s.post("/directives", form.merging(["share": "3/2"]) { $1 })
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("Tỷ lệ không hợp lệ"))
            let ok = try await s.post("/directives", form)
            #expect(ok.status == .seeOther)
            let d = try #require(try await Directive.query(on: app.db).first())
            #expect(d.rules.maxOnSiteShare == Fraction(1, 2) && d.rules.negativeTestRequired == true && d.rules.testValidityHours == 72)
            let edit = try await s.post("/directives/\(d.id!)", form.merging(["share": "1/3", "effectiveTo": "2021-08-08"]) { $1 })
            #expect(edit.status == .seeOther)
            let page = try await s.get("/directives/\(d.id!)")
            #expect(page.body.string.contains("v2") && page.body.string.contains("v1") && page.body.string.contains("08/08/2021"))
            // A head reads it but has no form.
            let h = try await WebSession.signIn(app, "head.hk@t.vn")
            #expect(try await h.get("/directives/\(d.id!)").status == .ok)
            #expect(try await h.get("/directives/\(d.id!)/edit").status == .forbidden)
        }
    }
}
