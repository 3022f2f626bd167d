import Foundation

/// A count of literals in unary (Bailleux and Boufkhad's totalizer): `atLeast(j)` is true
/// exactly when at least j of the inputs are. Bounds then become one literal each, so they
/// can be asserted as clauses or passed as assumptions and changed between solves.
struct Totalizer {
    /// outputs[j - 1] ⇔ count ≥ j.
    let outputs: [Lit]

    /// `limit`: outputs beyond it are not built (counts above limit + 1 are never asked about).
    init(_ inputs: [Lit], in sat: SATSolver, limit: Int? = nil) {
        let cap = min(inputs.count, limit.map { $0 + 1 } ?? inputs.count)
        outputs = Totalizer.build(inputs[...], sat, cap)
    }

    var count: Int { outputs.count }

    /// A literal true when at least j inputs are, for 1 ≤ j ≤ count.
    func atLeast(_ j: Int) -> Lit { outputs[j - 1] }

    /// The assumptions (or unit clauses) for lo ≤ count ≤ hi; a lower bound above the
    /// number of inputs is the solver's false literal.
    func between(_ lo: Int, _ hi: Int, in sat: SATSolver) -> [Lit] {
        var out: [Lit] = []
        if lo > 0 { out.append(lo <= count ? atLeast(lo) : sat.falseLiteral) }
        if hi < count { out.append(-atLeast(hi + 1)) }
        return out
    }

    private static func build(_ inputs: ArraySlice<Lit>, _ sat: SATSolver, _ cap: Int) -> [Lit] {
        if inputs.count <= 1 { return Array(inputs) }
        let mid = inputs.startIndex + inputs.count / 2
        let a = build(inputs[..<mid], sat, cap), b = build(inputs[mid...], sat, cap)
        let size = min(cap, a.count + b.count)
        let c = sat.newVariables(size)
        // Upward: i of a and j of b make i + j.  Downward: fewer than i + 1 in a and fewer than
        // j + 1 in b make fewer than i + j + 1.
        for i in 0...a.count {
            for j in 0...b.count {
                let k = i + j
                if k >= 1 {
                    // Past a truncated top, i + j still means "at least size".
                    var clause: [Lit] = [c[min(k, size) - 1]]
                    if i > 0 { clause.append(-a[i - 1]) }
                    if j > 0 { clause.append(-b[j - 1]) }
                    sat.add(clause)
                }
                if k + 1 <= size {
                    var clause: [Lit] = [-c[k]]
                    if i < a.count { clause.append(a[i]) }
                    if j < b.count { clause.append(b[j]) }
                    sat.add(clause)
                }
            }
        }
        return c
    }
}
