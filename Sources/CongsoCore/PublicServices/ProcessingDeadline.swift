import Foundation

/// A procedure's legal processing time: working days, or working hours for the quick ones.
public enum ProcessingTime: Hashable, Sendable, CustomStringConvertible {
    case workingDays(Int)
    case workingHours(Int)

    public static let maxDays = 365
    public static let maxHours = 2_000

    /// "15d", "8h" — how it is stored and imported.
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = t.last, let n = Int(t.dropLast().trimmingCharacters(in: .whitespaces)) else { return nil }
        switch unit {
        case "d" where (0...Self.maxDays).contains(n): self = .workingDays(n)
        case "h" where (1...Self.maxHours).contains(n): self = .workingHours(n)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .workingDays(let n): "\(n)d"
        case .workingHours(let n): "\(n)h"
        }
    }
}

/// Deadline arithmetic for dossiers (Decree 61/2018 and its 107/2021 amendment, as
/// docs/sources.md explains): the day of receipt is not counted; a dossier received after
/// 15:00, or on a rest day, counts from the next working day; only working days count, so
/// a deadline never falls on a rest day; hours count office hours (08:00–12:00, 13:00–17:00).
public struct ProcessingDeadline: Sendable {
    public var calendar: WorkingCalendar

    /// Minutes after midnight, Hanoi time.
    public static let cutoff = 15 * 60
    public static let office: [Range<Int>] = [8 * 60 ..< 12 * 60, 13 * 60 ..< 17 * 60]
    public static var closing: Int { office.last!.upperBound }

    public init(calendar: WorkingCalendar) { self.calendar = calendar }

    /// The promised instant for a dossier received at `received`.
    public func due(received: Date, time: ProcessingTime) -> Date {
        switch time {
        case .workingDays(let n):
            var d = countingDay(received)
            for _ in 0..<n { d = calendar.nextWorkingDay(after: d) }
            return Self.instant(d, minutes: Self.closing)
        case .workingHours(let h):
            return addOfficeMinutes(h * 60, from: startInstant(received))
        }
    }

    /// The day after which working days are counted: the day of receipt, or — after 15:00 or
    /// on a rest day — the next working day.
    public func countingDay(_ received: Date) -> LocalDate {
        let day = LocalDate.of(received)
        if calendar.isWorkingDay(day) && Self.minutes(received) < Self.cutoff { return day }
        return calendar.nextWorkingDay(after: day)
    }

    /// How much of the time is left at `at`, to be given back when a suspended dossier
    /// resumes: whole working days after the day counting would start from at `at`, up to
    /// the due day; or office minutes.
    public func remaining(at: Date, due: Date, time: ProcessingTime) -> ProcessingTime {
        switch time {
        case .workingDays:
            // Counted like a receipt at that moment, so resuming at once gives the same date.
            var d = countingDay(at)
            let end = LocalDate.of(due)
            var n = 0
            while d < end { d = calendar.nextWorkingDay(after: d); if d <= end { n += 1 } }
            return .workingDays(n)
        case .workingHours:
            return .workingHours(max(0, Int((officeMinutes(from: at, to: due) + 59) / 60)))
        }
    }

    /// Working days from `from` to `to`: the number of working days after `from`'s day up to
    /// and including `to`'s (0 on the same day), for average processing times.
    public func workingDays(from: Date, to: Date) -> Int {
        var d = LocalDate.of(from)
        let end = LocalDate.of(to)
        var n = 0
        while d < end { d = d.next; if calendar.isWorkingDay(d) { n += 1 } }
        return n
    }

    // MARK: - Office hours

    func startInstant(_ received: Date) -> Date {
        let day = LocalDate.of(received)
        let m = Self.minutes(received)
        if calendar.isWorkingDay(day) && m < Self.cutoff {
            return Self.instant(day, minutes: max(m, Self.office[0].lowerBound))
        }
        return Self.instant(calendar.nextWorkingDay(after: day), minutes: Self.office[0].lowerBound)
    }

    func addOfficeMinutes(_ total: Int, from start: Date) -> Date {
        var day = LocalDate.of(start)
        var m = Self.minutes(start)
        var left = total
        if !calendar.isWorkingDay(day) { day = calendar.nextWorkingDay(after: day); m = 0 }
        while true {
            for r in Self.office where m < r.upperBound {
                let from = max(m, r.lowerBound)
                let span = r.upperBound - from
                if left <= span { return Self.instant(day, minutes: from + left) }
                left -= span
                m = r.upperBound
            }
            day = calendar.nextWorkingDay(after: day); m = 0
        }
    }

    func officeMinutes(from: Date, to: Date) -> Int {
        guard from < to else { return 0 }
        var day = LocalDate.of(from)
        let endDay = LocalDate.of(to)
        var total = 0
        while day <= endDay {
            if calendar.isWorkingDay(day) {
                let lo = day == LocalDate.of(from) ? Self.minutes(from) : 0
                let hi = day == endDay ? Self.minutes(to) : 24 * 60
                for r in Self.office { total += max(0, min(hi, r.upperBound) - max(lo, r.lowerBound)) }
            }
            day = day.next
        }
        return total
    }

    static func minutes(_ instant: Date) -> Int {
        Int(instant.timeIntervalSince(LocalDate.of(instant).start) / 60)
    }

    static func instant(_ day: LocalDate, minutes: Int) -> Date {
        day.start.addingTimeInterval(Double(minutes) * 60)
    }
}
