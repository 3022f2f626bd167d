/// A violation charged to the head of a unit: answered by the head, then closed by the
/// inspectors (or sent back when the answer does not settle it).
public enum ViolationStatus: String, Codable, CaseIterable, Sendable {
    case open, answered, closed

    public enum Action: String, Codable, CaseIterable, Sendable { case answer, close, reopen }

    public func after(_ action: Action) -> ViolationStatus? {
        switch (self, action) {
        case (.open, .answer), (.answered, .answer): .answered
        case (.open, .close), (.answered, .close): .closed
        case (.answered, .reopen), (.closed, .reopen): .open
        default: nil
        }
    }

    public var isOpen: Bool { self != .closed }
}

/// What an inspector finds on one line of the checklist.
public enum FindingResult: String, Codable, CaseIterable, Sendable { case pass, fail, notApplicable = "na" }

/// A team's visit to a sampled unit.
public enum InspectionVisitStatus: String, Codable, CaseIterable, Sendable { case planned, done }
