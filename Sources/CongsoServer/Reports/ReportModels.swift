import CongsoCore
import Fluent
import Vapor

/// An org's own report windows; units without one use their nearest ancestor's, and
/// the city default is 07:00, 11:00 and 17:00 on weekdays.
final class ReportScheduleSetting: Model, @unchecked Sendable {
    static let schema = "report_schedules"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "times") var times: String
    @Field(key: "minutes") var minutes: Int
    @Field(key: "days") var days: String
    @Field(key: "updated_by") var updatedBy: String
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var schedule: ReportSchedule {
        (try? ReportSchedule(times: times, minutes: minutes, days: days)) ?? .standard
    }
}

/// One person's report for one window ("07:00") of one day, or for an ad-hoc request
/// (see `ReportSlot`). At most one per person and slot: handing it in again edits it.
final class DailyReport: Model, @unchecked Sendable {
    static let schema = "daily_reports"

    @ID(key: .id) var id: UUID?
    @Field(key: "staff_id") var staffID: UUID
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "date") var date: String
    @Field(key: "slot") var slot: String
    @Field(key: "done") var done: String
    @Field(key: "next") var next: String
    @Field(key: "blockers") var blockers: String
    @Field(key: "location") var location: Location
    @Field(key: "submitted_at") var submittedAt: Date
    @Field(key: "on_time") var onTime: Bool
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var reportSlot: ReportSlot { ReportSlot(stored: slot) }

    /// Where the person worked that day.
    enum Location: String, Codable, CaseIterable, Sendable { case onSite, remote }
}

/// A report a leader asks of a unit outside the daily windows, with a deadline.
final class ReportRequest: Model, @unchecked Sendable {
    static let schema = "report_requests"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "title") var title: String
    @Field(key: "deadline") var deadline: Date
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var slot: String { ReportSlot.request(id!).stored }
}

struct CreateReports: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ReportScheduleSetting.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("times", .string, .required)
            .field("minutes", .int, .required)
            .field("days", .string, .required)
            .field("updated_by", .string, .required)
            .field("updated_at", .datetime)
            .unique(on: "org_id")
            .create()
        try await database.schema(DailyReport.schema)
            .id()
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("org_id", .uuid, .required)
            .field("org_path", .string, .required)
            .field("date", .string, .required)
            .field("slot", .string, .required)
            .field("done", .string, .required)
            .field("next", .string, .required)
            .field("blockers", .string, .required)
            .field("location", .string, .required)
            .field("submitted_at", .datetime, .required)
            .field("on_time", .bool, .required)
            .field("updated_at", .datetime)
            .unique(on: "staff_id", "date", "slot")
            .create()
        try await SQLIndex.create(on: database, table: DailyReport.schema, columns: ["date", "org_path"])
        try await SQLIndex.create(on: database, table: DailyReport.schema, columns: ["slot"])
        try await database.schema(ReportRequest.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("title", .string, .required)
            .field("deadline", .datetime, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: ReportRequest.schema, columns: ["org_path", "deadline"])
    }

    func revert(on database: any Database) async throws {
        for s in [ReportRequest.schema, DailyReport.schema, ReportScheduleSetting.schema] { try await database.schema(s).delete() }
    }
}
