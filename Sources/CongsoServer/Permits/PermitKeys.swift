import CongsoCore
import Crypto
import Fluent
import Vapor

/// Signing keys: private halves in `<data dir>/permit-keys/<kid>.pem` (mode 0600) or the
/// PEM file named by CONGSO_PERMIT_KEY_FILE; public halves in the database, so every
/// server process and the trust list see every key, old ones included.
enum PermitKeys {
    /// The folder of private keys inside the data directory (`app.dataDirectory`).
    static func directory(in dataDirectory: String) -> String { dataDirectory + "/permit-keys" }

    static func kidText(_ key: P256.Signing.PublicKey) -> String { JWKS.base64url(COSESign1.keyID(key)) }

    static func register(_ key: P256.Signing.PublicKey, on db: any Database) async throws {
        let kid = kidText(key)
        if try await PermitKey.query(on: db).filter(\.$kid == kid).first() != nil { return }
        let row = PermitKey()
        row.id = UUID()
        row.kid = kid
        row.publicDER = Data(key.derRepresentation).base64EncodedString()
        do {
            try await db.writeTransaction { tx in
                try await row.create(on: tx)
                try await PermitTrust.changed(on: tx)
            }
        } catch where DatabaseFailure.isUniqueViolation(error) {
            return   // another request registered the same key a moment earlier
        }
    }

    /// Makes a new key the one that signs from now on; older keys keep verifying.
    @discardableResult
    static func rotate(in dataDirectory: String, on db: any Database) async throws -> String {
        let directory = directory(in: dataDirectory)
        let key = P256.Signing.PrivateKey()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let path = directory + "/" + kidText(key.publicKey) + ".pem"
        guard FileManager.default.createFile(atPath: path, contents: Data(key.pemRepresentation.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw AppError(status: .internalServerError, code: "internal", detail: "cannot write \(path)")
        }
        try await register(key.publicKey, on: db)
        return kidText(key.publicKey)
    }

    /// The signing key: CONGSO_PERMIT_KEY_FILE if set, else the newest key file we hold,
    /// else a new one.
    static func signingKey(in dataDirectory: String, on db: any Database) async throws -> P256.Signing.PrivateKey {
        let directory = directory(in: dataDirectory)
        if let file = Environment.get("CONGSO_PERMIT_KEY_FILE"), !file.isEmpty {
            let pem = try String(contentsOfFile: file, encoding: .utf8)
            let key = try P256.Signing.PrivateKey(pemRepresentation: pem)
            try await register(key.publicKey, on: db)
            return key
        }
        let keys = try await PermitKey.query(on: db).filter(\.$retiredAt == nil).sort(\.$createdAt, .descending).all()
        for row in keys {
            let path = directory + "/" + row.kid + ".pem"
            if let pem = try? String(contentsOfFile: path, encoding: .utf8), let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) {
                return key
            }
        }
        let kid = try await rotate(in: dataDirectory, on: db)
        return try P256.Signing.PrivateKey(pemRepresentation: String(contentsOfFile: directory + "/" + kid + ".pem", encoding: .utf8))
    }

    static func trustList(on db: any Database) async throws -> JWKS.Set {
        let rows = try await PermitKey.query(on: db).sort(\.$createdAt).all()
        return JWKS.Set(keys: rows.compactMap { row in
            Data(base64Encoded: row.publicDER).flatMap { try? P256.Signing.PublicKey(derRepresentation: $0) }.map(JWKS.key)
        })
    }
}
