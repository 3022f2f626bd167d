import Dispatch
import Foundation

/// The SAT solver is quick to split a unit into cohorts and hand each its days, and slow to
/// even out everyone's count inside that split: that part is a flow problem, which the flow
/// search solves best. So each cohort roster SAT finds is polished: the same cohorts and days,
/// with the shifts redistributed by the flow search for the smallest spread it can find.
enum CohortPolish {
    /// A roster with the same cohorts and cohort days and a smaller spread, if the flow search
    /// finds one within `nodes` search nodes (per spread tried) or before `deadline`.
    static func improve(_ u: RosterProblem.UnitProblem, onSite: [Bool], cohorts: [Int], spread: Int,
                        nodes: Int, deadline: UInt64) -> (onSite: [Bool], spread: Int)? {
        guard spread > 0, let split = restricted(u, onSite: onSite, cohorts: cohorts) else { return nil }
        var flow = UnitSolver(split, nodeBudget: nodes)
        flow.deadline = deadline
        guard let better = flow.solve(maxSpread: spread - 1), better.spread < spread else { return nil }
        return (better.onSite, better.spread)
    }

    /// The unit without cohorts, where each person may only be on site on their cohort's days:
    /// every roster of it keeps the cohort rule of the original.
    static func restricted(_ u: RosterProblem.UnitProblem, onSite: [Bool], cohorts: [Int]) -> RosterProblem.UnitProblem? {
        let slots = u.slotCount
        var dayCohort = Array(repeating: -1, count: u.dayCount)
        for p in 0..<u.count {
            for slot in 0..<slots where onSite[p * slots + slot] { dayCohort[slot / u.shiftCount] = cohorts[p] }
        }
        var split = u
        split.cohorts = 1
        for p in 0..<u.count {
            for slot in 0..<slots where dayCohort[slot / u.shiftCount] != cohorts[p] {
                if u.must[p * slots + slot] { return nil }
                split.available[p * slots + slot] = false
            }
        }
        return split
    }
}
