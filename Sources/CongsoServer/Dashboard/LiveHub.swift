import CongsoCore
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// "Something changed under this unit": what open dashboards wait for.
struct LiveChange: Sendable, Equatable {
    /// Milliseconds since 1970 when it was announced: comparable across processes, so a
    /// browser that reconnects to another server with `Last-Event-ID` still learns whether
    /// it missed something.
    let id: Int64
    let path: String
}

/// Who is watching which subtree in this process, and the fan-out of changes to them.
///
/// Writes announce the unit they touched (`announce`). Within a process the hub delivers
/// at once; across processes on PostgreSQL the announcements are gathered for a quarter
/// of a second and sent as one NOTIFY (`LiveListener` receives them in every process), so a
/// burst of 07:00 reports costs a handful of notifications, not one per report.
final class LiveHub: Sendable {
    enum Event: Sendable { case change(LiveChange), heartbeat }

    private struct Watcher { let path: String; let continuation: AsyncStream<Event>.Continuation }
    private struct State {
        var watchers: [UUID: Watcher] = [:]
        var lastID: Int64 = 0
        var pending: Set<String> = []
        var flushScheduled = false
        var closed = false
    }

    private let state = NIOLockedValueBox(State())
    /// Tells this process's own notifications apart from the others'.
    let processID = UUID().uuidString
    let heartbeat: Duration
    /// Sends gathered paths to the other processes (PostgreSQL's NOTIFY); nil on SQLite.
    let broadcast: (@Sendable ([String], Int64) async -> Void)?

    init(heartbeat: Duration = .seconds(15), broadcast: (@Sendable ([String], Int64) async -> Void)? = nil) {
        self.heartbeat = heartbeat
        self.broadcast = broadcast
    }

    var lastID: Int64 { state.withLockedValue { $0.lastID } }
    var watcherCount: Int { state.withLockedValue { $0.watchers.count } }

    static func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// A stream of changes overlapping `path` (above or below it) and heartbeats, until the
    /// browser goes away or the server stops.
    func watch(_ path: String) -> AsyncStream<Event> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(8))
        let closed = state.withLockedValue { s -> Bool in
            if !s.closed { s.watchers[id] = Watcher(path: path, continuation: continuation) }
            return s.closed
        }
        if closed { continuation.finish(); return stream }
        let beat = heartbeat
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: beat)
                if Task.isCancelled { break }
                continuation.yield(.heartbeat)
            }
        }
        continuation.onTermination = { [weak self] _ in
            ticker.cancel()
            self?.state.withLockedValue { _ = $0.watchers.removeValue(forKey: id) }
        }
        return stream
    }

    /// A write touched `path`: tell this process's watchers now, the others soon.
    func announce(_ path: String) {
        let change = LiveChange(id: Self.now(), path: path)
        deliver(change)
        guard broadcast != nil else { return }
        let start = state.withLockedValue { s -> Bool in
            s.pending.insert(path)
            if s.flushScheduled { return false }
            s.flushScheduled = true
            return true
        }
        if start { Task { try? await Task.sleep(for: .milliseconds(250)); await self.flush() } }
    }

    func flush() async {
        let paths = state.withLockedValue { s -> [String] in
            let p = Array(s.pending)
            s.pending = []
            s.flushScheduled = false
            return p
        }
        guard !paths.isEmpty, let broadcast else { return }
        await broadcast(Self.compact(paths), Self.now())
    }

    /// Fewer, shorter paths that cover the same units: a path below another is dropped, and
    /// beyond 40 paths their common ancestors stand for them (a NOTIFY payload is < 8 kB).
    static func compact(_ paths: [String]) -> [String] {
        var kept = withoutCovered(paths.sorted())
        guard kept.count > 40 else { return kept }
        // Where each "/" is, found once: a burst of reports brings thousands of units.
        let cut = kept.map { p -> (String, [Int]) in (p, p.utf8.enumerated().filter { $0.element == UInt8(ascii: "/") }.map(\.offset)) }
        var depth = (cut.map { $0.1.count }.max() ?? 1) - 1
        while kept.count > 40 && depth > 1 {
            depth -= 1
            let d = depth
            kept = withoutCovered(Set(cut.map { p, slashes in slashes.count > d ? String(p.utf8.prefix(slashes[d] + 1))! : p }).sorted())
        }
        return kept
    }

    /// Sorted paths without those below another of them.
    private static func withoutCovered(_ sorted: [String]) -> [String] {
        var kept: [String] = []
        for p in sorted where !(kept.last.map { p.hasPrefix($0) } ?? false) { kept.append(p) }
        return kept
    }

    /// Fan-out to the watchers whose subtree overlaps the change's.
    func deliver(_ change: LiveChange) {
        let targets = state.withLockedValue { s -> [AsyncStream<Event>.Continuation] in
            s.lastID = max(s.lastID, change.id)
            return s.watchers.values.filter { $0.path.hasPrefix(change.path) || change.path.hasPrefix($0.path) }.map(\.continuation)
        }
        for t in targets { t.yield(.change(change)) }
    }

    /// A notification from another process: "<process> <id> <path> <path> …".
    func receive(payload: String) {
        let parts = payload.split(separator: " ").map(String.init)
        guard parts.count >= 3, parts[0] != processID, let id = Int64(parts[1]) else { return }
        for p in parts.dropFirst(2) where p.hasPrefix("/") { deliver(LiveChange(id: id, path: p)) }
    }

    static func payload(process: String, id: Int64, paths: [String]) -> String {
        ([process, String(id)] + paths).joined(separator: " ")
    }

    /// The server is stopping: every stream ends so no request is left open.
    func close() {
        let all = state.withLockedValue { s -> [AsyncStream<Event>.Continuation] in
            s.closed = true
            let c = s.watchers.values.map(\.continuation)
            s.watchers = [:]
            return c
        }
        for c in all { c.finish() }
    }
}

extension Application {
    private struct LiveHubKey: StorageKey { typealias Value = LiveHub }
    var live: LiveHub {
        get {
            if let hub = storage[LiveHubKey.self] { return hub }
            let hub = LiveHub()
            storage[LiveHubKey.self] = hub
            return hub
        }
        set { storage[LiveHubKey.self] = newValue }
    }
}

/// Every write that succeeds announces the unit of whoever made it (the whole tree for
/// someone without a unit), so one hook keeps every room's figures live without each
/// service knowing about dashboards.
struct LiveChangeMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).map { response in Self.announce(request, response) }
    }

    private static func announce(_ request: Request, _ response: Response) -> Response {
        switch request.method {
        case .GET, .HEAD, .OPTIONS: return response
        default: break
        }
        guard response.status.code < 400 else { return response }
        let path = request.actor?.scope?.value ?? "/"
        request.application.live.announce(path)
        return response
    }
}
