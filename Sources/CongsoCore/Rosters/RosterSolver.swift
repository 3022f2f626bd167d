import Dispatch
import Foundation

/// A unit, day and shift that cannot be staffed, and why. `day`/`shift` nil: the whole unit or day.
public struct RosterInfeasibility: Sendable, Equatable {
    public var unit: String
    public var day: Int?
    public var shift: Int?
    public var reason: String
    /// When the reason spans several days: the last of them (`day` is the first).
    public var lastDay: Int?
    /// The staff whose absences, obligations or run limit take part in the reason.
    public var staff: [String]
    /// The clashing rules as data, when the reason is one (for wording in other languages).
    public var clash: RosterClash?

    public init(unit: String, day: Int?, shift: Int?, reason: String, lastDay: Int? = nil, staff: [String] = [],
                clash: RosterClash? = nil) {
        self.unit = unit; self.day = day; self.shift = shift; self.reason = reason
        self.lastDay = lastDay; self.staff = staff; self.clash = clash
    }
}

/// What the solver found for one unit.
public struct UnitRoster: Sendable {
    public var id: String
    public var staff: [String]
    /// onSite[p * slotCount + slot]
    public var onSite: [Bool]
    public var cohorts: [Int]?
    public var spread: Int
    /// The spread is proven optimal (false only when the search limit cut a proof short).
    public var optimal: Bool
    /// Filled greedily by --best-effort because no roster meets every rule.
    public var partial: Bool
}

public struct RosterSolution: Sendable {
    public var dates: [String]
    public var shifts: [String]
    public var units: [UnitRoster]
    public var infeasible: [RosterInfeasibility]
    public var solveMillis: Double
    public var searchNodes: Int
    /// The unit that took longest to solve, and how long (for the "no unit over 2 s" target).
    public var slowestUnit: (id: String, millis: Double)?

    public var assignmentCount: Int { units.reduce(0) { $0 + $1.onSite.lazy.filter { $0 }.count } }
    public var maxSpread: Int { units.filter { !$0.partial }.map(\.spread).max() ?? 0 }
    public var unprovenUnits: Int { units.filter { !$0.optimal && !$0.partial }.count }
}

public enum RosterSolver {
    public struct Options: Sendable {
        public var bestEffort = false
        /// Search nodes per unit before the solver settles for the best roster it has.
        public var nodeBudget = 500
        public var threads = ProcessInfo.processInfo.activeProcessorCount
        /// Seconds per unit for the SAT solver once the flow search has not settled the unit.
        public var satSeconds = 30.0
        /// Seconds per unit for making a SAT roster's spread smaller, counted from the moment the
        /// unit's solve began (so a long search for the first roster leaves less of it) …
        public var improveSeconds = 1.3
        /// … and then for the flow search to prove it smallest (or find a smaller one).
        public var proofSeconds = 0.25
        public init(bestEffort: Bool = false, nodeBudget: Int = 500, satSeconds: Double = 30) {
            self.bestEffort = bestEffort
            self.nodeBudget = nodeBudget
            self.satSeconds = satSeconds
        }
    }

    public static func solve(_ problem: RosterProblem, options: Options = Options()) -> RosterSolution {
        let started = DispatchTime.now().uptimeNanoseconds
        let count = problem.units.count
        var results = [UnitOutcome?](repeating: nil, count: count)
        let workers = max(1, min(options.threads, count))
        let queue = WorkQueue(count: count, chunk: max(1, min(32, count / (workers * 16))))
        results.withUnsafeMutableBufferPointer { out in
            let slots = DisjointWrites(out)
            // Units are independent. Workers take the next few from a shared queue, so a unit
            // whose search runs long does not leave the other core idle at the end.
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let range = queue.next() {
                    for i in range { slots.buffer[i] = solveUnit(problem.units[i], options: options) }
                }
            }
        }
        var units: [UnitRoster] = []
        var infeasible: [RosterInfeasibility] = []
        var nodes = 0
        var slowest: (id: String, millis: Double)?
        for (i, r) in results.enumerated() {
            guard let r else { continue }
            nodes += r.nodes
            if r.millis > (slowest?.millis ?? -1) { slowest = (problem.units[i].id, r.millis) }
            infeasible += r.problems
            if let roster = r.roster { units.append(roster) }
        }
        let millis = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        return RosterSolution(dates: problem.dates, shifts: problem.shifts, units: units, infeasible: infeasible,
                              solveMillis: millis, searchNodes: nodes, slowestUnit: slowest)
    }

    /// Hands out consecutive ranges of unit indices to workers.
    final class WorkQueue: @unchecked Sendable {
        private let lock = NSLock()
        private var at = 0
        let count: Int, chunk: Int
        init(count: Int, chunk: Int) { self.count = count; self.chunk = chunk }
        func next() -> Range<Int>? {
            lock.lock(); defer { lock.unlock() }
            guard at < count else { return nil }
            let r = at..<min(count, at + chunk)
            at = r.upperBound
            return r
        }
    }

    /// Workers write to distinct indices only, so sharing the buffer is safe.
    struct DisjointWrites: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<UnitOutcome?>
        init(_ b: UnsafeMutableBufferPointer<UnitOutcome?>) { buffer = b }
    }

    struct UnitOutcome {
        var roster: UnitRoster?
        var problems: [RosterInfeasibility]
        var nodes: Int
        var millis = 0.0
    }

    /// CONGSO_ROSTER_TRACE=MS prints every unit that takes at least MS milliseconds (for tuning).
    static let traceMillis = ProcessInfo.processInfo.environment["CONGSO_ROSTER_TRACE"].flatMap(Double.init)

    static func solveUnit(_ unit: RosterProblem.UnitProblem, options: Options) -> UnitOutcome {
        let began = DispatchTime.now().uptimeNanoseconds
        var out = solveUnitUntraced(unit, options: options)
        let ms = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e6
        out.millis = ms
        if let limit = traceMillis, ms >= limit {
            let line = "unit \(unit.id): \(unit.count) staff, demand \(unit.demand), cohorts \(unit.cohorts), skills \(unit.requiredSkills.count), "
                + "run \(unit.maxRun.map(String.init) ?? "-"): \(Int(ms)) ms, \(out.nodes) nodes, spread \(out.roster.map { String($0.spread) } ?? "-"), "
                + "proven \(out.roster?.optimal ?? false)\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
        return out
    }

    static func solveUnitUntraced(_ unit: RosterProblem.UnitProblem, options: Options) -> UnitOutcome {
        let began = DispatchTime.now().uptimeNanoseconds
        var solver = UnitSolver(unit, nodeBudget: options.nodeBudget)
        var problems = solver.slotProblems()
        if problems.isEmpty {
            // The flow search either settles the unit (an optimal roster, or a proof there is
            // none) or stops at its budget; then the SAT solver decides it, from the spreads
            // the flow search already ruled out.
            var found = solver.solve()
            if found == nil && solver.searchCut {
                let sat = UnitSAT(unit)
                switch sat.solve(from: solver.provenLowerBound, seconds: options.satSeconds, improveSeconds: options.improveSeconds,
                                 improveUntil: began + UInt64(options.improveSeconds * 1e9)) {
                case .roster(let r):
                    found = .init(onSite: r.onSite, cohorts: r.cohorts, spread: r.spread, proven: r.proven)
                    if !r.proven { found = proveOrImprove(unit, found!, from: sat.provenBound, options: options) }
                case .impossible(let rules):
                    problems = [rules.isEmpty ? provenImpossible(unit) : RosterExplanation.infeasibility(unit, rules)]
                case .undecided:
                    problems = [undecided(unit, seconds: options.satSeconds)]
                }
            }
            if let r = found {
                return UnitOutcome(roster: UnitRoster(id: unit.id, staff: unit.staff, onSite: r.onSite, cohorts: r.cohorts,
                                                      spread: r.spread, optimal: r.proven, partial: false),
                                   problems: [], nodes: solver.totalNodes)
            }
            if problems.isEmpty { problems = [diagnose(unit)] }
        }
        guard options.bestEffort else { return UnitOutcome(roster: nil, problems: problems, nodes: solver.totalNodes) }
        let x = BestEffort.fill(unit)
        return UnitOutcome(roster: UnitRoster(id: unit.id, staff: unit.staff, onSite: x, cohorts: nil,
                                              spread: solver.spread(x), optimal: false, partial: true),
                           problems: problems, nodes: solver.totalNodes)
    }

    /// SAT finds rosters fast but proves a spread impossible slowly when the reason is
    /// arithmetic (cohort sizes against the demand); the flow search's counting bounds prove
    /// those quickly. It searches the spreads below the SAT roster's for `proofSeconds`:
    /// a roster it finds replaces the SAT one, and a search that runs out proves it optimal.
    static func proveOrImprove(_ unit: RosterProblem.UnitProblem, _ found: UnitSolver.Result, from lowest: Int,
                               options: Options) -> UnitSolver.Result {
        guard found.spread > lowest else { return .init(onSite: found.onSite, cohorts: found.cohorts, spread: found.spread, proven: true) }
        var prover = UnitSolver(unit, nodeBudget: Int.max / 2)
        prover.deadline = DispatchTime.now().uptimeNanoseconds + UInt64(options.proofSeconds * 1e9)
        if let better = prover.solve(maxSpread: found.spread - 1) { return better }
        return prover.searchCut ? found : .init(onSite: found.onSite, cohorts: found.cohorts, spread: found.spread, proven: true)
    }

    /// The flow alone proves the unit impossible (no single shift is, but the counts are):
    /// the SAT solver names the smallest set of rules that clash.
    static func diagnose(_ unit: RosterProblem.UnitProblem) -> RosterInfeasibility {
        let rules = UnitSAT(unit).explain()
        return rules.isEmpty ? provenImpossible(unit) : RosterExplanation.infeasibility(unit, rules)
    }

    /// The last resort: neither search decided the unit in the time it had.
    static func undecided(_ unit: RosterProblem.UnitProblem, seconds: Double?) -> RosterInfeasibility {
        let limit = seconds.map { " (\(Int($0)) s)" } ?? ""
        return RosterInfeasibility(unit: unit.id, day: nil, shift: nil,
                                   reason: "no roster found within the search limit\(limit): \(rulesInForce(unit))")
    }

    /// Proven impossible, but no smaller set of clashing rules was isolated in time.
    static func provenImpossible(_ unit: RosterProblem.UnitProblem) -> RosterInfeasibility {
        RosterInfeasibility(unit: unit.id, day: nil, shift: nil,
                            reason: "impossible: these rules cannot all hold — \(rulesInForce(unit)), with the staff's absences and obligations")
    }

    static func rulesInForce(_ unit: RosterProblem.UnitProblem) -> String {
        var rules = [unit.uniformDemand ? "\(unit.demand) on site per shift" : "the demand of each shift (up to \(unit.demand))"]
        if !unit.requiredSkills.isEmpty { rules.append("skills " + unit.requiredSkills.joined(separator: ", ")) }
        if unit.cohorts > 1 { rules.append("\(unit.cohorts) fixed cohorts") }
        if let run = unit.maxRun { rules.append("at most \(run) days in a row on site") }
        return rules.joined(separator: "; ")
    }
}

/// --best-effort: when no roster meets every rule, fill each shift with as many staff as
/// availability, obligations and the run limit allow, fewest shifts first. Not optimal,
/// and cohorts are not kept; the output says so.
enum BestEffort {
    static func fill(_ u: RosterProblem.UnitProblem) -> [Bool] {
        let n = u.count, slots = u.slotCount, shifts = u.shiftCount
        var x = Array(repeating: false, count: n * slots)
        var counts = Array(repeating: 0, count: n)
        var streak = Array(repeating: 0, count: n)
        for t in 0..<u.dayCount {
            var today = Array(repeating: false, count: n)
            for s in 0..<shifts {
                let slot = t * shifts + s
                let allowed = (0..<n).filter { p in
                    u.available[p * slots + slot] && (u.maxRun.map { today[p] || streak[p] < $0 } ?? true)
                }
                let ranked = allowed.sorted { a, b in
                    let ma = u.must[a * slots + slot], mb = u.must[b * slots + slot]
                    if ma != mb { return ma }
                    let sa = u.holders.filter { $0.contains(a) }.count, sb = u.holders.filter { $0.contains(b) }.count
                    if sa != sb { return sa > sb }
                    return counts[a] < counts[b]
                }
                for p in ranked.prefix(u.demands[slot]) {
                    x[p * slots + slot] = true
                    counts[p] += 1
                    today[p] = true
                }
            }
            for p in 0..<n { streak[p] = today[p] ? streak[p] + 1 : 0 }
        }
        return x
    }
}
