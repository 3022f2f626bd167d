import CongsoCore
import Crypto
import Fluent
import SQLKit
import Vapor

/// What a checkpoint's verification needs — the public keys and the id hashes of revoked
/// permits — kept in memory instead of rebuilt for every call (each key DER → public key
/// → JWKS → public key, every revoked permit loaded and hashed). A verification reads one
/// row, the trust version; rotating a key or revoking a permit bumps it in the same
/// transaction, so this process and every other one on the database reload at their next
/// verification and never verify against an older list.
actor PermitTrust {
    struct Snapshot: Sendable {
        let version: Int
        let keys: [[UInt8]: P256.Signing.PublicKey]
        let revoked: Set<String>
    }

    private var snapshot: Snapshot?
    /// How many times the lists were read from the database (for tests and metrics).
    private(set) var reloads = 0

    func current(on db: any Database) async throws -> Snapshot {
        let version = try await Self.version(on: db)
        if let snapshot, snapshot.version == version { return snapshot }
        // Read after the version: what is loaded is at least as new as the number kept with it.
        let keys = JWKS.trust(try await PermitKeys.trustList(on: db))
        let revoked = Set(try await Permit.query(on: db).filter(\.$status ~~ [.revoked, .suspended]).all(\.$number).map(PermitCodec.idHash))
        let fresh = Snapshot(version: version, keys: keys, revoked: revoked)
        snapshot = fresh
        reloads += 1
        return fresh
    }

    static func version(on db: any Database) async throws -> Int {
        try await db.sql.raw("SELECT version FROM permit_trust WHERE id = 1").first()?.decode(column: "version", as: Int.self) ?? 0
    }

    /// Called inside the transaction that changes the keys or the revoked permits.
    static func changed(on db: any Database) async throws {
        try await db.sql.raw("UPDATE permit_trust SET version = version + 1 WHERE id = 1").run()
    }
}

extension Application {
    private struct PermitTrustKey: StorageKey { typealias Value = PermitTrust }
    /// This process's copy of the trust list and revocations.
    var permitTrust: PermitTrust {
        if let trust = storage[PermitTrustKey.self] { return trust }
        let trust = PermitTrust()
        storage[PermitTrustKey.self] = trust
        return trust
    }
}

/// The trust version's one row.
struct CreatePermitTrust: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("permit_trust").field("id", .int, .identifier(auto: false)).field("version", .int, .required).create()
        try await database.sql.raw("INSERT INTO permit_trust (id, version) VALUES (1, 1)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("permit_trust").delete()
    }
}
