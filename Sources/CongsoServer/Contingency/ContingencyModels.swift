import CongsoCore
import Fluent
import Foundation

/// One version of a unit's contingency plan: what changes at each of the four alert levels.
/// Saving a plan adds a version; old versions stay readable (what applied when).
final class ContingencyPlanVersion: Model, @unchecked Sendable {
    static let schema = "contingency_plans"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "version") var version: Int
    /// The four `LevelPlan`s as JSON.
    @Field(key: "levels") var levelsJSON: String
    @Field(key: "note") var note: String
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(org: Organization, version: Int, levels: [LevelPlan], note: String, by: String) throws {
        id = UUID()
        orgID = org.id!
        orgPath = org.path
        self.version = version
        levelsJSON = String(decoding: try JSONEncoder().encode(levels), as: UTF8.self)
        self.note = note
        createdBy = by
    }

    var levels: [LevelPlan] { (try? JSONDecoder().decode([LevelPlan].self, from: Data(levelsJSON.utf8))) ?? [] }
    func plan(at level: AlertLevel) -> LevelPlan? { levels.first { $0.level == level } }
}

/// The alert level a unit is at now, and the plan version that applies it.
final class UnitAlertLevel: Model, @unchecked Sendable {
    static let schema = "unit_alert_levels"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "level") var level: AlertLevel
    @Field(key: "plan_id") var planID: UUID
    @Field(key: "plan_version") var planVersion: Int
    @Field(key: "since") var since: String
    @Field(key: "set_by") var setBy: String
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

/// Every switch of a unit's level, for the unit's page and the audit.
final class AlertLevelChange: Model, @unchecked Sendable {
    static let schema = "alert_level_changes"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @OptionalField(key: "from_level") var fromLevel: AlertLevel?
    @Field(key: "to_level") var toLevel: AlertLevel
    @Field(key: "plan_version") var planVersion: Int
    @Field(key: "note") var note: String
    @Field(key: "set_by") var setBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

struct CreateContingency: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ContingencyPlanVersion.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("version", .int, .required)
            .field("levels", .string, .required)
            .field("note", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "org_id", "version")
            .create()
        try await database.schema(UnitAlertLevel.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("level", .int, .required)
            .field("plan_id", .uuid, .required, .references(ContingencyPlanVersion.schema, "id"))
            .field("plan_version", .int, .required)
            .field("since", .string, .required)
            .field("set_by", .string, .required)
            .field("updated_at", .datetime)
            .unique(on: "org_id")
            .create()
        try await SQLIndex.create(on: database, table: UnitAlertLevel.schema, columns: ["org_path"])
        try await database.schema(AlertLevelChange.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("from_level", .int)
            .field("to_level", .int, .required)
            .field("plan_version", .int, .required)
            .field("note", .string, .required)
            .field("set_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: AlertLevelChange.schema, columns: ["org_id", "created_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AlertLevelChange.schema).delete()
        try await database.schema(UnitAlertLevel.schema).delete()
        try await database.schema(ContingencyPlanVersion.schema).delete()
    }
}
