import CongsoCore
@testable import CongsoServer
import Fluent
import Testing
import Vapor
import VaporTesting

@Suite struct WebTests {
    @Test func everyPageRendersForEveryRole() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let pages = ["/", "/orgs", "/orgs/\(f.hk.id!)", "/orgs/HK?q=hang", "/staff", "/staff?q=an&status=remote", "/staff/\(f.hkPerson.id!)",
                         "/account", "/users", "/audit", "/staff/new", "/staff/\(f.hkPerson.id!)/edit", "/orgs/\(f.hkUnit.id!)/edit",
                         "/orgs/\(f.hk.id!)/new", "/users/new", "/policy", "/policy?org=HK-NV&date=2021-07-26", "/directives",
                         "/directives/new", "/onsite", "/presence", "/exceptions", "/exceptions?status=approved", "/notifications",
                         "/dashboard", "/dashboard?org=HK", "/dashboard/units?only=noduty", "/contingency?org=HK-NV", "/inspections",
                         "/inspections/violations", "/inspections/violations?status=all"]
            try await f.directive(app, number: "17/CT-UBND", over: f.city, DirectiveRules(maxOnSiteShare: Fraction(1, 2), allowedReasons: [.officeDuty]))
            try await f.link(app, "staff.hk@t.vn", to: f.hkPerson)
            for email in ["admin@t.vn", "head.hk@t.vn", "lead.hk@t.vn", "staff.hk@t.vn", "checkpoint@t.vn", "steering@t.vn", "noivu@t.vn", "inspector@t.vn"] {
                let s = try await WebSession.signIn(app, email)
                for path in pages {
                    let res = try await s.get(path)
                    #expect([200, 403, 404].contains(res.status.code), "\(email) \(path) gave \(res.status)")
                    if res.status == .ok { #expect(res.body.string.contains("</html>"), "\(email) \(path)") }
                }
                #expect(try await s.get("/").status == .ok)
            }
        }
    }

    @Test func vietnameseByDefaultEnglishOnRequest() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            let vi = try await app.send(.GET, "/login", headers: ["Accept-Language": "en-US"])
            #expect(vi.body.string.contains("Đăng nhập") && vi.body.string.contains(#"<html lang="vi">"#))
            let en = try await app.send(.GET, "/login?lang=en")
            #expect(en.body.string.contains("Sign in"))
            let cookie = try #require(en.headers.setCookie?["lang"])
            let remembered = try await app.send(.GET, "/login", headers: ["Cookie": "lang=\(cookie.string)"])
            #expect(remembered.body.string.contains(#"<html lang="en">"#))
            let apiError = try await app.send(.GET, "/api/v1/me?lang=en")
            #expect(try apiError.content.decode(ErrorBody.self).error.message == "Please sign in.")
        }
    }

    @Test func translationFilesHaveTheSameKeys() throws {
        let dir = DirectoryConfiguration.detect().resourcesDirectory + "Translations"
        let t = try Translations(directory: dir)
        #expect(Set(t.table("vi").keys) == Set(t.table("en").keys))
        #expect(t.table("vi").count > 100)
    }

    @Test func headEditsStaffAndOrgsThroughForms() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            var s = try await WebSession.signIn(app, "head.hk@t.vn")
            let bad = try await s.post("/staff", ["fullName": "Hoàng Văn Tú", "email": "not-an-email", "orgId": f.hkUnit.id!.uuidString])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("Thư điện tử không hợp lệ"))
            #expect(bad.body.string.contains("Hoàng Văn Tú"))  // what was typed is kept
            let ok = try await s.post("/staff", ["fullName": "Hoàng Văn Tú", "email": "tu@hk.vn", "orgId": f.hkUnit.id!.uuidString,
                                                 "phone": "+84 912 000 111", "skills": "classified, it", "status": "onSite"])
            #expect(ok.status == .seeOther)
            let tu = try #require(try await StaffMember.query(on: app.db).filter(\.$email == "tu@hk.vn").first())
            #expect(tu.phone == "0912000111" && tu.skills == "classified;it" && tu.status.rawValue == "onSite")

            let org = try await s.post("/orgs/\(f.hkUnit.id!)", ["name": "Phòng Nội vụ quận", "code": "HK-NV",
                                                                   "headStaffId": f.hkPerson.id!.uuidString, "contactStaffId": f.bdPerson.id!.uuidString])
            #expect(org.status == .unprocessableEntity)  // a contact from another district is refused
            let org2 = try await s.post("/orgs/\(f.hkUnit.id!)", ["name": "Phòng Nội vụ quận", "code": "HK-NV",
                                                                    "headStaffId": f.hkPerson.id!.uuidString, "contactStaffId": f.hkPerson2.id!.uuidString])
            #expect(org2.status == .seeOther)
            let unit = try #require(try await Organization.find(f.hkUnit.id, on: app.db))
            #expect(unit.name == "Phòng Nội vụ quận" && unit.headStaffID == f.hkPerson.id && unit.contactStaffID == f.hkPerson2.id)
            let child = try await s.post("/orgs/\(f.hk.id!)/children", ["name": "Phường Hàng Đào", "code": "HK-W2", "kind": "ward"])
            #expect(child.status == .seeOther)
            let wrongKind = try await s.post("/orgs/\(f.hk.id!)/children", ["name": "Sở X", "code": "HK-S", "kind": "department"])
            #expect(wrongKind.status == .unprocessableEntity)
            // A head cannot rename or move their own district.
            let own = try await s.post("/orgs/\(f.hk.id!)", ["name": "Quận Hoàn Kiếm", "code": "HK2"])
            #expect(own.status == .forbidden)
        }
    }

    @Test func usersAreAdministeredOnTheWeb() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            var s = try await WebSession.signIn(app, "admin@t.vn")
            let weak = try await s.post("/users", ["email": "x@t.vn", "password": "short", "role": "staff", "org": "HK-NV", "active": "true"])
            #expect(weak.status == .unprocessableEntity)
            let noOrg = try await s.post("/users", ["email": "x@t.vn", "password": "longenough", "role": "staff", "org": "", "active": "true"])
            #expect(noOrg.status == .unprocessableEntity)
            let ok = try await s.post("/users", ["email": "x@t.vn", "password": "longenough", "role": "unitLead", "org": "HK-NV", "active": "true"])
            #expect(ok.status == .seeOther)
            let created = try #require(try await User.query(on: app.db).filter(\.$email == "x@t.vn").first())
            #expect(created.role == .unitLead && created.passwordHash != "longenough")
            // Unticking "active" locks the account.
            let lock = try await s.post("/users/\(created.id!)", ["email": "x@t.vn", "role": "unitLead", "org": "HK-NV"])
            #expect(lock.status == .seeOther)
            #expect(try await User.find(created.id, on: app.db)?.active == false)
            let admin = try #require(try await User.query(on: app.db).filter(\.$email == "admin@t.vn").first())
            let selfLock = try await s.post("/users/\(admin.id!)", ["email": "admin@t.vn", "role": "admin"])
            #expect(selfLock.status == .unprocessableEntity)
        }
    }
}
