import CongsoCore
import Fluent
import Foundation
import SQLKit

/// A person's name and unit, read as plain rows: the hot paths (a report handed in, a task
/// assigned) need only these, and a Fluent model with its unit cost more CPU than the
/// rest of the request.
struct StaffPlace: Sendable {
    let id: UUID
    let name: String
    let orgID: UUID
    let orgPath: String
}

extension StaffService {
    /// Many people's names and units in one query per 500.
    static func places(_ ids: Set<UUID>, on db: any Database) async throws -> [UUID: StaffPlace] {
        let sql = try db.sql
        var out: [UUID: StaffPlace] = [:]
        for part in Array(ids).chunked(by: 500) {
            // The unit's path by a lookup per person: as a join, PostgreSQL hashed every unit
            // of the city for each batch of the 07:00 reports.
            for r in try await sql.raw("""
                SELECT s.id, s.full_name, s.org_id, (SELECT o.path FROM organizations o WHERE o.id = s.org_id) AS path
                FROM staff s WHERE \(SQLBatch.isIn("s.id", Array(part), on: db))
                """).all() {
                guard let path = try r.decode(column: "path", as: String?.self) else { continue }
                let id = try r.decode(column: "id", as: UUID.self)
                out[id] = StaffPlace(id: id, name: try r.decode(column: "full_name", as: String.self), orgID: try r.decode(column: "org_id", as: UUID.self),
                                     orgPath: path)
            }
        }
        return out
    }

    /// One person the actor may read, as `find` checks it, without the models.
    static func place(_ id: UUID, actor: Actor, on db: any Database) async throws -> StaffPlace {
        guard let p = try await places([id], on: db)[id] else { throw AppError.notFound(id.uuidString) }
        try actor.require(.readStaff, on: OrgPath(p.orgPath))
        return p
    }
}
