import CongsoCore
@testable import CongsoServer
import Fluent
import Testing
import Vapor
import VaporTesting

@Suite struct AuditTests {
    @Test func everyWriteThroughAPIWebAndCommandIsLoggedWithBeforeAndAfter() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let token = try await app.token("head.hk@t.vn")
            let before = try await app.auditCount()

            // API: create, update.
            let created = try await app.send(.POST, "/api/v1/staff", headers: app.bearer(token),
                                             json: StaffWriteBody(fullName: "Phạm Thị Hoa", orgId: f.hkUnit.id, phone: "0987 654 321", email: "hoa@hk.vn"))
            #expect(created.status == .created)
            let id = try created.content.decode(StaffDTO.self).id
            _ = try await app.send(.PATCH, "/api/v1/staff/\(id)", headers: app.bearer(token), json: ["position": "Văn thư"])
            // Web: edit.
            var s = try await WebSession.signIn(app, "head.hk@t.vn")
            let web = try await s.post("/staff/\(f.hkPerson2.id!)", ["fullName": "Trần Thị Bình", "email": "binh@hk.vn", "orgId": f.hkUnit.id!.uuidString,
                                                                      "status": "isolating", "position": "Chuyên viên"])
            #expect(web.status == .seeOther)
            // Command path: the same service the CLI calls, with the CLI's actor.
            _ = try await UserService.create(.init(email: "cli@t.vn", password: "longenough", role: .staff, orgID: "HK"),
                                             actor: .commandLine(), on: app.db, passwords: app.password)

            let entries = try await AuditEntry.query(on: app.db).sort(\.$at).all().suffix(from: before)
            let actions = entries.map(\.action)
            #expect(actions.contains("staff.create") && actions.contains("staff.update") && actions.contains("user.create"))
            let update = try #require(entries.first { $0.action == "staff.update" && $0.entityID == id.uuidString })
            #expect(AuditDTO.decode(update.before)?["position"] == "")
            #expect(AuditDTO.decode(update.after)?["position"] == "Văn thư")
            #expect(update.actorLabel == "head.hk@t.vn" && update.via == "api")
            let webEntry = try #require(entries.first { $0.entityID == f.hkPerson2.id!.uuidString })
            #expect(webEntry.via == "web")
            #expect(AuditDTO.decode(webEntry.before)?["status"] == "remote" && AuditDTO.decode(webEntry.after)?["status"] == "isolating")
            #expect(entries.contains { $0.via == "cli" && $0.action == "user.create" })

            // Readable through the API and the page by the head.
            let api = try await app.send(.GET, "/api/v1/audit?entity=\(id)", headers: app.bearer(token))
            #expect(try api.content.decode(ListResponse<AuditDTO>.self).items.map(\.action).sorted() == ["staff.create", "staff.update"])
            let page = try await s.get("/audit")
            #expect(page.status == .ok && page.body.string.contains("staff.update"))
        }
    }

    @Test func aFailedWriteLeavesNoAuditEntry() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let token = try await app.token("head.hk@t.vn")
            let before = try await app.auditCount()
            // E-mail already used by another person: refused, nothing logged.
            let dup = try await app.send(.POST, "/api/v1/staff", headers: app.bearer(token),
                                         json: StaffWriteBody(fullName: "Ai Đó", orgId: f.hkUnit.id, email: "binh@hk.vn"))
            #expect(dup.status == .conflict)
            #expect(try dup.content.decode(ErrorBody.self).error.code == "staff.email_taken")
            let bad = try await app.send(.PATCH, "/api/v1/staff/\(f.hkPerson.id!)", headers: app.bearer(token), json: ["phone": "12"])
            #expect(bad.status == .unprocessableEntity)
            #expect(try await app.auditCount() == before)
            #expect(try await StaffMember.find(f.hkPerson.id, on: app.db)?.phone == "0912345678")
        }
    }

    @Test func movingAUnitRewritesItsBranchAndIsLogged() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let sub = Organization(code: "HK-NV-1", name: "Tổ một cửa", kind: .unit, parent: f.hkUnit)
            try await sub.create(on: app.db)
            let admin = try await app.token("admin@t.vn")
            let res = try await app.send(.PATCH, "/api/v1/orgs/\(f.hkUnit.id!)", headers: app.bearer(admin), json: ["parentId": f.bd.id!.uuidString])
            #expect(res.status == .ok)
            let moved = try #require(try await Organization.find(f.hkUnit.id, on: app.db))
            let child = try #require(try await Organization.find(sub.id, on: app.db))
            #expect(moved.path == f.bd.path + f.hkUnit.id!.uuidString + "/")
            #expect(child.path == moved.path + sub.id!.uuidString + "/")
            let entry = try #require(try await AuditEntry.query(on: app.db).filter(\.$action == "org.move").first())
            #expect(AuditDTO.decode(entry.before)?["parentID"] == f.hk.id!.uuidString)
            #expect(AuditDTO.decode(entry.after)?["parentID"] == f.bd.id!.uuidString)
            // Both heads see the move in their log; the moved staff now belong to Ba Đình.
            for email in ["head.hk@t.vn", "head.bd@t.vn"] {
                let t = try await app.token(email)
                let log = try await app.send(.GET, "/api/v1/audit?action=org.move", headers: app.bearer(t))
                #expect(try log.content.decode(ListResponse<AuditDTO>.self).total == 1, "\(email)")
            }
            let bd = try await app.token("head.bd@t.vn")
            #expect(try await app.send(.GET, "/api/v1/staff/\(f.hkPerson.id!)", headers: app.bearer(bd)).status == .ok)

            // A cycle and a wrong kind are refused.
            let cycle = try await app.send(.PATCH, "/api/v1/orgs/\(f.bd.id!)", headers: app.bearer(admin), json: ["parentId": sub.id!.uuidString])
            #expect(cycle.status == .unprocessableEntity)
            let kind = try await app.send(.PATCH, "/api/v1/orgs/\(f.hk.id!)", headers: app.bearer(admin), json: ["parentId": f.bd.id!.uuidString])
            #expect(kind.status == .unprocessableEntity)
        }
    }

    @Test func movingAPersonKeepsHistory() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let admin = try await app.token("admin@t.vn")
            let res = try await app.send(.PATCH, "/api/v1/staff/\(f.hkPerson.id!)", headers: app.bearer(admin), json: ["orgId": f.hkWard.id!.uuidString])
            #expect(res.status == .ok)
            let entry = try #require(try await AuditEntry.query(on: app.db).filter(\.$action == "staff.move").first())
            #expect(AuditDTO.decode(entry.before)?["orgID"] == f.hkUnit.id!.uuidString)
            #expect(AuditDTO.decode(entry.after)?["orgID"] == f.hkWard.id!.uuidString)
            #expect(entry.prevOrgPath == f.hkUnit.path && entry.orgPath == f.hkWard.path)
        }
    }
}
