import CongsoCore
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import CongsoServer

/// The search index is kept in step row by row; rebuilding it from scratch must give the
/// same entries, whatever happened before (tasks, a meeting with a unit invited, documents
/// routed, people renamed and moved).
@Suite struct SearchIndexTests {
    struct Row: Decodable, Equatable { let id: UUID; let kind: String; let org_path: String; let title: String; let text: String }

    func entries(_ db: any Database) async throws -> [Row] {
        try await db.sql.raw("SELECT id, kind, org_path, title, text FROM search_entries ORDER BY id").all(decoding: Row.self)
    }

    @Test func theIndexKeptInStepEqualsARebuild() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let head = try await app.token("head.hk@t.vn"), lead = try await app.token("lead.hk@t.vn")
            let day = LocalDate.of(Date()).adding(days: 3).value
            _ = try await app.send(.POST, "/api/v1/tasks", headers: app.bearer(head),
                                   json: TaskService.Input(title: "Rà soát Giấy đi đường", deadline: day, unit: "HK-NV"))
            let meeting = MeetingService.Input(org: "HK-NV", title: "Giao ban Đống Đa", date: day, start: "08:00", end: "09:00",
                                               chairStaffId: f.hkPerson.id, inviteeOrgs: ["HK-NV"])
            #expect(try await app.send(.POST, "/api/v1/meetings", headers: app.bearer(lead), json: meeting).status == .created)
            f.hkPerson2.fullName = "Đỗ Thị Đào"
            try await f.hkPerson2.save(on: app.db)
            let before = try await entries(app.db)
            // Three staff, the task and the meeting.
            #expect(before.count == 5)
            // The meeting carries its invitees, so they find it by name.
            let m = try #require(before.first { $0.kind == "meeting" })
            #expect(m.text.contains(SearchIndex.personToken(f.hkPerson2.id!)) && m.text.contains("giao ban dong da"))
            try await app.db.sql.raw("DELETE FROM search_entries").run()
            if !app.db.isPostgres { try await app.db.sql.raw("DELETE FROM search_fts").run() }
            try await SearchIndex.rebuild(on: app.db)
            #expect(try await entries(app.db) == before)
            // And the full-text side agrees on SQLite: one FTS row per entry.
            if !app.db.isPostgres {
                struct N: Decodable { let n: Int }
                let fts = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM search_fts").first(decoding: N.self)?.n
                #expect(fts == before.count)
            }
        }
    }
}
