/// A task's life (docs/sources.md, specification: work management): who may move it where is decided by the server; which moves
/// exist at all is decided here.
public enum TaskStatus: String, Codable, CaseIterable, Sendable {
    case new, inProgress, blocked, done, cancelled

    /// Done and cancelled tasks are closed: no progress, no overdue reminders.
    public var isOpen: Bool { self != .done && self != .cancelled }

    /// Moves a task may make. A closed task can be reopened (back to in progress).
    public func canMove(to next: TaskStatus) -> Bool {
        if next == self { return false }
        switch self {
        case .new, .inProgress, .blocked: return true
        case .done, .cancelled: return next == .inProgress
        }
    }
}

public enum TaskPriority: String, Codable, CaseIterable, Sendable {
    case low, normal, high, urgent

    /// Sorts urgent first.
    public var rank: Int {
        switch self { case .urgent: 0; case .high: 1; case .normal: 2; case .low: 3 }
    }
}

/// "@ten.nguoi" mentions in a comment: the e-mail local parts they name.
public enum Mentions {
    public static func handles(in text: String) -> [String] {
        var out: [String] = []
        var seen = Set<String>()
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            if chars[i] == "@", i == 0 || chars[i - 1].isWhitespace || chars[i - 1] == "(" {
                var j = i + 1
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || "._-".contains(chars[j]) { j += 1 }
                var handle = String(chars[(i + 1)..<j]).lowercased()
                while handle.hasSuffix(".") || handle.hasSuffix("-") { handle.removeLast() }
                if !handle.isEmpty, seen.insert(handle).inserted { out.append(handle) }
                i = j
            } else {
                i += 1
            }
        }
        return out
    }
}
