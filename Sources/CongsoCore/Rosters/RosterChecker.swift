import Foundation

/// A roster from any solver, as format v1 writes it.
public struct RosterDocument: Codable, Sendable {
    public struct Assignment: Codable, Sendable, Hashable {
        public var staff: String
        public var date: String
        public var shift: String
        public init(staff: String, date: String, shift: String) { self.staff = staff; self.date = date; self.shift = shift }
    }
    public var assignments: [Assignment]
    public var cohorts: [String: Int]?
    public init(assignments: [Assignment], cohorts: [String: Int]? = nil) { self.assignments = assignments; self.cohorts = cohorts }
}

/// Checks a roster against every hard rule of its problem, independently of the solver.
public enum RosterChecker {
    /// One broken rule: `code` names it for translations, `text` says it in English.
    public struct Violation: Sendable, Hashable, CustomStringConvertible {
        public enum Code: String, Sendable { case unknownStaff, outsidePeriod, unknownShift, duplicate, demand, unavailable, must,
                                                 skill, run, rest, cohortMissing, cohortRange, cohortSizes, cohortMix }
        public var code: Code
        public var unit: String
        public var staff: String?
        public var date: String?
        public var shift: String?
        /// The number the rule counts (people on site, days in a row …) and its limit.
        public var count: Int?
        public var limit: Int?
        public var detail: String?
        public var text: String
        public var description: String { text }
    }

    public struct Report: Sendable {
        public var violations: [Violation]
        /// Per unit, in the problem's order.
        public var spreads: [(unit: String, spread: Int)]
        public var ok: Bool { violations.isEmpty }
    }

    public static func check(_ problem: RosterProblem, _ roster: RosterDocument) -> Report {
        var violations: [Violation] = []
        let shifts = problem.shifts.count
        let slots = problem.dates.count * shifts
        let dayIndex = Dictionary(uniqueKeysWithValues: problem.dates.enumerated().map { ($1, $0) })
        let shiftIndex = Dictionary(problem.shifts.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var where_: [String: (unit: Int, person: Int)] = [:]
        for (ui, u) in problem.units.enumerated() { for (p, id) in u.staff.enumerated() { where_[id] = (ui, p) } }
        var onSite = problem.units.map { Array(repeating: false, count: $0.count * slots) }
        for a in roster.assignments {
            guard let (ui, p) = where_[a.staff] else { violations.append(.init(code: .unknownStaff, unit: "", staff: a.staff, text: "unknown staff \(a.staff)")); continue }
            guard let t = dayIndex[a.date] else { violations.append(.init(code: .outsidePeriod, unit: "", staff: a.staff, date: a.date, text: "\(a.staff): date \(a.date) is outside the period")); continue }
            guard let s = shiftIndex[a.shift] else { violations.append(.init(code: .unknownShift, unit: "", staff: a.staff, date: a.date, shift: a.shift, text: "\(a.staff): unknown shift \(a.shift) on \(a.date)")); continue }
            let i = p * slots + t * shifts + s
            if onSite[ui][i] {
                violations.append(.init(code: .duplicate, unit: problem.units[ui].id, staff: a.staff, date: a.date, shift: a.shift,
                                        text: "\(a.staff) is assigned twice to \(a.date) \(a.shift)"))
            }
            onSite[ui][i] = true
        }
        var spreads: [(String, Int)] = []
        for (ui, u) in problem.units.enumerated() {
            let x = onSite[ui]
            func at(_ t: Int, _ s: Int) -> String { "\(problem.dates[t]) \(problem.shifts[s])" }
            for t in 0..<problem.dates.count {
                for s in 0..<shifts {
                    let slot = t * shifts + s
                    let present = (0..<u.count).filter { x[$0 * slots + slot] }
                    let (date, shift) = (problem.dates[t], problem.shifts[s])
                    let demand = u.demands[slot]
                    if present.count != demand {
                        violations.append(.init(code: .demand, unit: u.id, date: date, shift: shift, count: present.count, limit: demand,
                                                text: "unit \(u.id) \(at(t, s)): \(present.count) on site, demand is \(demand)"))
                    }
                    for p in present where !u.available[p * slots + slot] {
                        violations.append(.init(code: .unavailable, unit: u.id, staff: u.staff[p], date: date, shift: shift,
                                                text: "unit \(u.id) \(at(t, s)): \(u.staff[p]) is on site but unavailable"))
                    }
                    for p in 0..<u.count where u.must[p * slots + slot] && !x[p * slots + slot] {
                        violations.append(.init(code: .must, unit: u.id, staff: u.staff[p], date: date, shift: shift,
                                                text: "unit \(u.id) \(at(t, s)): \(u.staff[p]) must be on site but is not"))
                    }
                    for (k, skill) in u.requiredSkills.enumerated() where demand > 0 && !u.holders[k].contains(where: { x[$0 * slots + slot] }) {
                        violations.append(.init(code: .skill, unit: u.id, date: date, shift: shift, detail: skill,
                                                text: "unit \(u.id) \(at(t, s)): nobody on site holds \(skill)"))
                    }
                }
            }
            if let run = u.maxRun {
                for p in 0..<u.count {
                    var streak = 0
                    for t in 0..<problem.dates.count {
                        streak = (0..<shifts).contains { x[p * slots + t * shifts + $0] } ? streak + 1 : 0
                        if streak == run + 1 {
                            violations.append(.init(code: .run, unit: u.id, staff: u.staff[p], date: problem.dates[t], count: run + 1, limit: run,
                                                    text: "unit \(u.id): \(u.staff[p]) is on site \(run + 1) days in a row up to \(problem.dates[t]); the limit is \(run)"))
                        }
                    }
                }
            }
            for p in 0..<u.count {
                for (a, b) in u.restPairs where x[p * slots + a] && x[p * slots + b] {
                    let (ta, sa) = (a / shifts, a % shifts), (tb, sb) = (b / shifts, b % shifts)
                    violations.append(.init(code: .rest, unit: u.id, staff: u.staff[p], date: problem.dates[tb], shift: problem.shifts[sb],
                                            text: "unit \(u.id): \(u.staff[p]) works \(problem.dates[ta]) \(problem.shifts[sa]) and then \(problem.dates[tb]) \(problem.shifts[sb]) without the rest after \(problem.shifts[sa])"))
                }
            }
            if u.cohorts > 1 { violations += cohortViolations(u, x, roster.cohorts ?? [:], problem) }
            let counts = (0..<u.count).map { p in (0..<slots).filter { x[p * slots + $0] }.count }
            spreads.append((u.id, (counts.max() ?? 0) - (counts.min() ?? 0)))
        }
        return Report(violations: violations, spreads: spreads)
    }

    private static func cohortViolations(_ u: RosterProblem.UnitProblem, _ x: [Bool], _ cohorts: [String: Int],
                                         _ problem: RosterProblem) -> [Violation] {
        var out: [Violation] = []
        let shifts = problem.shifts.count, slots = problem.dates.count * shifts
        var sizes = Array(repeating: 0, count: u.cohorts)
        var cohortOf = Array(repeating: -1, count: u.count)
        for (p, id) in u.staff.enumerated() {
            guard let c = cohorts[id] else { out.append(.init(code: .cohortMissing, unit: u.id, staff: id, text: "unit \(u.id): \(id) has no cohort")); continue }
            guard (0..<u.cohorts).contains(c) else {
                out.append(.init(code: .cohortRange, unit: u.id, staff: id, count: c, limit: u.cohorts - 1,
                                 text: "unit \(u.id): \(id) has cohort \(c), not one of 0…\(u.cohorts - 1)"))
                continue
            }
            sizes[c] += 1
            cohortOf[p] = c
        }
        if let lo = sizes.min(), let hi = sizes.max(), hi - lo > 1 {
            out.append(.init(code: .cohortSizes, unit: u.id, detail: sizes.map(String.init).joined(separator: ", "),
                             text: "unit \(u.id): cohort sizes \(sizes.map(String.init).joined(separator: ", ")) differ by more than one"))
        }
        for t in 0..<problem.dates.count {
            var seen = Set<Int>()
            for p in 0..<u.count where cohortOf[p] >= 0 && (0..<shifts).contains(where: { x[p * slots + t * shifts + $0] }) {
                seen.insert(cohortOf[p])
            }
            if seen.count > 1 {
                out.append(.init(code: .cohortMix, unit: u.id, date: problem.dates[t], detail: seen.sorted().map { String($0 + 1) }.joined(separator: ", "),
                                 text: "unit \(u.id) \(problem.dates[t]): staff of cohorts \(seen.sorted().map(String.init).joined(separator: " and ")) are on site the same day"))
            }
        }
        return out
    }
}
