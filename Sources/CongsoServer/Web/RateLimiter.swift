import Foundation
import Synchronization
import Vapor

/// Limits how often one key (an address, a dossier code) may do something in a window, for
/// the pages anyone can reach without signing in: applying, looking up, filing feedback.
/// Counts live in this process; behind several processes each holds its own, so the proxy's
/// limit (docs) is the outer bound.
final class RateLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    private let hits = Mutex<[String: [Date]]>([:])

    init(limit: Int, per window: TimeInterval) { self.limit = limit; self.window = window }

    /// Counts one attempt; false when the key has used up its window.
    func allow(_ key: String, now: Date = Date()) -> Bool {
        hits.withLock { table in
            if table.count > 50_000 { table = table.filter { $0.value.last.map { now.timeIntervalSince($0) < window } ?? false } }
            var list = (table[key] ?? []).filter { now.timeIntervalSince($0) < window }
            guard list.count < limit else { table[key] = list; return false }
            list.append(now)
            table[key] = list
            return true
        }
    }

    /// Whether the key has used up its window, without counting an attempt.
    func exceeded(_ key: String, now: Date = Date()) -> Bool {
        hits.withLock { table in (table[key] ?? []).filter { now.timeIntervalSince($0) < window }.count >= limit }
    }

    /// Counts an attempt that went wrong (for limits on failures only).
    func note(_ key: String, now: Date = Date()) { _ = allow(key, now: now) }

    func reset() { hits.withLock { $0 = [:] } }
}

extension Request {
    /// The client's address for rate limits and sign-in locks: when the peer is the local
    /// proxy, the last X-Forwarded-For entry — the one the proxy itself wrote; earlier
    /// entries come from the client and could be anything — else the peer itself.
    var clientAddress: String {
        let peer = remoteAddress?.ipAddress ?? "unknown"
        if peer == "127.0.0.1" || peer == "::1", let forwarded = headers[.xForwardedFor].last?.split(separator: ",").last {
            let address = forwarded.trimmingCharacters(in: .whitespaces)
            if !address.isEmpty { return address }
        }
        return peer
    }
}

extension AppError {
    static let tooManyRequests = AppError(status: .tooManyRequests, code: "too_many_requests", detail: "")
}
