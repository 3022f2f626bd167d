/// Alert levels of an epidemic (Resolution 128/NQ-CP, docs/sources.md): 1 new normal
/// (green), 2 medium (yellow), 3 high (orange), 4 very high (red).
public enum AlertLevel: Int, Codable, CaseIterable, Sendable, Comparable {
    case one = 1, two, three, four
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var colour: String { switch self { case .one: "green"; case .two: "yellow"; case .three: "orange"; case .four: "red" } }
}

/// What changes in a unit at one alert level.
public struct LevelPlan: Codable, Sendable, Equatable {
    public var level: AlertLevel
    /// The most a unit may have on site (strictest wins with the directives above it).
    public var maxOnSiteShare: Fraction
    /// At least this many on site in each shift (the seed's "at least one on duty").
    public var minOnDuty: Int
    /// Staff ids who keep working on site at this level.
    public var essential: [String]
    /// Where everyone else works, in the unit's words.
    public var workplace: String

    public init(level: AlertLevel, maxOnSiteShare: Fraction, minOnDuty: Int, essential: [String], workplace: String) {
        self.level = level
        self.maxOnSiteShare = maxOnSiteShare
        self.minOnDuty = minOnDuty
        self.essential = essential
        self.workplace = workplace
    }

    /// The rules this level adds to those in force while it is the unit's level.
    public var rules: DirectiveRules { DirectiveRules(maxOnSiteShare: maxOnSiteShare, minOnDutyPerShift: minOnDuty) }
}

public enum ContingencyProblem: Error, Equatable, Sendable {
    case levelMissing(AlertLevel)
    case levelTwice(AlertLevel)
    case shareZero(AlertLevel)
    case shareRises(AlertLevel)
    case minOnDutyInvalid(AlertLevel)
    case workplaceMissing(AlertLevel)
    case tooLong(AlertLevel)
    case essentialTwice(AlertLevel)

    public var code: String {
        switch self {
        case .levelMissing: "contingency.level_missing"
        case .levelTwice: "contingency.level_twice"
        case .shareZero: "contingency.share_zero"
        case .shareRises: "contingency.share_rises"
        case .minOnDutyInvalid: "contingency.min_on_duty_invalid"
        case .workplaceMissing: "contingency.workplace_missing"
        case .tooLong: "too_long"
        case .essentialTwice: "contingency.essential_twice"
        }
    }

    public var level: AlertLevel {
        switch self {
        case .levelMissing(let l), .levelTwice(let l), .shareZero(let l), .shareRises(let l), .minOnDutyInvalid(let l),
             .workplaceMissing(let l), .tooLong(let l), .essentialTwice(let l): l
        }
    }
}

public enum ContingencyRules {
    public static let maxWorkplace = 500
    public static let maxEssential = 500

    /// Every level once; a share above nothing that never rises with the level; at least
    /// one on duty; a workplace named. Returns the levels in order.
    public static func validate(_ levels: [LevelPlan]) throws(ContingencyProblem) -> [LevelPlan] {
        var byLevel: [AlertLevel: LevelPlan] = [:]
        for l in levels {
            if byLevel[l.level] != nil { throw .levelTwice(l.level) }
            byLevel[l.level] = l
        }
        var out: [LevelPlan] = []
        for level in AlertLevel.allCases {
            guard var l = byLevel[level] else { throw .levelMissing(level) }
            if l.maxOnSiteShare.numerator == 0 { throw .shareZero(level) }
            if l.minOnDuty < 1 || l.minOnDuty > 10_000 { throw .minOnDutyInvalid(level) }
            l.workplace = VietnameseText.normalize(l.workplace)
            if l.workplace.isEmpty { throw .workplaceMissing(level) }
            if l.workplace.count > maxWorkplace || l.essential.count > maxEssential { throw .tooLong(level) }
            if Set(l.essential).count != l.essential.count { throw .essentialTwice(level) }
            if let prev = out.last, prev.maxOnSiteShare < l.maxOnSiteShare { throw .shareRises(level) }
            out.append(l)
        }
        return out
    }
}
