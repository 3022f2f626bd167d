import Foundation

/// A validated roster problem, indexed for the solver: days and shifts become numbers,
/// and each unit carries its own staff, availability and obligations.
public struct RosterProblem: Sendable {
    public var dates: [String]
    public var shifts: [String]
    public var maxConsecutiveOnSiteDays: Int?
    public var units: [UnitProblem]

    /// One unit's part of the problem. Slot `t * shiftCount + s` is day t, shift s.
    public struct UnitProblem: Sendable {
        public var id: String
        public var staff: [String]
        public var dayCount: Int
        public var shiftCount: Int
        /// The largest demand of any shift (the only one in format v1).
        public var demand: Int
        /// Staff on site per slot (format v2 lets it vary by shift and kind of day).
        public var demands: [Int]
        public var cap: Int
        /// 1 when the unit has no cohorts.
        public var cohorts: Int
        public var requiredSkills: [String]
        /// For each required skill, the local indices of the staff who hold it.
        public var holders: [[Int]]
        /// available[p * slotCount + slot]
        public var available: [Bool]
        public var must: [Bool]
        public var maxRun: Int?
        /// Per shift index: how many following shifts a person who works it must be off (0: none).
        public var restAfter: [Int]

        public var slotCount: Int { dayCount * shiftCount }
        public var count: Int { staff.count }
        /// Every shift needs the same number: the flow search's cohort bounds rely on it.
        public var uniformDemand: Bool { demands.allSatisfy { $0 == demand } }
        public var totalDemand: Int { demands.reduce(0, +) }

        public init(id: String, staff: [String], dayCount: Int, shiftCount: Int, demands: [Int], cap: Int, cohorts: Int,
                    requiredSkills: [String], holders: [[Int]], available: [Bool], must: [Bool], maxRun: Int?, restAfter: [Int] = []) {
            self.id = id; self.staff = staff; self.dayCount = dayCount; self.shiftCount = shiftCount
            self.demands = demands; self.demand = demands.max() ?? 0; self.cap = cap; self.cohorts = cohorts
            self.requiredSkills = requiredSkills; self.holders = holders; self.available = available
            self.must = must; self.maxRun = maxRun
            self.restAfter = restAfter.isEmpty ? Array(repeating: 0, count: shiftCount) : restAfter
        }

        /// Pairs of slots one person may not both work: a shift and the shifts resting after it.
        public var restPairs: [(Int, Int)] {
            var pairs: [(Int, Int)] = []
            for slot in 0..<slotCount {
                let r = restAfter[slot % shiftCount]
                guard r > 0 else { continue }
                for next in (slot + 1)..<min(slotCount, slot + r + 1) { pairs.append((slot, next)) }
            }
            return pairs
        }
    }

    public init(_ input: RosterInput) throws {
        var problems: [String] = []
        let version = input.version ?? 1
        guard version == 1 || version == 2 else { throw RosterInputError(problems: ["version: must be 1 or 2, got \(version)"]) }
        guard let start = LocalDate(input.start) else { throw RosterInputError(problems: ["start: not a date yyyy-MM-dd: \(input.start)"]) }
        guard (1...366).contains(input.days) else { throw RosterInputError(problems: ["days: must be between 1 and 366, got \(input.days)"]) }
        dates = (0..<input.days).map { start.adding(days: $0).value }
        shifts = input.shifts
        if shifts.isEmpty { problems.append("shifts: at least one shift is needed") }
        if Set(shifts).count != shifts.count { problems.append("shifts: a shift is listed twice") }
        if let run = input.maxConsecutiveOnSiteDays, run < 1 {
            problems.append("maxConsecutiveOnSiteDays: must be at least 1, got \(run)")
        }
        maxConsecutiveOnSiteDays = input.maxConsecutiveOnSiteDays
        let dayIndex = Dictionary(uniqueKeysWithValues: dates.enumerated().map { ($1, $0) })
        if version == 1 && input.holidays != nil { problems.append("holidays: needs \"version\": 2") }
        let holidays = Set(input.holidays ?? [])
        for h in holidays where LocalDate(h) == nil { problems.append("holidays: not a date yyyy-MM-dd: \(h)") }
        let kinds: [RosterInput.DayKind] = dates.map { d in
            if holidays.contains(d) { return .holiday }
            return LocalDate(d)!.isoWeekday >= 6 ? .weekend : .weekday
        }
        let shiftIndex = Dictionary(shifts.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })

        var unitIndex: [String: Int] = [:]
        for (i, u) in input.units.enumerated() {
            if unitIndex[u.id] != nil { problems.append("units[\(i)]: unit id \(u.id) is listed twice") }
            unitIndex[u.id] = i
        }
        var members = Array(repeating: [Int](), count: input.units.count)
        var seenStaff = Set<String>()
        for (i, s) in input.staff.enumerated() {
            if !seenStaff.insert(s.id).inserted { problems.append("staff[\(i)]: staff id \(s.id) is listed twice") }
            guard let u = unitIndex[s.unit] else { problems.append("staff[\(i)] (\(s.id)): unknown unit \(s.unit)"); continue }
            members[u].append(i)
        }

        let shiftCount = shifts.count
        let slotCount = dates.count * shiftCount
        // Marks the slots a date (and optional shift) names; dates outside the period are ignored.
        func mark(_ w: RosterInput.When, _ row: inout ArraySlice<Bool>, base: Int, what: String) {
            guard LocalDate(w.date) != nil else { problems.append("\(what): not a date yyyy-MM-dd: \(w.date)"); return }
            guard let t = dayIndex[w.date] else { return }
            if let sh = w.shift {
                guard let s = shiftIndex[sh] else { problems.append("\(what): unknown shift \(sh)"); return }
                row[base + t * shiftCount + s] = true
            } else {
                for s in 0..<shiftCount { row[base + t * shiftCount + s] = true }
            }
        }

        var units: [UnitProblem] = []
        for (ui, u) in input.units.enumerated() {
            let n = members[ui].count
            if !(0...1).contains(u.maxOnSiteShare) || u.maxOnSiteShare.isNaN {
                problems.append("unit \(u.id): maxOnSiteShare must be between 0 and 1, got \(u.maxOnSiteShare)")
            }
            if u.minOnDuty < 0 { problems.append("unit \(u.id): minOnDuty must not be negative") }
            let cap = RosterInput.cap(share: u.maxOnSiteShare, minOnDuty: u.minOnDuty, count: n)
            let capText = "the cap \(cap) (= max(minOnDuty, floor(\(u.maxOnSiteShare) × \(n) staff)))"
            var demands = Array(repeating: cap, count: slotCount)
            switch u.demand {
            case nil: break
            case .everyShift(let demand)?:
                if demand < u.minOnDuty || demand > cap {
                    problems.append("unit \(u.id): demand \(demand) must lie between minOnDuty \(u.minOnDuty) and \(capText)")
                }
                demands = Array(repeating: demand, count: slotCount)
            case .byDay(let table)?:
                if version == 1 { problems.append("unit \(u.id): demand by shift and kind of day needs \"version\": 2") }
                for (kind, row) in table {
                    for (shift, value) in row {
                        if shiftIndex[shift] == nil { problems.append("unit \(u.id): demand.\(kind.rawValue): unknown shift \(shift)") }
                        if value != 0 && (value < u.minOnDuty || value > cap) {
                            problems.append("unit \(u.id): demand.\(kind.rawValue).\(shift) \(value) must be 0 (nobody) or lie between minOnDuty \(u.minOnDuty) and \(capText)")
                        }
                    }
                }
                guard let weekday = table[.weekday] else {
                    problems.append("unit \(u.id): demand by kind of day must give \"weekday\" (the other kinds default to it)")
                    break
                }
                for t in 0..<dates.count {
                    let row = table[kinds[t]] ?? weekday
                    for (s, name) in shifts.enumerated() { demands[t * shiftCount + s] = row[name] ?? 0 }
                }
            }
            if let run = u.maxConsecutiveOnSiteDays {
                if version == 1 { problems.append("unit \(u.id): a run limit per unit needs \"version\": 2") }
                if run < 1 { problems.append("unit \(u.id): maxConsecutiveOnSiteDays must be at least 1, got \(run)") }
            }
            var rest = Array(repeating: 0, count: shiftCount)
            if let table = u.restAfter {
                if version == 1 { problems.append("unit \(u.id): rest after a shift needs \"version\": 2") }
                for (shift, value) in table {
                    guard let s = shiftIndex[shift] else { problems.append("unit \(u.id): restAfter: unknown shift \(shift)"); continue }
                    if value < 0 || value >= max(1, shiftCount * 2) {
                        problems.append("unit \(u.id): restAfter.\(shift) must be between 0 and \(shiftCount * 2 - 1), got \(value)")
                    }
                    rest[s] = max(0, value)
                }
            }
            let cohorts = u.cohorts ?? 1
            if cohorts < 1 || (n > 0 && cohorts > n) {
                problems.append("unit \(u.id): cohorts must be between 1 and the number of staff (\(n)), got \(cohorts)")
            }
            let skills = u.requiredSkills ?? []
            if Set(skills).count != skills.count { problems.append("unit \(u.id): a required skill is listed twice") }
            var available = Array(repeating: true, count: n * slotCount)
            var must = Array(repeating: false, count: n * slotCount)
            var off = Array(repeating: false, count: n * slotCount)[...]
            var on = Array(repeating: false, count: n * slotCount)[...]
            var holders = Array(repeating: [Int](), count: skills.count)
            for (p, si) in members[ui].enumerated() {
                let s = input.staff[si]
                for w in s.unavailable ?? [] { mark(w, &off, base: p * slotCount, what: "staff \(s.id) unavailable") }
                for w in s.mustBeOnSite ?? [] { mark(w, &on, base: p * slotCount, what: "staff \(s.id) mustBeOnSite") }
                let own = Set(s.skills ?? [])
                for (k, skill) in skills.enumerated() where own.contains(skill) { holders[k].append(p) }
            }
            for i in 0..<(n * slotCount) {
                available[i] = !off[i]
                must[i] = on[i]
            }
            units.append(UnitProblem(id: u.id, staff: members[ui].map { input.staff[$0].id }, dayCount: dates.count,
                                     shiftCount: shiftCount, demands: demands, cap: cap, cohorts: max(1, cohorts),
                                     requiredSkills: skills, holders: holders, available: available, must: must,
                                     maxRun: u.maxConsecutiveOnSiteDays ?? input.maxConsecutiveOnSiteDays, restAfter: rest))
        }
        if !problems.isEmpty { throw RosterInputError(problems: problems) }
        self.units = units
    }
}
