import FluentPostgresDriver
import Foundation
import PostgresNIO
import SQLKit
import Vapor

/// Keeps several server processes' dashboards in step on PostgreSQL: each process LISTENs on
/// one channel over a connection of its own (LISTEN belongs to a session, so it cannot use
/// the pool, nor pgbouncer in transaction mode), and sends what its writes touched with
/// NOTIFY through the pool. A lost connection is opened again; on reconnecting every
/// dashboard refreshes once, since notifications sent meanwhile are gone.
enum LiveListener {
    static let channel = "congso_live"

    /// Wires the hub of a PostgreSQL application (nothing to do on SQLite: one process).
    static func configure(_ app: Application, url: String) {
        app.live = LiveHub(broadcast: { [weak app] paths, id in
            // The flush runs a quarter of a second after a write: the application may be shutting
            // down by then, and `app.db` must not be touched once its databases are gone.
            guard let app, let db = app.databases.database(logger: app.logger, on: app.eventLoopGroup.any()) else { return }
            let payload = LiveHub.payload(process: app.live.processID, id: id, paths: paths)
            do {
                try await db.sql.raw("SELECT pg_notify(\(bind: channel), \(bind: payload))").run()
            } catch {
                app.logger.warning("live: NOTIFY failed: \(String(reflecting: error))")
            }
        })
        app.storage[URLKey.self] = url
    }

    private struct URLKey: StorageKey { typealias Value = String }

    /// Starts listening (the server command calls this); nil on SQLite.
    static func start(_ app: Application) -> Task<Void, Never>? {
        guard let url = app.storage[URLKey.self] else { return nil }
        let hub = app.live
        let logger = app.logger
        return Task {
            var attempt = 0
            while !Task.isCancelled {
                do {
                    var config = try SQLPostgresConfiguration(url: url).coreConfiguration
                    if !url.contains("sslmode=require") { config.tls = .disable }
                    let connection = try await PostgresConnection.connect(configuration: config, id: 1, logger: logger)
                    defer { Task { try? await connection.close() } }
                    if attempt > 0 { hub.deliver(LiveChange(id: LiveHub.now(), path: "/")) }
                    attempt = 0
                    try await connection.listen(on: channel) { notifications in
                        for try await n in notifications { hub.receive(payload: n.payload) }
                    }
                } catch {
                    if Task.isCancelled { break }
                    attempt += 1
                    logger.warning("live: LISTEN connection lost (\(String(reflecting: error))); retrying")
                }
                try? await Task.sleep(for: .seconds(min(5, attempt)))
            }
        }
    }

    struct Stopper: LifecycleHandler {
        let task: Task<Void, Never>?
        func shutdown(_ application: Application) {
            task?.cancel()
            application.live.close()
        }
        func shutdownAsync(_ application: Application) async {
            application.live.close()
            await task?.cancelAndWait()
        }
    }
}
