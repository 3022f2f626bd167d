import CongsoCore
import Fluent
import SQLKit
import Vapor

/// One searchable thing (a document, meeting, task or person): where it lives in the tree
/// for scoping, what to show, and its text folded by `VietnameseText.fold` (đ → d) so that
/// both databases match the same words. Kept in step by `SearchIndexMiddleware`.
final class SearchEntry: Model, @unchecked Sendable {
    static let schema = "search_entries"

    /// The indexed thing's own id.
    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: SearchKind
    @Field(key: "org_path") var orgPath: String
    /// A classified document's level; nil for everything else.
    @OptionalField(key: "level") var level: Classification?
    @Field(key: "title") var title: String
    @Field(key: "detail") var detail: String
    @Field(key: "text") var text: String
    /// The row of the SQLite FTS5 table holding `text` (derived from the id, so it never moves).
    @Field(key: "fts_id") var ftsID: Int64
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

enum SearchKind: String, Codable, Sendable, CaseIterable { case document, meeting, task, staff }

/// SQLite: an FTS5 table over the folded text (its own `remove_diacritics` keeps đ, hence the
/// folding by the application). PostgreSQL: a stored `to_tsvector('simple', text)` of the same
/// folded text under a GIN index, queried with prefix terms. Existing rows are indexed here.
struct CreateSearchIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SearchEntry.schema)
            .id()
            .field("kind", .string, .required)
            .field("org_path", .string, .required)
            .field("level", .string)
            .field("title", .string, .required)
            .field("detail", .string, .required)
            .field("text", .string, .required)
            .field("fts_id", .int64, .required)
            .field("updated_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: SearchEntry.schema, columns: ["fts_id"], unique: true)
        try await SQLIndex.create(on: database, table: SearchEntry.schema, columns: ["org_path"])
        let sql = try database.sql
        if database.isPostgres {
            // Stored, so neither the index recheck nor the ranking parses the text again.
            try await sql.raw("ALTER TABLE search_entries ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED").run()
            try await sql.raw("CREATE INDEX IF NOT EXISTS idx_search_entries_tsv ON search_entries USING GIN (tsv)").run()
        } else {
            try await sql.raw("CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(text, tokenize = 'unicode61', prefix = '1 2 3')").run()
        }
        try await SearchIndex.rebuild(on: database)
    }

    func revert(on database: any Database) async throws {
        if !database.isPostgres { try await database.sql.raw("DROP TABLE IF EXISTS search_fts").run() }
        try await database.schema(SearchEntry.schema).delete()
    }
}
