import CongsoCore
import Fluent
import Foundation
import SQLiteNIO
import SQLKit
import Testing
import Vapor
@testable import CongsoServer

/// `congso backup` and `restore` on SQLite: a backup taken while reports are being written
/// is a consistent database (the kept counts agree with the rows, every reference holds), a
/// restore puts it in place and keeps what it replaced, and nothing swaps the file under a
/// process that has it open.
@Suite(.enabled(if: (Environment.get("DATABASE_URL") ?? "").isEmpty, "PostgreSQL is backed up with pg_dump"))
struct BackupTests {
    @Test func aBackupUnderWritesRestoresConsistent() async throws {
        try await withApp(sqliteFile: true) { app in
            let f = try await Fixture.make(app)
            let people = try await f.crowd(app, in: f.hkUnit, count: 30, prefix: "bk")
            let dir = NSTemporaryDirectory() + "congso-backup-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let file = dir + "/backup.sqlite"
            let day = LocalDate.of(Date())
            // Reports go in one by one while the backup is taken.
            let writer = Task {
                var n = 0
                for p in people {
                    for slot in ["07:00", "11:00", "17:00"] {
                        let r = DailyReport()
                        r.id = UUID(); r.staffID = p.id!; r.orgID = f.hkUnit.id!; r.orgPath = f.hkUnit.path; r.date = day.value; r.slot = slot
                        r.done = "x"; r.next = ""; r.blockers = ""; r.location = .remote; r.submittedAt = Date(); r.onTime = n % 3 != 0
                        try await r.create(on: app.db)
                        n += 1
                    }
                }
                return n
            }
            try await Task.sleep(for: .milliseconds(50))
            let summary = try await SQLiteBackup.backup(app.db, to: file, replace: false)
            let written = try await writer.value
            #expect(summary.migrations == Migrations.ordered.count && summary.bytes > 0)
            await #expect(throws: SQLiteBackup.Problem.self) { try await SQLiteBackup.backup(app.db, to: file, replace: false) }

            // Restored into a data directory of its own, the backup is whole and consistent.
            let target = dir + "/data"
            let (_, none) = try await SQLiteBackup.restore(from: file, into: target)
            #expect(none == nil)
            let copy = try await SQLiteConnection.open(storage: .file(path: DataDirectory.sqliteFile(in: target)))
            func count(_ q: String) async throws -> Int { try await copy.query(q).first?.column("n")?.integer ?? -1 }
            let reports = try await count("SELECT count(*) AS n FROM daily_reports")
            let kept = try await count("SELECT COALESCE(SUM(received), 0) AS n FROM report_counts")
            let staff = try await count("SELECT count(*) AS n FROM staff")
            let keptStaff = try await count("SELECT COALESCE(SUM(n), 0) AS n FROM staff_counts")
            try await copy.close()
            #expect(reports == kept && staff == keptStaff)
            #expect(reports <= written && staff >= 30)

            // A second restore keeps the database it replaces; a process holding the database
            // open blocks a restore.
            let (_, replaced) = try await SQLiteBackup.restore(from: file, into: target, now: Date(timeIntervalSince1970: 1_700_000_000))
            #expect(replaced.map { FileManager.default.fileExists(atPath: $0) } == true)
            let busy = dir + "/busy"
            try DatabaseLock.shared(in: busy)
            await #expect(throws: SQLiteBackup.Problem.self) { try await SQLiteBackup.restore(from: file, into: busy) }
            #expect(!FileManager.default.fileExists(atPath: DataDirectory.sqliteFile(in: busy)))
            // Anything but a Congso database is refused before the database is touched.
            try Data("not a database".utf8).write(to: URL(fileURLWithPath: dir + "/junk.sqlite"))
            await #expect(throws: SQLiteBackup.Problem.self) { try await SQLiteBackup.restore(from: dir + "/junk.sqlite", into: target) }
        }
    }
}
