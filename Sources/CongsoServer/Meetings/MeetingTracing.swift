import CongsoCore
import Fluent
import Vapor

/// Who sat in the same room: the in-person meetings a person attended in a period and the
/// others who attended them (marked present by the chair, or — not yet marked — accepted,
/// or came as someone's delegate). Contact tracing (issue 16) reads it.
enum MeetingTracing {
    struct Shared: Sendable {
        let meetingID: UUID
        let title: String
        let startsAt: Date
        let endsAt: Date
        let others: [UUID]
    }

    static func attendee(_ i: MeetingInvitee) -> UUID? {
        switch i.present {
        case .some(false): return nil
        case .some(true): return i.answer == .delegated ? (i.delegateStaffID ?? i.staffID) : i.staffID
        case .none:
            if i.answer == .accepted { return i.staffID }
            if i.answer == .delegated { return i.delegateStaffID }
            return nil
        }
    }

    static func shared(with staffID: UUID, from: Date, to: Date, on db: any Database) async throws -> [Shared] {
        let meetings = try await Meeting.query(on: db).filter(\.$mode == .inPerson).filter(\.$status == .scheduled)
            .filter(\.$startsAt >= from).filter(\.$startsAt <= to).limit(2_000).all()
        guard !meetings.isEmpty else { return [] }
        let invitees = try await MeetingInvitee.query(on: db).filter(\.$meetingID ~~ meetings.map { $0.id! }).all()
        let byMeeting = Dictionary(grouping: invitees, by: \.meetingID)
        var out: [Shared] = []
        for m in meetings {
            var present = Set((byMeeting[m.id!] ?? []).compactMap(attendee))
            present.insert(m.chairStaffID)
            guard present.contains(staffID) else { continue }
            present.remove(staffID)
            out.append(Shared(meetingID: m.id!, title: m.title, startsAt: m.startsAt, endsAt: m.endsAt, others: Array(present)))
        }
        return out
    }
}
