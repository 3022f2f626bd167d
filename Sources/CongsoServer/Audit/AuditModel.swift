import Fluent
import Vapor

/// One row of the append-only audit log. Written in the same transaction as the
/// change it records; never updated or deleted by the application.
final class AuditEntry: Model, @unchecked Sendable {
    static let schema = "audit_entries"

    @ID(key: .id) var id: UUID?
    @Field(key: "at") var at: Date
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_label") var actorLabel: String
    @Field(key: "via") var via: String
    @Field(key: "action") var action: String
    @Field(key: "entity_type") var entityType: String
    @Field(key: "entity_id") var entityID: String
    /// Where the change happened (and, for moves, where it came from), for scoped reading.
    @Field(key: "org_path") var orgPath: String
    @Field(key: "prev_org_path") var prevOrgPath: String
    @Field(key: "summary") var summary: String
    @Field(key: "before") var before: String
    @Field(key: "after") var after: String

    init() {}
}

struct CreateAuditEntry: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEntry.schema)
            .id()
            .field("at", .datetime, .required)
            .field("actor_id", .uuid)
            .field("actor_label", .string, .required)
            .field("via", .string, .required)
            .field("action", .string, .required)
            .field("entity_type", .string, .required)
            .field("entity_id", .string, .required)
            .field("org_path", .string, .required)
            .field("prev_org_path", .string, .required)
            .field("summary", .string, .required)
            .field("before", .string, .required)
            .field("after", .string, .required)
            .create()
        try await SQLIndex.create(on: database, table: AuditEntry.schema, columns: ["at"])
        try await SQLIndex.create(on: database, table: AuditEntry.schema, columns: ["entity_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditEntry.schema).delete()
    }
}
