import Fluent
import Foundation
import SQLKit

/// What the live schema holds, asked the same way on both databases; for migrations that
/// must work on databases made by different earlier builds.
enum SQLSchema {
    static func hasColumn(_ column: String, in table: String, on db: any Database) async throws -> Bool {
        let sql = try db.sql
        if db.isPostgres {
            return try await sql.raw("""
                SELECT 1 FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = \(bind: table) AND column_name = \(bind: column)
                """).first() != nil
        }
        return try await sql.raw("SELECT name FROM pragma_table_info(\(bind: table))").all()
            .contains { (try? $0.decode(column: "name", as: String.self)) == column }
    }
}
