import Foundation

/// Turns a minimal set of clashing rules into what a planner reads: the days concerned,
/// each rule in words, and the people whose absences, obligations or run limit take part.
enum RosterExplanation {
    static func infeasibility(_ unit: RosterProblem.UnitProblem, _ rules: [UnitSAT.Rule]) -> RosterInfeasibility {
        var days = Set<Int>()
        var people = Set<Int>()
        var parts: [String] = []
        var skillDays: [Int: [Int]] = [:]
        var away: [Int] = [], obliged: [Int] = [], runners: [Int] = []
        var cohorts = false
        for r in rules {
            switch r {
            case .demand(let t): days.insert(t)
            case .skill(let k, let t): days.insert(t); skillDays[k, default: []].append(t)
            case .unavailable(let p): away.append(p); people.insert(p)
            case .obliged(let p): obliged.append(p); people.insert(p)
            case .runLimit(let p): runners.append(p); people.insert(p)
            case .cohorts: cohorts = true
            }
        }
        func names(_ ps: [Int]) -> String {
            let list = ps.sorted().map { unit.staff[$0] }
            return list.count <= 8 ? list.joined(separator: ", ") : list.prefix(8).joined(separator: ", ") + " and \(list.count - 8) more"
        }
        if rules.contains(where: { if case .demand = $0 { return true }; return false }) {
            parts.append(unit.uniformDemand ? "\(unit.demand) on site per shift" : "the demand of those shifts (up to \(unit.demand))")
        }
        for (k, ts) in skillDays.sorted(by: { $0.key < $1.key }) {
            let holders = unit.holders[k]
            parts.append("someone holding \"\(unit.requiredSkills[k])\" on site in every shift (\(ts.count) day\(ts.count == 1 ? "" : "s"); "
                         + (holders.isEmpty ? "nobody holds it)" : "held by \(names(holders)) only)"))
        }
        if cohorts {
            let k = unit.cohorts
            let small = unit.count / k, large = (unit.count + k - 1) / k
            parts.append("\(k) fixed cohorts of \(small == large ? "\(small)" : "\(small)–\(large)") staff, one cohort per day")
        }
        if let run = unit.maxRun, !runners.isEmpty {
            parts.append("at most \(run) day\(run == 1 ? "" : "s") in a row on site (\(names(runners)))")
        }
        if !away.isEmpty { parts.append("the absences of \(names(away))") }
        if !obliged.isEmpty { parts.append("the on-site obligations of \(names(obliged))") }
        let first = days.min(), last = days.max()
        let reason = "impossible: these rules cannot all hold — " + parts.joined(separator: "; ")
        return RosterInfeasibility(unit: unit.id, day: first, shift: nil, reason: reason,
                                   lastDay: last == first ? nil : last, staff: people.sorted().map { unit.staff[$0] })
    }
}
