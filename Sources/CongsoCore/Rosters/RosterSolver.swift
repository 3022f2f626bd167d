import Dispatch
import Foundation

/// A unit, day and shift that cannot be staffed, and why. `day`/`shift` nil: the whole unit or day.
public struct RosterInfeasibility: Sendable, Equatable {
    public var unit: String
    public var day: Int?
    public var shift: Int?
    public var reason: String
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

    public var assignmentCount: Int { units.reduce(0) { $0 + $1.onSite.lazy.filter { $0 }.count } }
    public var maxSpread: Int { units.filter { !$0.partial }.map(\.spread).max() ?? 0 }
    public var unprovenUnits: Int { units.filter { !$0.optimal && !$0.partial }.count }
}

public enum RosterSolver {
    public struct Options: Sendable {
        public var bestEffort = false
        /// Search nodes per unit before the solver settles for the best roster it has.
        public var nodeBudget = 20_000
        public var threads = ProcessInfo.processInfo.activeProcessorCount
        public init(bestEffort: Bool = false, nodeBudget: Int = 20_000) {
            self.bestEffort = bestEffort
            self.nodeBudget = nodeBudget
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
        for r in results {
            guard let r else { continue }
            nodes += r.nodes
            infeasible += r.problems
            if let roster = r.roster { units.append(roster) }
        }
        let millis = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        return RosterSolution(dates: problem.dates, shifts: problem.shifts, units: units, infeasible: infeasible,
                              solveMillis: millis, searchNodes: nodes)
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
    }

    /// CONGSO_ROSTER_TRACE=MS prints every unit that takes at least MS milliseconds (for tuning).
    static let traceMillis = ProcessInfo.processInfo.environment["CONGSO_ROSTER_TRACE"].flatMap(Double.init)

    static func solveUnit(_ unit: RosterProblem.UnitProblem, options: Options) -> UnitOutcome {
        guard let limit = traceMillis else { return solveUnitUntraced(unit, options: options) }
        let began = DispatchTime.now().uptimeNanoseconds
        let out = solveUnitUntraced(unit, options: options)
        let ms = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e6
        if ms >= limit {
            let line = "unit \(unit.id): \(unit.count) staff, demand \(unit.demand), cohorts \(unit.cohorts), skills \(unit.requiredSkills.count), "
                + "run \(unit.maxRun.map(String.init) ?? "-"): \(Int(ms)) ms, \(out.nodes) nodes, spread \(out.roster.map { String($0.spread) } ?? "-"), "
                + "proven \(out.roster?.optimal ?? false)\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
        return out
    }

    static func solveUnitUntraced(_ unit: RosterProblem.UnitProblem, options: Options) -> UnitOutcome {
        var solver = UnitSolver(unit, nodeBudget: options.nodeBudget)
        var problems = solver.slotProblems()
        if problems.isEmpty {
            if let r = solver.solve() {
                return UnitOutcome(roster: UnitRoster(id: unit.id, staff: unit.staff, onSite: r.onSite, cohorts: r.cohorts,
                                                      spread: r.spread, optimal: r.proven, partial: false),
                                   problems: [], nodes: solver.totalNodes)
            }
            problems = [diagnose(unit, options: options)]
        }
        guard options.bestEffort else { return UnitOutcome(roster: nil, problems: problems, nodes: solver.totalNodes) }
        let x = BestEffort.fill(unit)
        return UnitOutcome(roster: UnitRoster(id: unit.id, staff: unit.staff, onSite: x, cohorts: nil,
                                              spread: solver.spread(x), optimal: false, partial: true),
                           problems: problems, nodes: solver.totalNodes)
    }

    /// No single shift is impossible, yet the rules together are: find the first day by which
    /// they already are, by solving ever longer beginnings of the period.
    static func diagnose(_ unit: RosterProblem.UnitProblem, options: Options) -> RosterInfeasibility {
        var rules = ["\(unit.demand) on site per shift"]
        if !unit.requiredSkills.isEmpty { rules.append("skills " + unit.requiredSkills.joined(separator: ", ")) }
        if unit.cohorts > 1 { rules.append("\(unit.cohorts) fixed cohorts") }
        if let run = unit.maxRun { rules.append("at most \(run) days in a row on site") }
        let detail = rules.joined(separator: "; ")
        for h in 1...unit.dayCount {
            var solver = UnitSolver(unit.prefix(days: h), nodeBudget: max(1_000, options.nodeBudget / unit.dayCount))
            if solver.solve() == nil {
                if solver.searchCut {
                    return RosterInfeasibility(unit: unit.id, day: nil, shift: nil,
                                               reason: "no roster found within the search limit (\(detail))")
                }
                return RosterInfeasibility(unit: unit.id, day: h - 1, shift: nil,
                                           reason: "from this day on the unit cannot be staffed: \(detail), with the staff's unavailability and obligations, cannot all hold")
            }
        }
        return RosterInfeasibility(unit: unit.id, day: nil, shift: nil, reason: "no roster found within the search limit (\(detail))")
    }
}

extension RosterProblem.UnitProblem {
    /// The same unit over its first `days` days only.
    func prefix(days h: Int) -> Self {
        var p = self
        let keep = h * shiftCount
        p.dayCount = h
        p.available = []; p.must = []
        for person in 0..<count {
            p.available += available[(person * slotCount)..<(person * slotCount + keep)]
            p.must += must[(person * slotCount)..<(person * slotCount + keep)]
        }
        return p
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
                for p in ranked.prefix(u.demand) {
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
