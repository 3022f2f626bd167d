import CongsoCore
import Fluent
import Vapor

/// A meeting of an org: online on the configured video engine by default, or in person in
/// one of the org's rooms once the head approves (docs/meetings.md).
final class Meeting: Model, @unchecked Sendable {
    static let schema = "meetings"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "title") var title: String
    /// The title folded for accent-free search (VietnameseText.searchable).
    @Field(key: "search_text") var searchText: String
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "ends_at") var endsAt: Date
    @Field(key: "chair_staff_id") var chairStaffID: UUID
    @Field(key: "mode") var mode: Mode
    @OptionalField(key: "room_id") var roomID: UUID?
    @Field(key: "status") var status: Status
    /// Why a request was refused, or the head's note.
    @OptionalField(key: "decision_note") var decisionNote: String?
    @OptionalField(key: "decided_by") var decidedBy: String?
    /// The room's name on the video engine: random, never derived from the title.
    @Field(key: "video_room") var videoRoom: String
    /// BigBlueButton's passwords for the room: sent to the engine only, never shown.
    @Field(key: "attendee_secret") var attendeeSecret: String
    @Field(key: "moderator_secret") var moderatorSecret: String
    /// Raised on every change, for calendar updates.
    @Field(key: "sequence") var sequence: Int
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    enum Mode: String, Codable, Sendable, CaseIterable { case online, inPerson = "in_person" }

    /// online meetings are `scheduled` at once; in-person ones wait for the head (`pending`)
    /// and are then `scheduled` or `refused`. Any may be `cancelled`.
    enum Status: String, Codable, Sendable, CaseIterable { case scheduled, pending, refused, cancelled }
}

final class MeetingAgendaItem: Model, @unchecked Sendable {
    static let schema = "meeting_agenda_items"

    @ID(key: .id) var id: UUID?
    @Field(key: "meeting_id") var meetingID: UUID
    @Field(key: "position") var position: Int
    @Field(key: "title") var title: String
    @Field(key: "minutes") var minutes: Int

    init() {}
}

final class MeetingInvitee: Model, @unchecked Sendable {
    static let schema = "meeting_invitees"

    @ID(key: .id) var id: UUID?
    @Field(key: "meeting_id") var meetingID: UUID
    @Field(key: "staff_id") var staffID: UUID
    @Field(key: "answer") var answer: Answer
    @OptionalField(key: "delegate_staff_id") var delegateStaffID: UUID?
    /// Marked by the chair: nil until then.
    @OptionalField(key: "present") var present: Bool?

    init() {}

    enum Answer: String, Codable, Sendable, CaseIterable { case pending, accepted, declined, delegated }
}

/// A room an org holds in-person meetings in: seats in a grid, or only a floor area.
final class MeetingRoom: Model, @unchecked Sendable {
    static let schema = "meeting_rooms"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "name") var name: String
    @OptionalField(key: "seat_rows") var seatRows: Int?
    @OptionalField(key: "seat_columns") var seatColumns: Int?
    @OptionalField(key: "seat_pitch_m") var seatPitch: Double?
    @OptionalField(key: "area_m2") var area: Double?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var layout: RoomLayout? {
        if let r = seatRows, let c = seatColumns, let p = seatPitch { return .grid(rows: r, columns: c, pitchMeters: p) }
        if let a = area { return .area(squareMeters: a) }
        return nil
    }
}

struct CreateMeetings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(MeetingRoom.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("name", .string, .required)
            .field("seat_rows", .int)
            .field("seat_columns", .int)
            .field("seat_pitch_m", .double)
            .field("area_m2", .double)
            .field("created_at", .datetime)
            .unique(on: "org_id", "name")
            .create()
        try await database.schema(Meeting.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("title", .string, .required)
            .field("search_text", .string, .required)
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime, .required)
            .field("chair_staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("mode", .string, .required)
            .field("room_id", .uuid, .references(MeetingRoom.schema, "id"))
            .field("status", .string, .required)
            .field("decision_note", .string)
            .field("decided_by", .string)
            .field("video_room", .string, .required)
            .field("attendee_secret", .string, .required)
            .field("moderator_secret", .string, .required)
            .field("sequence", .int, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "video_room")
            .create()
        try await SQLIndex.create(on: database, table: Meeting.schema, columns: ["org_path", "starts_at"])
        try await database.schema(MeetingAgendaItem.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, "id"))
            .field("position", .int, .required)
            .field("title", .string, .required)
            .field("minutes", .int, .required)
            .create()
        try await SQLIndex.create(on: database, table: MeetingAgendaItem.schema, columns: ["meeting_id"])
        try await database.schema(MeetingInvitee.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, "id"))
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("answer", .string, .required)
            .field("delegate_staff_id", .uuid, .references(StaffMember.schema, "id"))
            .field("present", .bool)
            .unique(on: "meeting_id", "staff_id")
            .create()
        try await SQLIndex.create(on: database, table: MeetingInvitee.schema, columns: ["staff_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MeetingInvitee.schema).delete()
        try await database.schema(MeetingAgendaItem.schema).delete()
        try await database.schema(Meeting.schema).delete()
        try await database.schema(MeetingRoom.schema).delete()
    }
}
