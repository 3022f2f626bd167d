import Foundation

/// Rules that cannot all hold, as data: the roster page words it in the reader's language,
/// and `reason` words it in English for the roster file. Staff are named by id.
public struct RosterClash: Codable, Sendable, Equatable {
    public struct Skill: Codable, Sendable, Equatable {
        public var name: String
        public var days: Int
        public var holders: [String]
    }
    /// Staff per shift, when the demand is one of the rules (nil otherwise).
    public var demand: Int?
    /// The demand differs between shifts (format v2); `demand` is then the largest.
    public var demandVaries = false
    public var skills: [Skill] = []
    /// The number of cohorts and their sizes ("7" or "7–8") when the cohort rule is one of them.
    public var cohorts: Int?
    public var cohortSizes: String?
    public var runLimit: Int?
    public var runners: [String] = []
    public var away: [String] = []
    public var obliged: [String] = []
    /// Staff whose rest after a shift takes part (optional: reports stored before it lack it).
    public var resting: [String]? = nil

    public init() {}

    /// The English wording, as `roster solve` writes it.
    public var reason: String {
        func names(_ list: [String]) -> String {
            list.count <= 8 ? list.joined(separator: ", ") : list.prefix(8).joined(separator: ", ") + " and \(list.count - 8) more"
        }
        var parts: [String] = []
        if let d = demand { parts.append(demandVaries ? "the demand of those shifts (up to \(d))" : "\(d) on site per shift") }
        for s in skills {
            parts.append("someone holding \"\(s.name)\" on site in every shift (\(s.days) day\(s.days == 1 ? "" : "s"); "
                         + (s.holders.isEmpty ? "nobody holds it)" : "held by \(names(s.holders)) only)"))
        }
        if let k = cohorts, let sizes = cohortSizes { parts.append("\(k) fixed cohorts of \(sizes) staff, one cohort per day") }
        if let run = runLimit, !runners.isEmpty {
            parts.append("at most \(run) day\(run == 1 ? "" : "s") in a row on site (\(names(runners)))")
        }
        if let r = resting, !r.isEmpty { parts.append("the rest after a shift (\(names(r)))") }
        if !away.isEmpty { parts.append("the absences of \(names(away))") }
        if !obliged.isEmpty { parts.append("the on-site obligations of \(names(obliged))") }
        return "impossible: these rules cannot all hold — " + parts.joined(separator: "; ")
    }
}

/// Turns a minimal set of clashing rules into what a planner reads: the days concerned,
/// each rule, and the people whose absences, obligations or run limit take part.
enum RosterExplanation {
    static func infeasibility(_ unit: RosterProblem.UnitProblem, _ rules: [UnitSAT.Rule]) -> RosterInfeasibility {
        var days = Set<Int>(), people = Set<Int>()
        var skillDays: [Int: Int] = [:]
        var away: [Int] = [], obliged: [Int] = [], runners: [Int] = [], resting: [Int] = []
        var clash = RosterClash()
        for r in rules {
            switch r {
            case .demand(let t):
                days.insert(t)
                clash.demand = unit.demand
                clash.demandVaries = !unit.uniformDemand
            case .skill(let k, let t): days.insert(t); skillDays[k, default: 0] += 1
            case .unavailable(let p): away.append(p); people.insert(p)
            case .obliged(let p): obliged.append(p); people.insert(p)
            case .runLimit(let p): runners.append(p); people.insert(p)
            case .rest(let p): resting.append(p); people.insert(p)
            case .cohorts:
                let small = unit.count / unit.cohorts, large = (unit.count + unit.cohorts - 1) / unit.cohorts
                clash.cohorts = unit.cohorts
                clash.cohortSizes = small == large ? "\(small)" : "\(small)–\(large)"
            }
        }
        let ids = { (ps: [Int]) in ps.sorted().map { unit.staff[$0] } }
        clash.skills = skillDays.sorted { $0.key < $1.key }
            .map { .init(name: unit.requiredSkills[$0.key], days: $0.value, holders: ids(unit.holders[$0.key])) }
        if !runners.isEmpty { clash.runLimit = unit.maxRun; clash.runners = ids(runners) }
        if !resting.isEmpty { clash.resting = ids(resting) }
        clash.away = ids(away)
        clash.obliged = ids(obliged)
        let first = days.min(), last = days.max()
        return RosterInfeasibility(unit: unit.id, day: first, shift: nil, reason: clash.reason,
                                   lastDay: last == first ? nil : last, staff: people.sorted().map { unit.staff[$0] }, clash: clash)
    }
}
