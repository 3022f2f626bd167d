import CongsoCore
@testable import CongsoServer
import Fluent
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Runs `test` against a fresh application and database: in-memory SQLite by default,
/// or, with DATABASE_URL set, a schema of its own in that PostgreSQL database (dropped after).
/// `sqliteFile` uses a WAL file in a temporary folder instead, as the server does: what
/// concurrency tests need, since an in-memory database locks differently.
func withApp(sqliteFile: Bool = false, _ test: (Application) async throws -> Void) async throws {
    let app = try await Application.make(.testing)
    var schema: String?
    var folder: String?
    let choice: DatabaseChoice
    if let url = Environment.get("DATABASE_URL"), !url.isEmpty {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        schema = String(name)
        choice = .postgres(url, schema: String(name))
    } else if sqliteFile {
        folder = NSTemporaryDirectory() + "congso-db-" + UUID().uuidString
        choice = .sqliteFile(folder!)
    } else {
        choice = .sqliteMemory
    }
    func cleanup() async {
        if let schema, let sql = app.db as? any SQLDatabase {
            try? await sql.raw("DROP SCHEMA \(unsafeRaw: schema) CASCADE").run()
        }
        try? await app.asyncShutdown()
        if let folder { try? FileManager.default.removeItem(atPath: folder) }
    }
    do {
        try await configure(app, options: CongsoOptions(database: choice, bcryptCost: 4, autoMigrate: false))
        if folder != nil {
            try FileManager.default.createDirectory(atPath: folder!, withIntermediateDirectories: true)
            try await DatabaseSetup.prepareFile(choice)
        }
        if let schema, let sql = app.db as? any SQLDatabase {
            try await sql.raw("CREATE SCHEMA \(unsafeRaw: schema)").run()
        }
        try await app.autoMigrate()
        try await test(app)
    } catch {
        await cleanup()
        throw error
    }
    await cleanup()
}

var isPostgres: Bool { (Environment.get("DATABASE_URL") ?? "").isEmpty == false }

/// A small tree: city C → districts HK (Hoàn Kiếm) and BD (Ba Đình) → units → people,
/// with one user per role. Everyone's password is `password`.
struct Fixture {
    let city: Organization
    let hk: Organization, hkUnit: Organization, hkWard: Organization
    let bd: Organization, bdUnit: Organization
    let hkPerson: StaffMember, hkPerson2: StaffMember, bdPerson: StaffMember
    static let password = "password1"

    static func make(_ app: Application) async throws -> Fixture {
        let db = app.db
        let city = Organization(code: "C", name: "Thành phố", kind: .city, parent: nil)
        try await city.create(on: db)
        let hk = Organization(code: "HK", name: "Quận Hoàn Kiếm", kind: .district, parent: city)
        let bd = Organization(code: "BD", name: "Quận Ba Đình", kind: .district, parent: city)
        try await hk.create(on: db)
        try await bd.create(on: db)
        let hkUnit = Organization(code: "HK-NV", name: "Phòng Nội vụ", kind: .unit, parent: hk)
        let hkWard = Organization(code: "HK-W1", name: "Phường Hàng Bạc", kind: .ward, parent: hk)
        let bdUnit = Organization(code: "BD-NV", name: "Phòng Nội vụ Ba Đình", kind: .unit, parent: bd)
        for o in [hkUnit, hkWard, bdUnit] { try await o.create(on: db) }
        func person(_ name: String, _ email: String, _ org: Organization) async throws -> StaffMember {
            let p = StaffMember(orgID: org.id!, draft: try StaffDraft(fullName: name, position: "Chuyên viên", phone: "0912345678",
                                                                     email: email, skills: [], status: .remote).validated())
            try await p.create(on: db)
            return p
        }
        let hkPerson = try await person("Nguyễn Văn An", "an@hk.vn", hkUnit)
        let hkPerson2 = try await person("Trần Thị Bình", "binh@hk.vn", hkUnit)
        let bdPerson = try await person("Nguyễn Văn Cường", "cuong@bd.vn", bdUnit)
        let hash = try app.password.hash(password)
        let users: [(String, Role, Organization?)] = [
            ("admin@t.vn", .admin, nil), ("steering@t.vn", .steering, city), ("noivu@t.vn", .homeAffairs, city),
            ("head.hk@t.vn", .head, hk), ("head.bd@t.vn", .head, bd), ("lead.hk@t.vn", .unitLead, hkUnit),
            ("staff.hk@t.vn", .staff, hkUnit), ("inspector@t.vn", .inspector, city), ("checkpoint@t.vn", .checkpoint, city),
        ]
        for (email, role, org) in users {
            try await User(email: email, displayName: email, passwordHash: hash, role: role, orgID: org?.id, staffID: nil).create(on: db)
        }
        return Fixture(city: city, hk: hk, hkUnit: hkUnit, hkWard: hkWard, bd: bd, bdUnit: bdUnit,
                       hkPerson: hkPerson, hkPerson2: hkPerson2, bdPerson: bdPerson)
    }
}

extension Application {
    /// A bearer token for a fixture user, through the real token endpoint.
    func token(_ email: String, password: String = Fixture.password) async throws -> String {
        var token = ""
        try await testing().test(.POST, "/api/v1/auth/token", beforeRequest: { req in
            try req.content.encode(["email": email, "password": password])
        }, afterResponse: { res async throws in
            #expect(res.status == .created)
            token = try res.content.decode(TokenResponse.self).token
        })
        return token
    }

    func bearer(_ token: String) -> HTTPHeaders { ["Authorization": "Bearer \(token)"] }

    /// Sends a request and hands back the response.
    @discardableResult
    func send(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], json: (any Encodable & Sendable)? = nil,
              body: String? = nil, contentType: HTTPMediaType? = nil) async throws -> TestingHTTPResponse {
        var out: TestingHTTPResponse?
        try await testing().test(method, path, headers: headers, beforeRequest: { req in
            if let json { try req.content.encode(AnyEncodable(json), as: .json) }
            if let body {
                req.body = ByteBuffer(string: body)
                req.headers.contentType = contentType ?? .json
            }
        }, afterResponse: { res async throws in out = res })
        return out!
    }

    struct ReportCount: Decodable, Equatable { let p: String; let d: String; let s: String; let n: Int; let m: Int }

    /// The report counts the trigger keeps, and the same counted from the reports.
    func reportCounts() async throws -> (kept: [ReportCount], counted: [ReportCount]) {
        let kept = try await db.sql.raw("SELECT org_path AS p, date AS d, slot AS s, received AS n, on_time AS m FROM report_counts WHERE received > 0 ORDER BY 1, 2, 3")
            .all(decoding: ReportCount.self)
        let counted = try await db.sql.raw("""
            SELECT org_path AS p, date AS d, slot AS s, COUNT(*) AS n, SUM(CASE WHEN on_time THEN 1 ELSE 0 END) AS m
            FROM daily_reports GROUP BY org_path, date, slot ORDER BY 1, 2, 3
            """).all(decoding: ReportCount.self)
        return (kept, counted)
    }

    func auditCount(action: String? = nil) async throws -> Int {
        let q = AuditEntry.query(on: db)
        if let action { q.filter(\.$action == action) }
        return try await q.count()
    }
}

struct AnyEncodable: Encodable, Sendable {
    let value: any Encodable & Sendable
    init(_ value: any Encodable & Sendable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

struct ErrorBody: Decodable {
    struct Inner: Decodable { let code: String; let message: String }
    let error: Inner
}

/// A signed-in browser: keeps the session cookie and the form token.
struct WebSession {
    let app: Application
    var cookie = ""
    var csrf = ""

    static func signIn(_ app: Application, _ email: String, password: String = Fixture.password) async throws -> WebSession {
        var s = WebSession(app: app)
        try await s.loadForm("/login")
        let res = try await s.post("/login", ["email": email, "password": password, "next": "/"])
        #expect(res.status == .seeOther)
        try await s.loadForm("/")
        return s
    }

    mutating func absorb(_ res: TestingHTTPResponse) {
        if let c = res.headers.setCookie?["congso_session"] { cookie = "congso_session=\(c.string)" }
        if let range = res.body.string.range(of: #"name="_csrf" value="([^"]+)""#, options: .regularExpression) {
            csrf = String(res.body.string[range].dropFirst(20).dropLast())
        }
    }

    mutating func loadForm(_ path: String) async throws {
        let res = try await get(path)
        absorb(res)
    }

    func headers() -> HTTPHeaders { cookie.isEmpty ? [:] : ["Cookie": cookie] }

    func get(_ path: String) async throws -> TestingHTTPResponse {
        try await app.send(.GET, path, headers: headers())
    }

    mutating func post(_ path: String, _ form: [String: String], csrf override: String? = nil) async throws -> TestingHTTPResponse {
        var fields = form
        fields["_csrf"] = override ?? csrf
        let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        let res = try await app.send(.POST, path, headers: headers(), body: body, contentType: .urlEncodedForm)
        absorb(res)
        return res
    }
}
