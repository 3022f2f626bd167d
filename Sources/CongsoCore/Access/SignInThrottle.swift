import Foundation

/// Failed sign-ins (web form and API token requests alike) counted per account and per
/// client address in a fixed window; at the limit the subject is locked for a while, and
/// no password is checked until the lock ends or someone lifts it. An address gets more
/// room than an account because an office signs in from behind one address.
public struct SignInThrottle: Sendable, Equatable {
    public enum Subject: Sendable, Hashable {
        case account(String)
        case address(String)

        /// The stored key: an e-mail is compared without case or surrounding blanks.
        public var key: String {
            switch self {
            case .account(let email): "account:" + email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            case .address(let address): "address:" + address
            }
        }

        public init?(key: String) {
            if key.hasPrefix("account:") { self = .account(String(key.dropFirst(8))) }
            else if key.hasPrefix("address:") { self = .address(String(key.dropFirst(8))) }
            else { return nil }
        }
    }

    /// One subject's failures in its current window, and the end of its lock if any.
    public struct State: Sendable, Equatable {
        public var failures: Int
        public var windowStart: Date
        public var lockedUntil: Date?
        public init(failures: Int, windowStart: Date, lockedUntil: Date?) {
            self.failures = failures; self.windowStart = windowStart; self.lockedUntil = lockedUntil
        }
    }

    public var accountLimit: Int
    public var addressLimit: Int
    public var window: TimeInterval
    public var lock: TimeInterval

    public init(accountLimit: Int = 5, addressLimit: Int = 50, window: TimeInterval = 15 * 60, lock: TimeInterval = 15 * 60) {
        self.accountLimit = accountLimit; self.addressLimit = addressLimit; self.window = window; self.lock = lock
    }

    public static let standard = SignInThrottle()

    public func limit(for subject: Subject) -> Int {
        if case .account = subject { accountLimit } else { addressLimit }
    }

    /// Whether sign-in is refused for this subject now.
    public func isLocked(_ state: State?, now: Date) -> Bool {
        guard let until = state?.lockedUntil else { return false }
        return until > now
    }

    /// The state after one more failure: a new window once the old one has passed, and a lock
    /// from the failure that reaches the limit (a lock never shortens).
    public func afterFailure(_ state: State?, of subject: Subject, now: Date) -> State {
        var next = state.flatMap { now.timeIntervalSince($0.windowStart) < window ? $0 : nil }
            ?? State(failures: 0, windowStart: now, lockedUntil: state?.lockedUntil)
        next.failures += 1
        if next.failures >= limit(for: subject) {
            let until = now.addingTimeInterval(lock)
            next.lockedUntil = max(until, next.lockedUntil ?? until)
        }
        return next
    }
}
