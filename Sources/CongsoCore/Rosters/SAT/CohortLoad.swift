import Foundation

/// The shifts a cohort's days call for, counted in the SAT model, so that a window on every
/// person's count becomes a window on each cohort's days. Everyone on site on a day belongs
/// to the day's cohort and each shift is staffed exactly, so a cohort of m members whose
/// counts all lie in [lo, hi] is given days calling for between m·lo and m·hi shifts. The
/// per-person bounds imply this, but only through a pigeonhole argument a SAT solver finds
/// slowly; stated directly it rules out unbalanced day shares at once.
struct CohortLoad {
    /// Per cohort: its days' demand in units of `step` (a day calling for w·step shifts is w
    /// inputs), so that uniform days count one each.
    let load: [Totalizer]
    let step: Int
    /// Per cohort, when sizes differ: true when it is one of the larger cohorts.
    let isLarge: [Lit]
    let small: Int, large: Int

    /// nil when the weighted count would be too large to be worth its clauses.
    init?(_ u: RosterProblem.UnitProblem, z: [[Lit]], isLarge: [Lit], in sat: SATSolver) {
        let k = u.cohorts, n = u.count
        let daily = (0..<u.dayCount).map { t in (0..<u.shiftCount).reduce(0) { $0 + u.demands[t * u.shiftCount + $1] } }
        let g = daily.reduce(0) { CohortLoad.gcd($0, $1) }
        guard g > 0, daily.reduce(0, +) / g <= 256 else { return nil }
        step = g
        load = (0..<k).map { c in
            Totalizer((0..<u.dayCount).flatMap { t in Array(repeating: z[t][c], count: daily[t] / g) }, in: sat)
        }
        self.isLarge = isLarge
        small = n / k; large = (n + k - 1) / k
    }

    /// Clauses: when `when` holds, every cohort's load fits its members' counts in [lo, hi].
    func bound(_ lo: Int, _ hi: Int, when: Lit, in sat: SATSolver) {
        for c in load.indices {
            for (size, sizeIs) in sizes(c) {
                let least = (lo * size + step - 1) / step, most = (hi * size) / step
                for lit in load[c].between(least, most, in: sat) { sat.add([-when] + sizeIs + [lit]) }
            }
        }
    }

    /// The cohort's possible sizes, each with the literals that, added to a clause, restrict it to that size.
    private func sizes(_ c: Int) -> [(Int, [Lit])] {
        isLarge.isEmpty ? [(small, [])] : [(small, [isLarge[c]]), (large, [-isLarge[c]])]
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
