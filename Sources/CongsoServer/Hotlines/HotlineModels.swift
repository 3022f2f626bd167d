import CongsoCore
import Fluent
import Vapor

/// A number a unit publishes (đường dây nóng), with when it answers.
final class Hotline: Model, @unchecked Sendable {
    static let schema = "hotlines"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "label") var label: String
    /// As written for people to dial ("0243 825 3536", "1022").
    @Field(key: "number") var number: String
    /// "24/7", or the hours it answers.
    @Field(key: "hours") var hours: String
    /// The org's name, the label and the number folded (VietnameseText.fold), for search without accents.
    @Field(key: "search_fold") var searchFold: String
    @Field(key: "active") var active: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// A 24/7 duty rota of an agency: shifts that cover the whole day, planned by the roster
/// solver (format v2 with rest after each shift), published for the public page and feeds.
final class DutyRota: Model, @unchecked Sendable {
    static let schema = "duty_rotas"

    enum Status: String, Codable, Sendable { case draft, published, superseded }

    struct ShiftSpec: Codable, Equatable, Sendable {
        var name: String
        /// Minutes after midnight, Hanoi time.
        var start: Int
        var hours: Int
        /// Shifts a person who works this one is then off (format v2's restAfter).
        var rest: Int
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "start_date") var startDate: String
    @Field(key: "days") var days: Int
    @Field(key: "shifts") var shiftsJSON: String
    @Field(key: "demand") var demand: Int
    /// The skill every shift needs someone to hold ("hotline"); empty for none.
    @Field(key: "skill") var skill: String
    /// The number the public calls, shown with the name of who is on duty.
    @Field(key: "duty_phone") var dutyPhone: String
    @Field(key: "status") var status: Status
    /// The solver's figures and any shift it could not staff, as JSON.
    @Field(key: "report") var report: String
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "published_at") var publishedAt: Date?

    init() {}

    var shifts: [ShiftSpec] {
        get { (try? JSONDecoder().decode([ShiftSpec].self, from: Data(shiftsJSON.utf8))) ?? [] }
        set { shiftsJSON = String(decoding: (try? JSONEncoder().encode(newValue)) ?? Data("[]".utf8), as: UTF8.self) }
    }
    var endDate: String { LocalDate(startDate)!.adding(days: days - 1).value }
}

/// One person on duty for one shift of a rota, with the instants it starts and ends.
final class DutyCell: Model, @unchecked Sendable {
    static let schema = "duty_cells"

    @ID(key: .id) var id: UUID?
    @Field(key: "rota_id") var rotaID: UUID
    @Field(key: "staff_id") var staffID: UUID
    @Field(key: "date") var date: String
    @Field(key: "shift") var shift: String
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "ends_at") var endsAt: Date

    init() {}
}

/// A call or written feedback from a citizen, with the time by which it must be answered.
final class Ticket: Model, @unchecked Sendable {
    static let schema = "tickets"

    enum Channel: String, Codable, CaseIterable, Sendable { case call, written }
    enum Status: String, Codable, CaseIterable, Sendable { case open, answered }

    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "channel") var channel: Channel
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @Field(key: "citizen_name") var citizenName: String
    /// PhoneNumber.normalize'd, or empty.
    @Field(key: "citizen_phone") var citizenPhone: String
    @Field(key: "status") var status: Status
    @Field(key: "received_at") var receivedAt: Date
    @Field(key: "due_at") var dueAt: Date
    @Field(key: "answer") var answer: String
    @OptionalField(key: "answered_at") var answeredAt: Date?
    @OptionalField(key: "answered_by") var answeredBy: String?
    /// When the head was told the deadline had passed.
    @OptionalField(key: "escalated_at") var escalatedAt: Date?
    /// Who logged it: the officer on duty, or empty when the citizen wrote in.
    @Field(key: "logged_by") var loggedBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var path: OrgPath { OrgPath(orgPath) }
}

struct CreateHotlines: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Hotline.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("label", .string, .required)
            .field("number", .string, .required)
            .field("hours", .string, .required)
            .field("search_fold", .string, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: Hotline.schema, columns: ["org_path"])
        try await database.schema(DutyRota.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("start_date", .string, .required)
            .field("days", .int, .required)
            .field("shifts", .string, .required)
            .field("demand", .int, .required)
            .field("skill", .string, .required)
            .field("duty_phone", .string, .required)
            .field("status", .string, .required)
            .field("report", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .field("published_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: DutyRota.schema, columns: ["org_path", "status"])
        try await database.schema(DutyCell.schema)
            .id()
            .field("rota_id", .uuid, .required, .references(DutyRota.schema, "id"))
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("date", .string, .required)
            .field("shift", .string, .required)
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime, .required)
            .unique(on: "rota_id", "staff_id", "date", "shift")
            .create()
        try await SQLIndex.create(on: database, table: DutyCell.schema, columns: ["rota_id"])
        try await SQLIndex.create(on: database, table: DutyCell.schema, columns: ["staff_id", "starts_at"])
        try await SQLIndex.create(on: database, table: DutyCell.schema, columns: ["starts_at", "ends_at"])
        try await database.schema(Ticket.schema)
            .id()
            .field("code", .string, .required)
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("channel", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("citizen_name", .string, .required)
            .field("citizen_phone", .string, .required)
            .field("status", .string, .required)
            .field("received_at", .datetime, .required)
            .field("due_at", .datetime, .required)
            .field("answer", .string, .required)
            .field("answered_at", .datetime)
            .field("answered_by", .string)
            .field("escalated_at", .datetime)
            .field("logged_by", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "code")
            .create()
        try await SQLIndex.create(on: database, table: Ticket.schema, columns: ["org_path", "status"])
        try await SQLIndex.create(on: database, table: Ticket.schema, columns: ["status", "due_at"])
    }

    func revert(on database: any Database) async throws {
        for schema in [Ticket.schema, DutyCell.schema, DutyRota.schema, Hotline.schema] { try await database.schema(schema).delete() }
    }
}
