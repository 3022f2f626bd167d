import CongsoCore
import Fluent
import Vapor

/// Attendance and minutes: the chair marks who came; minutes go draft → circulated (the
/// attendees comment) → locked and published; decisions with owners and deadlines become
/// tasks in one step.
enum MeetingMinutesService {
    /// The chair, or whoever schedules meetings in the org, keeps the record of a meeting.
    static func requireKeeper(_ m: Meeting, actor: Actor) throws {
        guard actor.may(.scheduleMeetings, on: OrgPath(m.orgPath)) || (actor.staffID != nil && actor.staffID == m.chairStaffID) else {
            throw AppError.forbidden
        }
    }

    static func isKeeper(_ m: Meeting, actor: Actor) -> Bool { (try? requireKeeper(m, actor: actor)) != nil }

    /// Marks the staff in `present` present and every other invitee absent, once the meeting has begun.
    static func markAttendance(_ id: UUID, present: [UUID], actor: Actor, on db: any Database, now: Date = Date()) async throws {
        let m = try await MeetingService.find(id, actor: actor, on: db)
        try requireKeeper(m, actor: actor)
        guard m.status == .scheduled else { throw AppError.conflict("meeting.not_scheduled", m.title) }
        guard now >= m.startsAt else { throw AppError.invalid("meeting.not_started", m.title) }
        let chosen = Set(present)
        try await db.writeTransaction { tx in
            let invitees = try await MeetingInvitee.query(on: tx).filter(\.$meetingID == id).all()
            let known = Set(invitees.map(\.staffID))
            guard chosen.isSubset(of: known) else { throw AppError.invalid("meeting.not_invited", m.title) }
            for inv in invitees {
                inv.present = chosen.contains(inv.staffID)
                try await inv.save(on: tx)
            }
            try await AuditService.record(on: tx, actor: actor, action: "meeting.attendance", entityType: "meeting", entityID: m.id,
                                          orgPath: m.orgPath, summary: "\(m.title): \(chosen.count)/\(invitees.count)")
        }
    }

    struct DecisionInput: Content { var text: String?; var ownerStaffId: UUID?; var deadline: String? }
    struct DraftInput: Content { var summary: String?; var decisions: [DecisionInput]? }

    static func minutes(of id: UUID, on db: any Database) async throws -> MeetingMinutes? {
        try await MeetingMinutes.query(on: db).filter(\.$meetingID == id).first()
    }

    /// Writes the draft (summary and decisions, replacing the earlier ones).
    static func saveDraft(_ id: UUID, _ input: DraftInput, actor: Actor, on db: any Database) async throws {
        let m = try await MeetingService.find(id, actor: actor, on: db)
        try requireKeeper(m, actor: actor)
        guard m.status == .scheduled else { throw AppError.conflict("meeting.not_scheduled", m.title) }
        let summary = (input.summary ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard summary.count <= 20_000 else { throw AppError.invalid("too_long", "20000") }
        var decisions: [(String, UUID?, String?)] = []
        let meetingDay = LocalDate.of(m.startsAt)
        for d in input.decisions ?? [] {
            let text = (d.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty && d.ownerStaffId == nil && (d.deadline ?? "").isEmpty { continue }
            guard !text.isEmpty, text.count <= 1000 else { throw AppError.invalid("meeting.decision_invalid", text) }
            if let owner = d.ownerStaffId { _ = try await StaffService.find(owner, actor: actor, on: db) }
            var deadline: String?
            if let raw = d.deadline, !raw.isEmpty {
                guard let day = LocalDate(raw), day >= meetingDay else { throw AppError.invalid("meeting.decision_deadline", raw) }
                deadline = day.value
            }
            decisions.append((text, d.ownerStaffId, deadline))
        }
        guard decisions.count <= 100 else { throw AppError.invalid("meeting.decision_invalid", "100") }
        let items = decisions
        try await db.writeTransaction { tx in
            let existing = try await minutes(of: id, on: tx)
            guard existing == nil || existing?.status == .draft else { throw AppError.conflict("meeting.minutes_not_draft", m.title) }
            let record = existing ?? MeetingMinutes()
            if existing == nil { record.meetingID = id; record.status = .draft }
            record.summary = summary
            record.updatedBy = actor.displayName
            try await record.save(on: tx)
            try await MeetingDecision.query(on: tx).filter(\.$meetingID == id).delete()
            for (i, d) in items.enumerated() {
                let row = MeetingDecision()
                row.meetingID = id; row.position = i; row.text = d.0; row.ownerStaffID = d.1; row.deadline = d.2
                try await row.create(on: tx)
            }
            try await AuditService.record(on: tx, actor: actor, action: "meeting.minutes_draft", entityType: "meeting", entityID: m.id,
                                          orgPath: m.orgPath, summary: "\(m.title): \(items.count)")
        }
    }

    /// draft → circulated (attendees are told) → locked (published to every invitee).
    static func advance(_ id: UUID, to next: MeetingMinutes.Status, actor: Actor, on db: any Database) async throws {
        let m = try await MeetingService.find(id, actor: actor, on: db)
        try requireKeeper(m, actor: actor)
        try await db.writeTransaction { tx in
            guard let record = try await minutes(of: id, on: tx) else { throw AppError.invalid("meeting.minutes_missing", m.title) }
            let from: MeetingMinutes.Status = next == .circulated ? .draft : .circulated
            guard record.status == from else { throw AppError.conflict("meeting.minutes_step", m.title) }
            if next == .circulated && record.summary.isEmpty { throw AppError.invalid("meeting.minutes_missing", m.title) }
            record.status = next
            if next == .circulated { record.circulatedAt = Date() } else { record.lockedAt = Date() }
            record.updatedBy = actor.displayName
            try await record.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: next == .circulated ? "meeting.minutes_circulate" : "meeting.minutes_lock",
                                          entityType: "meeting", entityID: m.id, orgPath: m.orgPath, summary: m.title)
            try await MeetingService.notifyInvitees(m, kind: next == .circulated ? "notif.meeting_minutes_circulated" : "notif.meeting_minutes_published",
                                                    except: actor.userID, on: tx)
        }
    }

    /// An invitee comments on circulated minutes.
    static func comment(_ id: UUID, text raw: String?, actor: Actor, on db: any Database) async throws {
        let m = try await MeetingService.find(id, actor: actor, on: db)
        guard let me = actor.staffID, try await MeetingService.isInvited(me, to: m, on: db) else { throw AppError.invalid("meeting.not_invited", m.title) }
        let text = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 2000 else { throw AppError.invalid("meeting.comment_invalid", "") }
        try await db.writeTransaction { tx in
            guard let record = try await minutes(of: id, on: tx), record.status == .circulated else {
                throw AppError.conflict("meeting.minutes_step", m.title)
            }
            let c = MeetingMinutesComment()
            c.meetingID = id; c.author = actor.displayName; c.text = text
            try await c.create(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "meeting.minutes_comment", entityType: "meeting", entityID: m.id,
                                          orgPath: m.orgPath, summary: String(text.prefix(200)))
        }
    }

    /// A decision with an owner and a deadline becomes a task assigned to the owner, once.
    static func makeTask(_ id: UUID, decision decisionID: UUID, actor: Actor, on db: any Database) async throws -> WorkTask {
        let m = try await MeetingService.find(id, actor: actor, on: db)
        try requireKeeper(m, actor: actor)
        guard let d = try await MeetingDecision.find(decisionID, on: db), d.meetingID == id else { throw AppError.notFound(decisionID.uuidString) }
        guard d.taskID == nil else { throw AppError.conflict("meeting.decision_has_task", d.text) }
        guard let owner = d.ownerStaffID, let deadline = d.deadline else { throw AppError.invalid("meeting.decision_incomplete", d.text) }
        guard let record = try await minutes(of: id, on: db), record.status != .draft else { throw AppError.conflict("meeting.minutes_step", m.title) }
        let task = try await TaskService.create(.init(title: String(d.text.prefix(TaskService.maxTitle)),
                                                      description: "Theo kết luận cuộc họp “\(m.title)” ngày \(LocalDate.of(m.startsAt).vietnamese).",
                                                      deadline: deadline, assigneeStaffId: owner), actor: actor, on: db)
        try await db.writeTransaction { tx in
            guard let locked = try await MeetingDecision.lockedForUpdate(decisionID, on: tx) else { throw AppError.notFound(decisionID.uuidString) }
            locked.taskID = task.id
            try await locked.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "meeting.decision_task", entityType: "meeting", entityID: m.id,
                                          orgPath: m.orgPath, summary: d.text)
        }
        return task
    }
}
