import CongsoCore
import Fluent
import SQLKit
import Vapor

/// Failed sign-ins counted in the database (`sign_in_throttles`), so every server process
/// behind the proxy sees the same counts and the same locks; the rules are `SignInThrottle`'s.
/// The web form and `POST /api/v1/auth/token` both come through `authenticate`.
enum SignInGuard {
    static let table = "sign_in_throttles"

    struct Lockout: Content {
        let key: String
        let kind: String
        let subject: String
        let failures: Int
        let lockedUntil: Date?
    }

    /// Checks the password unless the account or the address is locked; a failure counts
    /// against both, a success clears the account's count (never the address's: one good
    /// password must not reset an attacker's count from the same address).
    static func authenticate(email: String, password: String, address: String, throttle: SignInThrottle = .standard,
                             on db: any Database, passwords: any PasswordHasher, now: Date = Date()) async throws -> User {
        let subjects: [SignInThrottle.Subject] = [.account(email), .address(address)]
        var states: [SignInThrottle.State?] = []
        for s in subjects { states.append(try await state(s, on: db)) }
        if let until = states.compactMap({ throttle.isLocked($0, now: now) ? $0?.lockedUntil : nil }).max() {
            throw AppError.locked(until)
        }
        do {
            let user = try await UserService.authenticate(email: email, password: password, on: db, passwords: passwords)
            // Only an account with failures on record has a row to clear: no write otherwise.
            if states[0] != nil {
                try await db.sql.raw("DELETE FROM \(ident: table) WHERE key = \(bind: SignInThrottle.Subject.account(email).key)").run()
            }
            return user
        } catch let e as AppError where e.code == AppError.badCredentials.code {
            for s in subjects { try await fail(s, throttle: throttle, on: db, now: now) }
            throw e
        }
    }

    struct Row: Decodable { let key: String; let failures: Int; let window_start: Double; let locked_until: Double? }

    static func state(_ subject: SignInThrottle.Subject, on db: any Database) async throws -> SignInThrottle.State? {
        try await db.sql.raw("SELECT key, failures, window_start, locked_until FROM \(ident: table) WHERE key = \(bind: subject.key)")
            .first(decoding: Row.self).map(decoded)
    }

    static func decoded(_ r: Row) -> SignInThrottle.State {
        .init(failures: r.failures, windowStart: Date(timeIntervalSince1970: r.window_start), lockedUntil: r.locked_until.map(Date.init(timeIntervalSince1970:)))
    }

    /// One more failure, read and written under the row's lock so concurrent failures on
    /// several processes all count.
    static func fail(_ subject: SignInThrottle.Subject, throttle: SignInThrottle, on db: any Database, now: Date) async throws {
        try await db.writeTransaction { tx in
            let sql = try tx.sql
            try await sql.raw("""
                INSERT INTO \(ident: table) (key, failures, window_start, locked_until) VALUES (\(bind: subject.key), 0, \(bind: now.timeIntervalSince1970), NULL)
                ON CONFLICT (key) DO NOTHING
                """).run()
            let lock = tx.isPostgres ? " FOR UPDATE" : ""
            let current = try await sql.raw("SELECT key, failures, window_start, locked_until FROM \(ident: table) WHERE key = \(bind: subject.key)\(unsafeRaw: lock)")
                .first(decoding: Row.self).map(decoded)
            let next = throttle.afterFailure(current?.failures == 0 ? nil : current, of: subject, now: now)
            try await sql.raw("""
                UPDATE \(ident: table) SET failures = \(bind: next.failures), window_start = \(bind: next.windowStart.timeIntervalSince1970),
                    locked_until = \(bind: next.lockedUntil?.timeIntervalSince1970) WHERE key = \(bind: subject.key)
                """).run()
        }
    }

    /// The locks in force an actor may lift: accounts of the users they manage; addresses
    /// only for the city's administrators.
    static func lockouts(actor: Actor, on db: any Database, now: Date = Date()) async throws -> [Lockout] {
        try actor.require(.manageUsers)
        let rows = try await db.sql.raw("SELECT key, failures, window_start, locked_until FROM \(ident: table) WHERE locked_until > \(bind: now.timeIntervalSince1970) ORDER BY key")
            .all(decoding: Row.self)
        var out: [Lockout] = []
        for r in rows {
            guard let subject = SignInThrottle.Subject(key: r.key), try await mayLift(subject, actor: actor, on: db) else { continue }
            let (kind, name): (String, String) = switch subject { case .account(let e): ("account", e); case .address(let a): ("address", a) }
            out.append(Lockout(key: r.key, kind: kind, subject: name, failures: r.failures, lockedUntil: r.locked_until.map(Date.init(timeIntervalSince1970:))))
        }
        return out
    }

    static func mayLift(_ subject: SignInThrottle.Subject, actor: Actor, on db: any Database) async throws -> Bool {
        guard actor.has(.manageUsers) else { return false }
        if actor.role == .admin { return true }
        guard case .account(let email) = subject,
              let user = try await User.query(on: db).filter(\.$email == email).first() else { return false }
        return (try? await UserService.find(user.id!, actor: actor, on: db)) != nil
    }

    /// Lifts a lock (and forgets the failures), audited.
    static func lift(key: String, actor: Actor, on db: any Database) async throws {
        try actor.require(.manageUsers)
        guard let subject = SignInThrottle.Subject(key: key), try await mayLift(subject, actor: actor, on: db) else {
            throw AppError.notFound(key)
        }
        try await db.writeTransaction { tx in
            let existing = try await state(subject, on: tx)
            guard existing != nil else { throw AppError.notFound(key) }
            try await tx.sql.raw("DELETE FROM \(ident: table) WHERE key = \(bind: key)").run()
            try await AuditService.record(on: tx, actor: actor, action: "signin.unlock", entityType: "sign_in", entityID: nil,
                                          orgPath: "/", summary: key)
        }
    }
}

extension AppError {
    /// 429 with the time the lock ends, so the person knows when to try again.
    static func locked(_ until: Date) -> AppError {
        AppError(status: .tooManyRequests, code: "auth.locked", detail: DisplayDate.time(until))
    }
}

/// The counts `SignInGuard` keeps: one row per account or address that failed lately.
struct CreateSignInThrottles: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.raw("""
            CREATE TABLE sign_in_throttles (key TEXT PRIMARY KEY, failures INTEGER NOT NULL, window_start DOUBLE PRECISION NOT NULL,
                locked_until DOUBLE PRECISION)
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP TABLE IF EXISTS sign_in_throttles").run()
    }
}
