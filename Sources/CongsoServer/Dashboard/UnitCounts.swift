import Fluent
import SQLKit

/// What the dashboard needs of each unit, kept by the database like `report_counts`: staff per
/// unit and status (`staff_counts`), and per unit, day and shift the approved on-site requests
/// and the check-ins (`onsite_counts`). Triggers on the source tables keep them in the writer's
/// transaction, whoever writes; the city's view then reads a few thousand counts instead of
/// joining 100,000 staff and a day's register.
struct AddUnitCounts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sql
        let pg = database.isPostgres
        // The unit's id keeps the type of `staff.org_id` (uuid on PostgreSQL, a blob on SQLite)
        // so that it joins `organizations.id` as it is.
        try await sql.raw("""
            CREATE TABLE staff_counts (org_id \(unsafeRaw: pg ? "UUID" : "BLOB") NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL,
                PRIMARY KEY (org_id, status))
            """).run()
        try await sql.raw("INSERT INTO staff_counts (org_id, status, n) SELECT org_id, status, COUNT(*) FROM staff GROUP BY org_id, status").run()
        try await KeptCount(table: "staff", function: "staff_counts_keep", columns: ["org_id", "status"],
                            add: """
                                INSERT INTO staff_counts (org_id, status, n) VALUES (NEW.org_id, NEW.status, 1)
                                ON CONFLICT (org_id, status) DO UPDATE SET n = staff_counts.n + 1;
                                """,
                            remove: "UPDATE staff_counts SET n = n - 1 WHERE org_id = OLD.org_id AND status = OLD.status;")
            .install(on: database)

        try await sql.raw("""
            CREATE TABLE onsite_counts (org_path TEXT NOT NULL, date TEXT NOT NULL, shift TEXT NOT NULL,
                approved INTEGER NOT NULL, present INTEGER NOT NULL, PRIMARY KEY (org_path, date, shift))
            """).run()
        try await SQLIndex.create(on: database, table: "onsite_counts", columns: ["date", "org_path"])
        try await sql.raw("""
            INSERT INTO onsite_counts (org_path, date, shift, approved, present)
            SELECT org_path, date, shift, SUM(a), SUM(p) FROM (
                SELECT org_path, date, shift, 1 AS a, 0 AS p FROM onsite_requests WHERE status = 'approved'
                UNION ALL SELECT org_path, date, shift, 0 AS a, 1 AS p FROM presence_entries) x
            GROUP BY org_path, date, shift
            """).run()
        try await KeptCount(table: "onsite_requests", function: "onsite_counts_keep_approved", columns: ["org_path", "date", "shift", "status"],
                            add: Self.add("approved"), remove: Self.remove("approved"),
                            addWhen: "NEW.status = 'approved'", removeWhen: "OLD.status = 'approved'")
            .install(on: database)
        try await KeptCount(table: "presence_entries", function: "onsite_counts_keep_present", columns: ["org_path", "date", "shift"],
                            add: Self.add("present"), remove: Self.remove("present"))
            .install(on: database)
    }

    private static func add(_ column: String) -> String {
        """
        INSERT INTO onsite_counts (org_path, date, shift, approved, present)
        VALUES (NEW.org_path, NEW.date, NEW.shift, \(column == "approved" ? 1 : 0), \(column == "present" ? 1 : 0))
        ON CONFLICT (org_path, date, shift) DO UPDATE SET \(column) = onsite_counts.\(column) + 1;
        """
    }

    private static func remove(_ column: String) -> String {
        "UPDATE onsite_counts SET \(column) = \(column) - 1 WHERE org_path = OLD.org_path AND date = OLD.date AND shift = OLD.shift;"
    }

    func revert(on database: any Database) async throws {
        for kept in ["staff": "staff_counts_keep", "onsite_requests": "onsite_counts_keep_approved", "presence_entries": "onsite_counts_keep_present"] {
            try await KeptCount.uninstall(table: kept.key, function: kept.value, on: database)
        }
        try await database.sql.raw("DROP TABLE IF EXISTS staff_counts").run()
        try await database.sql.raw("DROP TABLE IF EXISTS onsite_counts").run()
    }
}

/// A count kept by triggers on a source table: `remove` runs for the old row (update, delete)
/// and `add` for the new one (insert, update), each only where its condition holds. On
/// PostgreSQL one plpgsql function; on SQLite one trigger per event and side (their order does
/// not matter: the statements only add and subtract).
struct KeptCount {
    let table: String
    let function: String
    /// The columns whose change moves the count (an update of any other column leaves it).
    let columns: [String]
    let add: String
    let remove: String
    var addWhen = "TRUE"
    var removeWhen = "TRUE"

    func install(on database: any Database) async throws {
        let sql = try database.sql
        let of = columns.joined(separator: ", ")
        if database.isPostgres {
            try await sql.raw("""
                CREATE FUNCTION \(unsafeRaw: function)() RETURNS trigger AS $$
                BEGIN
                  IF TG_OP IN ('UPDATE', 'DELETE') AND \(unsafeRaw: removeWhen) THEN \(unsafeRaw: remove) END IF;
                  IF TG_OP IN ('UPDATE', 'INSERT') AND \(unsafeRaw: addWhen) THEN \(unsafeRaw: add) END IF;
                  RETURN NULL;
                END $$ LANGUAGE plpgsql
                """).run()
            try await sql.raw("""
                CREATE TRIGGER \(unsafeRaw: function) AFTER INSERT OR DELETE OR UPDATE OF \(unsafeRaw: of) ON \(unsafeRaw: table)
                FOR EACH ROW EXECUTE FUNCTION \(unsafeRaw: function)()
                """).run()
        } else {
            // SQLite has no TRUE before 3.23 in every build; 1 is the same.
            let (a, r) = (addWhen == "TRUE" ? "1" : addWhen, removeWhen == "TRUE" ? "1" : removeWhen)
            for (event, when, body) in [("INSERT", a, add), ("DELETE", r, remove),
                                        ("UPDATE OF \(of)", r, remove), ("UPDATE OF \(of)", a, add)] {
                let name = "\(function)_\(event.prefix(6).lowercased())_\(body == add ? "add" : "remove")"
                try await sql.raw("""
                    CREATE TRIGGER \(unsafeRaw: name) AFTER \(unsafeRaw: event) ON \(unsafeRaw: table) WHEN \(unsafeRaw: when) BEGIN \(unsafeRaw: body) END
                    """).run()
            }
        }
    }

    static func uninstall(table: String, function: String, on database: any Database) async throws {
        let sql = try database.sql
        if database.isPostgres {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: function) ON \(unsafeRaw: table)").run()
            try await sql.raw("DROP FUNCTION IF EXISTS \(unsafeRaw: function)()").run()
        } else {
            for name in ["insert_add", "delete_remove", "update_remove", "update_add"] {
                try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: function)_\(unsafeRaw: name)").run()
            }
        }
    }
}
