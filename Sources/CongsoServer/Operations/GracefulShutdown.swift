import Vapor
import NIOCore

/// What `serve` does on SIGTERM or SIGINT, in this order, before the application's storage
/// (and with it the database pools) goes away: Vapor tears its storage down in no fixed
/// order, and a request still running when the pools close crashes in Fluent.
///
/// 1. Live streams end, so no request is left open forever;
/// 2. the server stops accepting and finishes every request in flight (up to
///    `shutdownTimeout`), closing idle keep-alive connections;
/// 3. the background loops (scheduler, LISTEN) are cancelled and awaited by their lifecycle
///    handlers in `asyncShutdown`, then the pools close.
public enum GracefulShutdown {
    /// Long enough for the slowest request (a PDF has 60 s of its own, but is refused at
    /// once when the server stops), short of the 30 s most supervisors wait before SIGKILL.
    static let drainTimeout: TimeAmount = .seconds(25)

    public static func drain(_ app: Application) async {
        app.live.close()
        await app.server.shutdown()
    }
}

extension Task where Success == Void, Failure == Never {
    /// Cancels the task and waits for it to end, at most `seconds` (a loop blocked in a
    /// driver that ignores cancellation must not hold the shutdown).
    func cancelAndWait(atMost seconds: Double = 5) async {
        cancel()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.value }
            group.addTask { try? await Task<Never, Never>.sleep(for: .seconds(seconds)) }
            await group.next()
            group.cancelAll()
        }
    }
}
