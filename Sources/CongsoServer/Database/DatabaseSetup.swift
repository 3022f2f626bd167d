import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import SQLKit
import SQLiteNIO
import Vapor

/// Picks the database in one place: DATABASE_URL → PostgreSQL; otherwise the SQLite
/// file data/congso.sqlite (directory from CONGSO_DATA_DIR); tests pass their own.
public enum DatabaseChoice: Sendable {
    case sqliteFile(String)
    case sqliteMemory
    /// `schema` gives each test its own namespace inside one test database.
    case postgres(String, schema: String? = nil)

    public static func fromEnvironment() -> DatabaseChoice {
        if let url = Environment.get("DATABASE_URL"), !url.isEmpty { return .postgres(url) }
        return .sqliteFile(DataDirectory.fromEnvironment())
    }

    var isSQLite: Bool {
        if case .postgres = self { return false }
        return true
    }
}

enum DatabaseSetup {
    static func configure(_ app: Application, _ choice: DatabaseChoice) throws {
        // How long a request waits for a pooled connection. The tests run some 250
        // applications at once on two cores, each migrating its own schema: a wait that
        // means trouble in production is only a busy moment there.
        let waitForConnection: TimeAmount = app.environment == .testing ? .seconds(180) : .seconds(30)
        switch choice {
        case .sqliteMemory:
            app.databases.use(GatedSQLiteConfiguration(inner: DatabaseConfigurationFactory.sqlite(.memory, maxConnectionsPerEventLoop: 1).make()),
                              as: .sqlite, isDefault: true)
        case .sqliteFile(let dir):
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            // Writers of the file queue on one gate (see WriteTransaction).
            let file = DatabaseConfigurationFactory.sqlite(.file(DataDirectory.sqliteFile(in: dir)), maxConnectionsPerEventLoop: 1,
                                                           connectionPoolTimeout: waitForConnection).make()
            app.databases.use(GatedSQLiteConfiguration(inner: file), as: .sqlite, isDefault: true)
        case .postgres(let url, let schema):
            var config = try SQLPostgresConfiguration(url: url)
            if let schema { config.searchPath = [schema] }
            if !url.contains("sslmode=require") { config.coreConfiguration.tls = .disable }
            // Test suites run in parallel, each with its own application: two connections per
            // event loop keeps them under PostgreSQL's default 100.
            let perLoop = app.environment == .testing ? 2 : 4
            app.databases.use(.postgres(configuration: config, maxConnectionsPerEventLoop: perLoop, connectionPoolTimeout: waitForConnection), as: .psql)
        }
    }

    /// WAL lets readers proceed while one writer commits, so the command line can work
    /// beside a running server. The mode is a property of the file, but it can only be
    /// switched while no other connection has the file open: set it on a connection of
    /// its own before the pool opens any. (sqlite-nio already retries on SQLITE_BUSY.)
    static func prepareFile(_ choice: DatabaseChoice) async throws {
        guard case .sqliteFile(let dir) = choice else { return }
        try DatabaseLock.shared(in: dir)
        let connection = try await SQLiteConnection.open(storage: .file(path: DataDirectory.sqliteFile(in: dir)))
        do {
            let rows = try await connection.query("PRAGMA journal_mode=WAL")
            let mode = rows.first?.column("journal_mode")?.string ?? "?"
            if mode != "wal" { throw AppError(status: .internalServerError, code: "internal", detail: "SQLite refused WAL mode (\(mode))") }
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    static func migrations(_ app: Application) {
        for migration in Migrations.ordered { app.migrations.add(migration) }
        SearchIndex.keepInStep(app)
    }
}
