import CongsoCore
import Fluent
import SQLKit
import Vapor

/// One live on-site request per person, day and shift, said by a unique index instead of
/// a read before the insert (which two racing requests both passed on PostgreSQL).
/// Duplicates stored before this migration are resolved first: the one holding an
/// approval (else the earliest) stays, the others are withdrawn with an audit line and
/// give back any on-site place they held.
struct UniqueOnSiteRequests: AsyncMigration {
    static let indexName = "uq_onsite_requests_live"

    func prepare(on database: any Database) async throws {
        let sql = try database.sql
        let live = OnSiteRequest.Status.live
        try await database.writeTransaction { tx in
            let tsql = try tx.sql
            let keys = try await tsql.raw("""
                SELECT staff_id, date, shift FROM onsite_requests WHERE status IN (\(binds: live))
                GROUP BY staff_id, date, shift HAVING COUNT(*) > 1
                """).all()
            let actor = Actor.commandLine("migration")
            for key in keys {
                let staffID = try key.decode(column: "staff_id", as: UUID.self)
                let date = try key.decode(column: "date", as: String.self)
                guard let shift = Shift(rawValue: try key.decode(column: "shift", as: String.self)) else { continue }
                let rows = try await OnSiteRequest.query(on: tx).filter(\.$staffID == staffID).filter(\.$date == date)
                    .filter(\.$shift == shift).filter(\.$status ~~ live).all()
                let keep = Self.survivor(of: rows)
                for r in rows where r.id != keep.id {
                    let before = r.auditSnapshot
                    try await OnSiteSlot.query(on: tx).filter(\.$requestID == r.id!).delete()
                    r.status = .withdrawn
                    r.decidedBy = actor.label
                    r.decidedAt = Date()
                    r.decisionComment = "Trùng với yêu cầu \(keep.id!.uuidString.prefix(8)) cùng ngày và ca"
                    try await r.save(on: tx)
                    try await AuditService.record(on: tx, actor: actor, action: "onsite.withdraw_duplicate", entityType: "onsiteRequest",
                                                  entityID: r.id, orgPath: r.orgPath, summary: "\(r.date) \(r.shift) = \(keep.id!.uuidString)",
                                                  before: before, after: r.auditSnapshot)
                }
            }
        }
        try await sql.raw("""
            CREATE UNIQUE INDEX IF NOT EXISTS \(unsafeRaw: Self.indexName) ON onsite_requests (staff_id, date, shift)
            WHERE status IN (\(literals: OnSiteRequest.Status.live.map(\.rawValue), joinedBy: ", "))
            """).run()
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: Self.indexName)").run()
    }

    /// The request that stays: an approved one (it holds a place), else the earliest filed.
    static func survivor(of rows: [OnSiteRequest]) -> OnSiteRequest {
        rows.min { a, b in
            let (aa, ba) = (a.status == .approved, b.status == .approved)
            if aa != ba { return aa }
            let (at, bt) = (a.createdAt ?? .distantFuture, b.createdAt ?? .distantFuture)
            return at != bt ? at < bt : a.id!.uuidString < b.id!.uuidString
        }!
    }
}
