import CongsoCore
import Fluent
import Vapor

/// Meetings: scheduling with agenda and invitees (units expanded to their staff), the
/// in-person rules of the directive in force, the head's approval, answers and cancellation.
enum MeetingService {
    /// An in-person meeting the directive or the room does not allow, with every reason.
    struct Refused: Error { let refusals: [InPersonRefusal] }

    struct AgendaInput: Content { var title: String?; var minutes: Int? }

    struct Input: Content {
        var org: String?
        var title: String?
        /// yyyy-MM-dd, and HH:mm in Asia/Ho_Chi_Minh.
        var date: String?
        var start: String?
        var end: String?
        var chairStaffId: UUID?
        var inviteeStaffIds: [UUID]?
        /// Org codes (or ids) whose staff are all invited.
        var inviteeOrgs: [String]?
        var agenda: [AgendaInput]?
        var mode: Meeting.Mode?
        var roomId: UUID?
    }

    static let maxInvitees = 1_000

    /// "08:30" on a Hanoi day, as an instant (Vietnam has no daylight saving).
    static func instant(_ day: LocalDate, _ time: String?, field: String) throws -> Date {
        let parts = (time ?? "").split(separator: ":")
        guard parts.count == 2, parts[0].count <= 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0...23).contains(h), (0...59).contains(m) else { throw AppError.invalid("meeting.time_invalid", time ?? "") }
        return day.start.addingTimeInterval(TimeInterval(h * 3600 + m * 60))
    }

    static func create(_ input: Input, actor: Actor, on db: any Database) async throws -> Meeting {
        guard let code = input.org, !code.isEmpty else { throw AppError.invalid("org_missing", "") }
        let org = try await OrgService.find(code, actor: actor, on: db)
        try actor.require(.scheduleMeetings, on: org.orgPath)
        let title = (input.title ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw AppError.invalid("meeting.title_missing", "") }
        guard title.count <= 300 else { throw AppError.invalid("too_long", "300") }
        guard let day = input.date.flatMap(LocalDate.init) else { throw AppError.invalid("date_invalid", input.date ?? "") }
        let starts = try instant(day, input.start, field: "start"), ends = try instant(day, input.end, field: "end")
        guard ends > starts else { throw AppError.invalid("meeting.end_before_start", "\(input.start ?? "") – \(input.end ?? "")") }
        guard starts > Date().addingTimeInterval(-300) else { throw AppError.invalid("meeting.in_past", day.vietnamese) }
        var agenda: [(String, Int)] = []
        for item in input.agenda ?? [] {
            let t = (item.title ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if t.isEmpty && item.minutes == nil { continue }
            guard !t.isEmpty, t.count <= 300 else { throw AppError.invalid("meeting.agenda_invalid", t) }
            guard let m = item.minutes, (1...600).contains(m) else { throw AppError.invalid("meeting.agenda_minutes", t) }
            agenda.append((t, m))
        }
        guard agenda.count <= 50 else { throw AppError.invalid("meeting.agenda_invalid", "50") }
        let length = Int(ends.timeIntervalSince(starts) / 60)
        let planned = agenda.reduce(0) { $0 + $1.1 }
        guard planned <= length else { throw AppError.invalid("meeting.agenda_too_long", "\(planned) > \(length)") }
        guard let chairID = input.chairStaffId else { throw AppError.invalid("meeting.chair_missing", "") }
        let chair = try await StaffService.find(chairID, actor: actor, on: db)
        let invitees = try await expand(staff: input.inviteeStaffIds ?? [], orgs: input.inviteeOrgs ?? [], chair: chair.id!, actor: actor, on: db)
        let mode = input.mode ?? .online
        var room: MeetingRoom?
        if mode == .inPerson {
            guard let roomID = input.roomId, let r = try await MeetingRoom.find(roomID, on: db) else { throw AppError.invalid("meeting.room_missing", "") }
            guard OrgPath(r.orgPath).contains(org.orgPath) || org.orgPath.contains(OrgPath(r.orgPath)) else {
                throw AppError.invalid("meeting.room_outside", r.name)
            }
            room = r
            let refusals = try await inPersonRefusals(org: org, day: day, attendees: invitees.count, room: r, on: db)
            if !refusals.isEmpty { throw Refused(refusals: refusals) }
        }
        let approved = mode == .online || actor.may(.approveMeetings, on: org.orgPath)
        let roomID = room?.id, items = agenda
        return try await db.writeTransaction { tx in
            let m = Meeting()
            m.id = UUID(); m.orgID = org.id!; m.orgPath = org.path; m.title = title
            m.searchText = VietnameseText.searchable(title); m.startsAt = starts; m.endsAt = ends
            m.chairStaffID = chair.id!; m.mode = mode; m.roomID = roomID
            m.status = approved ? .scheduled : .pending
            m.decidedBy = mode == .inPerson && approved ? actor.displayName : nil
            m.videoRoom = MeetingRoomName.random()
            m.attendeeSecret = UserToken.generate(); m.moderatorSecret = UserToken.generate()
            m.sequence = 0; m.createdBy = actor.displayName
            try await m.create(on: tx)
            for (i, item) in items.enumerated() {
                let a = MeetingAgendaItem()
                a.meetingID = m.id!; a.position = i; a.title = item.0; a.minutes = item.1
                try await a.create(on: tx)
            }
            for staffID in invitees {
                let inv = MeetingInvitee()
                inv.meetingID = m.id!; inv.staffID = staffID; inv.answer = staffID == chair.id ? .accepted : .pending
                try await inv.create(on: tx)
            }
            // The invitees find it by search from now on.
            try await SearchIndex.put(SearchIndex.entry(m, on: tx), on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "meeting.create", entityType: "meeting", entityID: m.id,
                                          orgPath: org.path, summary: "\(title) · \(DisplayDate.format(starts)) · \(invitees.count)")
            if m.status == .scheduled {
                try await notifyInvitees(m, kind: "notif.meeting_invited", except: actor.userID, on: tx)
            } else {
                let heads = try await approvers(of: org.path, on: tx)
                try await NotificationService.notify(heads.filter { $0 != actor.userID }, kind: "notif.meeting_approval",
                                                     detail: title, link: "/meetings/\(m.id!)", on: tx)
            }
            return m
        }
    }

    /// The staff invited: those named (each readable by the actor) and everyone in the named
    /// units' subtrees, once each, with the chair.
    static func expand(staff: [UUID], orgs: [String], chair: UUID, actor: Actor, on db: any Database) async throws -> [UUID] {
        var ids: [UUID] = [chair]
        var seen: Set<UUID> = [chair]
        for id in staff where !seen.contains(id) {
            _ = try await StaffService.find(id, actor: actor, on: db)
            ids.append(id); seen.insert(id)
        }
        for code in orgs where !code.isEmpty {
            let unit = try await OrgService.find(code, actor: actor, on: db)
            try actor.require(.readStaff, on: unit.orgPath)
            let members = try await StaffMember.query(on: db).join(Organization.self, on: \StaffMember.$org.$id == \Organization.$id)
                .filter(Organization.self, \.$path =~ unit.path).sort(\.$sortKey).limit(maxInvitees + 1).all()
            for p in members where !seen.contains(p.id!) { ids.append(p.id!); seen.insert(p.id!) }
        }
        guard ids.count <= maxInvitees else { throw AppError.invalid("meeting.too_many_invitees", String(maxInvitees)) }
        guard ids.count >= 2 else { throw AppError.invalid("meeting.no_invitees", "") }
        return ids
    }

    static func inPersonRefusals(org: Organization, day: LocalDate, attendees: Int, room: MeetingRoom, on db: any Database) async throws -> [InPersonRefusal] {
        let effective = try await PolicyService.effective(for: org, on: day, db: db)
        return InPersonRule.check(attendees: attendees, layout: room.layout, policy: effective.policy)
    }

    static func approvers(of path: String, on db: any Database) async throws -> [UUID] {
        try await NotificationService.usersCovering(OrgPath(path), roles: [.head], on: db).compactMap(\.id)
    }

    static func notifyInvitees(_ m: Meeting, kind: String, except: UUID?, on db: any Database) async throws {
        let staff = try await MeetingInvitee.query(on: db).filter(\.$meetingID == m.id!).all().map(\.staffID)
        let users = try await User.query(on: db).filter(\.$staffID ~~ staff).filter(\.$active == true).all().map { $0.id! }
        try await NotificationService.notify(users.filter { $0 != except }, kind: kind,
                                             detail: "\(m.title) · \(DisplayDate.format(m.startsAt))", link: "/meetings/\(m.id!)", on: db)
    }

    /// A meeting the actor may see: invited, chairing, or reading staff of its org.
    static func find(_ id: UUID, actor: Actor, on db: any Database) async throws -> Meeting {
        guard let m = try await Meeting.find(id, on: db) else { throw AppError.notFound(id.uuidString) }
        if actor.may(.readStaff, on: OrgPath(m.orgPath)) { return m }
        if let me = actor.staffID, try await isInvited(me, to: m, on: db) { return m }
        throw AppError.notFound(id.uuidString)
    }

    static func isInvited(_ staffID: UUID, to m: Meeting, on db: any Database) async throws -> Bool {
        if m.chairStaffID == staffID { return true }
        return try await MeetingInvitee.query(on: db).filter(\.$meetingID == m.id!).group(.or) {
            $0.filter(\.$staffID == staffID).filter(\.$delegateStaffID == staffID)
        }.count() > 0
    }

    /// The head approves or refuses an in-person request; the rules are checked again as
    /// they stand on the day of the decision.
    static func decide(_ id: UUID, approve: Bool, note: String?, actor: Actor, on db: any Database) async throws -> Meeting {
        let m = try await find(id, actor: actor, on: db)
        try actor.require(.approveMeetings, on: OrgPath(m.orgPath))
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines).prefix(1000).description
        if approve, let roomID = m.roomID, let room = try await MeetingRoom.find(roomID, on: db), let org = try await Organization.find(m.orgID, on: db) {
            let count = try await MeetingInvitee.query(on: db).filter(\.$meetingID == m.id!).count()
            let refusals = try await inPersonRefusals(org: org, day: LocalDate.of(m.startsAt), attendees: count, room: room, on: db)
            if !refusals.isEmpty { throw Refused(refusals: refusals) }
        }
        if !approve && (note ?? "").isEmpty { throw AppError.invalid("meeting.reason_missing", "") }
        return try await db.writeTransaction { tx in
            guard let m = try await Meeting.lockedForUpdate(id, on: tx) else { throw AppError.notFound(id.uuidString) }
            guard m.status == .pending else { throw AppError.conflict("meeting.not_pending", m.title) }
            m.status = approve ? .scheduled : .refused
            m.decidedBy = actor.displayName
            m.decisionNote = note
            m.sequence += 1
            try await m.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: approve ? "meeting.approve" : "meeting.refuse", entityType: "meeting",
                                          entityID: m.id, orgPath: m.orgPath, summary: m.title + (note.map { " — " + $0 } ?? ""))
            if approve { try await notifyInvitees(m, kind: "notif.meeting_invited", except: actor.userID, on: tx) }
            return m
        }
    }

    struct Change: Content { var title: String?; var date: String?; var start: String?; var end: String? }

    /// A new title, day or times: the calendar sequence rises and invitees are told (their
    /// calendars replace the event on the next invitation).
    static func change(_ id: UUID, _ input: Change, actor: Actor, on db: any Database) async throws -> Meeting {
        let m = try await find(id, actor: actor, on: db)
        guard actor.may(.scheduleMeetings, on: OrgPath(m.orgPath)) || actor.staffID == m.chairStaffID else { throw AppError.forbidden }
        let title = (input.title ?? m.title).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw AppError.invalid("meeting.title_missing", "") }
        guard title.count <= 300 else { throw AppError.invalid("too_long", "300") }
        guard let day = LocalDate(input.date ?? LocalDate.of(m.startsAt).value) else { throw AppError.invalid("date_invalid", input.date ?? "") }
        let starts = try instant(day, input.start ?? DisplayDate.time(m.startsAt), field: "start")
        let ends = try instant(day, input.end ?? DisplayDate.time(m.endsAt), field: "end")
        guard ends > starts else { throw AppError.invalid("meeting.end_before_start", "\(input.start ?? "") – \(input.end ?? "")") }
        guard starts > Date().addingTimeInterval(-300) else { throw AppError.invalid("meeting.in_past", day.vietnamese) }
        let planned = try await MeetingAgendaItem.query(on: db).filter(\.$meetingID == id).all().reduce(0) { $0 + $1.minutes }
        guard planned <= Int(ends.timeIntervalSince(starts) / 60) else { throw AppError.invalid("meeting.agenda_too_long", "\(planned)") }
        // In person on another day: the directive of that day decides.
        if m.mode == .inPerson, let roomID = m.roomID, let room = try await MeetingRoom.find(roomID, on: db),
           let org = try await Organization.find(m.orgID, on: db) {
            let count = try await MeetingInvitee.query(on: db).filter(\.$meetingID == id).count()
            let refusals = try await inPersonRefusals(org: org, day: day, attendees: count, room: room, on: db)
            if !refusals.isEmpty { throw Refused(refusals: refusals) }
        }
        return try await db.writeTransaction { tx in
            guard let m = try await Meeting.lockedForUpdate(id, on: tx) else { throw AppError.notFound(id.uuidString) }
            guard m.status == .scheduled || m.status == .pending else { throw AppError.conflict("meeting.cancelled", m.title) }
            let before = "\(m.title) · \(DisplayDate.format(m.startsAt))"
            m.title = title; m.searchText = VietnameseText.searchable(title); m.startsAt = starts; m.endsAt = ends
            m.sequence += 1
            try await m.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "meeting.change", entityType: "meeting", entityID: m.id,
                                          orgPath: m.orgPath, summary: "\(before) → \(title) · \(DisplayDate.format(starts))")
            try await notifyInvitees(m, kind: "notif.meeting_changed", except: actor.userID, on: tx)
            return m
        }
    }

    /// The chair, whoever scheduled it in the org, or the head cancels; invitees are told.
    static func cancel(_ id: UUID, actor: Actor, on db: any Database) async throws -> Meeting {
        let m = try await find(id, actor: actor, on: db)
        guard actor.may(.scheduleMeetings, on: OrgPath(m.orgPath)) || actor.staffID == m.chairStaffID else { throw AppError.forbidden }
        return try await db.writeTransaction { tx in
            guard let m = try await Meeting.lockedForUpdate(id, on: tx) else { throw AppError.notFound(id.uuidString) }
            guard m.status != .cancelled && m.status != .refused else { throw AppError.conflict("meeting.cancelled", m.title) }
            let wasScheduled = m.status == .scheduled
            m.status = .cancelled
            m.sequence += 1
            try await m.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "meeting.cancel", entityType: "meeting", entityID: m.id,
                                          orgPath: m.orgPath, summary: m.title)
            if wasScheduled { try await notifyInvitees(m, kind: "notif.meeting_cancelled", except: actor.userID, on: tx) }
            return m
        }
    }

    /// An invitee accepts, declines, or delegates to someone of their own unit.
    static func answer(_ id: UUID, answer: MeetingInvitee.Answer, delegate: UUID?, actor: Actor, on db: any Database) async throws {
        guard let me = actor.staffID else { throw AppError.invalid("task.no_staff_record", "") }
        let m = try await find(id, actor: actor, on: db)
        guard m.status == .scheduled || m.status == .pending else { throw AppError.conflict("meeting.cancelled", m.title) }
        guard answer != .pending else { throw AppError.invalid("meeting.answer_invalid", answer.rawValue) }
        var delegateID: UUID?
        if answer == .delegated {
            guard let d = delegate, d != me else { throw AppError.invalid("meeting.delegate_missing", "") }
            guard let mine = try await StaffMember.find(me, on: db), let other = try await StaffMember.find(d, on: db),
                  other.$org.id == mine.$org.id else { throw AppError.invalid("meeting.delegate_outside", "") }
            delegateID = d
        }
        let chosen = delegateID
        try await db.writeTransaction { tx in
            guard let inv = try await MeetingInvitee.query(on: tx).filter(\.$meetingID == m.id!).filter(\.$staffID == me).first() else {
                throw AppError.invalid("meeting.not_invited", m.title)
            }
            inv.answer = answer
            inv.delegateStaffID = chosen
            try await inv.save(on: tx)
            // A delegate finds the meeting by search too.
            if chosen != nil { try await SearchIndex.put(SearchIndex.entry(m, on: tx), on: tx) }
            try await AuditService.record(on: tx, actor: actor, action: "meeting.answer", entityType: "meeting", entityID: m.id,
                                          orgPath: m.orgPath, summary: "\(m.title): \(answer.rawValue)")
            if let chosen {
                let users = try await User.query(on: tx).filter(\.$staffID == chosen).all().map { $0.id! }
                try await NotificationService.notify(users, kind: "notif.meeting_delegated", detail: m.title, link: "/meetings/\(m.id!)", on: tx)
            }
        }
    }
}
