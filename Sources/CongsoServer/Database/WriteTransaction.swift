import Fluent
import Foundation
import FluentPostgresDriver
import FluentSQLiteDriver
import SQLKit

/// Every write that must commit as a whole goes through `db.writeTransaction { tx in … }`;
/// no service opens a transaction of its own (a test keeps it so). What it guarantees:
///
/// - **SQLite** allows one writer at a time. Writers of this process queue on the
///   database's `WriteGate` without holding a connection or a thread, then take the write
///   lock up front (`BEGIN IMMEDIATE`). A transaction that began by reading and then wants
///   to write can otherwise fail at once with "database is locked" or a stale snapshot
///   (`SQLITE_BUSY_SNAPSHOT`): SQLite does not wait in that case. Another process (the
///   command line beside a running server) is waited for by the busy timeout.
///   So a write transaction runs alone: what it read is still true when it commits.
/// - **PostgreSQL** runs it as a plain transaction (READ COMMITTED). Many writers run at
///   once, so a rule that depends on what was read is made to hold by the database:
///   a unique index for "only one of these" (`DatabaseFailure.duplicate` turns the
///   loser's violation into the service's own 409), or a row lock (`lockedForUpdate`)
///   taken before reading the state a change depends on.
///
/// The body runs once: nothing here retries it, so it may build models outside.
/// A `writeTransaction` inside another simply joins it.
extension Database {
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if WriteTransaction.isActive { return try await body(self) }
        guard let gate = (context.configuration as? GatedSQLiteConfiguration)?.gate else {
            return try await transaction { tx in try await WriteTransaction.$isActive.withValue(true) { try await body(tx) } }
        }
        await gate.acquire()
        do {
            let result = try await withConnection { conn in
                let sql = try conn.sql
                // Replaces sqlite-nio's handler, which retries a busy lock in a tight loop, with
                // SQLite's own sleeping wait; it only matters when another process writes.
                try await sql.raw("PRAGMA busy_timeout = \(unsafeRaw: String(WriteTransaction.busyTimeoutMilliseconds))").run()
                try await sql.raw("BEGIN IMMEDIATE").run()
                do {
                    let value = try await WriteTransaction.$isActive.withValue(true) { try await body(conn) }
                    try await sql.raw("COMMIT").run()
                    return value
                } catch {
                    try? await sql.raw("ROLLBACK").run()
                    throw error
                }
            }
            await gate.release()
            return result
        } catch {
            await gate.release()
            throw error
        }
    }
}

enum WriteTransaction {
    /// Set while a write transaction's body runs, so a nested one joins it.
    @TaskLocal static var isActive = false
    /// How long a writer waits for another process's write lock before giving up.
    static let busyTimeoutMilliseconds = 30_000
    static let notSQL = AppError(status: .internalServerError, code: "internal", detail: "SQL database needed")
}

extension Model where IDValue == UUID {
    /// The row as it is now, locked against other writers until the transaction ends
    /// (`SELECT … FOR UPDATE` on PostgreSQL; on SQLite the write transaction already runs
    /// alone). Read the state a change depends on through this, inside `writeTransaction`.
    static func lockedForUpdate(_ id: UUID, on db: any Database) async throws -> Self? {
        if db.isPostgres {
            try await db.sql.raw("SELECT 1 FROM \(ident: schema) WHERE id = \(bind: id) FOR UPDATE").run()
        }
        return try await find(id, on: db)
    }

    /// Several rows locked in id order, so two writers locking overlapping sets cannot deadlock.
    static func lockedForUpdate(_ ids: [UUID], on db: any Database) async throws -> [Self] {
        let sorted = Array(Set(ids)).sorted { $0.uuidString < $1.uuidString }
        guard !sorted.isEmpty else { return [] }
        if db.isPostgres {
            let sql = try db.sql
            for chunk in stride(from: 0, to: sorted.count, by: 500) {
                let part = Array(sorted[chunk..<min(chunk + 500, sorted.count)])
                try await sql.raw("SELECT 1 FROM \(ident: schema) WHERE id IN (\(binds: part)) ORDER BY id FOR UPDATE").run()
            }
        }
        return try await query(on: db).filter(\._$id ~~ sorted).all()
    }
}

/// What a database refusal means, the same on both drivers.
enum DatabaseFailure {
    /// A unique index refused a row: someone else stored the same thing first.
    static func isUniqueViolation(_ error: any Error) -> Bool {
        if let e = error as? PSQLError { return e.serverInfo?[.sqlState] == "23505" }
        if let e = error as? SQLiteError {
            switch e.reason {
            case .constraintUniqueFailed, .constraintPrimaryKeyFailed: return true
            case .constraint: return e.message.hasPrefix("UNIQUE constraint failed")
            default: return false
            }
        }
        return false
    }

    /// Runs `body`; a unique violation inside it becomes the refusal `conflict()` names,
    /// so the loser of a race gets the same answer as someone who asked twice in turn.
    static func duplicate<T: Sendable>(as conflict: () async throws -> AppError, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            guard isUniqueViolation(error) else { throw error }
            throw try await conflict()
        }
    }
}

/// Writers of one SQLite database in this process, one at a time and in arrival order.
actor WriteGate {
    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard held else { held = true; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { held = false } else { waiting.removeFirst().resume() }
    }
}

/// The SQLite configuration with its write gate: `writeTransaction` finds the gate
/// through the database's context, so every connection of one file shares it.
struct GatedSQLiteConfiguration: DatabaseConfiguration {
    var inner: any DatabaseConfiguration
    let gate = WriteGate()

    var middleware: [any AnyModelMiddleware] {
        get { inner.middleware }
        set { inner.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver { inner.makeDriver(for: databases) }
}
