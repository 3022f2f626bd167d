import CongsoCore
import Fluent
import Vapor

/// A head's confirmed monthly rating of one person, with the record it was based on.
final class MonthlyRating: Model, @unchecked Sendable {
    static let schema = "monthly_ratings"

    @ID(key: .id) var id: UUID?
    @Field(key: "staff_id") var staffID: UUID
    @Field(key: "org_path") var orgPath: String
    /// "yyyy-MM".
    @Field(key: "month") var month: String
    @Field(key: "proposed") var proposed: String
    @Field(key: "score") var score: Double
    @Field(key: "level") var level: String
    @Field(key: "justification") var justification: String
    @Field(key: "tasks_due") var tasksDue: Int
    @Field(key: "tasks_on_time") var tasksOnTime: Int
    @Field(key: "tasks_overdue") var tasksOverdue: Int
    @Field(key: "reports_expected") var reportsExpected: Int
    @Field(key: "reports_received") var reportsReceived: Int
    @Field(key: "confirmed_by") var confirmedBy: String
    @Timestamp(key: "confirmed_at", on: .update) var confirmedAt: Date?

    init() {}
}

struct CreateMonthlyRatings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(MonthlyRating.schema)
            .id()
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("org_path", .string, .required)
            .field("month", .string, .required)
            .field("proposed", .string, .required)
            .field("score", .double, .required)
            .field("level", .string, .required)
            .field("justification", .string, .required)
            .field("tasks_due", .int, .required)
            .field("tasks_on_time", .int, .required)
            .field("tasks_overdue", .int, .required)
            .field("reports_expected", .int, .required)
            .field("reports_received", .int, .required)
            .field("confirmed_by", .string, .required)
            .field("confirmed_at", .datetime)
            .unique(on: "staff_id", "month")
            .create()
        try await SQLIndex.create(on: database, table: MonthlyRating.schema, columns: ["month", "org_path"])
    }

    func revert(on database: any Database) async throws { try await database.schema(MonthlyRating.schema).delete() }
}
