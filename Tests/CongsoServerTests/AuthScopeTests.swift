import CongsoCore
@testable import CongsoServer
import Fluent
import Testing
import Vapor
import VaporTesting

/// "Nobody reads or changes anything outside their subtree", through the API and the web.
@Suite struct ScopeTests {
    @Test func aDistrictHeadCannotReachAnotherDistrictThroughTheAPI() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let hk = try await app.token("head.hk@t.vn")
            let bdToken = try await app.token("head.bd@t.vn")
            // Ba Đình writes something so that its audit log has an entry.
            let created = try await app.send(.POST, "/api/v1/staff", headers: app.bearer(bdToken),
                                             json: StaffWriteBody(fullName: "Lê Văn Dũng", orgId: f.bdUnit.id, email: "dung@bd.vn"))
            #expect(created.status == .created)
            let bdEntry = try #require(try await AuditEntry.query(on: app.db).filter(\.$action == "staff.create").first())

            let denied: [(HTTPMethod, String, (any Encodable & Sendable)?)] = [
                (.GET, "/api/v1/staff/\(f.bdPerson.id!)", nil),
                (.PATCH, "/api/v1/staff/\(f.bdPerson.id!)", ["fullName": "Hacked"]),
                (.GET, "/api/v1/orgs/\(f.bd.id!)", nil),
                (.GET, "/api/v1/orgs/BD", nil),
                (.GET, "/api/v1/orgs/\(f.bdUnit.id!)/children", nil),
                (.PATCH, "/api/v1/orgs/\(f.bdUnit.id!)", ["name": "Hacked"]),
                (.GET, "/api/v1/staff?org=\(f.bd.id!)", nil),
                (.GET, "/api/v1/audit?org=BD", nil),
                (.GET, "/api/v1/audit?entity=\(bdEntry.entityID)", nil),
                (.POST, "/api/v1/staff", StaffWriteBody(fullName: "Sneaky", orgId: f.bdUnit.id, email: "sneaky@bd.vn")),
                (.POST, "/api/v1/orgs", OrgWriteBody(code: "X", name: "X", kind: "unit", parentId: f.bd.id)),
            ]
            for (method, path, body) in denied {
                let res = try await app.send(method, path, headers: app.bearer(hk), json: body)
                if path.hasPrefix("/api/v1/audit?entity=") {
                    // Filtering by an outside id answers an empty list, never the entry.
                    #expect(res.status == .ok)
                    #expect(try res.content.decode(ListResponse<AuditDTO>.self).total == 0)
                } else {
                    #expect(res.status == .notFound || res.status == .forbidden, "\(method) \(path) gave \(res.status)")
                }
            }
            #expect(try await StaffMember.find(f.bdPerson.id, on: app.db)?.fullName == "Nguyễn Văn Cường")
            #expect(try await StaffMember.query(on: app.db).filter(\.$email == "sneaky@bd.vn").count() == 0)

            // Lists never include the other district.
            let list = try await app.send(.GET, "/api/v1/staff?per=200", headers: app.bearer(hk))
            let emails = try list.content.decode(ListResponse<StaffDTO>.self).items.map(\.email)
            #expect(Set(emails) == ["an@hk.vn", "binh@hk.vn"])
            let orgs = try await app.send(.GET, "/api/v1/orgs?per=200", headers: app.bearer(hk))
            #expect(Set(try orgs.content.decode(ListResponse<OrgDTO>.self).items.map(\.code)) == ["HK", "HK-NV", "HK-W1"])
            let audit = try await app.send(.GET, "/api/v1/audit?per=200", headers: app.bearer(hk))
            #expect(try audit.content.decode(ListResponse<AuditDTO>.self).items.allSatisfy { $0.entityId != bdEntry.entityID })
            let users = try await app.send(.GET, "/api/v1/users?per=200", headers: app.bearer(hk))
            #expect(Set(try users.content.decode(ListResponse<UserDTO>.self).items.map(\.email)) == ["head.hk@t.vn", "lead.hk@t.vn", "staff.hk@t.vn"])
            let unitUsers = try await app.send(.GET, "/api/v1/users?org=HK-NV", headers: app.bearer(hk))
            #expect(Set(try unitUsers.content.decode(ListResponse<UserDTO>.self).items.map(\.email)) == ["lead.hk@t.vn", "staff.hk@t.vn"])
            #expect(try await app.send(.GET, "/api/v1/users?org=BD", headers: app.bearer(hk)).status == .notFound)
        }
    }

    @Test func aDistrictHeadCannotReachAnotherDistrictThroughTheWeb() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            var s = try await WebSession.signIn(app, "head.hk@t.vn")
            for path in ["/staff/\(f.bdPerson.id!)", "/staff/\(f.bdPerson.id!)/edit", "/orgs/\(f.bd.id!)", "/orgs/BD/edit",
                         "/orgs/\(f.bdUnit.id!)/new", "/staff?org=BD", "/audit?org=BD"] {
                let res = try await s.get(path)
                #expect(res.status == .notFound || res.status == .forbidden, "\(path) gave \(res.status)")
            }
            let post = try await s.post("/staff/\(f.bdPerson.id!)", ["fullName": "Hacked", "email": "cuong@bd.vn", "orgId": f.bdUnit.id!.uuidString])
            #expect(post.status == .notFound)
            let move = try await s.post("/staff/\(f.hkPerson.id!)", ["fullName": "Nguyễn Văn An", "email": "an@hk.vn", "orgId": f.bdUnit.id!.uuidString])
            #expect(move.status == .notFound || move.status == .forbidden)
            let list = try await s.get("/staff")
            #expect(list.body.string.contains("Nguyễn Văn An"))
            #expect(!list.body.string.contains("Nguyễn Văn Cường"))
            #expect(try await StaffMember.find(f.bdPerson.id, on: app.db)?.fullName == "Nguyễn Văn Cường")
            #expect(try await StaffMember.find(f.hkPerson.id, on: app.db)?.$org.id == f.hkUnit.id)
        }
    }

    @Test func readOnlyRolesCannotWriteAndCheckpointsSeeNoStaff() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            for email in ["steering@t.vn", "noivu@t.vn", "staff.hk@t.vn", "inspector@t.vn", "checkpoint@t.vn"] {
                let token = try await app.token(email)
                let res = try await app.send(.PATCH, "/api/v1/staff/\(f.hkPerson.id!)", headers: app.bearer(token), json: ["fullName": "X"])
                #expect(res.status == .forbidden || res.status == .notFound, "\(email)")
                let audit = try await app.send(.GET, "/api/v1/audit", headers: app.bearer(token))
                #expect(audit.status == .forbidden, "\(email)")
            }
            let checkpoint = try await app.token("checkpoint@t.vn")
            #expect(try await app.send(.GET, "/api/v1/staff", headers: app.bearer(checkpoint)).status == .forbidden)
            let steering = try await app.token("steering@t.vn")
            let all = try await app.send(.GET, "/api/v1/staff", headers: app.bearer(steering))
            #expect(try all.content.decode(ListResponse<StaffDTO>.self).total == 3)
            // A unit lead writes inside the unit only.
            let lead = try await app.token("lead.hk@t.vn")
            #expect(try await app.send(.PATCH, "/api/v1/staff/\(f.hkPerson.id!)", headers: app.bearer(lead), json: ["position": "Chuyên viên chính"]).status == .ok)
            #expect(try await app.send(.PATCH, "/api/v1/orgs/\(f.hkUnit.id!)", headers: app.bearer(lead), json: ["name": "X"]).status == .forbidden)
        }
    }

    @Test func headsManageUsersOnlyBelowThemselves() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let hk = try await app.token("head.hk@t.vn")
            let ok = try await app.send(.POST, "/api/v1/users", headers: app.bearer(hk),
                                        json: UserWriteBody(email: "new.staff@hk.vn", password: "longenough", role: "staff", org: "HK-NV"))
            #expect(ok.status == .created)
            let admin = try await app.send(.POST, "/api/v1/users", headers: app.bearer(hk),
                                           json: UserWriteBody(email: "evil@hk.vn", password: "longenough", role: "admin"))
            #expect(admin.status == .forbidden)
            let outside = try await app.send(.POST, "/api/v1/users", headers: app.bearer(hk),
                                             json: UserWriteBody(email: "evil2@hk.vn", password: "longenough", role: "staff", org: "BD-NV"))
            #expect(outside.status == .notFound || outside.status == .forbidden)
            let bdHead = try await User.query(on: app.db).filter(\.$email == "head.bd@t.vn").first()!
            let promote = try await app.send(.PATCH, "/api/v1/users/\(bdHead.id!)", headers: app.bearer(hk), json: ["password": "takeover123"])
            #expect(promote.status == .notFound || promote.status == .forbidden)
            #expect(try await User.query(on: app.db).filter(\.$email ~~ ["evil@hk.vn", "evil2@hk.vn"]).count() == 0)
            _ = f
        }
    }
}
