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
        /// Who the row is given to by name (staff) or by unit (documents routed to a unit).
        var people: [UUID] = []
        var units: [UUID] = []
    }

    /// The FTS5 row of an id: its first 8 bytes, positive.
    static func ftsID(_ id: UUID) -> Int64 {
        let u = id.uuid
        let bytes = [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7]
        return Int64(bitPattern: bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }) & Int64.max
    }

    // MARK: - Scope tokens
    // The scope is indexed with the words, so the database answers "these words, in this
    // subtree, of these kinds, or given to me" from the full-text index alone, never by
    // reading every matching row (100,000 documents in one register match "ubnd").

    static func hex(_ id: UUID) -> String { String(id.uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)) }
    /// Every org on the path, so a subtree is one token: "zzo" + the org's id.
    static func orgToken(_ id: String) -> String { "zzo" + String(id.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)) }
    static func kindToken(_ k: SearchKind) -> String { "zzk" + k.rawValue }
    static func personToken(_ id: UUID) -> String { "zzp" + hex(id) }
    static func unitToken(_ id: UUID) -> String { "zzu" + hex(id) }
    static let classifiedToken = "zzclassified"

    static func tokens(_ e: Entry) -> [String] {
        OrgPath(e.orgPath).value.split(separator: "/").map { orgToken(String($0)) } + [kindToken(e.kind)]
            + (e.level == nil ? [] : [classifiedToken]) + Set(e.people).map(personToken).sorted() + Set(e.units).map(unitToken).sorted()
    }

    static func put(_ e: Entry, on db: any Database) async throws {
        let sql = try db.sql
        let text = VietnameseText.fold(e.text) + " " + tokens(e).joined(separator: " "), fts = ftsID(e.id)
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

    static func entry(_ d: OfficialDocument, on db: any Database) async throws -> Entry {
        // A classified entry is found by its metadata only: number and issuer.
        let text = d.register == .classified
            ? [d.numberSymbol, d.issuer].joined(separator: " ")
            : [d.numberSymbol, d.issuer, d.summary, d.type?.abbreviation ?? "", d.signer ?? "", d.recipients ?? ""].joined(separator: " ")
        var e = Entry(id: d.id!, kind: .document, orgPath: d.orgPath, level: d.classification,
                      title: "\(d.numberSymbol) · \(d.issuer)", detail: d.summary, text: text)
        e.people = [d.recipientStaffID, d.holderStaffID].compactMap { $0 }
        e.units = d.recipientOrgID.map { [$0] } ?? []
        let routes = try await DocumentRoute.query(on: db).filter(\.$documentID == d.id!).all()
        e.people += routes.compactMap(\.staffID)
        e.units += routes.compactMap(\.orgID)
        return e
    }

    static func entry(_ m: Meeting, on db: any Database) async throws -> Entry {
        var e = Entry(id: m.id!, kind: .meeting, orgPath: m.orgPath, level: nil, title: m.title,
                      detail: "\(LocalDate.of(m.startsAt).vietnamese) \(DisplayDate.time(m.startsAt))", text: m.title)
        let invitees = try await MeetingInvitee.query(on: db).filter(\.$meetingID == m.id!).all()
        e.people = [m.chairStaffID] + invitees.map(\.staffID) + invitees.compactMap(\.delegateStaffID)
        return e
    }

    static func entry(_ t: WorkTask) -> Entry {
        var e = Entry(id: t.id!, kind: .task, orgPath: t.orgPath, level: nil, title: t.title, detail: String(t.details.prefix(200)),
                      text: t.title + " " + t.details)
        e.people = t.assigneeStaffID.map { [$0] } ?? []
        return e
    }

    static func entry(_ s: StaffMember, orgPath: String) -> Entry {
        Entry(id: s.id!, kind: .staff, orgPath: orgPath, level: nil, title: s.fullName, detail: s.position,
              text: [s.fullName, s.position, s.email, s.phone].joined(separator: " "))
    }

    static func orgPath(of staff: StaffMember, on db: any Database) async throws -> String {
        try await Organization.find(staff.$org.id, on: db)?.path ?? "/"
    }

    /// Indexes every existing row (the migration, and `congso search-reindex`), a thousand
    /// at a time so a city's million tasks never sit in memory at once.
    static func rebuild(on db: any Database) async throws {
        var paths: [UUID: String] = [:]
        for o in try await Organization.query(on: db).all() { paths[o.id!] = o.path }
        func each<M: Model>(_ type: M.Type, _ body: (M) async throws -> Void) async throws where M.IDValue == UUID {
            var offset = 0
            while true {
                let batch = try await M.query(on: db).sort(\._$id).range(offset..<(offset + 1_000)).all()
                for m in batch { try await body(m) }
                if batch.count < 1_000 { return }
                offset += batch.count
            }
        }
        try await each(StaffMember.self) { try await put(entry($0, orgPath: paths[$0.$org.id] ?? "/"), on: db) }
        try await each(WorkTask.self) { try await put(entry($0), on: db) }
        try await each(Meeting.self) { try await put(entry($0, on: db), on: db) }
        try await each(OfficialDocument.self) { try await put(entry($0, on: db), on: db) }
    }

    /// Installs the middleware that keeps entries in step with their rows.
    static func keepInStep(_ app: Application) {
        app.databases.middleware.use(SearchIndexMiddleware<StaffMember> { s, db in
            try await put(entry(s, orgPath: try await orgPath(of: s, on: db)), on: db)
        })
        app.databases.middleware.use(SearchIndexMiddleware<WorkTask> { t, db in try await put(entry(t), on: db) })
        app.databases.middleware.use(SearchIndexMiddleware<Meeting> { m, db in try await put(entry(m, on: db), on: db) })
        app.databases.middleware.use(SearchIndexMiddleware<OfficialDocument> { d, db in try await put(entry(d, on: db), on: db) })
        app.databases.middleware.use(SearchIndexMiddleware<DocumentRoute>(reindex: { r, db in
            if let d = try await OfficialDocument.find(r.documentID, on: db) { try await put(entry(d, on: db), on: db) }
        }, removes: false))
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
/// create, update and delete made through Fluent (single rows and batches alike); a new
/// routing line re-indexes its document, whose scope it widens. Invitees are written by the
/// hundred, so MeetingService re-indexes its meeting once after them instead.
struct SearchIndexMiddleware<M: Model>: AsyncModelMiddleware {
    /// Writes the entry this row changes (its own, or its parent's).
    let reindex: @Sendable (M, any Database) async throws -> Void
    /// The entry to drop when the row goes (nil: a child row, the parent stays).
    var removes: Bool = true

    func create(model: M, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.create(model, on: db)
        try await reindex(model, db)
    }

    func update(model: M, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.update(model, on: db)
        try await reindex(model, db)
    }

    func delete(model: M, force: Bool, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.delete(model, force: force, on: db)
        if removes, let id = model.id as? UUID { try await SearchIndex.remove(id, on: db) } else if !removes { try await reindex(model, db) }
    }
}
