import Fluent
import Vapor

/// `backup FILE [--force]`: a consistent copy of the SQLite database while the server runs.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "Where to write the backup (a new file)") var file: String
        @Flag(name: "force", help: "Replace FILE if it exists") var force: Bool
    }
    var help: String { "Back up the SQLite database to FILE while the server runs (PostgreSQL: pg_dump, see docs/operations.md)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard DatabaseChoice.fromEnvironment().isSQLite else {
            context.console.error("PostgreSQL is backed up with its own tools: pg_dump -Fc (or base backups with WAL archiving); see docs/operations.md.")
            throw ExitCode(2)
        }
        let start = Date()
        do {
            let s = try await SQLiteBackup.backup(context.application.db, to: signature.file, replace: signature.force)
            context.console.info("Đã sao lưu / backed up: \(signature.file) (\(s.bytes / 1024) KiB, \(s.migrations) migrations, checked, in \(String(format: "%.1f", Date().timeIntervalSince(start))) s)")
        } catch let p as SQLiteBackup.Problem {
            context.console.error(p.description)
            throw ExitCode(1)
        }
    }
}

/// `restore FILE [--yes]`: puts a backup in place of the SQLite database (the server must be
/// stopped); the database it replaces is kept beside it. The next start migrates the restored
/// database if it came from an earlier build.
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "A backup made by `congso backup`") var file: String
        @Flag(name: "yes", help: "Do not ask for confirmation") var yes: Bool
    }
    var help: String { "Restore the SQLite database from a backup FILE while the server is stopped (PostgreSQL: pg_restore, see docs/operations.md)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard DatabaseChoice.fromEnvironment().isSQLite else {
            context.console.error("PostgreSQL is restored with its own tools: pg_restore (or a base backup and WAL); see docs/operations.md.")
            throw ExitCode(2)
        }
        let dir = DataDirectory.fromEnvironment()
        let live = DataDirectory.sqliteFile(in: dir)
        let checked: SQLiteBackup.Summary
        do {
            // Refused before the question: a file that is no Congso database, or a server that
            // has the database open (the restore takes the lock again).
            checked = try await SQLiteBackup.check(signature.file)
            try DatabaseLock.exclusive(in: dir).release()
        } catch let p as SQLiteBackup.Problem {
            context.console.error(p.description)
            throw ExitCode(1)
        }
        if FileManager.default.fileExists(atPath: live) && !signature.yes
            && !context.console.confirm("Thay cơ sở dữ liệu \(live) bằng \(signature.file)? / Replace the database \(live) with \(signature.file)? (it is kept beside it)") {
            context.console.warning("Không khôi phục / nothing restored")
            throw ExitCode(1)
        }
        do {
            let (s, kept) = try await SQLiteBackup.restore(from: signature.file, into: dir, checked: checked)
            context.console.info("Đã khôi phục / restored: \(live) from \(signature.file) (\(s.bytes / 1024) KiB, \(s.migrations) migrations)")
            if let kept { context.console.info("The database it replaced is kept as \(kept)") }
            context.console.info("`congso migrate` or the next `congso serve` brings it up to this build.")
        } catch let p as SQLiteBackup.Problem {
            context.console.error(p.description)
            throw ExitCode(1)
        }
    }
}
