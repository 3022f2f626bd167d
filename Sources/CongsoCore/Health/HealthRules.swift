import Foundation

/// What a health declaration may ask (tờ khai y tế). Which are required is the directive's
/// call; symptoms and contact with a case are always asked (docs/sources.md, health).
public enum DeclarationField: String, Codable, CaseIterable, Sendable {
    case symptoms, contact, test, places, temperature
}

public enum Symptom: String, Codable, CaseIterable, Sendable {
    case fever, cough, shortnessOfBreath, soreThroat, lossOfTasteOrSmell, fatigue, bodyAche
}

/// A place someone says they went, and when.
public struct VisitedPlace: Codable, Equatable, Sendable {
    public var place: String
    public var address: String
    public var from: Date
    public var to: Date

    public init(place: String, address: String, from: Date, to: Date) {
        self.place = place
        self.address = address
        self.from = from
        self.to = to
    }
}

/// A declaration as filled in, before it is kept.
public struct HealthDeclarationInput: Equatable, Sendable {
    public var symptoms: [Symptom]
    /// "No symptoms" ticked: an empty list is an answer only with it.
    public var noSymptoms: Bool
    public var contactWithCase: Bool?
    public var test: TestResult?
    public var places: [VisitedPlace]
    /// "Went nowhere" ticked: an empty list is an answer only with it.
    public var noPlaces: Bool
    public var temperature: Double?

    public init(symptoms: [Symptom] = [], noSymptoms: Bool = false, contactWithCase: Bool? = nil, test: TestResult? = nil,
                places: [VisitedPlace] = [], noPlaces: Bool = false, temperature: Double? = nil) {
        self.symptoms = symptoms
        self.noSymptoms = noSymptoms
        self.contactWithCase = contactWithCase
        self.test = test
        self.places = places
        self.noPlaces = noPlaces
        self.temperature = temperature
    }
}

/// Why a declaration is refused. Codes are stable for the API.
public enum DeclarationProblem: Error, Equatable, Sendable {
    case fieldMissing(DeclarationField)
    case symptomsContradict
    case temperatureInvalid
    case placeInvalid(index: Int)
    case tooManyPlaces
    case testInFuture

    public var code: String {
        switch self {
        case .fieldMissing(let f): "health.field_missing." + f.rawValue
        case .symptomsContradict: "health.symptoms_contradict"
        case .temperatureInvalid: "health.temperature_invalid"
        case .placeInvalid: "health.place_invalid"
        case .tooManyPlaces: "health.too_many_places"
        case .testInFuture: "health.test_future"
        }
    }
}

/// Monitoring (theo dõi sức khỏe) and isolation (cách ly): the two states that keep a person off site.
public enum HealthStateKind: String, Codable, CaseIterable, Sendable {
    case monitoring, isolating
}

/// Why a state began.
public enum HealthBasis: String, Codable, CaseIterable, Sendable {
    case symptoms, positiveTest, contactWithCase, outbreakPlace, contactTracing, headDecision
    public var kind: HealthStateKind {
        switch self {
        case .symptoms, .positiveTest, .headDecision: .isolating
        case .contactWithCase, .outbreakPlace, .contactTracing: .monitoring
        }
    }
}

/// Why a state ended before (or at) its end date.
public enum HealthEnd: String, Codable, CaseIterable, Sendable {
    case negativeTest, endDate, headDecision
}

public enum HealthRules {
    public static let defaultMonitoringDays = 14
    public static let defaultIsolationDays = 14
    public static let defaultFeverThreshold = 37.5
    public static let alwaysAsked: Set<DeclarationField> = [.symptoms, .contact]
    public static let maxPlaces = 30

    public static func requiredFields(_ policy: EffectivePolicy) -> Set<DeclarationField> {
        alwaysAsked.union(policy.declarationFields?.value ?? [])
    }

    public static func feverThreshold(_ policy: EffectivePolicy) -> Double {
        policy.feverThreshold?.value ?? defaultFeverThreshold
    }

    /// A reading a thermometer can give: anything else is a typing error, not a fever.
    public static func plausible(_ t: Double) -> Bool { t.isFinite && t >= 34 && t <= 43 }

    public static func validate(_ d: HealthDeclarationInput, policy: EffectivePolicy, now: Date) throws(DeclarationProblem) {
        let required = requiredFields(policy)
        if !d.symptoms.isEmpty && d.noSymptoms { throw .symptomsContradict }
        if required.contains(.symptoms) && d.symptoms.isEmpty && !d.noSymptoms { throw .fieldMissing(.symptoms) }
        if required.contains(.contact) && d.contactWithCase == nil { throw .fieldMissing(.contact) }
        if required.contains(.test) && d.test == nil { throw .fieldMissing(.test) }
        if required.contains(.places) && d.places.isEmpty && !d.noPlaces { throw .fieldMissing(.places) }
        if required.contains(.temperature) && d.temperature == nil { throw .fieldMissing(.temperature) }
        if let t = d.temperature, !plausible(t) { throw .temperatureInvalid }
        if let test = d.test, test.takenOn > LocalDate.of(now) { throw .testInFuture }
        guard d.places.count <= maxPlaces else { throw .tooManyPlaces }
        for (i, p) in d.places.enumerated() {
            let name = p.place.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty, name.count <= 300, p.address.count <= 500, p.from <= p.to, p.from <= now,
                  p.to.timeIntervalSince(p.from) <= 31 * 86_400 else { throw .placeInvalid(index: i) }
        }
    }

    /// What a declaration starts on its own: isolation for symptoms (a temperature at the
    /// threshold counts as fever) or a positive test, monitoring for contact with a case.
    public static func outcome(of d: HealthDeclarationInput, policy: EffectivePolicy) -> HealthBasis? {
        if d.test?.outcome == .positive { return .positiveTest }
        if !d.symptoms.isEmpty { return .symptoms }
        if let t = d.temperature, t >= feverThreshold(policy) { return .symptoms }
        if d.contactWithCase == true { return .contactWithCase }
        return nil
    }

    /// The last day of a state that begins on `from`: the directive's number of days, the
    /// first day counted.
    public static func lastDay(of kind: HealthStateKind, from: LocalDate, policy: EffectivePolicy) -> LocalDate {
        let days = kind == .monitoring ? (policy.monitoringDays?.value ?? defaultMonitoringDays)
                                       : (policy.isolationDays?.value ?? defaultIsolationDays)
        return from.adding(days: days - 1)
    }

    /// A negative test ends isolation only when taken on or after the day it began.
    public static func endsIsolation(_ test: TestResult, isolationFrom: LocalDate) -> Bool {
        test.outcome == .negative && test.takenOn >= isolationFrom
    }
}
