import CongsoCore
import Fluent
import Vapor

/// "My schedule" and its iCalendar feed (RFC 5545): published roster shifts and approved
/// on-site requests, behind a secret URL that the person can replace or revoke.
enum CalendarService {
    struct Entry: Sendable {
        let id: UUID
        let date: String
        let shift: Shift
        let unitID: UUID
        let source: String   // "roster" or "request"
    }

    static func entries(staffID: UUID, from: LocalDate, days: Int = 62, on db: any Database) async throws -> [Entry] {
        let cells = try await RosterService.schedule(staffID: staffID, from: from, days: days, on: db)
        let requests = try await OnSiteRequest.query(on: db).filter(\.$staffID == staffID)
            .filter(\.$status == .approved)
            .filter(\.$date >= from.value).filter(\.$date <= from.adding(days: days).value).all()
        var seen = Set<String>()
        var out: [Entry] = []
        for c in cells where seen.insert(c.date + c.shift.rawValue).inserted {
            out.append(Entry(id: c.id!, date: c.date, shift: Shift(rawValue: c.shift.rawValue) ?? .morning, unitID: c.unitID, source: "roster"))
        }
        for r in requests where seen.insert(r.date + r.shift.rawValue).inserted {
            out.append(Entry(id: r.id!, date: r.date, shift: Shift(rawValue: r.shift.rawValue) ?? .morning, unitID: r.orgID, source: "request"))
        }
        return out.sorted { ($0.date, $0.shift == .morning ? 0 : 1) < ($1.date, $1.shift == .morning ? 0 : 1) }
    }

    /// A new secret feed address; any earlier one stops working.
    static func createFeed(actor: Actor, on db: any Database) async throws -> String {
        guard let staffID = actor.staffID else { throw AppError.invalid("schedule.no_staff", "") }
        // URL-safe: the secret sits in the feed's path.
        let token = UserToken.generate().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let feed = CalendarFeed()
        feed.staffID = staffID
        feed.tokenHash = UserToken.hash(token)
        try await db.writeTransaction { tx in
            try await revokeAll(staffID: staffID, on: tx)
            try await feed.create(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "calendar.create", entityType: "calendarFeed", entityID: feed.id,
                                          orgPath: actor.scope?.value ?? "/", summary: "calendar feed")
        }
        return token
    }

    static func revoke(actor: Actor, on db: any Database) async throws {
        guard let staffID = actor.staffID else { throw AppError.invalid("schedule.no_staff", "") }
        try await db.writeTransaction { tx in
            try await revokeAll(staffID: staffID, on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "calendar.revoke", entityType: "calendarFeed", entityID: nil,
                                          orgPath: actor.scope?.value ?? "/", summary: "calendar feed revoked")
        }
    }

    private static func revokeAll(staffID: UUID, on db: any Database) async throws {
        try await CalendarFeed.query(on: db).filter(\.$staffID == staffID).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: Date()).update()
    }

    static func hasFeed(staffID: UUID, on db: any Database) async throws -> Bool {
        try await CalendarFeed.query(on: db).filter(\.$staffID == staffID).filter(\.$revokedAt == nil).count() > 0
    }

    /// The feed for a secret, or nil when it is unknown or revoked.
    static func feed(token: String, on db: any Database) async throws -> String? {
        guard let feed = try await CalendarFeed.query(on: db).filter(\.$tokenHash == UserToken.hash(token)).filter(\.$revokedAt == nil).first(),
              let person = try await StaffMember.find(feed.staffID, on: db) else { return nil }
        let from = LocalDate.of(Date()).adding(days: -31)
        let list = try await entries(staffID: person.id!, from: from, days: 120, on: db)
        let duty = try await DutyRotaService.shifts(staffID: person.id!, from: from, days: 120, on: db)
        let names = try await OrgService.names(Set(list.map(\.unitID) + duty.map(\.orgID)), on: db)
        // One event per person, day and shift: the UID stays the same when a roster is
        // republished, so calendar apps update the event instead of duplicating it.
        let onSite = list.map {
            ICalendar.Event(uid: "\(person.id!.uuidString.lowercased())-\($0.date)-\($0.shift.rawValue)@congso", date: LocalDate($0.date)!, shift: $0.shift,
                            summary: $0.shift == .morning ? "Làm việc tại trụ sở (sáng)" : "Làm việc tại trụ sở (chiều)",
                            location: names[$0.unitID] ?? "",
                            description: $0.source == "roster" ? "Theo lịch luân phiên đã công bố" : "Theo đề nghị làm việc tại trụ sở đã duyệt")
        }
        let shifts = duty.map { d in
            ICalendar.Event(uid: "\(person.id!.uuidString.lowercased())-\(d.cell.date)-duty-\(d.cell.shift)@congso", start: d.cell.startsAt, end: d.cell.endsAt,
                            summary: "Trực đường dây nóng (ca \(d.cell.shift))", location: names[d.orgID] ?? "", description: "Theo lịch trực 24/7 đã công bố")
        }
        return ICalendar.render(name: person.fullName, entries: (onSite + shifts).sorted { $0.start < $1.start })
    }
}

/// Writes RFC 5545 text: CRLF line ends, escaped text, lines folded at 75 octets.
enum ICalendar {
    struct Event {
        let uid: String; let start: Date; let end: Date; let summary: String; let location: String; let description: String

        init(uid: String, start: Date, end: Date, summary: String, location: String, description: String) {
            self.uid = uid; self.start = start; self.end = end; self.summary = summary; self.location = location; self.description = description
        }

        /// An on-site shift, in its office hours.
        init(uid: String, date: LocalDate, shift: Shift, summary: String, location: String, description: String) {
            let (from, to) = ICalendar.hours(shift)
            self.init(uid: uid, start: date.start.addingTimeInterval(Double(from.0 * 3600 + from.1 * 60)),
                      end: date.start.addingTimeInterval(Double(to.0 * 3600 + to.1 * 60)), summary: summary, location: location, description: description)
        }
    }

    /// Office hours of a shift, Hanoi time (UTC+7, no daylight saving).
    static func hours(_ s: Shift) -> (start: (Int, Int), end: (Int, Int)) {
        s == .morning ? ((7, 30), (11, 30)) : ((13, 30), (17, 0))
    }

    static func render(name: String, entries: [Event], now: Date = Date()) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Congso//Lich lam viec//VI", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "X-WR-CALNAME:" + escape("Lịch làm việc — " + name), "X-WR-TIMEZONE:Asia/Ho_Chi_Minh"]
        let stamp = utc(now)
        for e in entries {
            lines += ["BEGIN:VEVENT", "UID:" + e.uid, "DTSTAMP:" + stamp,
                      "DTSTART:" + utc(e.start), "DTEND:" + utc(e.end),
                      "SUMMARY:" + escape(e.summary), "LOCATION:" + escape(e.location), "DESCRIPTION:" + escape(e.description),
                      "TRANSP:OPAQUE", "END:VEVENT"]
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    static func utc(_ date: LocalDate, _ time: (Int, Int)) -> String {
        utc(date.start.addingTimeInterval(Double(time.0 * 3600 + time.1 * 60)))
    }

    static func utc(_ instant: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f.string(from: instant)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
            .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Folds after at most 75 octets without splitting a UTF-8 character.
    static func fold(_ line: String) -> String {
        var out = "", width = 0
        for ch in line {
            let size = String(ch).utf8.count
            if width + size > 75 { out += "\r\n "; width = 1 }
            out.append(ch)
            width += size
        }
        return out
    }
}
