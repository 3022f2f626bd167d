/// Why someone may work on site during distancing (docs/sources.md, seed 000): combat duty,
/// office duty, essential goods and services, classified documents, epidemic-control
/// tasks, or other work the head requires (which needs a written justification).
public enum ExemptionReason: String, Codable, CaseIterable, Sendable {
    case combatDuty, officeDuty, essentialServices, classifiedDocuments, epidemicControl, other

    public var needsJustification: Bool { self == .other }
}

/// A half-day on site.
public enum Shift: String, Codable, CaseIterable, Sendable, Comparable {
    case morning, afternoon

    public static func < (a: Shift, b: Shift) -> Bool { a == .morning && b == .afternoon }
}
