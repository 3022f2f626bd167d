import CCaDiCaL
import Dispatch
import Foundation

/// A literal: variable v as `v` or its negation `-v` (DIMACS numbering, v ≥ 1).
typealias Lit = Int32

/// CaDiCaL through its C interface (IPASIR): clauses, assumptions, incremental solving.
/// One instance per unit and thread; it is not shared.
final class SATSolver {
    enum Outcome: Equatable { case satisfiable, unsatisfiable, unknown }

    private let solver: OpaquePointer
    private(set) var variables: Int32 = 0
    private(set) var clauses = 0
    /// When set, a solve that runs past it stops with `.unknown`.
    var deadline: UInt64?

    init() {
        solver = ccadical_init()
        for (name, value) in SATSolver.tuning { ccadical_set_option(solver, name, value) }
        // The rosters' clauses are small and solved many times over with assumptions;
        // quiet output is the default, nothing else needs tuning.
        ccadical_set_terminate(solver, Unmanaged.passUnretained(self).toOpaque()) { state in
            guard let state else { return 0 }
            let me = Unmanaged<SATSolver>.fromOpaque(state).takeUnretainedValue()
            guard let deadline = me.deadline else { return 0 }
            return DispatchTime.now().uptimeNanoseconds >= deadline ? 1 : 0
        }
    }

    deinit { ccadical_release(solver) }

    /// CONGSO_SAT_OPTIONS=name=value,… sets CaDiCaL options, for tuning; read once per process.
    static let tuning: [(String, Int32)] = (ProcessInfo.processInfo.environment["CONGSO_SAT_OPTIONS"] ?? "")
        .split(separator: ",").compactMap { pair in
            let kv = pair.split(separator: "=")
            guard kv.count == 2, let v = Int32(kv[1]) else { return nil }
            return (String(kv[0]), v)
        }

    /// A literal fixed to false, for a bound that cannot be met.
    lazy var falseLiteral: Lit = {
        let v = newVariable()
        add(-v)
        return v
    }()

    func newVariable() -> Lit {
        variables += 1
        return variables
    }

    func newVariables(_ count: Int) -> [Lit] { (0..<count).map { _ in newVariable() } }

    func add(_ clause: [Lit]) {
        for l in clause { ccadical_add(solver, l) }
        ccadical_add(solver, 0)
        clauses += 1
    }

    func add(_ clause: Lit...) { add(clause) }

    /// At most one of `lits` is true (pairwise: the lists here are a handful of cohorts).
    func atMostOne(_ lits: [Lit]) {
        for i in lits.indices { for j in lits.indices where j > i { add(-lits[i], -lits[j]) } }
    }

    func exactlyOne(_ lits: [Lit]) {
        add(lits)
        atMostOne(lits)
    }

    /// The next solve gives up (`.unknown`) after this many conflicts.
    func limitConflicts(_ count: Int32) { ccadical_limit(solver, "conflicts", count) }

    func solve(assuming assumptions: [Lit] = []) -> Outcome {
        for a in assumptions { ccadical_assume(solver, a) }
        switch ccadical_solve(solver) {
        case 10: return .satisfiable
        case 20: return .unsatisfiable
        default: return .unknown
        }
    }

    /// After `.satisfiable`: the value of a literal in the model.
    func value(_ lit: Lit) -> Bool { ccadical_val(solver, lit) > 0 }

    /// After `.unsatisfiable`: whether this assumption is part of the reason.
    func failed(_ lit: Lit) -> Bool { ccadical_failed(solver, lit) != 0 }
}
