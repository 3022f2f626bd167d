import Fluent

/// The dashboard reads approved on-site requests of one day over a whole subtree: an index
/// led by the day (the other on-site index is led by the unit, for one unit's day).
struct AddDashboardIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await SQLIndex.create(on: database, table: "onsite_requests", columns: ["date", "org_path"])
    }

    func revert(on database: any Database) async throws {
        try await (try database.sql).raw("DROP INDEX IF EXISTS idx_onsite_requests_date_org_path").run()
    }
}
