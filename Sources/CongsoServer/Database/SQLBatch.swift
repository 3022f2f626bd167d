import Fluent
import Foundation
import SQLKit

/// Statements over many rows at once, for the hot batches (the 07:00 reports, the token
/// check). On PostgreSQL a list travels as one array parameter: a statement with 2,600
/// parameters took PostgreSQL longer to parse and plan than to run, and each parameter
/// cost the server its own encoding. SQLite has no arrays and takes the plain list.
enum SQLBatch {
    /// `column IN (…)`: `= ANY($1)` on PostgreSQL.
    static func isIn<T: Encodable & Sendable>(_ column: String, _ values: [T], on db: any Database) -> SQLQueryString {
        db.isPostgres ? "\(unsafeRaw: column) = ANY(\(bind: values))" : "\(unsafeRaw: column) IN (\(binds: values))"
    }

    /// One column of rows for `rows(_:on:)`: its values in row order, as PostgreSQL's array
    /// of `postgresType` and as SQLite's single values.
    struct Column: Sendable {
        fileprivate let array: any Encodable & Sendable
        fileprivate let arrayType: String
        /// A UUID column that may be NULL: PostgreSQL's arrays here cannot hold NULL, so it
        /// travels as text ("" for none) and is cast back.
        fileprivate let nullableUUID: Bool
        fileprivate let value: @Sendable (Int) -> any Encodable & Sendable
        let count: Int

        init<T: Encodable & Sendable>(_ values: [T], as postgresType: String) {
            array = values
            arrayType = postgresType
            nullableUUID = false
            value = { values[$0] }
            count = values.count
        }

        init(_ values: [UUID?]) {
            array = values.map { $0?.uuidString ?? "" }
            arrayType = "text"
            nullableUUID = true
            value = { values[$0] }
            count = values.count
        }
    }

    /// The rows to insert: `SELECT … FROM unnest($1::uuid[], …)` on PostgreSQL (one array a
    /// column; rows keep their order) or `VALUES (…), (…)` on SQLite. Every column has one
    /// value a row; the caller keeps SQLite's limit on bound values (32,766) in mind.
    static func rows(_ columns: [Column], on db: any Database) -> SQLQueryString {
        let count = columns.first?.count ?? 0
        precondition(columns.allSatisfy { $0.count == count }, "every column has one value a row")
        if db.isPostgres {
            let arrays = columns.map { c -> SQLQueryString in "\(bind: c.array)::\(unsafeRaw: c.arrayType)[]" }
            let names = columns.indices.map { "c\($0)" }
            let select = zip(columns, names).map { c, name in c.nullableUUID ? "NULLIF(\(name), '')::uuid" : name }
            return "SELECT \(unsafeRaw: select.joined(separator: ", ")) FROM unnest(\(arrays.joined(separator: ", "))) AS u(\(unsafeRaw: names.joined(separator: ", ")))"
        }
        let rows = (0..<count).map { i -> SQLQueryString in "(\(columns.map { c -> SQLQueryString in "\(bind: c.value(i))" }.joined(separator: ", ")))" }
        return "VALUES \(rows.joined(separator: ", "))"
    }
}
