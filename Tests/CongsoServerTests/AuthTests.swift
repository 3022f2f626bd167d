import CongsoCore
@testable import CongsoServer
import Fluent
import Testing
import Vapor
import VaporTesting

@Suite struct AuthTests {
    @Test func tokenSignsInTheAPIAndWrongPasswordsDoNot() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            let token = try await app.token("head.hk@t.vn")
            #expect(token.hasPrefix("cgs_"))
            let me = try await app.send(.GET, "/api/v1/me", headers: app.bearer(token))
            #expect(me.status == .ok)
            #expect(try me.content.decode(MeDTO.self).role == "head")

            let bad = try await app.send(.POST, "/api/v1/auth/token", json: ["email": "head.hk@t.vn", "password": "wrong-password"])
            #expect(bad.status == .unauthorized)
            #expect(try bad.content.decode(ErrorBody.self).error.code == "auth.bad_credentials")
            let unknown = try await app.send(.POST, "/api/v1/auth/token", json: ["email": "nobody@t.vn", "password": "whatever1"])
            #expect(unknown.status == .unauthorized)

            let forged = try await app.send(.GET, "/api/v1/me", headers: app.bearer("cgs_forged"))
            #expect(forged.status == .unauthorized)
            let anonymous = try await app.send(.GET, "/api/v1/staff")
            #expect(anonymous.status == .unauthorized)
            #expect(try anonymous.content.decode(ErrorBody.self).error.code == "auth.required")
        }
    }

    @Test func tokensAreStoredHashedAndCanBeRevoked() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            let token = try await app.token("lead.hk@t.vn")
            let stored = try await UserToken.query(on: app.db).all()
            #expect(stored.count == 1)
            #expect(stored[0].tokenHash != token && stored[0].tokenHash == UserToken.hash(token))
            let list = try await app.send(.GET, "/api/v1/tokens", headers: app.bearer(token))
            let id = try list.content.decode(ListResponse<TokenDTO>.self).items[0].id
            #expect(try await app.send(.DELETE, "/api/v1/tokens/\(id)", headers: app.bearer(token)).status == .noContent)
            #expect(try await app.send(.GET, "/api/v1/me", headers: app.bearer(token)).status == .unauthorized)
            #expect(try await app.auditCount(action: "token.revoke") == 1)
        }
    }

    @Test func deactivatedUsersLoseAccess() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let staffToken = try await app.token("staff.hk@t.vn")
            let headToken = try await app.token("head.hk@t.vn")
            let user = try await User.query(on: app.db).filter(\.$email == "staff.hk@t.vn").first()!
            let res = try await app.send(.PATCH, "/api/v1/users/\(user.id!)", headers: app.bearer(headToken), json: ["active": false])
            #expect(res.status == .ok)
            #expect(try await app.send(.GET, "/api/v1/me", headers: app.bearer(staffToken)).status == .unauthorized)
            _ = f
        }
    }

    @Test func webSignInUsesAnHttpOnlySameSiteCookieStoredInTheDatabase() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            var s = WebSession(app: app)
            try await s.loadForm("/login")
            let anonymousCookie = s.cookie
            #expect(!anonymousCookie.isEmpty)
            let res = try await s.post("/login", ["email": "head.hk@t.vn", "password": Fixture.password, "next": "/staff"])
            #expect(s.cookie != anonymousCookie)  // the session id changes at sign-in
            #expect(try await app.send(.GET, "/staff", headers: ["Cookie": anonymousCookie]).status == .seeOther)
            #expect(res.status == .seeOther)
            #expect(res.headers.first(name: .location) == "/staff")
            let cookie = try #require(res.headers.setCookie?["congso_session"])
            #expect(cookie.isHTTPOnly)
            #expect(cookie.sameSite == .lax)
            #expect(try await SessionRecord.query(on: app.db).count() >= 1)
            #expect(try await s.get("/staff").status == .ok)

            // An off-site "next" is ignored.
            var other = WebSession(app: app)
            try await other.loadForm("/login")
            let offsite = try await other.post("/login", ["email": "head.hk@t.vn", "password": Fixture.password, "next": "//evil.example"])
            #expect(offsite.headers.first(name: .location) == "/")
        }
    }

    @Test func formsWithoutTheTokenAreRefused() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            var s = try await WebSession.signIn(app, "head.hk@t.vn")
            let res = try await s.post("/staff/\(f.hkPerson.id!)", ["fullName": "Changed", "email": "an@hk.vn", "orgId": f.hkUnit.id!.uuidString], csrf: "forged")
            #expect(res.status == .forbidden)
            #expect(try await StaffMember.find(f.hkPerson.id, on: app.db)?.fullName == "Nguyễn Văn An")
            // API writes ignore the session cookie: a cross-site form cannot write through it.
            let api = try await app.send(.POST, "/api/v1/staff", headers: s.headers(), json: ["fullName": "X", "email": "x@hk.vn", "orgId": f.hkUnit.id!.uuidString])
            #expect(api.status == .unauthorized)
            let login = try await app.send(.POST, "/login", body: "email=head.hk%40t.vn&password=password1", contentType: .urlEncodedForm)
            #expect(login.status == .forbidden)
        }
    }
}
