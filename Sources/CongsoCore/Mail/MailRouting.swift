import Foundation

/// What each person chooses on their account page for notifications by e-mail.
public enum MailPreference: String, Codable, Sendable, CaseIterable {
    /// The default: at once what needs action, the rest in a daily digest.
    case actionsNowRestDaily
    case everythingNow
    case dailyDigestOnly
    case none
}

public enum MailRouting {
    public enum When: String, Sendable { case now, digest }

    /// Notifications that ask the reader to do something (answer, approve, act, report).
    public static let needsAction: Set<String> = [
        "notif.onsite_requested", "notif.exception_filed", "notif.exception_forwarded",
        "notif.task_assigned", "notif.task_unit", "notif.task_mention", "notif.task_overdue",
        "notif.report_window_open", "notif.report_window_closing", "notif.report_requested", "notif.report_request_closing",
        "notif.checkin", "notif.checkin_due",
        "notif.meeting_invited", "notif.meeting_approval", "notif.meeting_cancelled", "notif.meeting_delegated",
        "notif.meeting_changed", "notif.meeting_minutes_circulated",
    ]

    /// When a notification of `kind` goes out by e-mail for someone with `preference` (nil: never).
    public static func when(_ kind: String, preference: MailPreference) -> When? {
        switch preference {
        case .none: nil
        case .everythingNow: .now
        case .dailyDigestOnly: .digest
        case .actionsNowRestDaily: needsAction.contains(kind) ? .now : .digest
        }
    }

    /// The wait before the n-th retry of a message the relay did not take: `base` (1 min by
    /// default), doubling, at most 1 h.
    public static func backoff(attempt: Int, base: TimeInterval = 60) -> TimeInterval {
        min(3600, base * pow(2, Double(max(0, attempt - 1))))
    }

    public static let maxAttempts = 12
}
