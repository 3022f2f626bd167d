import CongsoCore
import Fluent
import SQLKit
import Vapor

/// Appends to the audit log. Callers pass the transaction's database so the entry
/// commits or rolls back together with the change it describes.
enum AuditService {
    static func record(
        on db: any Database, actor: Actor, action: String, entityType: String, entityID: UUID?,
        orgPath: String, prevOrgPath: String? = nil, summary: String,
        before: [String: String]? = nil, after: [String: String]? = nil
    ) async throws {
        try await append(entry(actor: actor, action: action, entityType: entityType, entityID: entityID, orgPath: orgPath,
                               prevOrgPath: prevOrgPath, summary: summary, before: before, after: after), on: db)
    }

    /// A line about to be appended: a plain value, not the `AuditEntry` model, because every
    /// write appends one, on the hot paths too (07:00 reports), where building a Fluent
    /// model cost more than the statement itself.
    struct Line: Sendable {
        let id = UUID()
        let at: Date
        let actorID: UUID?
        let actorLabel: String
        let via: String
        let action: String
        let entityType: String
        let entityID: String
        let orgPath: String
        let prevOrgPath: String
        let summary: String
        let before: String
        let after: String
    }

    static func append(_ line: Line, on db: any Database) async throws {
        try await append([line], on: db)
    }

    /// Many lines in one statement per 200 (a batch of reports, an import): 13 values a
    /// line stays far below either database's limit on bound values.
    static func append(_ lines: [Line], on db: any Database) async throws {
        let sql = try db.sql
        for part in lines.chunked(by: 200) {
            let rows = SQLBatch.rows([
                .init(part.map(\.id), as: "uuid"), .init(part.map(\.at), as: "timestamptz"), .init(part.map(\.actorID)),
                .init(part.map(\.actorLabel), as: "text"), .init(part.map(\.via), as: "text"), .init(part.map(\.action), as: "text"),
                .init(part.map(\.entityType), as: "text"), .init(part.map(\.entityID), as: "text"), .init(part.map(\.orgPath), as: "text"),
                .init(part.map(\.prevOrgPath), as: "text"), .init(part.map(\.summary), as: "text"), .init(part.map(\.before), as: "text"),
                .init(part.map(\.after), as: "text"),
            ], on: db)
            try await sql.raw("""
                INSERT INTO audit_entries (id, at, actor_id, actor_label, via, action, entity_type, entity_id, org_path, prev_org_path, summary, before, after)
                \(rows)
                """).run()
        }
    }

    static func entry(
        actor: Actor, action: String, entityType: String, entityID: UUID?, orgPath: String,
        prevOrgPath: String? = nil, summary: String, before: [String: String]? = nil, after: [String: String]? = nil,
        at: Date = Date()
    ) -> Line {
        Line(at: at, actorID: actor.userID, actorLabel: actor.label, via: actor.via, action: action,
             entityType: entityType, entityID: entityID?.uuidString ?? "", orgPath: orgPath,
             prevOrgPath: prevOrgPath ?? orgPath, summary: summary, before: json(before), after: json(after))
    }

    static func json(_ snapshot: [String: String]?) -> String {
        guard let snapshot else { return "" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(snapshot)).flatMap { String(data: $0, encoding: .utf8) } ?? ""
    }

    struct Filter {
        var entityID: String?
        var action: String?
        var org: Organization?
    }

    /// Entries the actor may read, newest first.
    static func list(on db: any Database, actor: Actor, filter: Filter, page: PageRequest) async throws -> Paged<AuditEntry> {
        try actor.require(.readAudit)
        var prefix = actor.visiblePrefix
        if let org = filter.org {
            try actor.require(.readAudit, on: org.orgPath)
            prefix = org.path
        }
        let query = AuditEntry.query(on: db).group(.or) {
            $0.filter(\.$orgPath =~ prefix).filter(\.$prevOrgPath =~ prefix)
        }
        if let e = filter.entityID, !e.isEmpty { query.filter(\.$entityID == (UUID(uuidString: e)?.uuidString ?? "-")) }
        if let a = filter.action, !a.isEmpty { query.filter(\.$action == String(a.filter { $0.isASCII && ($0.isLetter || $0 == "." || $0 == "_") }.prefix(60))) }
        let total = try await query.count()
        let items = try await query.sort(\.$at, .descending).sort(\.$id)
            .range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }
}
