import Fluent
import Foundation
import SQLKit

extension Database {
    /// True on PostgreSQL, where writers really run side by side.
    var isPostgres: Bool { (self as? any SQLDatabase)?.dialect.name == "postgresql" }

    /// The database as SQL. Both drivers Congso runs on are SQL databases, so anything
    /// else is a configuration error, said as one rather than quietly skipped.
    var sql: any SQLDatabase {
        get throws {
            guard let sql = self as? any SQLDatabase else { throw WriteTransaction.notSQL }
            return sql
        }
    }
}

extension Databases {
    /// The default database on any event loop, for work no single request owns: a batch
    /// that several requests share (`Coalescer`).
    func shared(logger: Logger, on group: any EventLoopGroup) throws -> any Database {
        guard let db = database(logger: logger, on: group.any()) else {
            throw AppError(status: .internalServerError, code: "internal", detail: "no default database")
        }
        return db
    }
}
