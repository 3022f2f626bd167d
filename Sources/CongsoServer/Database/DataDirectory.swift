import Vapor

/// Where Congso keeps its files: the SQLite database, permit signing keys, task
/// attachments. Read from the environment in this one place (CONGSO_DATA_DIR, default
/// `data`), resolved once by `configure` into `app.dataDirectory`, and passed on from there.
enum DataDirectory {
    static func fromEnvironment() -> String {
        Environment.get("CONGSO_DATA_DIR").flatMap { $0.isEmpty ? nil : $0 } ?? "data"
    }

    /// The SQLite database inside a data directory (the server, backups and restores agree on it).
    static func sqliteFile(in dir: String) -> String { dir + "/congso.sqlite" }
}

extension Application {
    private struct DataDirectoryKey: StorageKey { typealias Value = String }
    /// The data directory this application was configured with.
    var dataDirectory: String {
        get { storage[DataDirectoryKey.self] ?? DataDirectory.fromEnvironment() }
        set { storage[DataDirectoryKey.self] = newValue }
    }
}
