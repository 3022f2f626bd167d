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

    /// Ranking is exact up to this many matches; past it, the best of the first this many are
    /// shown, and pages past them are empty (a query that matches a whole register is refined by adding a word, not ranked).
    static let rankedMatches = 1_000

    /// The scope as full-text terms (SearchIndex's tokens): my subtree for the kinds I read
    /// there, or rows given to me by name, or documents routed to my unit; classified entries
    /// only for the head and cleared staff.
    struct Scope {
        var any: [[String]] = []
        var excludeClassified = false
    }

    static func scope(_ kinds: [SearchKind], actor: Actor, cleared: Bool) -> Scope? {
        var s = Scope()
        let readable = kinds.filter { actor.has(permission($0)) }
        if !readable.isEmpty {
            var clause = [readable.map(SearchIndex.kindToken).joined(separator: "|")]
            if let last = actor.scope?.value.split(separator: "/").last { clause.insert(SearchIndex.orgToken(String(last)), at: 0) }
            s.any.append(clause)
        }
        let personal = kinds.filter { $0 != .staff }
        if let me = actor.staffID, !personal.isEmpty {
            s.any.append([SearchIndex.personToken(me), personal.map(SearchIndex.kindToken).joined(separator: "|")])
        }
        if let unit = actor.orgID, actor.has(.readDocuments), kinds.contains(.document) {
            s.any.append([SearchIndex.unitToken(unit), SearchIndex.kindToken(.document)])
        }
        guard !s.any.isEmpty else { return nil }
        s.excludeClassified = !(cleared || actor.role == .head)
        return s
    }

    /// FTS5: `("giay"* AND "di"*) AND ((zzo… AND (zzkdocument OR zzktask)) OR (zzp… AND …)) NOT zzclassified`.
    static func fts5(_ words: [String], _ s: Scope) -> String {
        let w = words.map { "\"\($0)\"*" }.joined(separator: " AND ")
        let scope = s.any.map { clause in "(" + clause.map { "(" + $0.replacingOccurrences(of: "|", with: " OR ") + ")" }.joined(separator: " AND ") + ")" }
            .joined(separator: " OR ")
        return "(\(w)) AND (\(scope))" + (s.excludeClassified ? " NOT \(SearchIndex.classifiedToken)" : "")
    }

    /// PostgreSQL: the same as a tsquery.
    static func tsquery(_ words: [String], _ s: Scope) -> String {
        let w = words.map { $0 + ":*" }.joined(separator: " & ")
        let scope = s.any.map { clause in "(" + clause.map { "(" + $0 + ")" }.joined(separator: " & ") + ")" }.joined(separator: " | ")
        return "(\(w)) & (\(scope))" + (s.excludeClassified ? " & !\(SearchIndex.classifiedToken)" : "")
    }

    static func search(_ q: String, kinds: [SearchKind], actor: Actor, page pageRequest: PageRequest, on db: any Database) async throws -> Paged<Hit> {
        let words = terms(q)
        guard !words.isEmpty else { return Paged(items: [], total: 0, page: pageRequest) }
        let cleared = try await DocumentAccess.isCleared(actor, on: db)
        guard let scope = scope(kinds, actor: actor, cleared: cleared) else { return Paged(items: [], total: 0, page: pageRequest) }
        let sql = try db.sql
        struct Count: Decodable { let n: Int }
        struct Row: Decodable { let id: UUID; let kind: String; let title: String; let detail: String; let level: String? }
        // The count and the page are read at once, on two connections of the pool.
        let total: Int, rows: [Row]
        if db.isPostgres {
            let query = tsquery(words, scope)
            async let counted = sql.raw("SELECT COUNT(*) AS n FROM search_entries WHERE tsv @@ to_tsquery('simple', \(bind: query))")
                .first(decoding: Count.self)?.n ?? 0
            async let page = sql.raw("""
                SELECT id, kind, title, detail, level FROM (
                    SELECT id, kind, title, detail, level, ts_rank(tsv, to_tsquery('simple', \(bind: query))) AS score FROM search_entries
                    WHERE tsv @@ to_tsquery('simple', \(bind: query)) LIMIT \(bind: rankedMatches)) m
                ORDER BY score DESC, title LIMIT \(bind: pageRequest.per) OFFSET \(bind: pageRequest.offset)
                """).all(decoding: Row.self)
            (total, rows) = try await (counted, page)
        } else {
            let match = fts5(words, scope)
            async let counted = sql.raw("SELECT COUNT(*) AS n FROM search_fts WHERE search_fts MATCH \(bind: match)").first(decoding: Count.self)?.n ?? 0
            async let page = sql.raw("""
                SELECT e.id, e.kind, e.title, e.detail, e.level FROM (
                    SELECT r, score FROM (SELECT rowid AS r, bm25(search_fts) AS score FROM search_fts WHERE search_fts MATCH \(bind: match)
                                          LIMIT \(bind: rankedMatches))
                    ORDER BY score LIMIT \(bind: pageRequest.per) OFFSET \(bind: pageRequest.offset)) m
                JOIN search_entries e ON e.fts_id = m.r ORDER BY m.score, e.title
                """).all(decoding: Row.self)
            (total, rows) = try await (counted, page)
        }
        let hits = rows.compactMap { r -> Hit? in
            guard let kind = SearchKind(rawValue: r.kind) else { return nil }
            return Hit(kind: kind, id: r.id, title: r.title, detail: r.level == nil ? r.detail : "", level: r.level.flatMap(Classification.init),
                       link: link(kind, r.id))
        }
        return Paged(items: hits, total: total, page: pageRequest)
    }
}
