import CongsoCore
@testable import CongsoServer
import Fluent
import Testing
import Vapor
import VaporTesting

@Suite struct StaffTests {
    @Test func searchIgnoresDiacriticsAndCase() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let token = try await app.token("steering@t.vn")
            for (q, expected) in [("nguyen van", ["an@hk.vn", "cuong@bd.vn"]), ("NGUYỄN VĂN AN", ["an@hk.vn"]),
                                  ("cuong", ["cuong@bd.vn"]), ("tran thi binh", ["binh@hk.vn"]), ("zzz", [])] {
                let res = try await app.send(.GET, "/api/v1/staff?q=\(q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", headers: app.bearer(token))
                #expect(res.status == .ok)
                #expect(Set(try res.content.decode(ListResponse<StaffDTO>.self).items.map(\.email)) == Set(expected), "q=\(q)")
            }
            // Decomposed input finds the composed record.
            let decomposed = "Bình".decomposedStringWithCanonicalMapping.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let res = try await app.send(.GET, "/api/v1/staff?q=\(decomposed)", headers: app.bearer(token))
            #expect(try res.content.decode(ListResponse<StaffDTO>.self).items.map(\.email) == ["binh@hk.vn"])
            // The web list finds the same.
            let s = try await WebSession.signIn(app, "steering@t.vn")
            let page = try await s.get("/staff?q=nguyen+van")
            #expect(page.body.string.contains("Nguyễn Văn An") && page.body.string.contains("Nguyễn Văn Cường"))
            #expect(!page.body.string.contains("Trần Thị Bình"))
            _ = f
        }
    }

    @Test func listsPaginateAndSortInVietnameseOrder() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let names = ["Đặng Văn Đào", "Lê Thị Ánh", "Hà Văn Ăn", "Vũ Thị Âu", "Phạm Minh Dũng", "Hồ Văn Dương"]
            for (i, n) in names.enumerated() {
                try await StaffMember(orgID: f.hkWard.id!, draft: try StaffDraft(fullName: n, position: "", phone: "", email: "p\(i)@hk.vn",
                                                                                skills: [], status: .remote).validated()).create(on: app.db)
            }
            let token = try await app.token("head.hk@t.vn")
            let page1 = try await app.send(.GET, "/api/v1/staff?org=HK-W1&per=4&page=1", headers: app.bearer(token))
            let page2 = try await app.send(.GET, "/api/v1/staff?org=HK-W1&per=4&page=2", headers: app.bearer(token))
            let p1 = try page1.content.decode(ListResponse<StaffDTO>.self)
            let p2 = try page2.content.decode(ListResponse<StaffDTO>.self)
            #expect(p1.total == 6 && p1.items.count == 4 && p2.items.count == 2 && p1.page == 1 && p1.per == 4)
            // By given name, in the Vietnamese alphabet: Ánh, Ăn, Âu, Dũng, Dương, Đào.
            #expect((p1.items + p2.items).map(\.fullName) == ["Lê Thị Ánh", "Hà Văn Ăn", "Vũ Thị Âu", "Phạm Minh Dũng", "Hồ Văn Dương", "Đặng Văn Đào"])
            for bad in ["page=0", "per=-1", "page=abc", "status=asleep", "org=NOPE"] {
                let res = try await app.send(.GET, "/api/v1/staff?\(bad)", headers: app.bearer(token))
                #expect([400, 404, 422].contains(res.status.code), "\(bad) gave \(res.status)")
                #expect((try? res.content.decode(ErrorBody.self)) != nil)
            }
            let huge = try await app.send(.GET, "/api/v1/staff?per=100000", headers: app.bearer(token))
            #expect(try huge.content.decode(ListResponse<StaffDTO>.self).per == 200)
        }
    }

    @Test func badInputGetsAClearErrorNeverA500() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let token = try await app.token("admin@t.vn")
            let bodies = ["", "{", "[]", "null", "{\"fullName\": 5}", "{\"orgId\": \"not-a-uuid\"}", "{\"email\": \"x\"}",
                          String(repeating: "{\"a\":", count: 2000), "{\"fullName\":\"\u{0000}\",\"email\":\"a@b.vn\",\"orgId\":\"\(f.hkUnit.id!)\"}",
                          "{\"fullName\":\"A\",\"email\":\"a@b.vn\",\"orgId\":\"\(UUID())\"}",
                          "{\"fullName\":\"A\",\"email\":\"a@b.vn\",\"orgId\":\"\(f.hkUnit.id!)\",\"status\":\"flying\"}",
                          "{\"fullName\":\"A\",\"email\":\"a@b.vn\",\"orgId\":\"\(f.hkUnit.id!)\",\"skills\":[\"bad skill!\"]}"]
            for body in bodies {
                for (method, path) in [(HTTPMethod.POST, "/api/v1/staff"), (.PATCH, "/api/v1/staff/\(f.hkPerson.id!)"),
                                       (.POST, "/api/v1/orgs"), (.PATCH, "/api/v1/orgs/\(f.hkUnit.id!)"), (.POST, "/api/v1/users"),
                                       (.POST, "/api/v1/auth/token")] {
                    let res = try await app.send(method, path, headers: app.bearer(token), body: body)
                    #expect(res.status.code < 500, "\(method) \(path) \(body.prefix(40)) gave \(res.status)")
                    if res.status.code >= 400 {
                        #expect((try? res.content.decode(ErrorBody.self)) != nil, "\(path) \(body.prefix(40))")
                    }
                }
            }
            for path in ["/api/v1/staff/not-a-uuid", "/api/v1/orgs/%00", "/api/v1/users/x", "/api/v1/nothing", "/api/v1/staff?q=%27%3B--%25_"] {
                let res = try await app.send(.GET, path, headers: app.bearer(token))
                #expect(res.status.code < 500, "\(path)")
            }
        }
    }
}
