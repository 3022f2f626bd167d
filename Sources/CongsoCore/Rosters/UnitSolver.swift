import Dispatch
/// Solves one unit exactly: the smallest spread for which a roster meets every hard rule.
///
/// For a candidate spread s and a lowest count lo, every person works between lo and
/// lo + s shifts. Demand, availability, obligations, per-person bounds and one required
/// skill are a flow with lower bounds, solved exactly (`BoundedFlow`). The other rules —
/// further skills, the run limit, cohorts — are enforced by branching on the first one the
/// flow's roster breaks: each branch forbids or forces a few cells, so the search is
/// complete, and the flow prunes every branch that cannot be staffed. Spreads are tried
/// from the flow's lower bound upwards, so the first roster found has the optimal spread.
struct UnitSolver {
    let u: RosterProblem.UnitProblem
    let n: Int, days: Int, shifts: Int, slots: Int
    /// Search nodes allowed per unit; when spent, the best roster found is returned unproven.
    let nodeBudget: Int
    private(set) var nodes = 0
    private(set) var budgetSpent = false
    /// Some search of this unit was cut short by the budget.
    private(set) var searchCut = false
    private(set) var totalNodes = 0
    /// Every spread below this is proven impossible (by the flow, the cohort count, or a
    /// search that ran to the end).
    private(set) var provenLowerBound = 0
    private var nodeLimit = 0
    /// The required skill the flow models exactly: the one with the fewest holders.
    private let flowSkill: Int?
    private let holds: [[Bool]]
    /// Cohort decisions: people in this order; `twin` numbers the classes of identical people.
    private let decisionOrder: [Int]
    private let twin: [Int]

    struct State {
        var off: [Bool]
        var on: [Bool]
        var personCohort: [Int8]
        var dayCohort: [Int8]
    }

    struct Result {
        var onSite: [Bool]            // n × slots
        var cohorts: [Int]?
        var spread: Int
        var proven: Bool
    }

    init(_ unit: RosterProblem.UnitProblem, nodeBudget: Int) {
        u = unit
        n = unit.count; days = unit.dayCount; shifts = unit.shiftCount; slots = unit.slotCount
        self.nodeBudget = nodeBudget
        flowSkill = unit.holders.indices.min { unit.holders[$0].count < unit.holders[$1].count }
        let holds = unit.holders.map { list in
            var row = Array(repeating: false, count: unit.count)
            for p in list { row[p] = true }
            return row
        }
        self.holds = holds
        let slotCount = unit.slotCount
        var classes: [[Bool]: Int] = [:]
        var twin: [Int] = []
        var weight: [Int] = []
        for p in 0..<unit.count {
            let row = Array(unit.available[(p * slotCount)..<((p + 1) * slotCount)]) + unit.must[(p * slotCount)..<((p + 1) * slotCount)]
                + holds.map { $0[p] }
            if classes[row] == nil { classes[row] = classes.count }
            twin.append(classes[row]!)
            weight.append(row[0..<slotCount].filter { !$0 }.count + 4 * row[slotCount...].filter { $0 }.count)
        }
        self.twin = twin
        decisionOrder = (0..<unit.count).sorted { weight[$0] != weight[$1] ? weight[$0] > weight[$1] : $0 < $1 }
    }

    // MARK: - Infeasibility that shows on a single shift

    /// Reasons a single day and shift cannot be staffed whatever the rest of the roster is.
    func slotProblems() -> [RosterInfeasibility] {
        var out: [RosterInfeasibility] = []
        let d = u.demand
        if u.cohorts > 1 {
            let largest = (n + u.cohorts - 1) / u.cohorts
            if d > largest {
                out.append(.init(unit: u.id, day: nil, shift: nil,
                                 reason: "the largest of \(u.cohorts) cohorts has \(largest) staff, fewer than the \(d) needed on site per shift"))
            }
        }
        for slot in 0..<slots {
            let (t, s) = (slot / shifts, slot % shifts)
            let d = u.demands[slot]
            var available = 0, must = 0
            for p in 0..<n {
                let i = p * slots + slot
                if u.available[i] { available += 1 }
                if u.must[i] {
                    must += 1
                    if !u.available[i] {
                        out.append(.init(unit: u.id, day: t, shift: s, reason: "staff \(u.staff[p]) must be on site but is unavailable"))
                    }
                }
            }
            if available < d {
                out.append(.init(unit: u.id, day: t, shift: s, reason: "only \(available) of \(n) staff are available, \(d) are needed"))
            }
            if must > d {
                out.append(.init(unit: u.id, day: t, shift: s, reason: "\(must) staff must be on site, more than the \(d) needed"))
            }
            // A shift nobody works (demand 0, format v2) needs no skill.
            for (k, skill) in u.requiredSkills.enumerated() where d > 0 && !u.holders[k].contains(where: { u.available[$0 * slots + slot] }) {
                out.append(.init(unit: u.id, day: t, shift: s, reason: "no available staff holds the required skill \"\(skill)\""))
            }
        }
        if let run = u.maxRun {
            for p in 0..<n {
                var streak = 0
                for t in 0..<days {
                    let mustDay = (0..<shifts).contains { u.must[p * slots + t * shifts + $0] }
                    streak = mustDay ? streak + 1 : 0
                    if streak == run + 1 {
                        out.append(.init(unit: u.id, day: t, shift: nil,
                                         reason: "staff \(u.staff[p]) must be on site more than \(run) days in a row"))
                    }
                }
            }
        }
        return out
    }

    // MARK: - Solving

    /// When set, the search stops there as if its node budget were spent.
    var deadline: UInt64?

    /// The roster of smallest spread, trying spreads up to `maxSpread` (all by default).
    mutating func solve(maxSpread: Int? = nil) -> Result? {
        let d = u.demand
        if n == 0 || d == 0 {
            // Nobody on site; every count is zero.
            return Result(onSite: Array(repeating: false, count: n * slots), cohorts: cohortsFilled(State(off: [], on: [], personCohort: Array(repeating: -1, count: n), dayCohort: [])),
                          spread: 0, proven: true)
        }
        let root = State(off: u.available.map { !$0 }, on: u.must,
                         personCohort: Array(repeating: -1, count: n), dayCohort: Array(repeating: -1, count: days))
        let total = u.totalDemand
        // The flow alone gives a lower bound on the spread.
        var lowest: Int?
        for s in (total % n == 0 ? 0 : 1)...slots where lowest == nil {
            for lo in lows(spread: s, total: total) where relax(root, lo: lo, hi: lo + s) != nil {
                lowest = s
                break
            }
        }
        guard let start = lowest else { return nil }
        provenLowerBound = start
        guard start <= min(slots, maxSpread ?? slots) else { return nil }
        for s in start...min(slots, maxSpread ?? slots) {
            for lo in lows(spread: s, total: total) where cohortDaysFit(lo: lo, hi: lo + s) {
                budgetSpent = false
                if let (x, state) = dive(root, lo: lo, hi: lo + s) ?? searchLimited(root, lo: lo, hi: lo + s, limit: nodeBudget) {
                    // Every smaller spread was searched to the end: this one is optimal.
                    return Result(onSite: x, cohorts: u.cohorts > 1 ? cohortsFilled(state, onSite: x) : nil,
                                  spread: spread(x), proven: true)
                }
                // A search cut short proves nothing about this spread: the caller (the SAT
                // solver) takes over from the spreads ruled out so far (`searchCut`).
                if budgetSpent { return nil }
            }
            provenLowerBound = s + 1
        }
        return nil
    }

    /// With cohorts, each cohort's days carry demand × shifts per day, shared by its members:
    /// a cohort of size z working m days needs z·lo ≤ demand·shifts·m ≤ z·hi. Some split of
    /// the days among the cohorts must allow that, or the bounds are out of reach.
    func cohortDaysFit(lo: Int, hi: Int) -> Bool {
        guard u.cohorts > 1, u.uniformDemand else { return true }
        let perDay = u.demand * shifts
        let (small, large, largeCount) = cohortSizes
        func range(_ size: Int) -> (Int, Int) {
            // A cohort smaller than the demand can never be on site: its members work no shift at all.
            if size < u.demand { return lo == 0 ? (0, 0) : (1, 0) }
            return ((size * lo + perDay - 1) / perDay, min(days, (size * hi) / perDay))
        }
        let (a, b) = range(large), (c, d) = range(small)
        if a > b || (largeCount < u.cohorts && c > d) { return false }
        let smallCount = u.cohorts - largeCount
        return largeCount * a + smallCount * c <= days && days <= largeCount * b + smallCount * d
    }

    /// The lowest counts worth trying for a spread: lo ≤ total/n ≤ lo + s, nearest the mean first.
    private func lows(spread s: Int, total: Int) -> [Int] {
        let floorMean = total / n
        let ceilMean = (total + n - 1) / n
        let from = max(0, ceilMean - s), to = min(floorMean, slots)
        guard from <= to else { return [] }
        return (from...to).sorted { abs(2 * $0 + s - 2 * floorMean) < abs(2 * $1 + s - 2 * floorMean) }
    }

    func spread(_ x: [Bool]) -> Int {
        var lo = Int.max, hi = Int.min
        for p in 0..<n {
            var c = 0
            for slot in 0..<slots where x[p * slots + slot] { c += 1 }
            lo = min(lo, c); hi = max(hi, c)
        }
        return n == 0 ? 0 : hi - lo
    }

    // MARK: - The flow relaxation

    /// A roster meeting demand, availability, forced cells, the count bounds and the flow
    /// skill — or nil when none exists, which prunes the branch.
    func relax(_ st: State, lo: Int, hi: Int) -> [Bool]? {
        let source = 0, sink = 1
        let person = 2, slotBase = 2 + n, skillBase = 2 + n + slots
        var g = BoundedFlow(nodes: 2 + n + slots * (flowSkill == nil ? 1 : 2))
        var cell = Array(repeating: -1, count: n * slots)
        for p in 0..<n {
            // The run limit caps how many shifts a person can work at all.
            let most = u.maxRun == nil ? hi : min(hi, mostShifts(p, st))
            if most < lo { return nil }
            g.addEdge(source, person + p, low: lo, high: most)
            let holder = flowSkill.map { holds[$0][p] } ?? false
            // Edges are explored last-added first: add the least wanted slots first so that the
            // flow prefers a rotation (a different rest day per person) when a run limit applies.
            for slot in preferenceOrder(p).reversed() {
                let i = p * slots + slot
                if st.off[i] { continue }
                cell[i] = g.addEdge(person + p, holder ? skillBase + slot : slotBase + slot, low: st.on[i] ? 1 : 0, high: 1)
            }
        }
        for slot in 0..<slots {
            let d = u.demands[slot]
            if flowSkill != nil { g.addEdge(skillBase + slot, slotBase + slot, low: d > 0 ? 1 : 0, high: d) }
            g.addEdge(slotBase + slot, sink, low: d, high: d)
        }
        g.addEdge(sink, source, high: 1 << 28)
        guard g.feasible() else { return nil }
        var x = Array(repeating: false, count: n * slots)
        for i in 0..<(n * slots) where cell[i] >= 0 { x[i] = g.flow(cell[i]) == 1 }
        return x
    }

    /// The most shifts person p can work without breaking the run limit, given the cells
    /// already forbidden and forced: a walk over the days keeping the current streak.
    /// -1 when the forced days alone break the limit.
    func mostShifts(_ p: Int, _ st: State) -> Int {
        guard let run = u.maxRun else { return slots }
        let none = Int.min / 2
        var best = Array(repeating: none, count: run + 1)   // best[streak]
        best[0] = 0
        var next = best
        for t in 0..<days {
            var open = 0, forced = false
            for s in 0..<shifts {
                let i = p * slots + t * shifts + s
                if !st.off[i] { open += 1 }
                if st.on[i] { forced = true }
            }
            for k in 0...run { next[k] = none }
            for k in 0...run where best[k] > none {
                if !forced { next[0] = max(next[0], best[k]) }
                if open > 0 && k < run { next[k + 1] = max(next[k + 1], best[k] + open) }
            }
            swap(&best, &next)
        }
        let m = best.max()!
        return m > none ? m : -1
    }

    private func preferenceOrder(_ p: Int) -> [Int] {
        guard let run = u.maxRun, run < days else { return Array(0..<slots) }
        // Rest every (run + 1)th day, staggered by person.
        let period = run + 1
        return (0..<slots).sorted { a, b in
            let ra = (a / shifts + p) % period == run ? 1 : 0, rb = (b / shifts + p) % period == run ? 1 : 0
            return ra != rb ? ra < rb : a < b
        }
    }

    // MARK: - A first guess: staggered rest days and round-robin cohorts

    /// Tries the rotation a planner would draw by hand — each person rests every (run + 1)th
    /// day, staggered, and cohorts take turns by day — before searching. When it staffs every
    /// shift the search is not needed; when it does not, nothing is lost but a few flows.
    private mutating func dive(_ root: State, lo: Int, hi: Int) -> ([Bool], State)? {
        if u.cohorts > 1 {
            // Cohorts take turns by day, or by pairs of days; people are dealt round-robin,
            // skill holders and the often-unavailable first so that each cohort gets its share.
            let dealt = (0..<n).sorted { a, b in
                let ha = holds.contains { $0[a] }, hb = holds.contains { $0[b] }
                if ha != hb { return ha }
                let ua = (0..<slots).filter { !u.available[a * slots + $0] }.count
                let ub = (0..<slots).filter { !u.available[b * slots + $0] }.count
                return ua != ub ? ua > ub : a < b
            }
            // First, people placed where their absences and obligations fit a day pattern, then
            // swapped until every shift of every cohort's days can be staffed; only a pattern
            // that passes this cheap count goes to the flow.
            var tried = Set<[Int8]>()
            for block in [1, 2] where block == 1 || (u.maxRun ?? days) >= block {
                for offset in 0..<u.cohorts {
                    for largeFirst in [true, false] {
                        var st = root
                        for t in 0..<days where st.dayCohort[t] < 0 { st.dayCohort[t] = Int8((t / block + offset) % u.cohorts) }
                        guard fitDeal(&st, largeFirst: largeFirst), tried.insert(st.personCohort + st.dayCohort).inserted,
                              countsFit(st, lo: lo, hi: hi), repair(&st) else { continue }
                        if let found = tryGuess(st, lo: lo, hi: hi) { return found }
                    }
                }
            }
            for block in [1, 2] where block == 1 || (u.maxRun ?? days) >= block {
                for deal in [false, true] {
                    var st = root
                    for t in 0..<days where st.dayCohort[t] < 0 { st.dayCohort[t] = Int8((t / block) % u.cohorts) }
                    if deal {
                        for (i, p) in dealt.enumerated() where st.personCohort[p] < 0 { st.personCohort[p] = Int8(i % u.cohorts) }
                    }
                    if let found = tryGuess(st, lo: lo, hi: hi) { return found }
                }
            }
            return nil
        }
        guard let run = u.maxRun, run < days else { return nil }
        // Each person rests every (run + 1)th day, staggered.
        var st = root
        for p in 0..<n {
            var streak = p % (run + 1)
            for t in 0..<days {
                let cells = (0..<shifts).map { p * slots + t * shifts + $0 }
                if cells.allSatisfy({ st.off[$0] }) { streak = 0; continue }
                if streak == run && !cells.contains(where: { st.on[$0] }) {
                    for i in cells { st.off[i] = true }
                    streak = 0
                } else {
                    streak += 1
                }
            }
        }
        return tryGuess(st, lo: lo, hi: hi)
    }

    /// Places everyone in a cohort for a fixed day pattern: people who must work a day join
    /// its cohort; skill holders are shared out; the rest go where their absences hurt least,
    /// the most particular first, within the cohort sizes. False when the pattern cannot hold.
    private func fitDeal(_ st: inout State, largeFirst: Bool) -> Bool {
        let k = u.cohorts
        let (small, _, largeCount) = cohortSizes
        var size = Array(repeating: small, count: k)
        for i in 0..<largeCount { size[largeFirst ? i : k - 1 - i] += 1 }
        var members = Array(repeating: 0, count: k)
        var holders = Array(repeating: Array(repeating: 0, count: k), count: holds.count)
        var cost = Array(repeating: Array(repeating: 0, count: k), count: n)
        var forced = Array(repeating: Int8(-1), count: n)
        for p in 0..<n {
            for slot in 0..<slots {
                let c = st.dayCohort[slot / shifts]
                guard c >= 0 else { continue }
                if st.off[p * slots + slot] { cost[p][Int(c)] += 1 }
                if st.on[p * slots + slot] {
                    if forced[p] >= 0 && forced[p] != c { return false }
                    forced[p] = c
                }
            }
        }
        func place(_ p: Int, _ c: Int) {
            st.personCohort[p] = Int8(c)
            members[c] += 1
            for (h, row) in holds.enumerated() where row[p] { holders[h][c] += 1 }
        }
        for p in 0..<n where forced[p] >= 0 {
            guard members[Int(forced[p])] < size[Int(forced[p])] else { return false }
            place(p, Int(forced[p]))
        }
        let skilled = (0..<n).filter { p in forced[p] < 0 && holds.contains { $0[p] } }
        let rest = (0..<n).filter { p in forced[p] < 0 && !holds.contains { $0[p] } }
        func particular(_ p: Int) -> Int { cost[p].max()! - cost[p].min()! }
        for p in skilled.sorted(by: { particular($0) > particular($1) }) {
            let h = holds.indices.first { holds[$0][p] }!
            guard let c = (0..<k).filter({ members[$0] < size[$0] })
                .min(by: { (holders[h][$0], cost[p][$0], members[$0]) < (holders[h][$1], cost[p][$1], members[$1]) }) else { return false }
            place(p, c)
        }
        for p in rest.sorted(by: { particular($0) > particular($1) }) {
            guard let c = (0..<k).filter({ members[$0] < size[$0] })
                .min(by: { (cost[p][$0], members[$0] - size[$0]) < (cost[p][$1], members[$1] - size[$1]) }) else { return false }
            place(p, c)
        }
        return true
    }

    /// With every person and day placed: each cohort's share of the shifts, spread over its
    /// members, must fit between lo and hi.
    private func countsFit(_ st: State, lo: Int, hi: Int) -> Bool {
        guard u.uniformDemand else { return true }
        var size = Array(repeating: 0, count: u.cohorts), m = Array(repeating: 0, count: u.cohorts)
        for p in 0..<n where st.personCohort[p] >= 0 { size[Int(st.personCohort[p])] += 1 }
        for t in 0..<days where st.dayCohort[t] >= 0 { m[Int(st.dayCohort[t])] += 1 }
        for c in 0..<u.cohorts where m[c] > 0 || size[c] > 0 {
            let work = u.demand * shifts * m[c]
            if work < size[c] * lo || work > size[c] * hi { return false }
        }
        return true
    }

    /// How far a full placement is from staffable: per shift, the cohort's available members
    /// short of the demand, plus each required skill with no available holder.
    private func deficit(_ cohortOf: [Int8], _ st: State) -> Int {
        var short = 0
        for slot in 0..<slots {
            let c = st.dayCohort[slot / shifts]
            guard c >= 0 else { continue }
            var here = 0
            var skill = Array(repeating: false, count: holds.count)
            for p in 0..<n where cohortOf[p] == c && !st.off[p * slots + slot] {
                here += 1
                for h in holds.indices where holds[h][p] { skill[h] = true }
            }
            short += max(0, u.demands[slot] - here) + (u.demands[slot] > 0 ? skill.filter { !$0 }.count : 0)
        }
        return short
    }

    /// Swaps pairs of people between cohorts while that lowers the deficit; true at zero.
    private func repair(_ st: inout State) -> Bool {
        var best = deficit(st.personCohort, st)
        guard best > 0 else { return true }
        guard n <= 40 else { return false }   // the quadratic search is for unit-sized teams
        let fixed = (0..<n).map { p in (0..<slots).contains { st.on[p * slots + $0] } }
        for _ in 0..<(2 * n) {
            var move: (Int, Int, Int)?
            for p in 0..<n where !fixed[p] {
                for q in (p + 1)..<n where !fixed[q] && st.personCohort[q] != st.personCohort[p] {
                    var trial = st.personCohort
                    trial.swapAt(p, q)
                    let d = deficit(trial, st)
                    if d < (move?.2 ?? best) { move = (p, q, d) }
                }
            }
            guard let (p, q, d) = move else { return false }
            st.personCohort.swapAt(p, q)
            best = d
            if best == 0 { return true }
        }
        return false
    }

    /// A short search from a guess; its nodes are not charged to the budget when it fails.
    private mutating func tryGuess(_ st: State, lo: Int, hi: Int) -> ([Bool], State)? {
        let saved = nodes, cut = searchCut
        let found = searchLimited(st, lo: lo, hi: hi, limit: nodes + 150)
        if found == nil { nodes = saved; budgetSpent = false; searchCut = cut }
        return found
    }

    private mutating func searchLimited(_ st: State, lo: Int, hi: Int, limit: Int) -> ([Bool], State)? {
        nodeLimit = limit
        return search(st, lo: lo, hi: hi)
    }

    // MARK: - Branching on the rules the flow does not model

    private mutating func search(_ node: State, lo: Int, hi: Int) -> ([Bool], State)? {
        nodes += 1
        totalNodes += 1
        if nodes > nodeLimit || (nodes % 16 == 0 && deadline.map { DispatchTime.now().uptimeNanoseconds >= $0 } == true) {
            budgetSpent = true; searchCut = true; return nil
        }
        var st = node
        guard propagate(&st) else { return nil }
        guard let x = relax(st, lo: lo, hi: hi) else { return nil }
        if u.cohorts > 1, let branches = cohortBranches(st, x) {
            for b in branches { if let found = search(b, lo: lo, hi: hi) { return found }; if budgetSpent { return nil } }
            return nil
        }
        if let branches = skillBranches(st, x) ?? runBranches(st, x) ?? restBranches(st, x) {
            for b in branches { if let found = search(b, lo: lo, hi: hi) { return found }; if budgetSpent { return nil } }
            return nil
        }
        return (x, st)
    }

    /// Skills other than the flow's: a shift without a holder branches on which holder comes.
    private func skillBranches(_ st: State, _ x: [Bool]) -> [State]? {
        for (k, list) in u.holders.enumerated() where k != flowSkill {
            for slot in 0..<slots where !list.contains(where: { x[$0 * slots + slot] }) {
                var branches: [State] = []
                var base = st
                for h in list where !st.off[h * slots + slot] {
                    var b = base
                    b.on[h * slots + slot] = true
                    branches.append(b)
                    base.off[h * slots + slot] = true
                }
                return branches
            }
        }
        return nil
    }

    /// The run limit: someone on site run + 1 days in a row rests on one of them.
    private func runBranches(_ st: State, _ x: [Bool]) -> [State]? {
        guard let run = u.maxRun else { return nil }
        for p in 0..<n {
            var streak = 0
            for t in 0..<days {
                streak = (0..<shifts).contains { x[p * slots + t * shifts + $0] } ? streak + 1 : 0
                guard streak > run else { continue }
                var branches: [State] = []
                for day in (t - run)...t where !(0..<shifts).contains(where: { st.on[p * slots + day * shifts + $0] }) {
                    var b = st
                    for s in 0..<shifts { b.off[p * slots + day * shifts + s] = true }
                    branches.append(b)
                }
                return branches
            }
        }
        return nil
    }

    /// Rest after a shift: someone working a shift and one of the shifts resting after it
    /// gives up one of the two (whichever is not forced).
    private func restBranches(_ st: State, _ x: [Bool]) -> [State]? {
        let pairs = u.restPairs
        guard !pairs.isEmpty else { return nil }
        for p in 0..<n {
            for (a, b) in pairs where x[p * slots + a] && x[p * slots + b] {
                var branches: [State] = []
                for slot in [a, b] where !st.on[p * slots + slot] {
                    var br = st
                    br.off[p * slots + slot] = true
                    branches.append(br)
                }
                return branches
            }
        }
        return nil
    }

    // MARK: - Cohorts

    private var cohortSizes: (small: Int, large: Int, largeCount: Int) {
        let k = u.cohorts
        return (n / k, (n + k - 1) / k, n % k)
    }

    /// Whether the assigned sizes still allow k cohorts of ⌊n/k⌋ or ⌈n/k⌉ staff.
    private func sizesFit(_ counts: [Int]) -> Bool {
        let (small, large, largeCount) = cohortSizes
        var atLarge = 0
        for c in counts {
            if c > large { return false }
            if c > small { atLarge += 1 }
        }
        return atLarge <= largeCount
    }

    /// Spreads cohort decisions: a person's cohort keeps them off other cohorts' days, a
    /// forced cell ties a person's cohort to the day's.
    private func propagate(_ st: inout State) -> Bool {
        guard u.cohorts > 1 else { return true }
        var changed = true
        while changed {
            changed = false
            for p in 0..<n {
                for slot in 0..<slots where st.on[p * slots + slot] {
                    let t = slot / shifts
                    let pc = st.personCohort[p], dc = st.dayCohort[t]
                    if pc >= 0 && dc < 0 { st.dayCohort[t] = pc; changed = true }
                    else if dc >= 0 && pc < 0 { st.personCohort[p] = dc; changed = true }
                    else if pc >= 0 && dc >= 0 && pc != dc { return false }
                }
            }
        }
        var counts = Array(repeating: 0, count: u.cohorts)
        for p in 0..<n where st.personCohort[p] >= 0 {
            counts[Int(st.personCohort[p])] += 1
            for t in 0..<days where st.dayCohort[t] >= 0 && st.dayCohort[t] != st.personCohort[p] {
                for s in 0..<shifts {
                    if st.on[p * slots + t * shifts + s] { return false }
                    st.off[p * slots + t * shifts + s] = true
                }
            }
        }
        return sizesFit(counts)
    }

    /// Cohort numbers open to a new decision: those in use and one fresh one (cohorts are interchangeable).
    private func openCohorts(_ st: State) -> [Int8] {
        let used = max(st.personCohort.max() ?? -1, st.dayCohort.max() ?? -1)
        return (0...Int8(min(u.cohorts - 1, Int(used) + 1))).map { $0 }
    }

    private func cohortBranches(_ st: State, _ x: [Bool]) -> [State]? {
        let open = openCohorts(st)
        // 0. People first, the most constrained first: with everyone placed, a day's cohort
        // decides who may work it, which the flow then checks exactly. Identical people
        // (same availability, obligations and skills) are interchangeable, so their cohort
        // numbers are kept non-decreasing in decision order.
        if let i = decisionOrder.firstIndex(where: { st.personCohort[$0] < 0 }) {
            let p = decisionOrder[i]
            var floor: Int8 = 0
            if let prev = decisionOrder[..<i].last(where: { twin[$0] == twin[p] }), st.personCohort[prev] >= 0 {
                floor = st.personCohort[prev]
            }
            var seen = Array(repeating: 0, count: u.cohorts)
            for slot in 0..<slots where x[p * slots + slot] && st.dayCohort[slot / shifts] >= 0 { seen[Int(st.dayCohort[slot / shifts])] += 1 }
            return open.filter { $0 >= floor }.sorted { seen[Int($0)] > seen[Int($1)] }
                .map { c in var b = st; b.personCohort[p] = c; return b }
        }
        // 1. A staffed day without a cohort: decide it, the cohort most of its staff belong to first.
        for t in 0..<days where st.dayCohort[t] < 0 {
            var votes = Array(repeating: 0, count: u.cohorts)
            var staffed = false
            for p in 0..<n where (0..<shifts).contains(where: { x[p * slots + t * shifts + $0] }) {
                staffed = true
                if st.personCohort[p] >= 0 { votes[Int(st.personCohort[p])] += 1 }
            }
            guard staffed else { continue }
            return open.sorted { votes[Int($0)] > votes[Int($1)] }.map { c in var b = st; b.dayCohort[t] = c; return b }
        }
        // 2. Someone undecided on site on days of two cohorts: decide their cohort.
        var implied = Array(repeating: Int8(-1), count: n)
        for p in 0..<n where st.personCohort[p] < 0 {
            var seen = Array(repeating: 0, count: u.cohorts)
            for slot in 0..<slots where x[p * slots + slot] { seen[Int(st.dayCohort[slot / shifts])] += 1 }
            let kinds = seen.filter { $0 > 0 }.count
            if kinds > 1 {
                return open.sorted { seen[Int($0)] > seen[Int($1)] }.map { c in var b = st; b.personCohort[p] = c; return b }
            }
            if kinds == 1 { implied[p] = Int8(seen.firstIndex { $0 > 0 }!) }
        }
        // 3. Sizes: too many staff working one cohort's days. One of them joins it for good or stays off its days.
        var counts = Array(repeating: 0, count: u.cohorts)
        for p in 0..<n {
            let c = st.personCohort[p] >= 0 ? st.personCohort[p] : implied[p]
            if c >= 0 { counts[Int(c)] += 1 }
        }
        if sizesFit(counts) { return nil }
        let small = cohortSizes.small
        for c in counts.indices where counts[c] > small {
            guard let p = (0..<n).first(where: { st.personCohort[$0] < 0 && implied[$0] == Int8(c) }) else { continue }
            var join = st
            join.personCohort[p] = Int8(c)
            var stay = st
            for t in 0..<days where st.dayCohort[t] == Int8(c) { for s in 0..<shifts { stay.off[p * slots + t * shifts + s] = true } }
            return [join, stay]
        }
        return []
    }

    /// The final cohort of everyone: decided, implied by the days they work, then the
    /// staff never on site fill the cohorts up to their sizes.
    private func cohortsFilled(_ st: State, onSite x: [Bool]? = nil) -> [Int]? {
        guard u.cohorts > 1 else { return nil }
        var cohort = st.personCohort.map(Int.init)
        if let x {
            for p in 0..<n where cohort[p] < 0 {
                if let slot = (0..<slots).first(where: { x[p * slots + $0] }) { cohort[p] = Int(st.dayCohort[slot / shifts]) }
            }
        }
        var counts = Array(repeating: 0, count: u.cohorts)
        for c in cohort where c >= 0 { counts[c] += 1 }
        let (small, _, largeCount) = cohortSizes
        // The cohorts already fullest take the larger size.
        let order = counts.indices.sorted { counts[$0] > counts[$1] }
        var target = Array(repeating: small, count: u.cohorts)
        for c in order.prefix(largeCount) { target[c] += 1 }
        for p in 0..<n where cohort[p] < 0 {
            let c = (0..<u.cohorts).first { counts[$0] < target[$0] }!
            cohort[p] = c
            counts[c] += 1
        }
        return cohort
    }
}
