@testable import CongsoServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// `SQLBatch` sends a batch's rows as arrays on PostgreSQL and as single values on SQLite:
/// either way what is stored must be exactly what was given, in order, NULLs included, and a
/// list lookup must find exactly the rows named.
@Suite struct SQLBatchTests {
    /// Text a user may type, and some no one should: quotes, SQL, Vietnamese in both Unicode
    /// forms, braces and commas (an array literal's syntax), backslashes, emoji, the empty string.
    static let hostile = ["", "'", "\"", "a,b", "{x}", "{\"a\",NULL}", "NULL", "\\", "\\\\\"", "Nguyễn Văn Ánh", "Nguye\u{302}\u{303}n",
                          "'); DROP TABLE audit_entries; --", "😀 tab\there", "line\nbreak", String(repeating: "ư", count: 500)]

    @Test func rowsAndListsRoundTripAnyText() async throws {
        try await withApp { app in
            var rng = SystemRandomNumberGenerator()
            let lines: [AuditService.Line] = (0..<230).map { i in
                let pick = { Self.hostile.randomElement(using: &rng)! }
                return AuditService.Line(at: Date(timeIntervalSince1970: 1_700_000_000 + Double(i)), actorID: Bool.random(using: &rng) ? UUID() : nil,
                                         actorLabel: pick(), via: "api", action: "batch.test", entityType: pick(), entityID: "\(i)",
                                         orgPath: "/B/", prevOrgPath: "/B/", summary: pick() + " \(i)", before: pick(), after: pick())
            }
            // More than one statement's worth (200 a statement).
            try await AuditService.append(lines, on: app.db)
            let stored = try await AuditEntry.query(on: app.db).filter(\.$action == "batch.test").all()
            #expect(stored.count == lines.count)
            let byID = Dictionary(uniqueKeysWithValues: stored.map { ($0.id!, $0) })
            for l in lines {
                let s = try #require(byID[l.id])
                #expect(s.actorID == l.actorID && s.actorLabel == l.actorLabel && s.entityType == l.entityType && s.summary == l.summary
                        && s.before == l.before && s.after == l.after && s.at == l.at, "line \(l.entityID)")
            }
            // A list lookup finds exactly the rows it names, however many and in any text.
            let wanted = Array(lines.shuffled(using: &rng).prefix(150))
            let sql = try app.db.sql
            let found = try await sql.raw("SELECT id FROM audit_entries WHERE \(SQLBatch.isIn("id", wanted.map(\.id), on: app.db))").all()
                .map { try $0.decode(column: "id", as: UUID.self) }
            #expect(Set(found) == Set(wanted.map(\.id)))
            let summaries = try await sql.raw("SELECT summary FROM audit_entries WHERE \(SQLBatch.isIn("summary", wanted.map(\.summary), on: app.db))").all()
                .map { try $0.decode(column: "summary", as: String.self) }
            #expect(Set(summaries) == Set(wanted.map(\.summary)))
            let none = try await sql.raw("SELECT id FROM audit_entries WHERE \(SQLBatch.isIn("id", [UUID](), on: app.db))").all()
            #expect(none.isEmpty)
        }
    }
}
