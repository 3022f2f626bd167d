@testable import CongsoServer
import Foundation
import SQLKit
import Fluent
import Testing
import Vapor
import VaporTesting

@Suite struct OperationsTests {
    @Test func healthAndMetrics() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            #expect(try await app.send(.GET, "/healthz").status == .ok)
            let token = try await app.token("admin@t.vn")
            _ = try await app.send(.GET, "/api/v1/staff", headers: app.bearer(token))
            let metrics = try await app.send(.GET, "/metrics")
            let text = metrics.body.string
            #expect(text.contains("congso_http_requests_total"))
            #expect(text.contains(#"route="/api/v1/staff""#))
            #expect(text.contains("congso_http_request_duration_seconds_bucket"))
            #expect(text.contains("congso_db_pool_max_connections"))
        }
    }

    /// Every /api/v1 route the router knows is described in /openapi.json, and back.
    @Test func openAPIDescribesEveryRoute() async throws {
        try await withApp { app in
            let res = try await app.send(.GET, "/openapi.json")
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(buffer: res.body)) as? [String: Any])
            #expect(doc["openapi"] as? String == "3.1.0")
            let paths = try #require(doc["paths"] as? [String: [String: Any]])
            var documented = Set<String>()
            for (path, ops) in paths { for method in ops.keys { documented.insert("\(method.uppercased()) \(path)") } }
            var routed = Set<String>()
            for route in app.routes.all where route.path.first?.description == "api" {
                let path = "/" + route.path.map { c -> String in
                    if case .parameter(let name) = c { return "{\(name)}" }
                    return c.description
                }.joined(separator: "/")
                routed.insert("\(route.method.rawValue) \(path)")
            }
            #expect(routed == documented)
        }
    }
}

@Suite struct StorageTests {
    /// The default store is a SQLite file in WAL mode, created and migrated on first run.
    @Test func sqliteFileIsCreatedMigratedAndInWALMode() async throws {
        guard !isPostgres else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("congso-wal-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let app = try await Application.make(.testing)
        do {
            try await configure(app, options: CongsoOptions(database: .sqliteFile(dir), bcryptCost: 4, autoMigrate: true))
            #expect(FileManager.default.fileExists(atPath: dir + "/congso.sqlite"))
            let sql = try #require(app.db as? any SQLDatabase)
            let mode = try await sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
            #expect(mode == "wal")
            #expect(try await Organization.query(on: app.db).count() == 0)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
