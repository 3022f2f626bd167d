import CongsoCore
import Fluent
import Vapor

/// A day or a run of days (or one shift of them) when a person cannot come on site: leave,
/// sickness, training. Rosters keep them off those shifts.
final class StaffAbsence: Model, @unchecked Sendable {
    static let schema = "staff_absences"

    @ID(key: .id) var id: UUID?
    @Field(key: "staff_id") var staffID: UUID
    /// The person's unit path when recorded: who may see and remove it.
    @Field(key: "org_path") var orgPath: String
    @Field(key: "from_date") var fromDate: String
    @Field(key: "to_date") var toDate: String
    /// "morning" or "afternoon"; nil for whole days.
    @OptionalField(key: "shift") var shift: Shift?
    @Field(key: "reason") var reason: String
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var auditSnapshot: [String: String] {
        ["staffID": staffID.uuidString, "from": fromDate, "to": toDate, "shift": shift?.rawValue ?? "", "reason": reason]
    }
}

struct CreateStaffAbsences: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StaffAbsence.schema)
            .id()
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("org_path", .string, .required)
            .field("from_date", .string, .required)
            .field("to_date", .string, .required)
            .field("shift", .string)
            .field("reason", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: StaffAbsence.schema, columns: ["staff_id", "to_date"])
        try await SQLIndex.create(on: database, table: StaffAbsence.schema, columns: ["org_path"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StaffAbsence.schema).delete()
    }
}
