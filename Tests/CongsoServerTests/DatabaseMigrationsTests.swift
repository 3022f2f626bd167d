import Crypto
@testable import CongsoServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// Shipped migrations are never edited: a database made by an older build has recorded
/// them as done and would never see the change. Each migration is run in turn on an empty
/// SQLite database and what it did to the schema is fingerprinted; the fingerprints are
/// checked in (Support/migrations.lock), so editing, reordering or dropping an old
/// migration fails here. A new migration is appended to the lock file.
@Suite struct MigrationTests {
    static let lockFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Support/migrations.lock")

    /// The schema as SQLite describes it: one line per table and index.
    func schema(_ sql: any SQLDatabase) async throws -> [String: String] {
        var out: [String: String] = [:]
        for row in try await sql.raw("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").all() {
            let name = try row.decode(column: "type", as: String.self) + " " + (try row.decode(column: "name", as: String.self))
            out[name] = (try? row.decode(column: "sql", as: String.self)) ?? ""
        }
        return out
    }

    /// Each migration's name with the hash of what it added or changed in the schema.
    func fingerprints() async throws -> [(String, String)] {
        let app = try await Application.make(.testing)
        do {
            try await configure(app, options: CongsoOptions(database: .sqliteMemory, bcryptCost: 4, autoMigrate: false))
            guard let sql = app.db as? any SQLDatabase else { throw WriteTransaction.notSQL }
            var before = try await schema(sql)
            var out: [(String, String)] = []
            for migration in Migrations.ordered {
                try await migration.prepare(on: app.db).get()
                let after = try await schema(sql)
                let delta = after.keys.sorted().filter { before[$0] != after[$0] }.map { "\($0)\n\(after[$0]!)" }
                    + before.keys.sorted().filter { after[$0] == nil }.map { "dropped \($0)" }
                let digest = SHA256.hash(data: Data(delta.joined(separator: "\n").utf8)).map { String(format: "%02x", $0) }.joined()
                out.append((migration.name, digest))
                before = after
            }
            try await app.asyncShutdown()
            return out
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    @Test func shippedMigrationsAreNeverEdited() async throws {
        let current = try await fingerprints()
        let text = try String(contentsOf: Self.lockFile, encoding: .utf8)
        let locked = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { line -> (String, String) in
            let parts = line.split(separator: " ")
            return (String(parts[0]), String(parts.last!))
        }
        #expect(locked.count >= 19, "the lock file lists every shipped migration")
        for (i, (name, digest)) in locked.enumerated() {
            guard i < current.count else {
                Issue.record("\(name) was shipped but is no longer registered")
                continue
            }
            #expect(current[i].0 == name, "migration #\(i + 1) was \(name), now \(current[i].0): never reorder or remove one")
            #expect(current[i].1 == digest, "\(name) changes the schema differently than when it shipped: add a new migration instead")
        }
        for (name, digest) in current.dropFirst(locked.count) {
            Issue.record("new migration \(name): append this line to Support/migrations.lock\n\(name) \(digest)")
        }
    }

    /// A database made before the overdue-reminder column existed, and one made after it
    /// was (wrongly) added inside CreateTasks, both end with the column, once.
    @Test func theOverdueReminderColumnReachesEveryEarlierDatabase() async throws {
        try await withApp { app in
            try await app.db.withConnection { db in
                #expect(try await SQLSchema.hasColumn("overdue_notified_on", in: WorkTask.schema, on: db))
                // Already there (as CreateTasks made it between the two builds): nothing to do.
                try await AddTaskOverdueReminderDay().prepare(on: db)
                try await AddTaskOverdueReminderDay().revert(on: db)
                #expect(try await !SQLSchema.hasColumn("overdue_notified_on", in: WorkTask.schema, on: db))
                // Missing (a database from before): added.
                try await AddTaskOverdueReminderDay().prepare(on: db)
                #expect(try await SQLSchema.hasColumn("overdue_notified_on", in: WorkTask.schema, on: db))
            }
        }
    }

    /// Task history written by earlier builds ("inProgress→done|100", "40") is converted
    /// into the move and percent columns, and the page reads only those.
    @Test func oldTaskHistoryIsConvertedIntoFields() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let head = try await app.token("head.hk@t.vn")
            let made = try await app.send(.POST, "/api/v1/tasks", headers: app.bearer(head),
                                          json: ["title": "Báo cáo", "deadline": futureDay.value, "assigneeStaffId": f.hkPerson.id!.uuidString])
            let taskID = try made.content.decode(TaskDTO.self).id
            // One connection for the schema changes: the in-memory database has one per event
            // loop, and another connection's schema cache could miss a column just dropped.
            try await app.db.withConnection { db in
                try await AddTaskEventFields().revert(on: db)
                let sql = try db.sql
                for (kind, detail) in [("status", "inProgress→done|100"), ("progress", "40"), ("status", "garbage"), ("dispatched", "An")] {
                    try await sql.raw("""
                        INSERT INTO task_events (id, task_id, kind, actor_label, actor_name, text, detail, created_at)
                        VALUES (\(bind: UUID()), \(bind: taskID), \(bind: kind), 'x', 'x', '', \(bind: detail), \(bind: Date()))
                        """).run()
                }
                try await AddTaskEventFields().prepare(on: db)
            }
            let events = try await TaskEvent.query(on: app.db).filter(\.$taskID == taskID).all()
            #expect(events.contains { $0.kind == .status && $0.fromStatus == .inProgress && $0.toStatus == .done && $0.percent == 100 && $0.detail.isEmpty })
            #expect(events.contains { $0.kind == .progress && $0.percent == 40 && $0.detail.isEmpty })
            #expect(events.contains { $0.kind == .status && $0.fromStatus == nil && $0.percent == nil })
            #expect(events.contains { $0.kind == .dispatched && $0.detail == "An" })
        }
    }
}
