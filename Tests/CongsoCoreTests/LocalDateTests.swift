import CongsoCore
import Foundation
import Testing

@Suite struct LocalDateTests {
    static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = LocalDate.timeZone
        return c
    }()

    /// The arithmetic fast path agrees with Foundation's calendar in Hanoi for any instant
    /// from 1900 to 2200 (the the calendar path is taken before 1976, when the offset changed).
    @Test func theDayOfAnyInstantIsTheCalendarsDay() {
        var rng = SystemRandomNumberGenerator()
        let edges: [Double] = [189_277_200, 189_277_199, 171_824_400, 0, -1, 7_258_118_399, 946_684_800 - 25_200, 946_684_800 - 25_201]
        let randoms = (0..<20_000).map { _ in Double.random(in: -2_208_988_800..<7_258_118_400, using: &rng).rounded(.down) }
        for t in edges + randoms {
            let instant = Date(timeIntervalSince1970: t)
            let c = Self.calendar.dateComponents([.year, .month, .day], from: instant)
            let expected = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
            #expect(LocalDate.of(instant).value == expected, "\(t)")
        }
    }

    /// A day's start and weekday agree with the calendar for any valid date, and the day of
    /// its start (and of its last second) is the day itself.
    @Test func startAndWeekdayOfAnyDateAreTheCalendars() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let y = Int.random(in: 1900...2199, using: &rng), m = Int.random(in: 1...12, using: &rng), d = Int.random(in: 1...28, using: &rng)
            let day = LocalDate(String(format: "%04d-%02d-%02d", y, m, d))!
            let start = Self.calendar.date(from: DateComponents(year: y, month: m, day: d))!
            #expect(day.start == start, "\(day)")
            #expect(day.weekday == Self.calendar.component(.weekday, from: start), "\(day)")
            #expect(LocalDate.of(day.start) == day, "\(day)")
            // Days were 24 hours long since the offset last changed.
            if y >= 1976 { #expect(LocalDate.of(day.start.addingTimeInterval(86_399)) == day, "\(day)") }
            #expect(day.adding(days: 1) > day)
            #expect(day.adding(days: -1) < day)
        }
    }

    /// Arithmetic may step past the years people may type (1900–2200) without trapping,
    /// and a day-by-day loop keeps moving there; only the ends of years 1–9999 stay put.
    /// (The property above once drew 1900-01-01 and took a day off it: the process died.)
    @Test func arithmeticBeyondTheTypedYearsAnswers() {
        #expect(LocalDate("1900-01-01")!.adding(days: -1).value == "1899-12-31")
        #expect(LocalDate("2200-12-31")!.adding(days: 1).value == "2201-01-01")
        #expect(LocalDate("1899-12-31") == nil && LocalDate("2201-01-01") == nil)
        #expect(WorkingCalendar().nextWorkingDay(after: LocalDate("2200-12-31")!) > LocalDate("2200-12-31")!)
        #expect(LocalDate.first.value == "0001-01-01" && LocalDate.last.value == "9999-12-31")
        #expect(LocalDate.last.adding(days: 1) == LocalDate.last)
        #expect(LocalDate.first.adding(days: -1) == LocalDate.first)
        #expect(LocalDate("1945-09-01")!.adding(days: 1).value == "1945-09-02")
        #expect(LocalDate("2021-07-23")!.adding(days: .max) == LocalDate.last && LocalDate("2021-07-23")!.adding(days: .min) == LocalDate.first)
        #expect(LocalDate.of(Date(timeIntervalSince1970: -1e12)) == LocalDate.first)
        #expect(LocalDate.of(Date(timeIntervalSince1970: 1e12)) == LocalDate.last)
        #expect(LocalDate.of(.distantFuture).value == "4001-01-01")
    }
}
