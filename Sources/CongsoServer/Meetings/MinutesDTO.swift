import CongsoCore
import Fluent
import Vapor

/// A meeting's record as the API and the printable page give it: who came, the minutes, the
/// decisions with owners, deadlines and tasks, and the comments. Drafts are the keepers' own.
struct MinutesDTO: Content {
    struct Decision: Content {
        let id: UUID
        let text: String
        let ownerStaffId: UUID?
        let ownerName: String?
        let deadline: String?
        let taskId: UUID?
    }
    struct Comment: Content { let author: String; let text: String; let at: Date? }
    struct Person: Content { let staffId: UUID; let name: String }

    let meetingId: UUID
    /// nil: no minutes yet.
    let status: MeetingMinutes.Status?
    let summary: String
    let updatedBy: String?
    let circulatedAt: Date?
    let lockedAt: Date?
    let decisions: [Decision]
    let comments: [Comment]
    let present: [Person]
    let absent: [Person]
    /// Invitees the chair has not marked either way.
    let unmarked: [Person]
    let canEdit: Bool

    static func make(_ m: Meeting, actor: Actor, on db: any Database) async throws -> MinutesDTO {
        let keeper = MeetingMinutesService.isKeeper(m, actor: actor)
        let record = try await MeetingMinutesService.minutes(of: m.id!, on: db)
        // A draft is not shown to the attendees until it is circulated.
        let visible = record.map { $0.status != .draft || keeper } ?? false
        let decisions = visible ? try await MeetingDecision.query(on: db).filter(\.$meetingID == m.id!).sort(\.$position).all() : []
        let comments = visible ? try await MeetingMinutesComment.query(on: db).filter(\.$meetingID == m.id!).sort(\.$createdAt).all() : []
        let invitees = try await MeetingInvitee.query(on: db).filter(\.$meetingID == m.id!).all()
        let ids = Set(invitees.map(\.staffID) + decisions.compactMap(\.ownerStaffID))
        var names: [UUID: StaffMember] = [:]
        for p in try await StaffMember.query(on: db).filter(\.$id ~~ Array(ids)).all() { names[p.id!] = p }
        func people(_ f: (MeetingInvitee) -> Bool) -> [Person] {
            invitees.filter(f).sorted { (names[$0.staffID]?.sortKey ?? "") < (names[$1.staffID]?.sortKey ?? "") }
                .map { Person(staffId: $0.staffID, name: names[$0.staffID]?.fullName ?? "") }
        }
        return MinutesDTO(
            meetingId: m.id!, status: visible ? record?.status : nil, summary: visible ? record?.summary ?? "" : "",
            updatedBy: visible ? record?.updatedBy : nil, circulatedAt: record?.circulatedAt, lockedAt: record?.lockedAt,
            decisions: decisions.map { Decision(id: $0.id!, text: $0.text, ownerStaffId: $0.ownerStaffID,
                                                ownerName: $0.ownerStaffID.flatMap { names[$0]?.fullName }, deadline: $0.deadline, taskId: $0.taskID) },
            comments: comments.map { Comment(author: $0.author, text: $0.text, at: $0.createdAt) },
            present: people { $0.present == true }, absent: people { $0.present == false }, unmarked: people { $0.present == nil },
            canEdit: keeper && m.status == .scheduled && (record == nil || record?.status == .draft))
    }
}
