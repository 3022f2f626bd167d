import CongsoServer
import Foundation
import Logging
import NIOCore
import NIOPosix
import Vapor

// Swift's tasks run on the server's own event-loop threads, as Vapor recommends: every
// await in a request otherwise hops to another thread pool and back (on two cores the
// 07:00 burst spent a tenth of its time in those switches).
_ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

// Structured JSON logs unless LOG_FORMAT=text asks for the human format.
var env = try Environment.detect()
// The server logs at info; other commands speak through their own output and log only errors.
let isServe = (env.arguments.dropFirst().first ?? "serve") == "serve"
let level = Logger.Level(rawValue: Environment.get("LOG_LEVEL") ?? (isServe ? "info" : "error")) ?? .info
if Environment.get("LOG_FORMAT") == "text" {
    try LoggingSystem.bootstrap(from: &env)
} else {
    LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level) }
}

let app = try await Application.make(env)
// Templates, texts and styles live in Resources/ and Public/ at the repository root. When
// the command runs from elsewhere, find them beside the executable (.build/<config>/congso).
if !FileManager.default.fileExists(atPath: app.directory.resourcesDirectory + "Translations/vi.json") {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<5 {
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Resources/Translations/vi.json").path) {
            app.directory = DirectoryConfiguration(workingDirectory: dir.path + "/")
            break
        }
        dir.deleteLastPathComponent()
    }
}
let args = Array(env.arguments.dropFirst())
// Commands that work on the data start from a migrated database (created on first
// run); `migrate` decides for itself, and help, `routes` and the roster files touch nothing.
// `permit verify --trust-list F` is the offline check at a checkpoint: no database either.
// `restore` puts another file in place of the database, so it must not hold it open.
let offlineVerify = args.starts(with: ["permit", "verify"]) && args.contains { $0 == "--trust-list" || $0.hasPrefix("--trust-list=") }
let needsDatabase = !args.contains("--help") && !args.contains("-h") && !offlineVerify
    && !["migrate", "routes", "roster", "restore"].contains(args.first ?? "serve")
do {
    try await configure(app, options: CongsoOptions(autoMigrate: needsDatabase))
    try await app.execute()
    // `serve` returns here on SIGTERM or SIGINT: drain before the pools close.
    await GracefulShutdown.drain(app)
} catch let error as CommandError {
    // ConsoleKit's own parsing errors (a missing argument, an unknown option or command).
    await CommandUsage.fail(app, args: args, message: error.description)
} catch let error as UsageError {
    await CommandUsage.fail(app, args: args, message: error.description)
} catch let exit as ExitCode {
    try? await app.asyncShutdown()
    Foundation.exit(exit.code)
} catch {
    app.logger.report(error: error)
    try? await app.asyncShutdown()
    Foundation.exit(1)
}
try await app.asyncShutdown()
