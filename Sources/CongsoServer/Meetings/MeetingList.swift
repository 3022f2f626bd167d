import CongsoCore
import Fluent
import Vapor

/// The lists of meetings: mine (invited, delegated to or chairing), upcoming or past; and a
/// unit's, over its subtree; both searchable without accents.
enum MeetingList {
    enum Scope: String, Sendable { case mine, unit }
    enum When: String, Sendable { case upcoming, past }

    struct Filter: Sendable {
        var scope: Scope = .mine
        var when: When = .upcoming
        var q: String?
        var under: Organization?
    }

    static func query(_ f: Filter, actor: Actor, on db: any Database, now: Date = Date()) async throws -> QueryBuilder<Meeting> {
        let q = Meeting.query(on: db)
        switch f.scope {
        case .mine:
            guard let me = actor.staffID else { throw AppError.invalid("task.no_staff_record", "") }
            let invited = try await MeetingInvitee.query(on: db).group(.or) { $0.filter(\.$staffID == me).filter(\.$delegateStaffID == me) }
                .all().map(\.meetingID)
            q.group(.or) { $0.filter(\.$id ~~ invited).filter(\.$chairStaffID == me) }
        case .unit:
            try actor.require(.readStaff)
            var prefix = actor.visiblePrefix
            if let under = f.under {
                try actor.require(.readStaff, on: under.orgPath)
                prefix = under.path
            }
            q.filter(\.$orgPath =~ prefix)
        }
        switch f.when {
        case .upcoming: q.filter(\.$endsAt >= now).sort(\.$startsAt, .ascending)
        case .past: q.filter(\.$endsAt < now).sort(\.$startsAt, .descending)
        }
        for term in VietnameseText.searchTerms(f.q ?? "") { q.filter(\.$searchText ~~ term) }
        return q.sort(\.$id)
    }

    static func list(_ f: Filter, actor: Actor, page: PageRequest, on db: any Database) async throws -> Paged<Meeting> {
        let total = try await query(f, actor: actor, on: db).count()
        let items = try await query(f, actor: actor, on: db).range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }
}

/// A meeting as the API gives it (no engine passwords, no room secrets beyond the join route).
struct MeetingDTO: Content {
    struct Agenda: Content { let title: String; let minutes: Int }
    struct Invitee: Content {
        let staffId: UUID
        let name: String
        let answer: MeetingInvitee.Answer
        let delegateStaffId: UUID?
        let delegateName: String?
        let present: Bool?
    }
    let id: UUID
    let orgId: UUID
    let orgName: String
    let title: String
    let startsAt: Date
    let endsAt: Date
    let chairStaffId: UUID
    let chairName: String
    let mode: Meeting.Mode
    let roomId: UUID?
    let roomName: String?
    let status: Meeting.Status
    let decisionNote: String?
    let decidedBy: String?
    let sequence: Int
    let agenda: [Agenda]
    let invitees: [Invitee]
    /// Where "Join" goes (the server mints the token there); nil when no engine is configured
    /// or the meeting is not online and scheduled.
    let joinPath: String?

    /// A page of meetings without agenda and invitees: chairs, rooms and orgs read once for all.
    static func list(_ meetings: [Meeting], engine: VideoEngineSettings?, on db: any Database) async throws -> [MeetingDTO] {
        var chairs: [UUID: String] = [:], rooms: [UUID: String] = [:]
        for p in try await StaffMember.query(on: db).filter(\.$id ~~ Array(Set(meetings.map(\.chairStaffID)))).all() { chairs[p.id!] = p.fullName }
        for r in try await MeetingRoom.query(on: db).filter(\.$id ~~ Array(Set(meetings.compactMap(\.roomID)))).all() { rooms[r.id!] = r.name }
        let orgs = try await OrgService.names(Set(meetings.map(\.orgID)), on: db)
        return meetings.map { m in
            row(m, orgName: orgs[m.orgID] ?? "", chairName: chairs[m.chairStaffID] ?? "", roomName: m.roomID.flatMap { rooms[$0] },
                agenda: [], invitees: [], engine: engine)
        }
    }

    static func row(_ m: Meeting, orgName: String, chairName: String, roomName: String?, agenda: [Agenda], invitees: [Invitee],
                    engine: VideoEngineSettings?) -> MeetingDTO {
        MeetingDTO(
            id: m.id!, orgId: m.orgID, orgName: orgName, title: m.title, startsAt: m.startsAt, endsAt: m.endsAt,
            chairStaffId: m.chairStaffID, chairName: chairName, mode: m.mode, roomId: m.roomID, roomName: roomName,
            status: m.status, decisionNote: m.decisionNote, decidedBy: m.decidedBy, sequence: m.sequence, agenda: agenda, invitees: invitees,
            joinPath: engine != nil && m.mode == .online && m.status == .scheduled ? "/meetings/\(m.id!)/join" : nil)
    }

    /// One meeting with its agenda and invitees.
    static func make(_ m: Meeting, engine: VideoEngineSettings?, on db: any Database) async throws -> MeetingDTO {
        let agenda = try await MeetingAgendaItem.query(on: db).filter(\.$meetingID == m.id!).sort(\.$position).all()
        let invitees = try await MeetingInvitee.query(on: db).filter(\.$meetingID == m.id!).all()
        let ids = Set(invitees.map(\.staffID) + invitees.compactMap(\.delegateStaffID) + [m.chairStaffID])
        var names: [UUID: (String, String)] = [:]
        for p in try await StaffMember.query(on: db).filter(\.$id ~~ Array(ids)).all() { names[p.id!] = (p.fullName, p.sortKey) }
        let room: MeetingRoom? = if let id = m.roomID { try await MeetingRoom.find(id, on: db) } else { nil }
        let org = try await OrgService.names([m.orgID], on: db)[m.orgID] ?? ""
        return row(m, orgName: org, chairName: names[m.chairStaffID]?.0 ?? "", roomName: room?.name,
                   agenda: agenda.map { Agenda(title: $0.title, minutes: $0.minutes) },
                   invitees: invitees.sorted { (names[$0.staffID]?.1 ?? "") < (names[$1.staffID]?.1 ?? "") }.map {
                       Invitee(staffId: $0.staffID, name: names[$0.staffID]?.0 ?? "", answer: $0.answer, delegateStaffId: $0.delegateStaffID,
                               delegateName: $0.delegateStaffID.flatMap { names[$0]?.0 }, present: $0.present)
                   },
                   engine: engine)
    }
}
