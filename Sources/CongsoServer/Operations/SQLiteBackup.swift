import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import SQLiteNIO
#if canImport(Glibc)
import Glibc
#endif

/// Backups of the SQLite database. A backup is `VACUUM INTO` a new file while the server
/// runs (a consistent snapshot of one read transaction; WAL lets writers go on meanwhile),
/// checked, synced and renamed into place, so a half-written backup never carries the name.
/// A restore puts a checked backup in place of the database while no Congso process has it
/// open, and keeps the database it replaces beside it. PostgreSQL is backed up with its own
/// tools (pg_dump, base backups and WAL archiving): docs/operations.md.
enum SQLiteBackup {
    struct Problem: Error, CustomStringConvertible { let description: String }
    struct Summary: Sendable { let bytes: Int; let migrations: Int }

    /// Writes a snapshot of `db` to `file`; refuses to overwrite unless `replace`.
    static func backup(_ db: any Database, to file: String, replace: Bool) async throws -> Summary {
        let fm = FileManager.default
        if fm.fileExists(atPath: file) && !replace { throw Problem(description: "\(file) exists (--force replaces it)") }
        let partial = file + ".partial-\(getpid())"
        try? fm.removeItem(atPath: partial)
        do {
            try await db.sql.raw("VACUUM INTO \(bind: partial)").run()
            let summary = try await check(partial)
            try sync(partial)
            if fm.fileExists(atPath: file) { try fm.removeItem(atPath: file) }
            try fm.moveItem(atPath: partial, toPath: file)
            try sync((file as NSString).deletingLastPathComponent)
            return summary
        } catch {
            try? fm.removeItem(atPath: partial)
            throw error
        }
    }

    /// A Congso database that SQLite finds whole: integrity checked, foreign keys hold, and
    /// the migration table is there.
    static func check(_ file: String) async throws -> Summary {
        // The header only: a database can be gigabytes.
        let handle = FileHandle(forReadingAtPath: file)
        let head = try? handle?.read(upToCount: 16)
        try? handle?.close()
        guard head == Data("SQLite format 3\0".utf8) else { throw Problem(description: "\(file) is not an SQLite database") }
        let connection = try await SQLiteConnection.open(storage: .file(path: file))
        do {
            let integrity = try await connection.query("PRAGMA integrity_check").compactMap { $0.column("integrity_check")?.string }
            guard integrity == ["ok"] else { throw Problem(description: "\(file) is damaged: \(integrity.prefix(3).joined(separator: "; "))") }
            let orphans = try await connection.query("PRAGMA foreign_key_check")
            guard orphans.isEmpty else { throw Problem(description: "\(file) has \(orphans.count) rows whose references are missing") }
            let migrations = try await connection.query("SELECT count(*) AS n FROM _fluent_migrations").first?.column("n")?.integer ?? 0
            guard migrations > 0 else { throw Problem(description: "\(file) is not a Congso database (no migrations)") }
            try await connection.close()
            let bytes = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            return Summary(bytes: bytes, migrations: migrations)
        } catch let problem as Problem {
            try? await connection.close()
            throw problem
        } catch {
            try? await connection.close()
            throw Problem(description: "\(file) cannot be read as a Congso database: \(error)")
        }
    }

    /// Puts `file` in place of the database in `dir`. The database it replaces (with its WAL)
    /// is kept as congso.sqlite.before-restore-<time>; answers that name, or nil when there was none.
    /// `checked`: what `check(file)` already answered (the command checks before it asks).
    static func restore(from file: String, into dir: String, checked: Summary? = nil, now: Date = Date()) async throws -> (Summary, String?) {
        let summary: Summary
        if let checked { summary = checked } else { summary = try await check(file) }
        let lock = try DatabaseLock.exclusive(in: dir)
        defer { lock.release() }
        let fm = FileManager.default
        let live = DataDirectory.sqliteFile(in: dir)
        let incoming = live + ".restoring"
        try? fm.removeItem(atPath: incoming)
        try fm.copyItem(atPath: file, toPath: incoming)
        try sync(incoming)
        var kept: String?
        if fm.fileExists(atPath: live) {
            let stamp = ISO8601DateFormatter().string(from: now).replacingOccurrences(of: ":", with: "")
            kept = live + ".before-restore-" + stamp
            for suffix in ["", "-wal", "-shm"] where fm.fileExists(atPath: live + suffix) {
                try fm.moveItem(atPath: live + suffix, toPath: kept! + suffix)
            }
        }
        try fm.moveItem(atPath: incoming, toPath: live)
        try sync(dir)
        return (summary, kept)
    }

    /// fsync of a file, or of a directory so that a rename in it survives a power cut.
    private static func sync(_ file: String) throws {
        let fd = open(file.isEmpty ? "." : file, O_RDONLY)
        guard fd >= 0 else { throw Problem(description: "cannot open \(file) to sync it") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw Problem(description: "cannot sync \(file)") }
    }
}

/// Every process that opens the SQLite database holds a shared lock on data/congso.lock for
/// its lifetime (the kernel drops it when the process ends, even by SIGKILL); a restore takes
/// it exclusively, so it never swaps the file under a running server.
struct DatabaseLock: Sendable {
    let fd: Int32

    /// The shared locks this process holds, by data directory (kept until it exits).
    private static let held = NIOLockedValueBox<[String: DatabaseLock]>([:])

    static func shared(in dir: String) throws {
        try held.withLockedValue { held in
            guard held[dir] == nil else { return }
            held[dir] = try take(in: dir, operation: LOCK_SH, busy: "the database is being restored")
        }
    }

    static func exclusive(in dir: String) throws -> DatabaseLock {
        try take(in: dir, operation: LOCK_EX, busy: "a Congso process (the server, or a command) has the database open: stop it first")
    }

    private static func take(in dir: String, operation: Int32, busy: String) throws -> DatabaseLock {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let fd = open(dir + "/congso.lock", O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw SQLiteBackup.Problem(description: "cannot open \(dir)/congso.lock") }
        guard flock(fd, operation | LOCK_NB) == 0 else {
            close(fd)
            throw SQLiteBackup.Problem(description: busy)
        }
        return DatabaseLock(fd: fd)
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
