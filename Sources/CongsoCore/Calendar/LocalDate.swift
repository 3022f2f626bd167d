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

    /// Today in Hanoi for a given instant.
    public static func of(_ instant: Date) -> LocalDate {
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        return LocalDate(String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!))!
    }

    /// "23/07/2021", as Vietnamese pages write dates.
    public var vietnamese: String {
        let p = value.split(separator: "-")
        return "\(p[2])/\(p[1])/\(p[0])"
    }

    /// The instant this day starts in Hanoi.
    public var start: Date {
        let p = value.split(separator: "-").compactMap { Int($0) }
        return Self.calendar.date(from: DateComponents(year: p[0], month: p[1], day: p[2]))!
    }

    /// 1 = Sunday … 7 = Saturday, as Foundation counts, in Hanoi.
    public var weekday: Int {
        Self.calendar.component(.weekday, from: start)
    }

    public func adding(days: Int) -> LocalDate {
        LocalDate.of(start.addingTimeInterval(Double(days) * 86_400 + 3_600))
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
