import CongsoCore
import Fluent
import SQLKit
import Vapor

/// The bearer-token check every API call makes, in one SQL query: the token, its user and
/// the user's scope. Reading three Fluent models here cost more CPU than most endpoints.
enum TokenAuth {
    static func actor(bearer token: String, on db: any Database, now: Date = Date()) async throws -> Actor? {
        let sql = try db.sql
        guard let row = try await sql.raw("""
            SELECT t.id AS token_id, t.last_used_at, u.id AS user_id, u.email, u.display_name, u.role, u.org_id, u.staff_id, u.active,
                   o.path AS org_path
            FROM user_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN organizations o ON o.id = u.org_id
            WHERE t.token_hash = \(bind: UserToken.hash(token))
            """).first() else { return nil }
        guard try row.decode(column: "active", as: Bool.self) else { return nil }
        // "Last used" to the minute: writing it on every call would make each read a write.
        let lastUsed = try row.decodeNil(column: "last_used_at") ? nil : try row.decode(column: "last_used_at", as: Date.self)
        if (lastUsed ?? .distantPast) < now.addingTimeInterval(-60) {
            let id = try row.decode(column: "token_id", as: UUID.self)
            try await sql.raw("UPDATE user_tokens SET last_used_at = \(bind: now) WHERE id = \(bind: id)").run()
        }
        let orgID = try row.decode(column: "org_id", as: UUID?.self)
        // A scoped user whose org has vanished gets no scope, hence no access.
        let scope = try row.decode(column: "org_path", as: String?.self).map(OrgPath.init)
        return Actor(userID: try row.decode(column: "user_id", as: UUID.self), label: try row.decode(column: "email", as: String.self),
                     displayName: try row.decode(column: "display_name", as: String.self),
                     role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .staff,
                     orgID: orgID, scope: orgID == nil ? nil : scope, via: "api",
                     staffID: try row.decode(column: "staff_id", as: UUID?.self))
    }
}
