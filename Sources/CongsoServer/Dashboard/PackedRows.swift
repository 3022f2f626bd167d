import Fluent
import SQLKit

/// Rows folded by the database into one text value and split here. SQLKit decodes each row
/// through Codable, which for a city's ~11,000 per-unit rows was 40 % of the dashboard's CPU
/// in a release profile; one string per query splits in a few milliseconds. The separators
/// are ASCII's unit and record separators, which no path, id or number contains.
enum PackedRows {
    static let field: Character = "\u{1F}"
    static let record: Character = "\u{1E}"

    /// `query` is a SELECT with the named columns; every value comes back as text ("" for NULL).
    static func all(_ query: SQLQueryString, columns: [String], on db: any Database) async throws -> [[Substring]] {
        let values = columns.map { "COALESCE(CAST(q.\($0) AS TEXT), '')" }.joined(separator: " || '\(field)' || ")
        let aggregate = db.isPostgres ? "string_agg(\(values), '\(record)')" : "group_concat(\(values), '\(record)')"
        guard let row = try await db.sql.raw("SELECT \(unsafeRaw: aggregate) AS packed FROM (\(query)) q").first(),
              try !row.decodeNil(column: "packed") else { return [] }
        let packed = try row.decode(column: "packed", as: String.self)
        // One pass over the bytes: splitting a megabyte on Characters walks its graphemes, and
        // the generic split's closures showed in the profile too.
        let (f, r) = (field.asciiValue!, record.asciiValue!)
        let bytes = packed.utf8
        var rows: [[Substring]] = []
        var fields: [Substring] = []
        var start = bytes.startIndex
        var i = start
        while i != bytes.endIndex {
            let b = bytes[i]
            if b == f || b == r {
                fields.append(packed[start..<i])
                start = bytes.index(after: i)
                if b == r { rows.append(fields); fields = [] }
            }
            i = bytes.index(after: i)
        }
        fields.append(packed[start..<i])
        rows.append(fields)
        return rows
    }
}
