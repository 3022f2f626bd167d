import CongsoCore
@testable import CongsoServer
import Fluent
import Testing
import Vapor
import VaporTesting

/// Sign-in locks (per account and per address, shared by every process through the
/// database), who may lift them, and the session rules: a new id at sign-in, a form token
/// on every form, and a signed-out session dead everywhere.
@Suite struct SignInTests {
    func tryToken(_ app: Application, _ email: String, _ password: String) async throws -> TestingHTTPResponse {
        try await app.send(.POST, "/api/v1/auth/token", json: ["email": email, "password": password])
    }

    @Test func anAccountIsLockedAfterFailuresUntilItsHeadLiftsIt() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            for _ in 1...SignInThrottle.standard.accountLimit {
                #expect(try await tryToken(app, "staff.hk@t.vn", "wrong-password").status == .unauthorized)
            }
            // The right password no longer helps, on the API or the web form.
            let locked = try await tryToken(app, "STAFF.hk@t.vn", Fixture.password)
            #expect(locked.status == .tooManyRequests)
            #expect(try locked.content.decode(ErrorBody.self).error.code == "auth.locked")
            var browser = WebSession(app: app)
            try await browser.loadForm("/login")
            let page = try await browser.post("/login", ["email": "staff.hk@t.vn", "password": Fixture.password])
            #expect(page.status == .tooManyRequests)
            #expect(page.body.string.contains("quản trị viên mở khóa"))
            // Others from the same address still sign in.
            #expect(try await tryToken(app, "lead.hk@t.vn", Fixture.password).status == .created)

            // Another district's head neither sees nor lifts it; the account's own head does.
            let other = try await app.token("head.bd@t.vn")
            let seen = try await app.send(.GET, "/api/v1/lockouts", headers: app.bearer(other))
            #expect(try seen.content.decode(ListResponse<SignInGuard.Lockout>.self).items.isEmpty)
            #expect(try await app.send(.POST, "/api/v1/lockouts/lift", headers: app.bearer(other), json: ["key": "account:staff.hk@t.vn"]).status == .notFound)
            let staffToken = try await app.token("lead.hk@t.vn")
            #expect(try await app.send(.GET, "/api/v1/lockouts", headers: app.bearer(staffToken)).status == .forbidden)
            let head = try await app.token("head.hk@t.vn")
            let list = try await app.send(.GET, "/api/v1/lockouts", headers: app.bearer(head)).content.decode(ListResponse<SignInGuard.Lockout>.self)
            #expect(list.items.map(\.key) == ["account:staff.hk@t.vn"])
            #expect(list.items.first?.failures == SignInThrottle.standard.accountLimit)
            #expect(try await app.send(.POST, "/api/v1/lockouts/lift", headers: app.bearer(head), json: ["key": "account:staff.hk@t.vn"]).status == .noContent)
            #expect(try await app.auditCount(action: "signin.unlock") == 1)
            #expect(try await tryToken(app, "staff.hk@t.vn", Fixture.password).status == .created)
            #expect(try await app.send(.POST, "/api/v1/lockouts/lift", headers: app.bearer(head), json: ["key": "account:staff.hk@t.vn"]).status == .notFound)
        }
    }

    @Test func anAddressIsLockedAfterFailuresOnManyAccountsAndOnlyAnAdminLiftsIt() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            // Tokens asked before the storm, so the lists can be read during it.
            let admin = try await app.token("admin@t.vn")
            let head = try await app.token("head.hk@t.vn")
            for i in 1...SignInThrottle.standard.addressLimit {
                _ = try await tryToken(app, "nobody\(i)@t.vn", "wrong-password")
            }
            #expect(try await tryToken(app, "head.bd@t.vn", Fixture.password).status == .tooManyRequests)
            let headView = try await app.send(.GET, "/api/v1/lockouts", headers: app.bearer(head)).content.decode(ListResponse<SignInGuard.Lockout>.self)
            #expect(!headView.items.contains { $0.kind == "address" })
            let adminView = try await app.send(.GET, "/api/v1/lockouts", headers: app.bearer(admin)).content.decode(ListResponse<SignInGuard.Lockout>.self)
            let address = try #require(adminView.items.first { $0.kind == "address" })
            #expect(try await app.send(.POST, "/api/v1/lockouts/lift", headers: app.bearer(head), json: ["key": address.key]).status == .notFound)
            #expect(try await app.send(.POST, "/api/v1/lockouts/lift", headers: app.bearer(admin), json: ["key": address.key]).status == .noContent)
            #expect(try await tryToken(app, "head.bd@t.vn", Fixture.password).status == .created)
        }
    }

    /// Concurrent failures on one account all count, on either database.
    @Test func concurrentFailuresAllCount() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            let throttle = SignInThrottle(accountLimit: 100, addressLimit: 1000)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        _ = try? await SignInGuard.authenticate(email: "staff.hk@t.vn", password: "wrong", address: "10.1.1.1", throttle: throttle,
                                                                on: app.db, passwords: app.password)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await SignInGuard.state(.account("staff.hk@t.vn"), on: app.db)?.failures == 12)
            #expect(try await SignInGuard.state(.address("10.1.1.1"), on: app.db)?.failures == 12)
        }
    }

    @Test func theLockoutsPageListsAndLifts() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            for _ in 1...SignInThrottle.standard.accountLimit { _ = try await tryToken(app, "lead.hk@t.vn", "wrong-password") }
            var head = try await WebSession.signIn(app, "head.hk@t.vn")
            try await head.loadForm("/users/lockouts")
            let page = try await head.get("/users/lockouts")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("lead.hk@t.vn"))
            let lifted = try await head.post("/users/lockouts/lift", ["key": "account:lead.hk@t.vn"])
            #expect(lifted.status == .seeOther)
            #expect(try await tryToken(app, "lead.hk@t.vn", Fixture.password).status == .created)
            #expect(try await head.get("/users/lockouts").body.string.contains("lead.hk@t.vn") == false)
        }
    }

    /// Signing out deletes the session from the database: the old cookie, replayed to this
    /// process or any other on the same database, is anonymous.
    @Test func aSignedOutSessionIsDeadEverywhere() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            var s = try await WebSession.signIn(app, "head.hk@t.vn")
            let cookie = s.cookie
            #expect(try await s.get("/staff").status == .ok)
            #expect(try await s.post("/logout", [:]).status == .seeOther)
            #expect(try await app.send(.GET, "/staff", headers: ["Cookie": cookie]).status == .seeOther)
            let key = String(cookie.dropFirst("congso_session=".count))
            #expect(try await SessionRecord.query(on: app.db).filter(\.$key == SessionID(string: key)).count() == 0)
        }
    }

    /// RFC 8058's one-click unsubscribe is posted by mail clients with no session: the
    /// signed link is its credential, and it can only stop mail to the signed address.
    static let exempt = ["/mail/unsubscribe"]

    /// Every form the web answers with POST refuses a request without the session's form
    /// token, whatever the route — none is exempt but the signed unsubscribe.
    @Test func everyPostRouteRefusesAFormWithoutItsToken() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            let s = try await WebSession.signIn(app, "admin@t.vn")
            let routes = app.routes.all.filter { $0.method == .POST && $0.path.first.map { "\($0)" != "api" } ?? true }
                .filter { !Self.exempt.contains("/" + $0.path.map { "\($0)" }.joined(separator: "/")) }
            #expect(routes.count > 40)
            for route in routes {
                let path = "/" + route.path.map { c -> String in
                    switch c { case .constant(let v): v; case .parameter: UUID().uuidString; case .anything, .catchall: "x" }
                }.joined(separator: "/")
                let res = try await app.send(.POST, path, headers: s.headers(), body: "a=b", contentType: .urlEncodedForm)
                #expect(res.status == .forbidden, "\(path) answered \(res.status) without a form token")
            }
        }
    }

    /// Every POST form in the templates carries the token.
    @Test func everyTemplateFormCarriesTheToken() throws {
        let views = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Resources/Views").standardized
        let files = FileManager.default.enumerator(at: views, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }.filter { $0.pathExtension == "leaf" }
        var forms = 0
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            var rest = Substring(text)
            while let start = rest.range(of: "<form", options: .caseInsensitive) {
                let end = rest.range(of: "</form>", options: .caseInsensitive, range: start.upperBound..<rest.endIndex)?.upperBound ?? rest.endIndex
                let form = rest[start.lowerBound..<end]
                let tag = form.prefix(while: { $0 != ">" }).lowercased()
                if tag.contains("method=\"post\""), !Self.exempt.contains(where: { tag.contains("action=\"\($0)") }) {
                    forms += 1
                    #expect(form.contains("name=\"_csrf\""), "\(file.lastPathComponent): a POST form without _csrf")
                }
                rest = rest[end...]
            }
        }
        #expect(forms > 40)
    }
}
