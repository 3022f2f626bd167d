import Foundation

/// The roster problem, format v1 or v2 (docs/roster-format.md), exactly as it arrives in JSON.
/// v2 adds demand per shift and kind of day, holidays, and a run limit per unit.
public struct RosterInput: Codable, Sendable {
    public struct Unit: Codable, Sendable {
        public var id: String
        public var maxOnSiteShare: Double
        public var minOnDuty: Int
        public var demand: Demand?
        public var requiredSkills: [String]?
        public var cohorts: Int?
        /// v2: this unit's run limit, instead of the problem's.
        public var maxConsecutiveOnSiteDays: Int?
        /// v2: rest after a shift — after working the named shift, a person is off the next
        /// this many shifts in time order (across midnight), e.g. {"N": 2, "D1": 1}.
        public var restAfter: [String: Int]?
        public init(id: String, maxOnSiteShare: Double, minOnDuty: Int, demand: Int? = nil,
                    requiredSkills: [String]? = nil, cohorts: Int? = nil) {
            self.id = id; self.maxOnSiteShare = maxOnSiteShare; self.minOnDuty = minOnDuty
            self.demand = demand.map(Demand.everyShift); self.requiredSkills = requiredSkills; self.cohorts = cohorts
        }
    }

    /// Staff on site per shift: one number (v1), or (v2) a table per kind of day of staff
    /// per shift name, e.g. {"weekday": {"AM": 3, "PM": 2}, "weekend": {"AM": 1}}.
    public enum Demand: Codable, Sendable, Equatable {
        case everyShift(Int)
        case byDay([DayKind: [String: Int]])

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let n = try? c.decode(Int.self) { self = .everyShift(n); return }
            let table = try c.decode([String: [String: Int]].self)
            var out: [DayKind: [String: Int]] = [:]
            for (key, shifts) in table {
                guard let kind = DayKind(rawValue: key) else {
                    throw DecodingError.dataCorruptedError(in: c, debugDescription: "unknown kind of day \(key); use weekday, weekend or holiday")
                }
                out[kind] = shifts
            }
            self = .byDay(out)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .everyShift(let n): try c.encode(n)
            case .byDay(let t): try c.encode(Dictionary(uniqueKeysWithValues: t.map { ($0.key.rawValue, $0.value) }))
            }
        }
    }

    /// Weekend is Saturday and Sunday; a holiday is a date in `holidays` (it wins over weekend).
    public enum DayKind: String, Codable, Sendable, CaseIterable { case weekday, weekend, holiday }
    /// A day (`shift` nil: the whole day) or one shift of a day.
    public struct When: Codable, Sendable, Hashable {
        public var date: String
        public var shift: String?
        public init(date: String, shift: String? = nil) { self.date = date; self.shift = shift }
    }
    public struct Staff: Codable, Sendable {
        public var id: String
        public var unit: String
        public var skills: [String]?
        public var unavailable: [When]?
        public var mustBeOnSite: [When]?
        public init(id: String, unit: String, skills: [String]? = nil, unavailable: [When]? = nil, mustBeOnSite: [When]? = nil) {
            self.id = id; self.unit = unit; self.skills = skills; self.unavailable = unavailable; self.mustBeOnSite = mustBeOnSite
        }
    }

    /// 1 (default) or 2.
    public var version: Int?
    public var start: String
    public var days: Int
    public var shifts: [String]
    public var maxConsecutiveOnSiteDays: Int?
    /// v2: public holidays in the period (yyyy-MM-dd), for demand by kind of day.
    public var holidays: [String]?
    public var units: [Unit]
    public var staff: [Staff]

    public init(start: String, days: Int, shifts: [String], maxConsecutiveOnSiteDays: Int? = nil, units: [Unit], staff: [Staff]) {
        self.start = start; self.days = days; self.shifts = shifts
        self.maxConsecutiveOnSiteDays = maxConsecutiveOnSiteDays; self.units = units; self.staff = staff
    }

    /// The on-site cap of a unit of `count` staff: max(minOnDuty, floor(share × count)).
    /// A share written as 0.3333333333 means one third, so the product is nudged by 1e-9 before flooring.
    public static func cap(share: Double, minOnDuty: Int, count: Int) -> Int {
        max(minOnDuty, Int((share * Double(count) + 1e-9).rounded(.down)))
    }
}

/// Why an input is not a roster problem at all (as opposed to a problem with no roster).
public struct RosterInputError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}

extension RosterInput {
    /// A decoding error as a path and a reason rather than Swift's debug dump.
    public static func describe(_ error: any Error) -> String {
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case DecodingError.keyNotFound(let key, let c): return (path(c).isEmpty ? "" : path(c) + ".") + key.stringValue + " is missing"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c): return "\(path(c)): \(c.debugDescription)"
        case DecodingError.dataCorrupted(let c): return (path(c).isEmpty ? "" : path(c) + ": ") + c.debugDescription
        default: return "\(error)"
        }
    }
}
