import CongsoCore
import Fluent
import Vapor

/// An org's meeting rooms: as data, so in-person requests are checked against the seats.
enum MeetingRoomService {
    struct Input: Content {
        var org: String?
        var name: String?
        var rows: Int?
        var columns: Int?
        var pitchMeters: Double?
        var areaSquareMeters: Double?
    }

    static func create(_ input: Input, actor: Actor, on db: any Database) async throws -> MeetingRoom {
        guard let code = input.org, !code.isEmpty else { throw AppError.invalid("org_missing", "") }
        let org = try await OrgService.find(code, actor: actor, on: db)
        try actor.require(.scheduleMeetings, on: org.orgPath)
        let name = (input.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 120 else { throw AppError.invalid("meeting.room_name_missing", "") }
        let layout: RoomLayout
        if let r = input.rows, let c = input.columns, let p = input.pitchMeters {
            layout = .grid(rows: r, columns: c, pitchMeters: p)
        } else if let a = input.areaSquareMeters {
            layout = .area(squareMeters: a)
        } else {
            throw AppError.invalid("meeting.room_layout_missing", name)
        }
        do { _ = try layout.validated() } catch { throw AppError.invalid("meeting.room_layout_invalid", name) }
        let room = MeetingRoom()
        room.id = UUID(); room.orgID = org.id!; room.orgPath = org.path; room.name = name
        if case let .grid(r, c, p) = layout { room.seatRows = r; room.seatColumns = c; room.seatPitch = p }
        if case let .area(a) = layout { room.area = a }
        do {
            try await db.writeTransaction { tx in
                try await room.create(on: tx)
                try await AuditService.record(on: tx, actor: actor, action: "meeting.room_create", entityType: "meeting_room", entityID: room.id,
                                              orgPath: org.path, summary: name)
            }
        } catch where DatabaseFailure.isUniqueViolation(error) {
            throw AppError.conflict("meeting.room_exists", name)
        }
        return room
    }

    /// Rooms an org may use: its own and those of the orgs above it.
    static func usable(by org: Organization, on db: any Database) async throws -> [MeetingRoom] {
        let ancestors = org.orgPath.ancestorsAndSelf.map(\.value)
        return try await MeetingRoom.query(on: db).filter(\.$orgPath ~~ ancestors).sort(\.$name).all()
    }

    struct DTO: Content {
        let id: UUID
        let orgId: UUID
        let name: String
        let rows: Int?
        let columns: Int?
        let pitchMeters: Double?
        let areaSquareMeters: Double?
        /// Seats usable at the spacing in force today for the org asked about (nil: not asked).
        let capacityAtSpacing: Int?
        let spacingMeters: Double?

        init(_ r: MeetingRoom, spacing: Double? = nil, withCapacity: Bool = false) {
            id = r.id!; orgId = r.orgID; name = r.name; rows = r.seatRows; columns = r.seatColumns; pitchMeters = r.seatPitch
            areaSquareMeters = r.area
            capacityAtSpacing = withCapacity ? r.layout?.capacity(spacing: spacing) : nil
            spacingMeters = spacing
        }
    }
}
