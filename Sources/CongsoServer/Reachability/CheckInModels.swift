import CongsoCore
import Fluent
import Vapor

/// "Điểm danh": a leader asks everyone in a unit to confirm they are reachable.
final class CheckIn: Model, @unchecked Sendable {
    static let schema = "checkins"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "message") var message: String
    @Field(key: "minutes") var minutes: Int
    @OptionalField(key: "sent_by_user") var sentByUser: UUID?
    @Field(key: "sent_by") var sentBy: String
    @Field(key: "due_at") var dueAt: Date
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// One person asked by a check-in; `answeredAt` is set by their one tap.
final class CheckInAnswer: Model, @unchecked Sendable {
    static let schema = "checkin_answers"

    @ID(key: .id) var id: UUID?
    @Field(key: "checkin_id") var checkInID: UUID
    @Field(key: "staff_id") var staffID: UUID
    @OptionalField(key: "answered_at") var answeredAt: Date?

    init() {}
}

struct CreateCheckIns: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CheckIn.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("message", .string, .required)
            .field("minutes", .int, .required)
            .field("sent_by_user", .uuid)
            .field("sent_by", .string, .required)
            .field("due_at", .datetime, .required)
            .field("created_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: CheckIn.schema, columns: ["org_path", "created_at"])
        try await SQLIndex.create(on: database, table: CheckIn.schema, columns: ["due_at"])
        try await database.schema(CheckInAnswer.schema)
            .id()
            .field("checkin_id", .uuid, .required, .references(CheckIn.schema, "id"))
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("answered_at", .datetime)
            .unique(on: "checkin_id", "staff_id")
            .create()
        try await SQLIndex.create(on: database, table: CheckInAnswer.schema, columns: ["staff_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CheckInAnswer.schema).delete()
        try await database.schema(CheckIn.schema).delete()
    }
}
