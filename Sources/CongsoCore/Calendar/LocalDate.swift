import Foundation

/// A calendar day in Asia/Ho_Chi_Minh, as "yyyy-MM-dd". Strings of this shape sort in
/// date order, so they are stored and compared as they are.
public struct LocalDate: Codable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let value: String

    public init?(_ text: String) {
        // Read the ten bytes "yyyy-MM-dd" directly: dates are parsed for every permit scanned.
        let b = Array(text.utf8.drop { $0 == 0x20 }.reversed().drop { $0 == 0x20 }.reversed())
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
        func number(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { guard (0x30...0x39).contains(b[i]) else { return nil }; v = v * 10 + Int(b[i] - 0x30) }
            return v
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10),
              (1900...2200).contains(y), (1...12).contains(m), (1...Self.daysIn(month: m, year: y)).contains(d) else { return nil }
        value = String(decoding: b, as: UTF8.self)
    }

    public static let timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!

    /// One Gregorian calendar in Hanoi time, made once: making a calendar costs more than
    /// the date arithmetic done with it.
    static let calendar: Calendar = {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        return cal
    }()

    /// Hanoi has kept UTC+07:00, without summer time, since 13 June 1975; from 1976 on a
    /// day is plain arithmetic on the instant, which every report and dashboard does many
    /// times a request. Earlier instants (birth dates) go through the calendar.
    static let fixedOffsetSince = Date(timeIntervalSince1970: 189_277_200) // 1976-01-01T00:00+07:00
    static let offset = 7 * 3_600

    /// Today in Hanoi for a given instant (an instant beyond the years 1–9999 is the
    /// nearest end of them).
    public static func of(_ instant: Date) -> LocalDate {
        guard instant >= fixedOffsetSince, instant.timeIntervalSince1970 < 7_258_118_400 else { // < 2200-01-01
            let c = calendar.dateComponents([.era, .year, .month, .day], from: instant)
            guard c.era == 1, let y = c.year, y >= 1 else { return first }
            guard y <= 9999 else { return last }
            return LocalDate(year: y, month: c.month!, day: c.day!)
        }
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + offset
        let (y, m, d) = civil(fromDays: seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        return LocalDate(year: y, month: m, day: d)
    }

    /// The first and last days this type can hold. What people type is read only within
    /// 1900–2200 (`init?(_:)`), but arithmetic from there may step past either end: a
    /// working day after 31/12/2200, the week before 1/1/1900. It must answer, not stop the
    /// process, and a loop that steps day by day must keep moving.
    public static let first = LocalDate(year: 1, month: 1, day: 1)
    public static let last = LocalDate(year: 9999, month: 12, day: 31)

    /// "yyyy-MM-dd" from its parts, written digit by digit. The parts must make a valid date.
    public init(year: Int, month: Int, day: Int) {
        precondition((1...9999).contains(year) && (1...12).contains(month) && (1...Self.daysIn(month: month, year: year)).contains(day),
                     "not a date: \(year)-\(month)-\(day)")
        var b = [UInt8](repeating: 0x30, count: 10)
        b[4] = 0x2D; b[7] = 0x2D
        var y = year
        for i in stride(from: 3, through: 0, by: -1) { b[i] = UInt8(0x30 + y % 10); y /= 10 }
        b[5] = UInt8(0x30 + month / 10); b[6] = UInt8(0x30 + month % 10)
        b[8] = UInt8(0x30 + day / 10); b[9] = UInt8(0x30 + day % 10)
        value = String(decoding: b, as: UTF8.self)
    }

    /// The Gregorian date of a day counted from 1970-01-01 (H. Hinnant's `civil_from_days`).
    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Days from 1970-01-01 to a Gregorian date (H. Hinnant's `days_from_civil`).
    static func days(year y0: Int, month m: Int, day d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private var parts: (Int, Int, Int) {
        let b = Array(value.utf8)
        func n(_ r: Range<Int>) -> Int { r.reduce(0) { $0 * 10 + Int(b[$1] - 0x30) } }
        return (n(0..<4), n(5..<7), n(8..<10))
    }

    /// "23/07/2021", as Vietnamese pages write dates.
    public var vietnamese: String {
        let p = value.split(separator: "-")
        return "\(p[2])/\(p[1])/\(p[0])"
    }

    /// The instant this day starts in Hanoi.
    public var start: Date {
        let (y, m, d) = parts
        guard y >= 1976 && y < 2200 else { return Self.calendar.date(from: DateComponents(year: y, month: m, day: d))! }
        return Date(timeIntervalSince1970: Double(Self.days(year: y, month: m, day: d) * 86_400 - Self.offset))
    }

    /// 1 = Sunday … 7 = Saturday, as Foundation counts, in Hanoi.
    public var weekday: Int {
        let (y, m, d) = parts
        guard y >= 1976 && y < 2200 else { return Self.calendar.component(.weekday, from: start) }
        // 1970-01-01 was a Thursday (5).
        return (Self.days(year: y, month: m, day: d) % 7 + 7 + 4) % 7 + 1
    }

    /// The day `days` after (or before) this one, counted on the calendar: Hanoi's days
    /// were not all 24 hours long (1 September 1945 lasted two hours more), so stepping
    /// through instants could stay on the same day.
    public func adding(days: Int) -> LocalDate {
        let (jd, overflow) = julianDay.addingReportingOverflow(days)
        return overflow ? (days > 0 ? .last : .first) : LocalDate(julianDay: jd)
    }

    public var description: String { value }
    /// The calendar year (registers and number series restart on 1 January).
    public var year: Int { Int(value.prefix(4)) ?? 0 }
    public static func < (a: LocalDate, b: LocalDate) -> Bool { a.value < b.value }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let d = LocalDate(s) else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a date yyyy-MM-dd: \(s)") }
        self = d
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
