import CongsoCore
import Fluent
import SQLKit
import Vapor

/// The bearer-token check every API call makes: the token, its user and the user's scope
/// in one SQL query. Under load the checks of concurrent requests share that query
/// (`Application.tokenChecks`): at 07:00 a whole city's first calls arrive together.
enum TokenAuth {
    static func actor(bearer token: String, on db: any Database, now: Date = Date()) async throws -> Actor? {
        try await actors(bearer: [token], on: db, now: now)[0].get()
    }

    /// The acting user of each token (nil for an unknown token or a disabled account), in
    /// one query per 500 distinct tokens.
    static func actors(bearer tokens: [String], on db: any Database, now: Date = Date()) async -> [Result<Actor?, any Error>] {
        let hashes = tokens.map(UserToken.hash)
        do {
            let sql = try db.sql
            var found: [String: Actor] = [:]
            var stale: [UUID] = []
            for part in Array(Set(hashes)).chunked(by: 500) {
                for row in try await sql.raw("""
                    SELECT t.token_hash, t.id AS token_id, t.last_used_at, u.id AS user_id, u.email, u.display_name, u.role, u.org_id,
                           u.staff_id, u.active, o.path AS org_path
                    FROM user_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN organizations o ON o.id = u.org_id
                    WHERE \(SQLBatch.isIn("t.token_hash", Array(part), on: db))
                    """).all() {
                    guard try row.decode(column: "active", as: Bool.self) else { continue }
                    // "Last used" to the minute: writing it on every call would make each read a write.
                    let lastUsed = try row.decodeNil(column: "last_used_at") ? nil : try row.decode(column: "last_used_at", as: Date.self)
                    if (lastUsed ?? .distantPast) < now.addingTimeInterval(-60) { stale.append(try row.decode(column: "token_id", as: UUID.self)) }
                    let orgID = try row.decode(column: "org_id", as: UUID?.self)
                    // A scoped user whose org has vanished gets no scope, hence no access.
                    let scope = try row.decode(column: "org_path", as: String?.self).map(OrgPath.init)
                    found[try row.decode(column: "token_hash", as: String.self)] = Actor(
                        userID: try row.decode(column: "user_id", as: UUID.self), label: try row.decode(column: "email", as: String.self),
                        displayName: try row.decode(column: "display_name", as: String.self),
                        role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .staff,
                        orgID: orgID, scope: orgID == nil ? nil : scope, via: "api",
                        staffID: try row.decode(column: "staff_id", as: UUID?.self))
                }
            }
            // Advisory: a failure to note the time must not refuse the call.
            for part in stale.chunked(by: 500) {
                try? await sql.raw("UPDATE user_tokens SET last_used_at = \(bind: now) WHERE \(SQLBatch.isIn("id", Array(part), on: db))").run()
            }
            return hashes.map { .success(found[$0]) }
        } catch {
            return hashes.map { _ in .failure(error) }
        }
    }
}

extension Application {
    private struct TokenChecksKey: StorageKey { typealias Value = Coalescer<String, Actor?> }

    /// This process's token checks, shared by concurrent requests (up to 200 a query).
    var tokenChecks: Coalescer<String, Actor?> {
        guard let c = storage[TokenChecksKey.self] else { fatalError("tokenChecks is set up by configure") }
        return c
    }

    /// Called once by `configure`, before the server takes requests.
    func setUpTokenChecks() {
        let databases = self.databases, logger = self.logger, group = self.eventLoopGroup
        storage[TokenChecksKey.self] = Coalescer<String, Actor?>(maxBatch: 200, lanes: 2) { tokens in
            do {
                return await TokenAuth.actors(bearer: tokens, on: try databases.shared(logger: logger, on: group))
            } catch {
                return tokens.map { _ in .failure(error) }
            }
        }
    }
}
