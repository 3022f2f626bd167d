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
let command = env.arguments.dropFirst().first
do {
    // `migrate` decides for itself; every other command starts from a migrated database.
    try await configure(app, options: CongsoOptions(autoMigrate: command != "migrate"))
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
