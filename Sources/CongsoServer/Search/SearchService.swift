import CongsoCore
import Fluent
import SQLKit
import Vapor

/// One search over documents, meetings, tasks and staff, without accents (đ → d), ranked,
/// paged, and kept to what the searcher may read: each kind within the subtree the matching
/// right covers, plus the tasks and documents given to them personally; classified entries
/// only for the head and cleared staff, and then only by their metadata.
enum SearchService {
    struct Hit: Content {
        let kind: SearchKind
        let id: UUID
        let title: String
        let detail: String
        let level: Classification?
        let link: String
    }

    /// Folded words of a query, split at anything that is not a letter or digit, at most 8.
    static func terms(_ q: String) -> [String] {
        Array(VietnameseText.fold(q).split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }.map(String.init).prefix(8))
    }

    static func link(_ kind: SearchKind, _ id: UUID) -> String {
        switch kind {
        case .document: "/documents/\(id)"
        case .meeting: "/meetings/\(id)"
        case .task: "/tasks/\(id)"
        case .staff: "/staff/\(id)"
        }
    }

    static func permission(_ kind: SearchKind) -> Permission {
        kind == .document ? .readDocuments : .readStaff
    }

    static func search(_ q: String, kinds: [SearchKind], actor: Actor, page: PageRequest, on db: any Database) async throws -> Paged<Hit> {
        let words = terms(q)
        guard !words.isEmpty else { return Paged(items: [], total: 0, page: page) }
        let sql = try db.sql
        let pg = db.isPostgres
        let cleared = try await DocumentAccess.isCleared(actor, on: db)
        let prefix = actor.visiblePrefix + "%"
        // The scope: a kind the actor reads over a subtree, or a row given to them by name.
        var scope: [SQLQueryString] = []
        for kind in kinds where actor.has(permission(kind)) {
            scope.append("(e.kind = \(bind: kind.rawValue) AND e.org_path LIKE \(bind: prefix))")
        }
        if let me = actor.staffID {
            if kinds.contains(.task) {
                scope.append("(e.kind = 'task' AND e.id IN (SELECT id FROM tasks WHERE assignee_staff_id = \(bind: me)))")
            }
            if kinds.contains(.document) {
                scope.append("""
                    (e.kind = 'document' AND (e.id IN (SELECT document_id FROM document_routes WHERE staff_id = \(bind: me))
                     OR e.id IN (SELECT id FROM documents WHERE recipient_staff_id = \(bind: me) OR holder_staff_id = \(bind: me))))
                    """)
            }
            if kinds.contains(.meeting) {
                scope.append("(e.kind = 'meeting' AND e.id IN (SELECT meeting_id FROM meeting_invitees WHERE staff_id = \(bind: me)))")
            }
        }
        guard !scope.isEmpty else { return Paged(items: [], total: 0, page: page) }
        var whereClause: SQLQueryString = "(" + scope.joined(separator: " OR ") + ")"
        // Classified entries: heads see their subtree's, cleared staff those in their scope.
        if !(cleared || actor.role == .head) { whereClause = whereClause + " AND e.level IS NULL" }
        let match: SQLQueryString, rank: SQLQueryString, from: SQLQueryString
        if pg {
            let tsquery = words.map { $0 + ":*" }.joined(separator: " & ")
            match = "to_tsvector('simple', e.text) @@ to_tsquery('simple', \(bind: tsquery))"
            rank = "ts_rank(to_tsvector('simple', e.text), to_tsquery('simple', \(bind: tsquery))) DESC"
            from = "search_entries e"
        } else {
            let fts = words.map { "\"\($0)\"*" }.joined(separator: " ")
            match = "search_fts MATCH \(bind: fts)"
            rank = "bm25(search_fts)"
            from = "search_fts JOIN search_entries e ON e.fts_id = search_fts.rowid"
        }
        struct Count: Decodable { let n: Int }
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM \(from) WHERE \(match) AND \(whereClause)").first(decoding: Count.self)?.n ?? 0
        struct Row: Decodable { let id: UUID; let kind: String; let title: String; let detail: String; let level: String? }
        let rows = try await sql.raw("""
            SELECT e.id, e.kind, e.title, e.detail, e.level FROM \(from) WHERE \(match) AND \(whereClause)
            ORDER BY \(rank), e.title LIMIT \(bind: page.per) OFFSET \(bind: page.offset)
            """).all(decoding: Row.self)
        let hits = rows.compactMap { r -> Hit? in
            guard let kind = SearchKind(rawValue: r.kind) else { return nil }
            return Hit(kind: kind, id: r.id, title: r.title, detail: r.level == nil ? r.detail : "", level: r.level.flatMap(Classification.init),
                       link: link(kind, r.id))
        }
        return Paged(items: hits, total: total, page: page)
    }
}
