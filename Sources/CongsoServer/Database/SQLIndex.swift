import Fluent
import SQLKit

/// Fluent's schema builder has no index API; plain CREATE INDEX works on both databases.
enum SQLIndex {
    static func create(on database: any Database, table: String, columns: [String], unique: Bool = false) async throws {
        let sql = try database.sql
        let name = "idx_\(table)_\(columns.joined(separator: "_"))"
        let cols = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        try await sql.raw("CREATE \(unsafeRaw: unique ? "UNIQUE " : "")INDEX IF NOT EXISTS \(unsafeRaw: name) ON \(unsafeRaw: table) (\(unsafeRaw: cols))").run()
    }
}
