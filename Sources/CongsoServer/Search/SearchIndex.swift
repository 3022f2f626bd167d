import CongsoCore
import Fluent
import SQLKit
import Vapor

/// Writes search entries. Every write goes through `put`/`remove` on the caller's database
/// (inside its transaction when there is one), so an entry never outlives or misses its row.
enum SearchIndex {
    struct Entry: Sendable {
        let id: UUID
        let kind: SearchKind
        let orgPath: String
        let level: Classification?
        let title: String
        let detail: String
        let text: String
    }

    /// The FTS5 row of an id: its first 8 bytes, positive.
    static func ftsID(_ id: UUID) -> Int64 {
        let u = id.uuid
        let bytes = [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7]
        return Int64(bitPattern: bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }) & Int64.max
    }

    static func put(_ e: Entry, on db: any Database) async throws {
        let sql = try db.sql
        let text = VietnameseText.fold(e.text), fts = ftsID(e.id)
        let title = String(e.title.prefix(300)), detail = String(e.detail.prefix(500))
        try await sql.raw("""
            INSERT INTO search_entries (id, kind, org_path, level, title, detail, text, fts_id, updated_at)
            VALUES (\(bind: e.id), \(bind: e.kind.rawValue), \(bind: e.orgPath), \(bind: e.level?.rawValue), \(bind: title), \(bind: detail),
                    \(bind: text), \(bind: fts), \(bind: Date()))
            ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, org_path = excluded.org_path, level = excluded.level,
                title = excluded.title, detail = excluded.detail, text = excluded.text, updated_at = excluded.updated_at
            """).run()
        if !db.isPostgres {
            try await sql.raw("DELETE FROM search_fts WHERE rowid = \(bind: fts)").run()
            try await sql.raw("INSERT INTO search_fts (rowid, text) VALUES (\(bind: fts), \(bind: text))").run()
        }
    }

    static func remove(_ id: UUID, on db: any Database) async throws {
        let sql = try db.sql
        try await sql.raw("DELETE FROM search_entries WHERE id = \(bind: id)").run()
        if !db.isPostgres { try await sql.raw("DELETE FROM search_fts WHERE rowid = \(bind: ftsID(id))").run() }
    }

    // MARK: - What each kind indexes

    static func entry(_ d: OfficialDocument) -> Entry {
        // A classified entry is found by its metadata only: number, issuer, where it is kept.
        let text = d.register == .classified
            ? [d.numberSymbol, d.issuer].joined(separator: " ")
            : [d.numberSymbol, d.issuer, d.summary, d.type?.abbreviation ?? "", d.signer ?? "", d.recipients ?? ""].joined(separator: " ")
        return Entry(id: d.id!, kind: .document, orgPath: d.orgPath, level: d.classification,
                     title: "\(d.numberSymbol) · \(d.issuer)", detail: d.summary, text: text)
    }

    static func entry(_ m: Meeting) -> Entry {
        Entry(id: m.id!, kind: .meeting, orgPath: m.orgPath, level: nil, title: m.title,
              detail: "\(LocalDate.of(m.startsAt).vietnamese) \(DisplayDate.time(m.startsAt))", text: m.title)
    }

    static func entry(_ t: WorkTask) -> Entry {
        Entry(id: t.id!, kind: .task, orgPath: t.orgPath, level: nil, title: t.title, detail: String(t.details.prefix(200)),
              text: t.title + " " + t.details)
    }

    static func entry(_ s: StaffMember, orgPath: String) -> Entry {
        Entry(id: s.id!, kind: .staff, orgPath: orgPath, level: nil, title: s.fullName, detail: s.position,
              text: [s.fullName, s.position, s.email, s.phone].joined(separator: " "))
    }

    static func orgPath(of staff: StaffMember, on db: any Database) async throws -> String {
        try await Organization.find(staff.$org.id, on: db)?.path ?? "/"
    }

    /// Indexes every existing row (the migration, and `congso search-reindex`).
    static func rebuild(on db: any Database) async throws {
        var paths: [UUID: String] = [:]
        for o in try await Organization.query(on: db).all() { paths[o.id!] = o.path }
        for s in try await StaffMember.query(on: db).all() { try await put(entry(s, orgPath: paths[s.$org.id] ?? "/"), on: db) }
        for t in try await WorkTask.query(on: db).all() { try await put(entry(t), on: db) }
        for m in try await Meeting.query(on: db).all() { try await put(entry(m), on: db) }
        for d in try await OfficialDocument.query(on: db).all() { try await put(entry(d), on: db) }
    }

    /// Installs the middleware that keeps entries in step with their rows.
    static func keepInStep(_ app: Application) {
        app.databases.middleware.use(SearchIndexMiddleware<StaffMember> { s, db in SearchIndex.entry(s, orgPath: try await SearchIndex.orgPath(of: s, on: db)) })
        app.databases.middleware.use(SearchIndexMiddleware<WorkTask> { t, _ in SearchIndex.entry(t) })
        app.databases.middleware.use(SearchIndexMiddleware<Meeting> { m, _ in SearchIndex.entry(m) })
        app.databases.middleware.use(SearchIndexMiddleware<OfficialDocument> { d, _ in SearchIndex.entry(d) })
    }

    /// An org moved: the entries below it move with it (one statement, like the org paths).
    static func movePaths(from old: String, to new: String, on db: any Database) async throws {
        try await db.sql.raw("""
            UPDATE search_entries SET org_path = CAST(\(bind: new) AS TEXT) || substr(org_path, CAST(\(bind: old.count + 1) AS INTEGER))
            WHERE org_path LIKE \(bind: old + "%")
            """).run()
    }
}

/// Keeps the search entries of staff, tasks, meetings and documents in step with every
/// create, update and delete made through Fluent (single rows and batches alike).
struct SearchIndexMiddleware<M: Model>: AsyncModelMiddleware {
    let entry: @Sendable (M, any Database) async throws -> SearchIndex.Entry

    func create(model: M, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.create(model, on: db)
        try await SearchIndex.put(entry(model, db), on: db)
    }

    func update(model: M, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.update(model, on: db)
        try await SearchIndex.put(entry(model, db), on: db)
    }

    func delete(model: M, force: Bool, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.delete(model, force: force, on: db)
        if let id = model.id as? UUID { try await SearchIndex.remove(id, on: db) }
    }
}
