import Foundation

/// One stay on site as the presence register (or the visitor log) has it.
public struct PresenceSpan: Equatable, Sendable {
    public var person: String
    public var unit: String
    public var date: LocalDate
    public var shift: Shift
    public var from: Date
    /// Nil while still checked in: the stay runs to the end of the shift.
    public var to: Date?

    public init(person: String, unit: String, date: LocalDate, shift: Shift, from: Date, to: Date?) {
        self.person = person
        self.unit = unit
        self.date = date
        self.shift = shift
        self.from = from
        self.to = to
    }

    public var end: Date { to ?? ContactTracing.shiftEnd(date, shift) }
}

/// Someone who shared a unit and shift with a case, and for how long at once.
public struct TracedContact: Equatable, Sendable {
    public var person: String
    public var date: LocalDate
    public var shift: Shift
    /// Minutes both were in at the same time (0: same shift, not at the same time).
    public var overlapMinutes: Int
}

/// Contacts by the register's rule: the same unit, day and shift as one of the case's stays.
public enum ContactTracing {
    /// When a shift ends, local time (the on-site shifts: morning to 12:00, afternoon to 17:30).
    public static func shiftEnd(_ date: LocalDate, _ shift: Shift) -> Date {
        date.start.addingTimeInterval(shift == .morning ? 12 * 3600 : 17.5 * 3600)
    }

    public static func overlapMinutes(_ a: PresenceSpan, _ b: PresenceSpan) -> Int {
        let from = max(a.from, b.from), to = min(a.end, b.end)
        return to > from ? Int(to.timeIntervalSince(from) / 60) : 0
    }

    /// Every other person's stays in the case's units and shifts, one entry per person,
    /// day and shift, sorted by day and then longest overlap first.
    public static func contacts(of cases: [PresenceSpan], among others: [PresenceSpan]) -> [TracedContact] {
        var caseStays: [String: [PresenceSpan]] = [:]
        var casePeople = Set<String>()
        for c in cases {
            caseStays["\(c.unit)|\(c.date.value)|\(c.shift.rawValue)", default: []].append(c)
            casePeople.insert(c.person)
        }
        var best: [String: TracedContact] = [:]
        for o in others where !casePeople.contains(o.person) {
            guard let stays = caseStays["\(o.unit)|\(o.date.value)|\(o.shift.rawValue)"] else { continue }
            let minutes = stays.map { overlapMinutes($0, o) }.max() ?? 0
            let key = "\(o.person)|\(o.date.value)|\(o.shift.rawValue)"
            if (best[key]?.overlapMinutes ?? -1) < minutes {
                best[key] = TracedContact(person: o.person, date: o.date, shift: o.shift, overlapMinutes: minutes)
            }
        }
        return best.values.sorted { ($0.date, $1.overlapMinutes, $0.person) < ($1.date, $0.overlapMinutes, $1.person) }
    }
}
