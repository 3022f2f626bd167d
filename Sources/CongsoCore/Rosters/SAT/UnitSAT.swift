import Dispatch
import Foundation

/// One unit as a SAT problem, for the units the flow search cannot settle within its budget:
/// it decides them completely — a roster of the smallest spread, or a proof that none exists
/// with the smallest set of rules that already clash.
///
/// Variables: x[p, slot] (on site), for cohorts y[p, c] (person in cohort) and z[t, c] (the
/// day's cohort). Every rule is guarded by a selector literal that is assumed true, so that
/// when no roster exists the solver's failed assumptions name the rules involved, and a
/// deletion pass shrinks them to a minimal set (`explain`).
final class UnitSAT {
    let u: RosterProblem.UnitProblem
    let n: Int, days: Int, shifts: Int, slots: Int
    let sat = SATSolver()
    private var x: [Lit] = []
    private var counts: [Totalizer] = []
    /// The rules that can be switched off, in the order they are reported.
    private(set) var rules: [Rule] = []
    private var selectors: [Lit] = []
    private var demandSelector: [Lit] = []
    private var awaySelector: [Int: Lit] = [:]
    /// Symmetry breaking between interchangeable people: assumed when solving, not when
    /// explaining (dropping one person's rule would make them no longer interchangeable).
    private var symmetry: [Lit] = []

    /// A group of clauses that together say one thing a planner recognises.
    enum Rule: Hashable {
        case demand(day: Int)
        case skill(Int, day: Int)
        case unavailable(person: Int)
        case obliged(person: Int)
        case runLimit(person: Int)
        case rest(person: Int)
        case cohorts
    }

    init(_ unit: RosterProblem.UnitProblem) {
        u = unit
        n = unit.count; days = unit.dayCount; shifts = unit.shiftCount; slots = unit.slotCount
        encode()
    }

    private func selector(_ rule: Rule) -> Lit {
        let s = sat.newVariable()
        rules.append(rule)
        selectors.append(s)
        return s
    }

    private func encode() {
        x = sat.newVariables(n * slots)
        // Demand, per day: exactly the shift's demand of the unit's staff on site in each shift.
        var slotCount: [Totalizer] = []
        for slot in 0..<slots {
            slotCount.append(Totalizer((0..<n).map { x[$0 * slots + slot] }, in: sat, limit: u.demands[slot]))
        }
        for t in 0..<days {
            let g = selector(.demand(day: t))
            demandSelector.append(g)
            for s in 0..<shifts {
                let d = u.demands[t * shifts + s]
                for lit in slotCount[t * shifts + s].between(d, d, in: sat) { sat.add(-g, lit) }
            }
        }
        // Skills, per skill and day: a holder on site in every shift.
        for (k, holders) in u.holders.enumerated() {
            for t in 0..<days {
                let g = selector(.skill(k, day: t))
                // A shift nobody works (demand 0, format v2) needs no skill.
                for s in 0..<shifts where u.demands[t * shifts + s] > 0 { sat.add([-g] + holders.map { x[$0 * slots + t * shifts + s] }) }
            }
        }
        // Each person's absences and obligations.
        for p in 0..<n {
            let off = (0..<slots).filter { !u.available[p * slots + $0] }
            if !off.isEmpty {
                let g = selector(.unavailable(person: p))
                awaySelector[p] = g
                for slot in off { sat.add(-g, -x[p * slots + slot]) }
            }
            let on = (0..<slots).filter { u.must[p * slots + $0] }
            if !on.isEmpty {
                let g = selector(.obliged(person: p))
                for slot in on { sat.add(-g, x[p * slots + slot]) }
            }
        }
        // The run limit: of any run + 1 consecutive days, one is spent off site.
        if let run = u.maxRun, run < days {
            for p in 0..<n {
                let w: [Lit] = (0..<days).map { t in
                    if shifts == 1 { return x[p * slots + t] }
                    let v = sat.newVariable()
                    for s in 0..<shifts { sat.add(-x[p * slots + t * shifts + s], v) }
                    return v
                }
                let g = selector(.runLimit(person: p))
                for t in 0...(days - run - 1) { sat.add([-g] + (t...(t + run)).map { -w[$0] }) }
            }
        }
        // Rest after a shift: never both a shift and one of the shifts resting after it.
        let pairs = u.restPairs
        if !pairs.isEmpty {
            for p in 0..<n {
                let g = selector(.rest(person: p))
                for (a, b) in pairs { sat.add(-g, -x[p * slots + a], -x[p * slots + b]) }
            }
        }
        if u.cohorts > 1 { encodeCohorts() }
        // Each person's count of shifts, for the spread.
        counts = (0..<n).map { p in Totalizer((0..<slots).map { x[p * slots + $0] }, in: sat) }
        // People with the same absences, obligations and skills are interchangeable: of two
        // such, the first listed works at least as many shifts. It cuts the many equivalent
        // rosters a proof of "no smaller spread" would otherwise visit.
        var lastOfKind: [[Bool]: Int] = [:]
        for p in 0..<n {
            let kind = Array(u.available[(p * slots)..<((p + 1) * slots)]) + u.must[(p * slots)..<((p + 1) * slots)]
                + u.holders.map { $0.contains(p) }
            if let q = lastOfKind[kind] {
                let r = sat.newVariable()
                symmetry.append(r)
                for j in 1...slots { sat.add(-r, -counts[p].atLeast(j), counts[q].atLeast(j)) }
            }
            lastOfKind[kind] = p
        }
    }

    private func encodeCohorts() {
        let k = u.cohorts
        let y = (0..<n).map { _ in sat.newVariables(k) }
        let z = (0..<days).map { _ in sat.newVariables(k) }
        for p in 0..<n { sat.exactlyOne(y[p]) }
        for t in 0..<days { sat.exactlyOne(z[t]) }
        // Sizes differ by at most one.
        let small = n / k, large = (n + k - 1) / k
        var isLarge: [Lit] = []
        for c in 0..<k {
            let size = Totalizer((0..<n).map { y[$0][c] }, in: sat, limit: large)
            for lit in size.between(small, large, in: sat) { sat.add(lit) }
            if small < large { isLarge.append(size.atLeast(large)) }
        }
        // Cohorts are interchangeable: number them in the order of their first day.
        sat.add(z[0][0])
        for t in 0..<days {
            for c in 1..<k { sat.add([-z[t][c]] + (0..<t).map { z[$0][c - 1] }) }
        }
        // Someone on site on a day belongs to the day's cohort.
        let g = selector(.cohorts)
        for p in 0..<n {
            for slot in 0..<slots {
                for c in 0..<k { sat.add(-g, -x[p * slots + slot], -z[slot / shifts][c], y[p][c]) }
            }
        }
        // Implied but strong: a cohort that gets a day must be able to staff it from its members
        // who are there. Each such clause follows from the demand of that day, the cohort rule
        // and the absences of the staff it names, so it is switched off with any of them and
        // explanations stay exact.
        func guards(_ t: Int, _ away: [Int]) -> [Lit] {
            [-demandSelector[t], -g] + away.compactMap { awaySelector[$0].map { -$0 } }
        }
        for slot in 0..<slots {
            let t = slot / shifts
            let demand = u.demands[slot], spare = large - demand
            let away = (0..<n).filter { !u.available[$0 * slots + slot] }
            let ready = (0..<n).filter { u.available[$0 * slots + slot] }
            for c in 0..<k {
                let zc = z[t][c]
                let enough = Totalizer(ready.map { y[$0][c] }, in: sat, limit: demand)
                for lit in enough.between(demand, ready.count, in: sat) { sat.add(guards(t, away) + [-zc, lit]) }
                // From the other side, small and sharp: of the staff away, the cohort holds at
                // most (its size − demand); with none to spare, it excludes each of them outright.
                guard away.count > spare else { continue }
                if spare <= 0 {
                    for p in away { sat.add(guards(t, [p]) + [-zc, -y[p][c]]) }
                } else {
                    let many = Totalizer(away.map { y[$0][c] }, in: sat, limit: spare)
                    sat.add(guards(t, away) + [-zc, -many.atLeast(spare + 1)])
                }
            }
        }
        cohortVars = (y, z)
        cohortLoad = CohortLoad(u, z: z, isLarge: isLarge, in: sat)
        // A guide, not a rule: each cohort gets about its share of the days. Counts can only
        // be even when the days are shared in proportion to the cohorts' sizes, so rosters
        // found under it start with a small spread. Assumed only while it helps (see solve).
        let guideLit = sat.newVariable()
        guide = [guideLit]
        let fewest = max(0, days * small / n - 1), most = min(days, (days * large + n - 1) / n + 1)
        for c in 0..<k {
            let share = Totalizer((0..<days).map { z[$0][c] }, in: sat, limit: most)
            for lit in share.between(fewest, most, in: sat) { sat.add(-guideLit, lit) }
        }
    }

    /// Assumptions that steer the search towards balanced rosters without being rules.
    private var guide: [Lit] = []

    private var cohortVars: (y: [[Lit]], z: [[Lit]])?
    private var cohortLoad: CohortLoad?
    /// After `solve`: every spread below this is proven impossible.
    private(set) var provenBound = 0

    // MARK: - Solving

    struct Found {
        var onSite: [Bool]
        var cohorts: [Int]?
        var spread: Int
        var proven: Bool
    }

    enum Answer {
        case roster(Found)
        case impossible([Rule])
        /// The time ran out before any roster was found or ruled out.
        case undecided
    }

    /// A roster, then ever smaller spreads down to `lowest` (a proven lower bound).
    /// `seconds` bounds the search for a first roster; `improveSeconds` the tightening that
    /// follows, after which the best roster is returned unproven. Finding rosters is what
    /// SAT does fast; proving a spread impossible can take long, so it is the part cut short.
    /// `improveUntil` (uptime nanoseconds), when given, ends the tightening at that moment
    /// instead (but leaves it at least a fifth of a second): the unit's whole time is what counts.
    func solve(from lowest: Int, seconds: Double, improveSeconds: Double, improveUntil: UInt64? = nil) -> Answer {
        let began = DispatchTime.now().uptimeNanoseconds
        sat.deadline = began + UInt64(seconds * 1e9)
        var best: Found
        var steer = guide
        // A roster with the guide, briefly; without it if it does not come at once; or a proof
        // that there is none.
        var guided = false
        if let z = cohortVars?.z {
            // First the plainest split: days dealt to the cohorts in turn, so no cohort works
            // two days in a row (run limits hold by themselves) and each gets its share.
            sat.limitConflicts(2_000)
            let turns = (0..<days).map { z[$0][$0 % u.cohorts] }
            guided = trace("any, in turn", sat.solve(assuming: selectors + turns), since: began) == .satisfiable
        }
        if !guided && !steer.isEmpty {
            sat.limitConflicts(5_000)   // for this solve only
            guided = trace("any, guided", sat.solve(assuming: selectors + steer), since: began) == .satisfiable
        }
        if guided {
            best = polished(model())
        } else {
            steer = []
            switch trace("any", sat.solve(assuming: selectors), since: began) {
            case .unknown: return .undecided
            case .unsatisfiable: return .impossible(explain())
            case .satisfiable: best = polished(model())
            }
        }
        let now = DispatchTime.now().uptimeNanoseconds
        let improveEnd = improveUntil.map { max($0, now + 200_000_000) } ?? now + UInt64(improveSeconds * 1e9)
        sat.deadline = min(sat.deadline ?? .max, improveEnd)
        var proven = lowest
        // One try at a spread: with the guide while it is in use; a refusal under the guide
        // proves nothing, so the guide is dropped and the same spread tried again.
        func attempt(_ s: Int, conflicts: Int32, label: String, symmetric: Bool) -> SATSolver.Outcome {
            let g = spreadLit(s)
            while true {
                let t = DispatchTime.now().uptimeNanoseconds
                sat.limitConflicts(conflicts)
                let outcome = trace("\(label) ≤ \(s)\(steer.isEmpty ? "" : ", guided")",
                                    sat.solve(assuming: selectors + (symmetric ? symmetry : []) + steer + [g]), since: t)
                if outcome == .satisfiable { best = polished(model()); return outcome }
                if steer.isEmpty {
                    if outcome == .unsatisfiable { sat.add(-g) }
                    return outcome
                }
                if let d = sat.deadline, DispatchTime.now().uptimeNanoseconds >= d { return .unknown }
                steer = []
            }
        }
        // A try at a spread one window at a time: each is a narrower question that SAT answers
        // sooner, and a window refuted stays refuted. All refuted: the spread is impossible.
        func probe(_ s: Int, conflicts: Int32, label: String) -> SATSolver.Outcome {
            let (any, windows) = spreadAtMost(s)
            var open = false
            for w in windows {
                let t = DispatchTime.now().uptimeNanoseconds
                sat.limitConflicts(max(500, conflicts / Int32(windows.count)))
                switch trace("\(label) ≤ \(s), window", sat.solve(assuming: selectors + symmetry + [w]), since: t) {
                case .satisfiable: best = polished(model()); return .satisfiable
                case .unsatisfiable: sat.add(-w)
                case .unknown: open = true
                }
                if let d = sat.deadline, DispatchTime.now().uptimeNanoseconds >= d { return .unknown }
            }
            if open { return .unknown }
            sat.add(-any)
            return .unsatisfiable
        }
        // Down from the best roster, one spread at a time, for most of the time: a roster one
        // step better is usually close to the last, so each step is quick, while a jump can
        // land on a spread as hard to fill as to refute. Symmetry breaking stays off here: it
        // helps proofs, not finding.
        let end = sat.deadline ?? .max
        let started = DispatchTime.now().uptimeNanoseconds
        func until(_ share: UInt64) -> UInt64 { started + (end > started ? (end - started) * share / 10 : 0) }
        // A first short try at the proven bound: the bound is often the optimum.
        sat.deadline = until(4)
        while proven < best.spread {
            let outcome = probe(proven, conflicts: 20_000, label: "first probe")
            if outcome == .unsatisfiable { proven += 1; continue }
            break
        }
        sat.deadline = until(8)
        while proven < best.spread {
            let outcome = attempt(best.spread - 1, conflicts: 30_000, label: "spread", symmetric: false)
            if outcome == .satisfiable { continue }
            if outcome == .unsatisfiable { proven = best.spread }
            break
        }
        // Then from below, with what is left: the proven bound is often the optimum, and a
        // short try there either finds it (optimal at once) or refutes it (the bound rises).
        sat.deadline = end
        steer = []
        while proven < best.spread {
            let outcome = probe(proven, conflicts: 3_000, label: "probe")
            if outcome == .unsatisfiable { proven += 1; continue }
            break
        }
        provenBound = proven
        best.proven = proven >= best.spread
        return .roster(best)
    }

    /// A literal that, assumed, keeps every count within [lo, lo + s] for one lo the solver
    /// picks among those the mean allows (lo ≤ total/n ≤ lo + s).
    /// One literal per spread, made once.
    private func spreadLit(_ s: Int) -> Lit { spreadAtMost(s).any }

    /// For a spread: the literal for "some window", and one per window [lo, lo + s], the
    /// windows nearest the mean first. Made once per spread.
    private func spreadAtMost(_ s: Int) -> (any: Lit, windows: [Lit]) {
        if let made = spreadLits[s] { return made }
        let total = u.totalDemand
        let from = max(0, (total + n - 1) / n - s), to = min(total / n, slots)
        let g = sat.newVariable()
        guard from <= to else { sat.add(-g); spreadLits[s] = (g, []); return (g, []) }
        let pick = sat.newVariables(to - from + 1)
        sat.add([-g] + pick)
        for (i, lo) in (from...to).enumerated() {
            for p in 0..<n { for lit in counts[p].between(lo, lo + s, in: sat) { sat.add(-pick[i], lit) } }
            cohortLoad?.bound(lo, lo + s, when: pick[i], in: sat)
        }
        // The window centred on the mean leaves each person the most room either way.
        let centre = Double(total) / Double(max(n, 1)) - Double(s) / 2
        let distance: (Int) -> Double = { i in abs(Double(from + i) - centre) }
        let order: [Int] = Array(0..<pick.count).sorted { distance($0) < distance($1) }
        let made: (any: Lit, windows: [Lit]) = (g, order.map { pick[$0] })
        spreadLits[s] = made
        return made
    }
    private var spreadLits: [Int: (any: Lit, windows: [Lit])] = [:]

    /// With cohorts: the same split into cohorts with the shifts spread more evenly, when the
    /// flow search finds that quickly (see CohortPolish).
    private func polished(_ found: Found) -> Found {
        guard let cohorts = found.cohorts else { return found }
        let t = DispatchTime.now().uptimeNanoseconds
        let limit = min(sat.deadline ?? .max, t + 200_000_000)
        let better = CohortPolish.improve(u, onSite: found.onSite, cohorts: cohorts, spread: found.spread,
                                          nodes: 300, deadline: limit)
        if RosterSolver.traceMillis != nil {
            let ms = Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6
            FileHandle.standardError.write(Data("  polish \(u.id): \(found.spread) → \(better.map { String($0.spread) } ?? "-") in \(Int(ms)) ms\n".utf8))
        }
        guard let better else { return found }
        return Found(onSite: better.onSite, cohorts: cohorts, spread: better.spread, proven: false)
    }

    private func trace(_ what: String, _ outcome: SATSolver.Outcome, since: UInt64) -> SATSolver.Outcome {
        if RosterSolver.traceMillis != nil {
            let ms = Double(DispatchTime.now().uptimeNanoseconds - since) / 1e6
            FileHandle.standardError.write(Data("  sat \(u.id) \(what): \(outcome) in \(Int(ms)) ms (\(sat.variables) vars, \(sat.clauses) clauses)\n".utf8))
        }
        return outcome
    }

    private func model() -> Found {
        var on = Array(repeating: false, count: n * slots)
        for i in on.indices { on[i] = sat.value(x[i]) }
        var lo = Int.max, hi = 0
        for p in 0..<n {
            let c = (0..<slots).filter { on[p * slots + $0] }.count
            lo = min(lo, c); hi = max(hi, c)
        }
        let cohorts = cohortVars.map { vars in (0..<n).map { p in vars.y[p].firstIndex { sat.value($0) } ?? 0 } }
        return Found(onSite: on, cohorts: cohorts, spread: n == 0 ? 0 : hi - lo, proven: false)
    }

    // MARK: - Why not

    /// Whether a roster exists under these rules alone (the others switched off).
    func check(only kept: [Rule]) -> SATSolver.Outcome {
        let wanted = Set(kept)
        return sat.solve(assuming: rules.indices.filter { wanted.contains(rules[$0]) }.map { selectors[$0] })
    }

    /// A small set of rules that cannot all hold: start from the solver's failed assumptions,
    /// then drop each rule whose absence still leaves no roster. Each check is cut short
    /// after a few thousand conflicts and the whole after `seconds`: a rule not shown
    /// unnecessary in time stays, so the set is always a true reason, minimal when time allows.
    func explain(seconds: Double = 1) -> [Rule] {
        let overall = sat.deadline
        sat.deadline = min(overall ?? .max, DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9))
        defer { sat.deadline = overall }
        guard sat.solve(assuming: selectors) == .unsatisfiable else { return [] }
        var core = selectors.indices.filter { sat.failed(selectors[$0]) }
        var i = 0
        while i < core.count {
            var trial = core
            trial.remove(at: i)
            sat.limitConflicts(5_000)
            switch sat.solve(assuming: trial.map { selectors[$0] }) {
            case .unsatisfiable:
                // Still impossible without it; keep only what the solver used this time.
                core = trial.filter { sat.failed(selectors[$0]) }
            case .satisfiable, .unknown:
                i += 1
            }
        }
        return core.map { rules[$0] }
    }
}
