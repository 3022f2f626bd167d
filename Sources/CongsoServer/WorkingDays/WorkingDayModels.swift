import CongsoCore
import Fluent
import Vapor

/// An admin's adjustment of the working-day calendar: a day off (the Tết break beyond the
/// statutory days, a bridge day) or a rest day worked (ngày làm bù). Holidays themselves are
/// computed (Core's WorkingCalendar), never stored.
final class WorkingDayAdjustment: Model, @unchecked Sendable {
    static let schema = "working_day_adjustments"

    @ID(key: .id) var id: UUID?
    /// yyyy-MM-dd, one row per day.
    @Field(key: "day") var day: String
    @Field(key: "kind") var kind: WorkingCalendar.Adjustment
    @Field(key: "note") var note: String
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

struct CreateWorkingDayAdjustments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(WorkingDayAdjustment.schema)
            .id()
            .field("day", .string, .required)
            .field("kind", .string, .required)
            .field("note", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "day")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(WorkingDayAdjustment.schema).delete()
    }
}
