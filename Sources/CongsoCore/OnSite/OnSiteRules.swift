import Foundation

/// A negative SARS-CoV-2 test as staff declare it.
public struct TestResult: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, CaseIterable, Sendable { case pcr, rapidAntigen }
    public enum Outcome: String, Codable, CaseIterable, Sendable { case negative, positive }
    public let takenOn: LocalDate
    public let kind: Kind
    public let outcome: Outcome

    public init(takenOn: LocalDate, kind: Kind, outcome: Outcome) {
        self.takenOn = takenOn
        self.kind = kind
        self.outcome = outcome
    }
}

/// Why an on-site request or its approval is refused. Codes are stable for the API.
public enum OnSiteRefusal: Error, Equatable, Sendable {
    case reasonNotAllowed(ExemptionReason)
    case justificationMissing
    case testMissing
    case testPositive
    case testExpired(validHours: Int)
    case testAfterShift
    case capReached(cap: Int)

    public var code: String {
        switch self {
        case .reasonNotAllowed: "onsite.reason_not_allowed"
        case .justificationMissing: "onsite.justification_missing"
        case .testMissing: "onsite.test_missing"
        case .testPositive: "onsite.test_positive"
        case .testExpired: "onsite.test_expired"
        case .testAfterShift: "onsite.test_after_shift"
        case .capReached: "onsite.cap_reached"
        }
    }
}

public enum OnSiteRules {
    /// When a shift begins, local time: the test must still be valid then.
    public static func shiftStart(_ date: LocalDate, _ shift: Shift) -> Date {
        date.start.addingTimeInterval(shift == .morning ? 7.5 * 3600 : 13.5 * 3600)
    }

    /// The request-level rules: reason, justification and, where required, the test.
    /// The cap is checked separately, inside the approving transaction.
    public static func check(reason: ExemptionReason, justification: String, test: TestResult?,
                             date: LocalDate, shift: Shift, policy: EffectivePolicy) throws(OnSiteRefusal) {
        guard policy.allows(reason) else { throw .reasonNotAllowed(reason) }
        if reason.needsJustification && justification.trimmingCharacters(in: .whitespacesAndNewlines).count < 10 {
            throw .justificationMissing
        }
        guard policy.testRequired else { return }
        guard let test else { throw .testMissing }
        guard test.outcome == .negative else { throw .testPositive }
        guard test.takenOn <= date else { throw .testAfterShift }
        // A test counts from the start of the day it was taken (what staff can prove).
        let hours = policy.testValidityHours?.value ?? 72
        let validUntil = test.takenOn.start.addingTimeInterval(Double(hours) * 3600)
        guard validUntil >= shiftStart(date, shift) else { throw .testExpired(validHours: hours) }
    }
}
