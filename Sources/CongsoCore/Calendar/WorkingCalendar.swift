import Foundation

/// Which days public offices work: Monday to Friday, less the public holidays of the Labor
/// Code 2019 art. 112 (Tết and the Hùng Kings' day computed from the lunar calendar), less a
/// day in lieu for a holiday on a weekly rest day (art. 111), adjusted by the days an admin
/// records each year: the rest of the Tết break, bridge days off, and the Saturdays worked
/// in exchange (ngày làm bù). docs/sources.md gives the articles.
public struct WorkingCalendar: Sendable {
    /// An admin's adjustment of one day.
    public enum Adjustment: String, Codable, CaseIterable, Sendable {
        /// A day off on a working day: the Tết break beyond the statutory five, a bridge day.
        case dayOff = "day_off"
        /// A working day on a rest day: ngày làm bù, or a holiday moved elsewhere.
        case workday
    }

    public enum Holiday: String, Codable, CaseIterable, Sendable {
        case newYear = "new_year"
        case tet
        case hungKings = "hung_kings"
        case reunification
        case labour
        case national
    }

    /// What a day is, and why.
    public enum DayKind: Equatable, Sendable {
        case workday
        case weekend
        case holiday(Holiday)
        /// A day off in lieu of the holiday that fell on a weekly rest day before it.
        case inLieu(Holiday)
        case dayOff
        /// A rest day worked by decision.
        case swappedWorkday

        public var isWorking: Bool { self == .workday || self == .swappedWorkday }
    }

    public var adjustments: [LocalDate: Adjustment]
    public var lunar: LunarCalendar

    public init(adjustments: [LocalDate: Adjustment] = [:], lunar: LunarCalendar = .vietnam) {
        self.adjustments = adjustments; self.lunar = lunar
    }

    /// The statutory holidays of a Gregorian year (art. 112), in date order.
    public func holidays(_ year: Int) -> [(date: LocalDate, holiday: Holiday)] {
        var days: [(LocalDate, Holiday)] = [(LocalDate(year: year, month: 1, day: 1), .newYear)]
        // Tết: five days, by default the last day of the old year and the first four of the new.
        let tet = lunar.newYear(year)
        for i in -1...3 { days.append((LocalDate(julianDay: tet.julianDay + i), .tet)) }
        if let hung = lunar.solar(.init(day: 10, month: 3, year: year)) { days.append((hung, .hungKings)) }
        days.append((LocalDate(year: year, month: 4, day: 30), .reunification))
        days.append((LocalDate(year: year, month: 5, day: 1), .labour))
        let national = LocalDate(year: year, month: 9, day: 2)
        days.append((national, .national))
        days.append((Self.nationalSecondDay(national), .national))
        return days.sorted { $0.0 < $1.0 }
    }

    /// National Day has a second day, the one before or after 2 September, which the Prime
    /// Minister picks each year; by default the one that joins 2 September to a weekend
    /// (2021: the 3rd, a Friday; 2022: the 1st, a Thursday; 2024: the 3rd; 2025: the 1st).
    static func nationalSecondDay(_ second: LocalDate) -> LocalDate {
        switch second.isoWeekdayFast {
        case 1, 4, 7: return second.next      // Monday → Tuesday; Thursday → Friday; Sunday → Monday
        default: return LocalDate(julianDay: second.julianDay - 1)    // Tuesday → Monday; Wednesday, Friday, Saturday → the day before
        }
    }

    /// A year's holidays and days in lieu. No holiday falls in December, so a year's days in
    /// lieu stay in that year. Computed once per year and time zone: the lunar arithmetic is
    /// the costly part of a deadline.
    func statutory(_ year: Int) -> [LocalDate: DayKind] {
        let key = "\(lunar.timeZone)/\(year)"
        if let hit = StatutoryCache.shared.get(key) { return hit }
        var kinds: [LocalDate: DayKind] = [:]
        let list = holidays(year)
        for (d, h) in list { kinds[d] = .holiday(h) }
        // Art. 111: a holiday on a weekly rest day is taken on the next working day; several
        // such days queue up after the holiday run.
        for (d, h) in list where d.isoWeekdayFast >= 6 {
            var next = d.next
            while next.isoWeekdayFast >= 6 || kinds[next] != nil { next = next.next }
            kinds[next] = .inLieu(h)
        }
        StatutoryCache.shared.set(key, kinds)
        return kinds
    }

    public func kind(of date: LocalDate) -> DayKind {
        if let a = adjustments[date] {
            switch a {
            case .dayOff: return statutory(date.year)[date] ?? .dayOff
            case .workday: return .swappedWorkday
            }
        }
        if let k = statutory(date.year)[date] { return k }
        return date.isoWeekdayFast >= 6 ? .weekend : .workday
    }

    public func isWorkingDay(_ date: LocalDate) -> Bool { kind(of: date).isWorking }

    /// The first working day strictly after `date`.
    public func nextWorkingDay(after date: LocalDate) -> LocalDate {
        var d = date.next
        while !isWorkingDay(d) { d = d.next }
        return d
    }

    /// Every day of a year that is not an ordinary working or weekend day, for the admin's page.
    public func exceptions(_ year: Int) -> [(date: LocalDate, kind: DayKind)] {
        var d = LocalDate(year: year, month: 1, day: 1)
        var out: [(LocalDate, DayKind)] = []
        let cache = statutory(year)
        while d.year == year {
            let k: DayKind
            if adjustments[d] != nil { k = kind(of: d) } else { k = cache[d] ?? (d.isoWeekdayFast >= 6 ? .weekend : .workday) }
            if k != .weekend && k != .workday { out.append((d, k)) }
            d = d.next
        }
        return out
    }
}

/// Years already computed, shared by every calendar value (they differ only in adjustments).
final class StatutoryCache: @unchecked Sendable {
    static let shared = StatutoryCache()
    private let lock = NSLock()
    private var years: [String: [LocalDate: WorkingCalendar.DayKind]] = [:]
    func get(_ key: String) -> [LocalDate: WorkingCalendar.DayKind]? { lock.withLock { years[key] } }
    func set(_ key: String, _ value: [LocalDate: WorkingCalendar.DayKind]) { lock.withLock { years[key] = value } }
}

extension LocalDate {
    /// Monday 1 … Sunday 7 from the day number, without Foundation's calendar.
    var isoWeekdayFast: Int { julianDay % 7 + 1 }
    /// The next day, without Foundation's calendar.
    var next: LocalDate { LocalDate(julianDay: julianDay + 1) }
}
