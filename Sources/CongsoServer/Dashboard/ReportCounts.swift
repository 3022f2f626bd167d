import Fluent
import SQLKit

/// Daily reports counted per unit, day and window, kept by the database itself: a trigger on
/// `daily_reports` adds, removes or moves one count with every row, whoever writes it (the
/// service, the demo, an import), in the same transaction. The dashboard and its 14-day
/// chart read these counts — about 15,000 rows for a city's day instead of 300,000 reports.
struct AddReportCounts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sql
        try await sql.raw("""
            CREATE TABLE report_counts (org_path TEXT NOT NULL, date TEXT NOT NULL, slot TEXT NOT NULL,
                received INTEGER NOT NULL, on_time INTEGER NOT NULL, PRIMARY KEY (org_path, date, slot))
            """).run()
        try await SQLIndex.create(on: database, table: "report_counts", columns: ["date", "org_path"])
        try await sql.raw("""
            INSERT INTO report_counts (org_path, date, slot, received, on_time)
            SELECT org_path, date, slot, COUNT(*), SUM(CASE WHEN on_time THEN 1 ELSE 0 END) FROM daily_reports GROUP BY org_path, date, slot
            """).run()
        let add = """
            INSERT INTO report_counts (org_path, date, slot, received, on_time)
            VALUES (NEW.org_path, NEW.date, NEW.slot, 1, CASE WHEN NEW.on_time THEN 1 ELSE 0 END)
            ON CONFLICT (org_path, date, slot) DO UPDATE SET received = report_counts.received + 1,
                on_time = report_counts.on_time + (CASE WHEN NEW.on_time THEN 1 ELSE 0 END);
            """
        let remove = """
            UPDATE report_counts SET received = received - 1, on_time = on_time - (CASE WHEN OLD.on_time THEN 1 ELSE 0 END)
            WHERE org_path = OLD.org_path AND date = OLD.date AND slot = OLD.slot;
            """
        if database.isPostgres {
            try await sql.raw("""
                CREATE FUNCTION report_counts_keep() RETURNS trigger AS $$
                BEGIN
                  IF TG_OP IN ('UPDATE', 'DELETE') THEN \(unsafeRaw: remove) END IF;
                  IF TG_OP IN ('UPDATE', 'INSERT') THEN \(unsafeRaw: add) END IF;
                  RETURN NULL;
                END $$ LANGUAGE plpgsql
                """).run()
            try await sql.raw("""
                CREATE TRIGGER report_counts_keep AFTER INSERT OR DELETE OR UPDATE OF org_path, date, slot, on_time ON daily_reports
                FOR EACH ROW EXECUTE FUNCTION report_counts_keep()
                """).run()
        } else {
            try await sql.raw("CREATE TRIGGER report_counts_insert AFTER INSERT ON daily_reports BEGIN \(unsafeRaw: add) END").run()
            try await sql.raw("CREATE TRIGGER report_counts_delete AFTER DELETE ON daily_reports BEGIN \(unsafeRaw: remove) END").run()
            try await sql.raw("""
                CREATE TRIGGER report_counts_update AFTER UPDATE OF org_path, date, slot, on_time ON daily_reports BEGIN \(unsafeRaw: remove) \(unsafeRaw: add) END
                """).run()
        }
        // Overdue tasks: an index over open tasks only, that answers the count by itself.
        try await sql.raw("""
            CREATE INDEX IF NOT EXISTS idx_tasks_open_deadline_org_path ON tasks (deadline, org_path)
            WHERE status IN ('new', 'inProgress', 'blocked')
            """).run()
        // Staff per unit and status without reading the staff rows.
        try await SQLIndex.create(on: database, table: "staff", columns: ["org_id", "status"])
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        if database.isPostgres {
            try await sql.raw("DROP TRIGGER IF EXISTS report_counts_keep ON daily_reports").run()
            try await sql.raw("DROP FUNCTION IF EXISTS report_counts_keep()").run()
        } else {
            for t in ["report_counts_insert", "report_counts_delete", "report_counts_update"] { try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: t)").run() }
        }
        try await sql.raw("DROP TABLE IF EXISTS report_counts").run()
        try await sql.raw("DROP INDEX IF EXISTS idx_tasks_open_deadline_org_path").run()
        try await sql.raw("DROP INDEX IF EXISTS idx_staff_org_id_status").run()
    }
}
