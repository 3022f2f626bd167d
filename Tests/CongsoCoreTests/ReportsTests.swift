import CongsoCore
import Foundation
import Testing

@Suite struct ReportScheduleTests {
    @Test func standardWindowsAreHanoiTimes() throws {
        let day = LocalDate("2021-07-26")!  // a Monday
        let w = ReportSchedule.standard.windows(on: day)
        #expect(w.map(\.slot) == ["07:00", "11:00", "17:00"])
        // 07:00 in Hanoi is 00:00 UTC.
        #expect(w[0].opensAt == ISO8601DateFormatter().date(from: "2021-07-26T00:00:00Z"))
        #expect(w[0].closesAt.timeIntervalSince(w[0].opensAt) == 3600)
        #expect(w[0].closingReminderAt.timeIntervalSince(w[0].opensAt) == 45 * 60)
        #expect(w[0].isOnTime(w[0].closesAt.addingTimeInterval(-1)))
        #expect(!w[0].isOnTime(w[0].closesAt))
        // Sunday has no reports by default.
        #expect(ReportSchedule.standard.windows(on: LocalDate("2021-07-25")!).isEmpty)
        #expect(ReportSchedule.isoWeekday(day) == 1)
    }

    @Test func parsesAndRejects() throws {
        let s = try ReportSchedule(times: "17:00, 7:00;11:00", minutes: 30, days: "1-6")
        #expect(s.times == ["07:00", "11:00", "17:00"])
        #expect(s.days == [1, 2, 3, 4, 5, 6])
        #expect(s.daysText == "1-6")
        #expect(try ReportSchedule(times: "08:00", minutes: 30, days: "1,3,5").daysText == "1,3,5")
        #expect(throws: ReportSchedule.Problem.badTime("25:00")) { try ReportSchedule(times: "25:00", minutes: 30, days: "1") }
        #expect(throws: ReportSchedule.Problem.noTimes) { try ReportSchedule(times: " ", minutes: 30, days: "1") }
        #expect(throws: ReportSchedule.Problem.badMinutes(2)) { try ReportSchedule(times: "07:00", minutes: 2, days: "1") }
        #expect(throws: ReportSchedule.Problem.overlapping("07:00–07:30")) { try ReportSchedule(times: "07:00,07:30", minutes: 60, days: "1") }
        #expect(throws: ReportSchedule.Problem.badDay("8")) { try ReportSchedule(times: "07:00", minutes: 60, days: "8") }
        #expect(throws: ReportSchedule.Problem.badDay("5-2")) { try ReportSchedule(times: "07:00", minutes: 60, days: "5-2") }
    }
}
