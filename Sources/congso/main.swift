import CongsoServer
import Foundation
import Logging
import Vapor

// Structured JSON logs unless LOG_FORMAT=text asks for the human format.
var env = try Environment.detect()
let level = Logger.Level(rawValue: Environment.get("LOG_LEVEL") ?? "info") ?? .info
if Environment.get("LOG_FORMAT") == "text" {
    try LoggingSystem.bootstrap(from: &env)
} else {
    LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level) }
}

let app = try await Application.make(env)
let args = Array(env.arguments.dropFirst())
// Commands that work on the data start from a migrated database (created on first
// run); `migrate` decides for itself, and help or `routes` touch nothing.
let needsDatabase = !args.contains("--help") && !args.contains("-h") && !["migrate", "routes"].contains(args.first ?? "serve")
do {
    try await configure(app, options: CongsoOptions(autoMigrate: needsDatabase))
    try await app.execute()
} catch let exit as ExitCode {
    try? await app.asyncShutdown()
    Foundation.exit(exit.code)
} catch {
    app.logger.report(error: error)
    try? await app.asyncShutdown()
    Foundation.exit(1)
}
try await app.asyncShutdown()
