/// A directive as the resolver needs it: where and when it applies, and what it says.
public struct DirectiveInForce: Sendable {
    public let id: String
    public let number: String
    public let scope: OrgPath
    public let effectiveFrom: LocalDate
    public let effectiveTo: LocalDate?
    public let rules: DirectiveRules

    public init(id: String, number: String, scope: OrgPath, effectiveFrom: LocalDate, effectiveTo: LocalDate?, rules: DirectiveRules) {
        self.id = id
        self.number = number
        self.scope = scope
        self.effectiveFrom = effectiveFrom
        self.effectiveTo = effectiveTo
        self.rules = rules
    }

    public func inForce(on date: LocalDate) -> Bool {
        effectiveFrom <= date && (effectiveTo.map { date <= $0 } ?? true)
    }
}

/// An approved exception: a unit may keep more people on site until a date.
public struct CapOverride: Sendable {
    public let id: String
    public let unit: OrgPath
    public let maxOnSite: Int
    public let until: LocalDate
    public let from: LocalDate

    public init(id: String, unit: OrgPath, maxOnSite: Int, from: LocalDate, until: LocalDate) {
        self.id = id
        self.unit = unit
        self.maxOnSite = maxOnSite
        self.from = from
        self.until = until
    }
}

/// Where a value came from.
public enum Provenance: Equatable, Sendable {
    case directive(id: String, number: String)
    case exception(id: String, until: LocalDate)
    case builtIn
}

public struct Sourced<Value: Sendable & Equatable>: Equatable, Sendable {
    public let value: Value
    public let source: Provenance
}

/// The rules in force over one unit on one day: the strictest value of each rule among
/// the directives covering it, each with the directive it came from.
public struct EffectivePolicy: Equatable, Sendable {
    public var maxOnSiteShare: Sourced<Fraction>?
    /// "At least one person on duty" holds even when no directive says so.
    public var minOnDuty: Sourced<Int> = Sourced(value: 1, source: .builtIn)
    public var allowedReasons: Sourced<[ExemptionReason]>?
    public var negativeTestRequired: Sourced<Bool>?
    public var testValidityHours: Sourced<Int>?
    public var meetingMaxInPerson: Sourced<Int>?
    public var meetingSpacingMeters: Sourced<Double>?
    public var leaveCityNeedsApproval: Sourced<Bool>?
    public var healthDeclarationWithinHours: Sourced<Int>?
    public var monitoringDays: Sourced<Int>?
    public var isolationDays: Sourced<Int>?
    public var feverThreshold: Sourced<Double>?
    public var declarationFields: Sourced<[DeclarationField]>?
    public var capOverride: Sourced<Int>?
    public var directiveIDs: [String] = []

    /// The on-site cap of a unit of `staffCount` people: max(minOnDuty, floor(share × N));
    /// with no share in force, everyone; an approved exception replaces the share.
    public func cap(staffCount: Int) -> Sourced<Int> {
        let minimum = minOnDuty.value
        if let o = capOverride {
            return Sourced(value: max(minimum, o.value), source: o.source)
        }
        guard let share = maxOnSiteShare else { return Sourced(value: max(minimum, staffCount), source: .builtIn) }
        let byShare = share.value.floorOf(staffCount)
        return byShare >= minimum ? Sourced(value: byShare, source: share.source) : Sourced(value: minimum, source: minOnDuty.source)
    }

    public var testRequired: Bool { negativeTestRequired?.value == true }

    public func allows(_ reason: ExemptionReason) -> Bool {
        allowedReasons.map { $0.value.contains(reason) } ?? true
    }
}

/// Resolves effective policies quickly for many units: directives are indexed by the
/// path of their scope, and a unit looks only at its own ancestors (depth ≈ 4).
public struct PolicyResolver: Sendable {
    private let byScope: [String: [DirectiveInForce]]
    private let overrides: [String: [CapOverride]]

    public init(directives: [DirectiveInForce], overrides: [CapOverride] = []) {
        // Earlier directives first, so a tie keeps the older source.
        let sorted = directives.sorted { ($0.effectiveFrom, $0.number) < ($1.effectiveFrom, $1.number) }
        byScope = Dictionary(grouping: sorted, by: \.scope.value)
        self.overrides = Dictionary(grouping: overrides, by: \.unit.value)
    }

    public func resolve(_ unit: OrgPath, on date: LocalDate) -> EffectivePolicy {
        var p = EffectivePolicy()
        let path = unit.value
        var index = path.startIndex
        // Every prefix ending in "/" is an ancestor (or the unit itself).
        while let slash = path[path.index(after: index)...].firstIndex(of: "/") {
            let prefix = String(path[...slash])
            for d in byScope[prefix] ?? [] where d.inForce(on: date) { apply(d, to: &p) }
            index = slash
            if path.index(after: index) == path.endIndex { break }
        }
        applyOverrides(at: path, on: date, to: &p)
        return p
    }

    /// Many units at once (a city's dashboard: thousands): each ancestor's policy is worked
    /// out once and shared by everything below it, so a unit costs one lookup of its own
    /// scope and its overrides. Equal, unit by unit, to `resolve`.
    public func resolveAll(_ units: [OrgPath], on date: LocalDate) -> [EffectivePolicy] {
        var memo: [Substring: EffectivePolicy] = [:]
        func inherited(_ path: Substring) -> EffectivePolicy {
            if let known = memo[path] { return known }
            let p = own(path, over: parent(of: path).map(inherited) ?? EffectivePolicy())
            memo[path] = p
            return p
        }
        // The parent: the path cut after its second-to-last "/" ("/" itself has no policy).
        func parent(of path: Substring) -> Substring? {
            guard let slash = path.utf8.dropLast().lastIndex(of: UInt8(ascii: "/")), slash != path.startIndex else { return nil }
            return path[...slash]
        }
        func own(_ path: Substring, over inherited: EffectivePolicy) -> EffectivePolicy {
            var p = inherited
            for d in byScope[String(path)] ?? [] where d.inForce(on: date) { apply(d, to: &p) }
            return p
        }
        return units.map { unit in
            // Only ancestors are remembered: a unit's own policy is needed once.
            let path = Substring(unit.value)
            var p = unit.value.utf8.count > 1 ? own(path, over: parent(of: path).map(inherited) ?? EffectivePolicy()) : EffectivePolicy()
            applyOverrides(at: unit.value, on: date, to: &p)
            return p
        }
    }

    private func applyOverrides(at path: String, on date: LocalDate, to p: inout EffectivePolicy) {
        if let list = overrides[path] {
            for o in list where o.from <= date && date <= o.until {
                if p.capOverride.map({ o.maxOnSite > $0.value }) ?? true {
                    p.capOverride = Sourced(value: o.maxOnSite, source: .exception(id: o.id, until: o.until))
                }
            }
        }
    }

    private func apply(_ d: DirectiveInForce, to p: inout EffectivePolicy) {
        let src = Provenance.directive(id: d.id, number: d.number)
        let r = d.rules
        p.directiveIDs.append(d.id)
        func stricter<T>(_ current: Sourced<T>?, _ new: T?, _ isStricter: (T, T) -> Bool) -> Sourced<T>? {
            guard let new else { return current }
            guard let current else { return Sourced(value: new, source: src) }
            return isStricter(new, current.value) ? Sourced(value: new, source: src) : current
        }
        p.maxOnSiteShare = stricter(p.maxOnSiteShare, r.maxOnSiteShare, <)
        if let m = r.minOnDutyPerShift, m > p.minOnDuty.value || p.minOnDuty.source == .builtIn && m >= p.minOnDuty.value {
            p.minOnDuty = Sourced(value: m, source: src)
        }
        if let reasons = r.allowedReasons {
            if let current = p.allowedReasons {
                let narrowed = current.value.filter(reasons.contains)
                if narrowed.count < current.value.count { p.allowedReasons = Sourced(value: narrowed, source: src) }
            } else {
                p.allowedReasons = Sourced(value: ExemptionReason.allCases.filter(reasons.contains), source: src)
            }
        }
        p.negativeTestRequired = stricter(p.negativeTestRequired, r.negativeTestRequired) { new, old in new && !old }
        p.testValidityHours = stricter(p.testValidityHours, r.testValidityHours, <)
        p.meetingMaxInPerson = stricter(p.meetingMaxInPerson, r.meetingMaxInPerson, <)
        p.meetingSpacingMeters = stricter(p.meetingSpacingMeters, r.meetingSpacingMeters, >)
        p.leaveCityNeedsApproval = stricter(p.leaveCityNeedsApproval, r.leaveCityNeedsApproval) { new, old in new && !old }
        p.healthDeclarationWithinHours = stricter(p.healthDeclarationWithinHours, r.healthDeclarationWithinHours, <)
        p.monitoringDays = stricter(p.monitoringDays, r.monitoringDays, >)
        p.isolationDays = stricter(p.isolationDays, r.isolationDays, >)
        p.feverThreshold = stricter(p.feverThreshold, r.feverThreshold, <)
        // Required fields add up: every directive's demands hold at once.
        if let fields = r.declarationFields {
            let union = Set(fields).union(p.declarationFields?.value ?? [])
            if union.count > (p.declarationFields?.value.count ?? -1) {
                p.declarationFields = Sourced(value: DeclarationField.allCases.filter(union.contains), source: src)
            }
        }
    }
}
