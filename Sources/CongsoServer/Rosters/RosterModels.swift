import CongsoCore
import Fluent
import Vapor

/// A roster for an org (one unit or a whole agency) over a range of days. The problem it
/// was solved from is kept (format v1), so every later hand edit is re-checked against it.
final class Roster: Model, @unchecked Sendable {
    static let schema = "rosters"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "start_date") var startDate: String
    @Field(key: "days") var days: Int
    @Field(key: "status") var status: Status
    /// How many times it has been published.
    @Field(key: "version") var version: Int
    /// The draft differs from what was last published.
    @Field(key: "dirty") var dirty: Bool
    @Field(key: "problem") var problem: String
    @Field(key: "report") var report: String
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "published_at") var publishedAt: Date?
    @OptionalField(key: "published_by") var publishedBy: String?
    /// Why the published roster must be planned again (someone on it went into isolation or
    /// under monitoring); cleared by replanning.
    @OptionalField(key: "replan_note") var replanNote: String?

    init() {}

    enum Status: String, Codable, Sendable { case draft, published }

    var endDate: String { LocalDate(startDate)!.adding(days: days - 1).value }

    var auditSnapshot: [String: String] {
        ["orgID": orgID.uuidString, "start": startDate, "days": String(days), "status": status.rawValue, "version": String(version)]
    }
}

/// What the solver (or the last edit) left: per unit, its spread, and the reasons a unit could not be staffed.
struct RosterReport: Codable, Sendable {
    struct Unit: Codable, Sendable { var id: String; var spread: Int; var optimal: Bool; var partial: Bool }
    /// `dateTo` and `staff` (ids) came with explained infeasibility; older reports lack them.
    struct Problem: Codable, Sendable {
        var unit: String; var date: String?; var shift: String?; var reason: String
        var dateTo: String? = nil
        var staff: [String]? = nil
        var clash: RosterClash? = nil
    }
    var units: [Unit]
    var infeasible: [Problem]
    var cohorts: [String: Int]
    var solveMillis: Double
}

/// One person on site for one shift, in the draft.
final class RosterCell: Model, @unchecked Sendable {
    static let schema = "roster_cells"

    @ID(key: .id) var id: UUID?
    @Field(key: "roster_id") var rosterID: UUID
    @Field(key: "staff_id") var staffID: UUID
    @Field(key: "unit_id") var unitID: UUID
    @Field(key: "unit_path") var unitPath: String
    @Field(key: "date") var date: String
    @Field(key: "shift") var shift: Shift

    init() {}

    init(rosterID: UUID, staffID: UUID, unitID: UUID, unitPath: String, date: String, shift: Shift) {
        id = UUID()
        self.rosterID = rosterID; self.staffID = staffID; self.unitID = unitID; self.unitPath = unitPath
        self.date = date; self.shift = shift
    }

    var key: String { "\(staffID)|\(date)|\(shift)" }
}

/// The cells as last published: what staff see, what counts as approval to be on site.
final class RosterPublishedCell: Model, @unchecked Sendable {
    static let schema = "roster_published_cells"

    @ID(key: .id) var id: UUID?
    @Field(key: "roster_id") var rosterID: UUID
    @Field(key: "staff_id") var staffID: UUID
    @Field(key: "unit_id") var unitID: UUID
    @Field(key: "unit_path") var unitPath: String
    @Field(key: "date") var date: String
    @Field(key: "shift") var shift: Shift

    init() {}

    init(_ c: RosterCell) {
        id = UUID()
        rosterID = c.rosterID; staffID = c.staffID; unitID = c.unitID; unitPath = c.unitPath; date = c.date; shift = c.shift
    }
}

/// A personal calendar feed: the secret is shown once and stored hashed; revoking ends it.
final class CalendarFeed: Model, @unchecked Sendable {
    static let schema = "calendar_feeds"

    @ID(key: .id) var id: UUID?
    @Field(key: "staff_id") var staffID: UUID
    @Field(key: "token_hash") var tokenHash: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}
}

struct CreateRosters: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Roster.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("start_date", .string, .required)
            .field("days", .int, .required)
            .field("status", .string, .required)
            .field("version", .int, .required)
            .field("dirty", .bool, .required)
            .field("problem", .string, .required)
            .field("report", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .field("published_at", .datetime)
            .field("published_by", .string)
            .create()
        try await SQLIndex.create(on: database, table: Roster.schema, columns: ["org_path"])
        for schema in [RosterCell.schema, RosterPublishedCell.schema] {
            try await database.schema(schema)
                .id()
                .field("roster_id", .uuid, .required, .references(Roster.schema, "id"))
                .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
                .field("unit_id", .uuid, .required)
                .field("unit_path", .string, .required)
                .field("date", .string, .required)
                .field("shift", .string, .required)
                .unique(on: "roster_id", "staff_id", "date", "shift")
                .create()
            try await SQLIndex.create(on: database, table: schema, columns: ["roster_id"])
        }
        try await SQLIndex.create(on: database, table: RosterPublishedCell.schema, columns: ["staff_id", "date"])
        try await SQLIndex.create(on: database, table: RosterPublishedCell.schema, columns: ["unit_id", "date", "shift"])
        try await database.schema(CalendarFeed.schema)
            .id()
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("token_hash", .string, .required)
            .field("created_at", .datetime)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        for s in [CalendarFeed.schema, RosterPublishedCell.schema, RosterCell.schema, Roster.schema] {
            try await database.schema(s).delete()
        }
    }
}

/// Rosters a health state touched wait for replanning (issue 16).
struct AddRosterReplanNote: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard try await !SQLSchema.hasColumn("replan_note", in: Roster.schema, on: database) else { return }
        try await database.schema(Roster.schema).field("replan_note", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Roster.schema).deleteField("replan_note").update()
    }
}
