import Foundation

/// The Vietnamese lunisolar calendar (âm lịch), computed rather than tabulated: a month
/// starts on the day (in the calendar's time zone) of an astronomical new moon, month 11
/// holds the winter solstice, and a year of 13 months repeats the first month that holds
/// no major solar term. The time zone matters: Vietnam reckons at UTC+7, China at UTC+8,
/// which is why Tết 2030 is 2 February in Hanoi and 3 February in Beijing.
///
/// The new-moon and solar-longitude series are the low-precision ones of Jean Meeus,
/// *Astronomical Algorithms*, ch. 47–49, as used by the common Vietnamese converters
/// (see docs/sources.md); they place every new moon of 1900–2200 within minutes.
public struct LunarCalendar: Sendable {
    /// Hours east of UTC.
    public let timeZone: Double

    public static let vietnam = LunarCalendar(timeZone: 7)
    public static let china = LunarCalendar(timeZone: 8)

    public init(timeZone: Double) { self.timeZone = timeZone }

    /// A day of the lunar calendar.
    public struct Day: Hashable, Sendable, CustomStringConvertible {
        public var day: Int
        public var month: Int
        public var year: Int
        public var leap: Bool
        public init(day: Int, month: Int, year: Int, leap: Bool = false) {
            self.day = day; self.month = month; self.year = year; self.leap = leap
        }
        public var description: String { "\(day)/\(month)\(leap ? "n" : "")/\(year) ÂL" }
    }

    /// The Gregorian day of a lunar day; nil for a leap month the year does not have,
    /// or a 30th day of a 29-day month.
    public func solar(_ l: Day) -> LocalDate? {
        let a11: Int, b11: Int
        if l.month < 11 {
            a11 = lunarMonth11(l.year - 1); b11 = lunarMonth11(l.year)
        } else {
            a11 = lunarMonth11(l.year); b11 = lunarMonth11(l.year + 1)
        }
        let k = Int(floor(0.5 + (Double(a11) - 2415021.076998695) / 29.530588853))
        var off = l.month - 11
        if off < 0 { off += 12 }
        if b11 - a11 > 365 {
            let leapOff = leapMonthOffset(a11)
            var leapMonth = leapOff - 2
            if leapMonth < 0 { leapMonth += 12 }
            if l.leap && l.month != leapMonth { return nil }
            if l.leap || off >= leapOff { off += 1 }
        } else if l.leap {
            return nil
        }
        let monthStart = newMoonDay(k + off)
        guard (1...30).contains(l.day) else { return nil }
        if l.day == 30 && newMoonDay(k + off + 1) - monthStart < 30 { return nil }
        return LocalDate(julianDay: monthStart + l.day - 1)
    }

    /// The lunar day of a Gregorian day.
    public func lunar(_ d: LocalDate) -> Day {
        let dayNumber = d.julianDay
        // The mean lunation guesses k; the true new moons wander by up to ~14 hours around
        // it, so step to the last new moon on or before the day.
        var k = Int(floor((Double(dayNumber) - 2415021.076998695) / 29.530588853)) + 1
        while newMoonDay(k) > dayNumber { k -= 1 }
        while newMoonDay(k + 1) <= dayNumber { k += 1 }
        let monthStart = newMoonDay(k)
        var a11 = lunarMonth11(d.year)
        var b11 = a11
        var year: Int
        if a11 >= monthStart {
            year = d.year; a11 = lunarMonth11(d.year - 1)
        } else {
            year = d.year + 1; b11 = lunarMonth11(d.year + 1)
        }
        let day = dayNumber - monthStart + 1
        let diff = Int(floor(Double(monthStart - a11) / 29))
        var leap = false
        var month = diff + 11
        if b11 - a11 > 365 {
            let leapDiff = leapMonthOffset(a11)
            if diff >= leapDiff {
                month = diff + 10
                if diff == leapDiff { leap = true }
            }
        }
        if month > 12 { month -= 12 }
        if month >= 11 && diff < 4 { year -= 1 }
        return Day(day: day, month: month, year: year, leap: leap)
    }

    /// Tết Nguyên đán: the first day of the lunar year that starts in Gregorian `year`.
    public func newYear(_ year: Int) -> LocalDate { solar(Day(day: 1, month: 1, year: year))! }

    // MARK: - Astronomy

    /// The Julian day number of the local day holding the k-th new moon after 1900-01-01.
    func newMoonDay(_ k: Int) -> Int { Int(floor(Self.newMoon(k) + 0.5 + timeZone / 24)) }

    /// The sun's longitude at the local day's start, in twelfths of the circle (0–11).
    func sunLongitudeSector(_ dayNumber: Int) -> Int {
        Int(floor(Self.sunLongitude(Double(dayNumber) - 0.5 - timeZone / 24) / Double.pi * 6))
    }

    /// The day the lunar month holding the winter solstice of `year` begins.
    func lunarMonth11(_ year: Int) -> Int {
        let off = LocalDate(year: year, month: 12, day: 31).julianDay - 2415021
        let k = Int(floor(Double(off) / 29.530588853))
        var nm = newMoonDay(k)
        if sunLongitudeSector(nm) >= 9 { nm = newMoonDay(k - 1) }
        return nm
    }

    /// Which month after month 11 (a11) is the leap month: the first without a major term.
    func leapMonthOffset(_ a11: Int) -> Int {
        let k = Int(floor((Double(a11) - 2415021.076998695) / 29.530588853 + 0.5))
        var i = 1
        var arc = sunLongitudeSector(newMoonDay(k + i))
        var last = 0
        repeat {
            last = arc
            i += 1
            arc = sunLongitudeSector(newMoonDay(k + i))
        } while arc != last && i < 14
        return i - 1
    }

    /// The Julian date (UT) of the k-th mean-corrected new moon after 1900-01-01.
    static func newMoon(_ k: Int) -> Double {
        let k = Double(k)
        let t = k / 1236.85, t2 = t * t, t3 = t2 * t
        let dr = Double.pi / 180
        var jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
        jd1 += 0.00033 * sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)
        let m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3
        let mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3
        let f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3
        var c1 = (0.1734 - 0.000393 * t) * sin(m * dr) + 0.0021 * sin(2 * dr * m)
        c1 -= 0.4068 * sin(mpr * dr) - 0.0161 * sin(dr * 2 * mpr)
        c1 -= 0.0004 * sin(dr * 3 * mpr)
        c1 += 0.0104 * sin(dr * 2 * f) - 0.0051 * sin(dr * (m + mpr))
        c1 -= 0.0074 * sin(dr * (m - mpr)) - 0.0004 * sin(dr * (2 * f + m))
        c1 -= 0.0004 * sin(dr * (2 * f - m)) + 0.0006 * sin(dr * (2 * f + mpr))
        c1 += 0.0010 * sin(dr * (2 * f - mpr)) + 0.0005 * sin(dr * (2 * mpr + m))
        let deltaT = t < -11
            ? 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
            : -0.000278 + 0.000265 * t + 0.000262 * t2
        return jd1 + c1 - deltaT
    }

    /// The sun's apparent longitude in radians (0 ≤ L < 2π) at Julian date `jdn`.
    static func sunLongitude(_ jdn: Double) -> Double {
        let t = (jdn - 2451545.0) / 36525, t2 = t * t
        let dr = Double.pi / 180
        let m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
        let l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
        var dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * sin(dr * m)
        dl += (0.019993 - 0.000101 * t) * sin(dr * 2 * m) + 0.000290 * sin(dr * 3 * m)
        var l = (l0 + dl) * dr
        l -= Double.pi * 2 * floor(l / (Double.pi * 2))
        return l
    }
}

extension LocalDate {
    public var month: Int { Int(value.dropFirst(5).prefix(2)) ?? 0 }
    public var day: Int { Int(value.suffix(2)) ?? 0 }

    /// The Julian day number (noon-based, Gregorian calendar).
    public var julianDay: Int {
        let a = (14 - month) / 12
        let y = year + 4800 - a
        let m = month + 12 * a - 3
        return day + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
    }

    static let firstJulianDay = first.julianDay, lastJulianDay = last.julianDay

    public init(julianDay jd: Int) {
        // The ends of what the type holds (1 January 1 and 31 December 9999) stay put.
        guard jd >= Self.firstJulianDay else { self = .first; return }
        guard jd <= Self.lastJulianDay else { self = .last; return }
        let a = jd + 32044
        let b = (4 * a + 3) / 146097
        let c = a - b * 146097 / 4
        let d = (4 * c + 3) / 1461
        let e = c - 1461 * d / 4
        let m = (5 * e + 2) / 153
        self.init(year: b * 100 + d - 4800 + m / 10, month: m + 3 - 12 * (m / 10), day: e - (153 * m + 2) / 5 + 1)
    }
}
