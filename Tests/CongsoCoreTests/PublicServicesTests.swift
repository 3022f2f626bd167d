import CongsoCore
import Foundation
import Testing

/// The lunar calendar, the working-day calendar and deadline arithmetic, on known years and
/// as properties over random receipts and random admin adjustments.
@Suite struct LunarCalendarTests {
    @Test func tetOnKnownYears() {
        let vietnam: [Int: String] = [1985: "1985-01-21", 2007: "2007-02-17", 2020: "2020-01-25", 2021: "2021-02-12",
                                      2022: "2022-02-01", 2023: "2023-01-22", 2024: "2024-02-10", 2025: "2025-01-29",
                                      2026: "2026-02-17", 2027: "2027-02-06", 2028: "2028-01-26", 2030: "2030-02-02"]
        for (year, day) in vietnam { #expect(LunarCalendar.vietnam.newYear(year).value == day, "\(year)") }
        // The same astronomy at UTC+8 gives China's dates, which differ in these years.
        #expect(LunarCalendar.china.newYear(2030).value == "2030-02-03")
        #expect(LunarCalendar.china.newYear(1985).value == "1985-02-20")
        #expect(LunarCalendar.china.newYear(2007).value == "2007-02-18")
    }

    @Test func hungKingsDay() {
        let known: [Int: String] = [2021: "2021-04-21", 2022: "2022-04-10", 2023: "2023-04-29", 2024: "2024-04-18",
                                    2025: "2025-04-07", 2026: "2026-04-26"]
        for (year, day) in known {
            #expect(LunarCalendar.vietnam.solar(.init(day: 10, month: 3, year: year))?.value == day, "\(year)")
        }
    }

    /// Solar → lunar → solar returns every day of 1950–2150, and lunar days run 1…29 or 30.
    @Test func conversionRoundTrips() {
        var d = LocalDate("1950-01-01")!
        let end = LocalDate("2150-12-31")!
        var previous = LunarCalendar.vietnam.lunar(d)
        while d < end {
            d = LocalDate(julianDay: d.julianDay + 1)
            let l = LunarCalendar.vietnam.lunar(d)
            #expect(LunarCalendar.vietnam.solar(l) == d, "\(d) \(l)")
            #expect(l.day == previous.day + 1 || (l.day == 1 && previous.day >= 29), "\(d)")
            previous = l
        }
        #expect(LunarCalendar.vietnam.solar(.init(day: 1, month: 1, year: 2026, leap: true)) == nil)
        // 2023 had a leap second month.
        #expect(LunarCalendar.vietnam.solar(.init(day: 1, month: 2, year: 2023, leap: true))?.value == "2023-03-22")
    }

    @Test func julianDaysAndWeekdays() {
        #expect(LocalDate("2000-01-01")!.julianDay == 2451545)
        var d = LocalDate("2019-12-25")!
        for _ in 0..<800 {
            #expect(LocalDate(julianDay: d.julianDay) == d)
            let next = LocalDate(julianDay: d.julianDay + 1)
            #expect(next == d.adding(days: 1))
            d = next
        }
    }
}

@Suite struct WorkingCalendarTests {
    let cal = WorkingCalendar()

    @Test func holidaysOf2026() {
        let h = Dictionary(cal.holidays(2026).map { ($0.date.value, $0.holiday) }, uniquingKeysWith: { a, _ in a })
        #expect(h["2026-01-01"] == .newYear)
        for d in ["2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20"] { #expect(h[d] == .tet, "\(d)") }
        #expect(h["2026-04-26"] == .hungKings)
        #expect(h["2026-04-30"] == .reunification && h["2026-05-01"] == .labour && h["2026-09-02"] == .national)
        #expect(cal.holidays(2026).count == 11)
        // Hùng Kings' day 2026 is a Sunday: Monday the 27th is the day in lieu (art. 111).
        #expect(cal.kind(of: LocalDate("2026-04-26")!) == .holiday(.hungKings))
        #expect(cal.kind(of: LocalDate("2026-04-27")!) == .inLieu(.hungKings))
        #expect(!cal.isWorkingDay(LocalDate("2026-04-27")!))
    }

    /// National Day 2023 (Saturday 2 September) with its second day on Friday the 1st; the
    /// Saturday is given back on Monday the 4th — as the government announced.
    @Test func nationalDayRunsIntoTheWeek() {
        for d in ["2023-09-01", "2023-09-02", "2023-09-03", "2023-09-04"] { #expect(!cal.isWorkingDay(LocalDate(d)!), "\(d)") }
        #expect(cal.isWorkingDay(LocalDate("2023-09-05")!))
        #expect(cal.kind(of: LocalDate("2023-09-04")!) == .inLieu(.national))
        #expect(cal.kind(of: LocalDate("2024-09-03")!) == .holiday(.national))
        #expect(cal.kind(of: LocalDate("2025-09-01")!) == .holiday(.national))
    }

    @Test func adminAdjustmentsSwapDays() {
        // 2025: Monday 27 January off for Tết, worked back on Saturday 8 February.
        let edited = WorkingCalendar(adjustments: [LocalDate("2025-01-27")!: .dayOff, LocalDate("2025-02-08")!: .workday])
        #expect(!edited.isWorkingDay(LocalDate("2025-01-27")!))
        #expect(edited.kind(of: LocalDate("2025-02-08")!) == .swappedWorkday)
        #expect(cal.isWorkingDay(LocalDate("2025-01-27")!))
        #expect(edited.exceptions(2025).contains { $0.date.value == "2025-02-08" })
    }
}

@Suite struct ProcessingDeadlineTests {
    static func at(_ day: String, _ hh: Int, _ mm: Int = 0) -> Date {
        LocalDate(day)!.start.addingTimeInterval(Double(hh * 3600 + mm * 60))
    }

    let deadline = ProcessingDeadline(calendar: WorkingCalendar())

    @Test func theDayOfReceiptIsNotCounted() {
        // Monday 2026-03-02, 09:00, 3 working days → Thursday.
        #expect(LocalDate.of(deadline.due(received: Self.at("2026-03-02", 9), time: .workingDays(3))).value == "2026-03-05")
        // After 15:00 the count starts from Tuesday → Friday.
        #expect(LocalDate.of(deadline.due(received: Self.at("2026-03-02", 15, 1), time: .workingDays(3))).value == "2026-03-06")
        // Received on a Saturday: counts from Monday → Thursday.
        #expect(LocalDate.of(deadline.due(received: Self.at("2026-03-07", 10), time: .workingDays(3))).value == "2026-03-12")
        // Across Tết 2026 (16–20 February off): received Friday the 13th, 2 days → 24 February.
        #expect(LocalDate.of(deadline.due(received: Self.at("2026-02-13", 9), time: .workingDays(2))).value == "2026-02-24")
    }

    @Test func hoursCountOfficeHours() {
        // 10:00 + 8 office hours → 10:00 the next working day.
        #expect(deadline.due(received: Self.at("2026-03-02", 10), time: .workingHours(8)) == Self.at("2026-03-03", 10))
        // 11:30 + 1 hour: the lunch break does not count → 13:30.
        #expect(deadline.due(received: Self.at("2026-03-02", 11, 30), time: .workingHours(1)) == Self.at("2026-03-02", 13, 30))
        // Friday after 15:00 → Monday from 08:00.
        #expect(deadline.due(received: Self.at("2026-03-06", 16), time: .workingHours(4)) == Self.at("2026-03-09", 12))
    }

    @Test func remainingTimeIsGivenBack() {
        let received = Self.at("2026-03-02", 9)
        let due = deadline.due(received: received, time: .workingDays(10))
        // Suspended on Wednesday the 4th: 8 working days are left (5th … 16th).
        let left = deadline.remaining(at: Self.at("2026-03-04", 10), due: due, time: .workingDays(10))
        #expect(left == .workingDays(8))
        // Resumed on Monday the 9th: 8 working days after it → Thursday the 19th.
        #expect(LocalDate.of(deadline.due(received: Self.at("2026-03-09", 9), time: left)).value == "2026-03-19")
    }

    /// Over random receipts and random admin adjustments: the due day is a working day, never
    /// before receipt, and has exactly n working days after the counting day.
    @Test func deadlinesAreWorkingDaysAfterReceipt() {
        var rng = SeededRandom(seed: 77)
        let base = LocalDate("2024-01-01")!.start
        for _ in 0..<400 {
            var adjustments: [LocalDate: WorkingCalendar.Adjustment] = [:]
            for _ in 0..<Int.random(in: 0...20, using: &rng) {
                let d = LocalDate.of(base.addingTimeInterval(Double(Int.random(in: 0..<(12 * 365), using: &rng)) * 86_400))
                adjustments[d] = Bool.random(using: &rng) ? .dayOff : .workday
            }
            let d = ProcessingDeadline(calendar: WorkingCalendar(adjustments: adjustments))
            let received = base.addingTimeInterval(Double(Int.random(in: 0..<(10 * 365 * 24 * 60), using: &rng)) * 60)
            let time: ProcessingTime = Bool.random(using: &rng) ? .workingDays(Int.random(in: 0...60, using: &rng))
                                                                 : .workingHours(Int.random(in: 1...80, using: &rng))
            let due = d.due(received: received, time: time)
            #expect(due >= received)
            #expect(d.calendar.isWorkingDay(LocalDate.of(due)), "\(received) \(time) → \(due)")
            if case .workingDays(let n) = time {
                #expect(d.workingDays(from: d.countingDay(received).start, to: due) == n)
                #expect(LocalDate.of(due) > LocalDate.of(received) || n == 0)
            }
            // Giving back what is left at any moment before the due date never ends earlier than it.
            let mid = received.addingTimeInterval(due.timeIntervalSince(received) * Double.random(in: 0...1, using: &rng))
            let left = d.remaining(at: mid, due: due, time: time)
            #expect(d.due(received: mid, time: left) >= LocalDate.of(due).start || LocalDate.of(mid) == LocalDate.of(due))
        }
    }

    @Test func processingTimeText() {
        #expect(ProcessingTime("15d") == .workingDays(15) && ProcessingTime(" 8 h") == .workingHours(8))
        for bad in ["", "d", "15", "-1d", "0h", "1000d", "3w", "1.5d"] { #expect(ProcessingTime(bad) == nil, "\(bad)") }
    }
}

@Suite struct PublicServiceRuleTests {
    @Test func trackingCodesReadBackAndDoNotRepeat() {
        var rng = SeededRandom(seed: 5)
        var seen = Set<String>()
        for _ in 0..<5000 {
            let c = TrackingCode.make(using: &rng)
            #expect(TrackingCode.normalize(c) == c)
            #expect(TrackingCode.normalize(c.lowercased().replacingOccurrences(of: "-", with: " ")) == c)
            seen.insert(c)
        }
        #expect(seen.count == 5000)
        for bad in ["", "ABCDE", "ABCDE-FGHJKZ", "ABCDE-FGHJ!", "ABCDÉ-FGHJK", "' OR 1=1 --"] { #expect(TrackingCode.normalize(bad) == nil) }
    }

    @Test func phonesCompareInNationalForm() {
        #expect(PhoneNumber.normalize("+84 912 345 678") == "0912345678")
        #expect(PhoneNumber.normalize("0912.345.678") == "0912345678")
        #expect(PhoneNumber.normalize("024 3825 3536") == "02438253536")
        for bad in ["", "abc", "12", "0912345678901234", "09123<45678", "٠٩١٢٣٤٥٦٧٨"] { #expect(PhoneNumber.normalize(bad) == nil, "\(bad)") }
    }

    @Test func statesMoveOnlyAlongTheDesk() {
        for s in ApplicationStatus.allCases {
            for a in ApplicationStatus.Action.allCases {
                guard let next = s.after(a) else { continue }
                #expect(!s.isClosed, "\(s) → \(a)")
                #expect(next != .submitted || a == .complete)
            }
        }
        #expect(ApplicationStatus.submitted.after(.approve) == nil)
        #expect(ApplicationStatus.processing.after(.suspend) == .suspended)
        #expect(ApplicationStatus.suspended.after(.resume) == .processing)
    }

    @Test func figuresFollowDecision766() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        let d = [
            ServiceFigures.Dossier(receivedAt: now - 500, due: now - 100, finishedAt: now - 200, online: true, workingDays: 2),
            ServiceFigures.Dossier(receivedAt: now - 500, due: now - 100, finishedAt: now - 50, online: false, workingDays: 4),
            ServiceFigures.Dossier(receivedAt: now - 500, due: now + 100, finishedAt: nil, online: true, workingDays: nil),
            ServiceFigures.Dossier(receivedAt: now - 500, due: now - 1, finishedAt: nil, online: false, workingDays: nil),
        ]
        let f = ServiceFigures(dossiers: d, procedures: 4, proceduresOnline: 3, now: now)
        #expect(f.onTimeRate == 0.5 && f.onlineReceiptShare == 0.5 && f.onlineProcedureShare == 0.75 && f.averageWorkingDays == 3)
        let sum = ServiceFigures.sum([f, ServiceFigures(dossiers: [], procedures: 0, proceduresOnline: 0, now: now)])
        #expect(sum == f)
        #expect(ServiceFigures(dossiers: [], procedures: 0, proceduresOnline: 0, now: now).onTimeRate == nil)
    }
}
