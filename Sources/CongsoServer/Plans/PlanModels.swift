import CongsoCore
import Fluent
import Vapor

/// A unit's plan for one week (Monday to Sunday): drafted by its members, approved by
/// its lead, after which it no longer changes unless reopened.
final class WeeklyPlan: Model, @unchecked Sendable {
    static let schema = "weekly_plans"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    /// The Monday, "yyyy-MM-dd".
    @Field(key: "week_start") var weekStart: String
    @Field(key: "status") var status: Status
    @OptionalField(key: "approved_by") var approvedBy: String?
    @OptionalField(key: "approved_at") var approvedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    /// Members add items to a draft; the lead's approval holds the week until reopened.
    enum Status: String, Codable, Sendable { case draft, approved }
}

final class PlanItem: Model, @unchecked Sendable {
    static let schema = "plan_items"

    @ID(key: .id) var id: UUID?
    @Field(key: "plan_id") var planID: UUID
    @Field(key: "title") var title: String
    /// A day of the week, or nil for "during the week".
    @OptionalField(key: "day") var day: String?
    @OptionalField(key: "task_id") var taskID: UUID?
    @OptionalField(key: "owner_staff_id") var ownerStaffID: UUID?
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

struct CreateWeeklyPlans: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(WeeklyPlan.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("week_start", .string, .required)
            .field("status", .string, .required)
            .field("approved_by", .string)
            .field("approved_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "org_id", "week_start")
            .create()
        try await database.schema(PlanItem.schema)
            .id()
            .field("plan_id", .uuid, .required, .references(WeeklyPlan.schema, "id"))
            .field("title", .string, .required)
            .field("day", .string)
            .field("task_id", .uuid, .references(WorkTask.schema, "id"))
            .field("owner_staff_id", .uuid, .references(StaffMember.schema, "id"))
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: PlanItem.schema, columns: ["plan_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PlanItem.schema).delete()
        try await database.schema(WeeklyPlan.schema).delete()
    }
}
