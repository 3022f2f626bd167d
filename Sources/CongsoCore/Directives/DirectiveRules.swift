/// The rules a directive sets. Every field is optional: a directive that says nothing
/// about meetings leaves meeting rules to the others.
public struct DirectiveRules: Codable, Equatable, Sendable {
    public var maxOnSiteShare: Fraction?
    public var minOnDutyPerShift: Int?
    public var allowedReasons: [ExemptionReason]?
    public var negativeTestRequired: Bool?
    public var testValidityHours: Int?
    public var meetingMaxInPerson: Int?
    public var meetingSpacingMeters: Double?
    public var leaveCityNeedsApproval: Bool?
    public var healthDeclarationWithinHours: Int?
    /// Health (issue 16): days under monitoring after an exposure, days of isolation, the
    /// temperature from which a visitor is refused entry, and what a declaration must give.
    public var monitoringDays: Int?
    public var isolationDays: Int?
    public var feverThreshold: Double?
    public var declarationFields: [DeclarationField]?

    public init(maxOnSiteShare: Fraction? = nil, minOnDutyPerShift: Int? = nil, allowedReasons: [ExemptionReason]? = nil,
                negativeTestRequired: Bool? = nil, testValidityHours: Int? = nil, meetingMaxInPerson: Int? = nil,
                meetingSpacingMeters: Double? = nil, leaveCityNeedsApproval: Bool? = nil, healthDeclarationWithinHours: Int? = nil,
                monitoringDays: Int? = nil, isolationDays: Int? = nil, feverThreshold: Double? = nil, declarationFields: [DeclarationField]? = nil) {
        self.maxOnSiteShare = maxOnSiteShare
        self.minOnDutyPerShift = minOnDutyPerShift
        self.allowedReasons = allowedReasons
        self.negativeTestRequired = negativeTestRequired
        self.testValidityHours = testValidityHours
        self.meetingMaxInPerson = meetingMaxInPerson
        self.meetingSpacingMeters = meetingSpacingMeters
        self.leaveCityNeedsApproval = leaveCityNeedsApproval
        self.healthDeclarationWithinHours = healthDeclarationWithinHours
        self.monitoringDays = monitoringDays
        self.isolationDays = isolationDays
        self.feverThreshold = feverThreshold
        self.declarationFields = declarationFields
    }

    public enum Problem: Error, Equatable, Sendable {
        case minOnDutyInvalid, testHoursInvalid, meetingInvalid, declarationHoursInvalid, testHoursWithoutTest, reasonsEmpty, healthDaysInvalid, feverInvalid
        public var code: String {
            switch self {
            case .minOnDutyInvalid: "directive.min_on_duty_invalid"
            case .testHoursInvalid: "directive.test_hours_invalid"
            case .meetingInvalid: "directive.meeting_invalid"
            case .declarationHoursInvalid: "directive.declaration_hours_invalid"
            case .testHoursWithoutTest: "directive.test_hours_without_test"
            case .reasonsEmpty: "directive.reasons_empty"
            case .healthDaysInvalid: "directive.health_days_invalid"
            case .feverInvalid: "directive.fever_invalid"
            }
        }
    }

    /// "At least one person on duty": a directive may not lower the minimum below 1.
    public func validated() throws(Problem) -> DirectiveRules {
        if let m = minOnDutyPerShift, !(1...1000).contains(m) { throw .minOnDutyInvalid }
        if let h = testValidityHours, !(1...720).contains(h) { throw .testHoursInvalid }
        if testValidityHours != nil && negativeTestRequired != true { throw .testHoursWithoutTest }
        if let m = meetingMaxInPerson, !(0...10_000).contains(m) { throw .meetingInvalid }
        if let s = meetingSpacingMeters, !(0...100).contains(s) { throw .meetingInvalid }
        if let h = healthDeclarationWithinHours, !(1...720).contains(h) { throw .declarationHoursInvalid }
        if let r = allowedReasons, r.isEmpty { throw .reasonsEmpty }
        for d in [monitoringDays, isolationDays] { if let d, !(1...60).contains(d) { throw .healthDaysInvalid } }
        if let f = feverThreshold, !(f >= 35 && f <= 42) { throw .feverInvalid }
        return self
    }
}
