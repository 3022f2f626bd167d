import Foundation

/// When a unit reports (07:00, 11:00 and 17:00; docs/sources.md, seed 003). Each window opens at its time
/// and stays open `minutes`; a report handed in before it closes is on time, later ones
/// are received but late.
public struct ReportSchedule: Codable, Equatable, Sendable {
    /// "HH:mm", sorted.
    public let times: [String]
    public let minutes: Int
    /// ISO weekdays the windows open: 1 = Monday … 7 = Sunday.
    public let days: [Int]

    public static let standard = ReportSchedule(uncheckedTimes: ["07:00", "11:00", "17:00"], minutes: 60, days: [1, 2, 3, 4, 5])

    init(uncheckedTimes: [String], minutes: Int, days: [Int]) {
        times = uncheckedTimes; self.minutes = minutes; self.days = days
    }

    public enum Problem: Error, Equatable, Sendable {
        case badTime(String), noTimes, badMinutes(Int), badDay(String), noDays, overlapping(String)
    }

    /// Reads "07:00, 11:00,17:00", a duration, and days such as "1-5" or "1,2,3,4,5,6".
    public init(times text: String, minutes: Int, days dayText: String) throws(Problem) {
        var times: [String] = []
        for part in text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" }) {
            guard let m = Self.minuteOfDay(String(part)) else { throw .badTime(String(part)) }
            let t = String(format: "%02d:%02d", m / 60, m % 60)
            if !times.contains(t) { times.append(t) }
        }
        guard !times.isEmpty else { throw .noTimes }
        times.sort()
        guard (5...720).contains(minutes) else { throw .badMinutes(minutes) }
        for (a, b) in zip(times, times.dropFirst()) where Self.minuteOfDay(a)! + minutes > Self.minuteOfDay(b)! {
            throw .overlapping("\(a)–\(b)")
        }
        guard Self.minuteOfDay(times.last!)! + minutes <= 24 * 60 else { throw .overlapping(times.last!) }
        var days = Set<Int>()
        for part in dayText.split(whereSeparator: { $0 == "," || $0 == " " }) {
            let ends = part.split(separator: "-").map { Int($0) }
            if ends.count == 1, let d = ends[0], (1...7).contains(d) { days.insert(d); continue }
            guard ends.count == 2, let a = ends[0], let b = ends[1], (1...7).contains(a), (1...7).contains(b), a <= b else {
                throw .badDay(String(part))
            }
            for d in a...b { days.insert(d) }
        }
        guard !days.isEmpty else { throw .noDays }
        self.init(uncheckedTimes: times, minutes: minutes, days: days.sorted())
    }

    public var daysText: String {
        // Runs of consecutive days print as "1-5".
        var parts: [String] = []
        var i = 0
        while i < days.count {
            var j = i
            while j + 1 < days.count, days[j + 1] == days[j] + 1 { j += 1 }
            parts.append(j > i + 1 ? "\(days[i])-\(days[j])" : (i...j).map { String(days[$0]) }.joined(separator: ","))
            i = j + 1
        }
        return parts.joined(separator: ",")
    }

    static func minuteOfDay(_ text: String) -> Int? {
        let p = text.trimmingCharacters(in: .whitespaces).split(separator: ":")
        guard p.count == 2, p[1].count == 2, let h = Int(p[0]), let m = Int(p[1]), (0...23).contains(h), (0...59).contains(m) else { return nil }
        return h * 60 + m
    }

    /// ISO weekday (1 = Monday) of a Hanoi date.
    public static func isoWeekday(_ d: LocalDate) -> Int { d.isoWeekday }

    public func isReportDay(_ d: LocalDate) -> Bool { days.contains(Self.isoWeekday(d)) }

    /// The windows of one day, none on a day without reports.
    public func windows(on d: LocalDate) -> [ReportWindow] {
        guard isReportDay(d) else { return [] }
        return times.map { window($0, on: d)! }
    }

    /// One named window ("07:00") of a day, whether or not the day is a report day.
    public func window(_ slot: String, on d: LocalDate) -> ReportWindow? {
        guard times.contains(slot), let m = Self.minuteOfDay(slot) else { return nil }
        let opens = d.start.addingTimeInterval(Double(m) * 60)
        return ReportWindow(date: d, slot: slot, opensAt: opens, closesAt: opens.addingTimeInterval(Double(minutes) * 60))
    }
}

public struct ReportWindow: Equatable, Sendable {
    public let date: LocalDate
    public let slot: String
    public let opensAt: Date
    public let closesAt: Date

    public func isOpen(at t: Date) -> Bool { t >= opensAt && t < closesAt }
    public func isOnTime(_ t: Date) -> Bool { t < closesAt }
    /// "Shortly before it closes": a quarter of the window, at most 15 minutes.
    public var closingReminderAt: Date {
        closesAt.addingTimeInterval(-min(15 * 60, closesAt.timeIntervalSince(opensAt) / 4))
    }
}
