import CongsoCore
import Fluent
import Vapor

/// A meeting's minutes: drafted by the chair (or whoever schedules in the org), circulated to
/// the attendees for comments, then locked and published; each step audited.
final class MeetingMinutes: Model, @unchecked Sendable {
    static let schema = "meeting_minutes"

    @ID(key: .id) var id: UUID?
    @Field(key: "meeting_id") var meetingID: UUID
    @Field(key: "status") var status: Status
    @Field(key: "summary") var summary: String
    @Field(key: "updated_by") var updatedBy: String
    @OptionalField(key: "circulated_at") var circulatedAt: Date?
    @OptionalField(key: "locked_at") var lockedAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    enum Status: String, Codable, Sendable, CaseIterable { case draft, circulated, locked }
}

/// A decision of the meeting: what, who carries it out, by when; it may become a task.
final class MeetingDecision: Model, @unchecked Sendable {
    static let schema = "meeting_decisions"

    @ID(key: .id) var id: UUID?
    @Field(key: "meeting_id") var meetingID: UUID
    @Field(key: "position") var position: Int
    @Field(key: "text") var text: String
    @OptionalField(key: "owner_staff_id") var ownerStaffID: UUID?
    /// yyyy-MM-dd.
    @OptionalField(key: "deadline") var deadline: String?
    @OptionalField(key: "task_id") var taskID: UUID?

    init() {}
}

/// An attendee's comment on circulated minutes.
final class MeetingMinutesComment: Model, @unchecked Sendable {
    static let schema = "meeting_minutes_comments"

    @ID(key: .id) var id: UUID?
    @Field(key: "meeting_id") var meetingID: UUID
    @Field(key: "author") var author: String
    @Field(key: "text") var text: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

struct CreateMeetingMinutes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(MeetingMinutes.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, "id"))
            .field("status", .string, .required)
            .field("summary", .string, .required)
            .field("updated_by", .string, .required)
            .field("circulated_at", .datetime)
            .field("locked_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "meeting_id")
            .create()
        try await database.schema(MeetingDecision.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, "id"))
            .field("position", .int, .required)
            .field("text", .string, .required)
            .field("owner_staff_id", .uuid, .references(StaffMember.schema, "id"))
            .field("deadline", .string)
            .field("task_id", .uuid, .references(WorkTask.schema, "id"))
            .create()
        try await SQLIndex.create(on: database, table: MeetingDecision.schema, columns: ["meeting_id"])
        try await database.schema(MeetingMinutesComment.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, "id"))
            .field("author", .string, .required)
            .field("text", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: MeetingMinutesComment.schema, columns: ["meeting_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MeetingMinutesComment.schema).delete()
        try await database.schema(MeetingDecision.schema).delete()
        try await database.schema(MeetingMinutes.schema).delete()
    }
}
