import CongsoCore
import Fluent
import Synchronization
import Vapor

/// Puts notifications in the outbox for those who want them by e-mail. Only once a relay is
/// configured in this process (Application.mailRelay), so nothing piles up for a relay that
/// does not exist. The switch is process-wide because notifications are written with only a
/// database at hand; it is only ever turned on (see Application.mailRelay).
enum MailQueue {
    private static let enabled = Mutex(false)
    static var isEnabled: Bool {
        get { enabled.withLock { $0 } }
        set { enabled.withLock { $0 = newValue } }
    }

    static func enqueue(_ userIDs: [UUID], kind: String, detail: String, link: String, on db: any Database, now: Date = Date()) async throws {
        guard isEnabled, !userIDs.isEmpty else { return }
        var choices: [UUID: MailPreference] = [:]
        for s in try await MailSetting.query(on: db).filter(\.$userID ~~ userIDs).all() { choices[s.userID] = s.preference }
        let meeting = link.hasPrefix("/meetings/") ? UUID(uuidString: String(link.dropFirst("/meetings/".count).prefix(36))) : nil
        var rows: [MailOutboxEntry] = []
        for user in userIDs {
            guard let route = MailRouting.when(kind, preference: choices[user] ?? .actionsNowRestDaily) else { continue }
            let e = MailOutboxEntry()
            e.userID = user; e.kind = kind; e.detail = detail; e.link = link; e.route = route.rawValue
            e.status = .queued; e.attempts = 0; e.nextAttemptAt = now; e.meetingID = meeting
            rows.append(e)
        }
        if !rows.isEmpty { try await rows.create(on: db) }
    }
}
