import CongsoCore
import Fluent
import Foundation

/// A meeting as an iCalendar invitation (RFC 5545/5546): METHOD:REQUEST, sent again with a
/// higher SEQUENCE after a change; METHOD:CANCEL once cancelled. One per invitee.
enum MeetingInvitation {
    struct Person { let name: String; let email: String }

    static func partstat(_ a: MeetingInvitee.Answer) -> String {
        switch a {
        case .pending: "NEEDS-ACTION"
        case .accepted: "ACCEPTED"
        case .declined: "DECLINED"
        case .delegated: "DELEGATED"
        }
    }

    static func render(_ m: Meeting, agenda: [MeetingDTO.Agenda], room: String?, organizer: Person, attendee: Person?,
                       answer: MeetingInvitee.Answer?, link: String, now: Date = Date()) -> String {
        let cancelled = m.status == .cancelled || m.status == .refused
        let status = cancelled ? "CANCELLED" : m.status == .pending ? "TENTATIVE" : "CONFIRMED"
        let description = (agenda.enumerated().map { "\($0.offset + 1). \($0.element.title) (\($0.element.minutes) phút)" } + [link])
            .joined(separator: "\n")
        func address(_ p: Person) -> String { "mailto:" + (p.email.isEmpty ? "noreply@congso.invalid" : p.email) }
        func cn(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "'") + "\"" }
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Congso//Hop//VI", "CALSCALE:GREGORIAN",
                     "METHOD:" + (cancelled ? "CANCEL" : "REQUEST"),
                     "BEGIN:VEVENT", "UID:\(m.id!.uuidString.lowercased())@congso", "SEQUENCE:\(m.sequence)", "DTSTAMP:" + ICalendar.utc(now),
                     "DTSTART:" + ICalendar.utc(m.startsAt), "DTEND:" + ICalendar.utc(m.endsAt),
                     "SUMMARY:" + ICalendar.escape(m.title), "DESCRIPTION:" + ICalendar.escape(description),
                     "LOCATION:" + ICalendar.escape(m.mode == .online ? "Trực tuyến" : (room ?? "")), "URL:" + link, "STATUS:" + status,
                     "ORGANIZER;CN=\(cn(organizer.name)):\(address(organizer))"]
        if let attendee {
            lines.append("ATTENDEE;CN=\(cn(attendee.name));ROLE=REQ-PARTICIPANT;PARTSTAT=\(partstat(answer ?? .pending));RSVP=TRUE:\(address(attendee))")
        }
        lines += ["END:VEVENT", "END:VCALENDAR"]
        return lines.map(ICalendar.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// The invitation for one person (`staffID` nil: without an attendee line).
    static func forPerson(_ m: Meeting, staffID: UUID?, baseURL: String, on db: any Database) async throws -> String {
        let agenda = try await MeetingAgendaItem.query(on: db).filter(\.$meetingID == m.id!).sort(\.$position).all()
            .map { MeetingDTO.Agenda(title: $0.title, minutes: $0.minutes) }
        let room: String? = if let id = m.roomID { try await MeetingRoom.find(id, on: db)?.name } else { nil }
        let chair = try await StaffMember.find(m.chairStaffID, on: db)
        var attendee: Person?
        var answer: MeetingInvitee.Answer?
        if let staffID, let p = try await StaffMember.find(staffID, on: db) {
            attendee = Person(name: p.fullName, email: p.email)
            answer = try await MeetingInvitee.query(on: db).filter(\.$meetingID == m.id!).filter(\.$staffID == staffID).first()?.answer
        }
        return render(m, agenda: agenda, room: room, organizer: Person(name: chair?.fullName ?? "", email: chair?.email ?? ""),
                      attendee: attendee, answer: answer, link: "\(baseURL)/meetings/\(m.id!)")
    }
}
