import CongsoCore
import Fluent
import Vapor

/// `congso scheduler run [--at 2021-07-26T07:01:00+07:00]`: one scheduler tick now, or as
/// if it were that instant (to replay a window after an outage, or in a drill). Safe
/// beside running servers: every reminder is claimed once in the database.
struct SchedulerCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "run") var action: String
        @Option(name: "at", help: "The instant to act as of (ISO 8601, or yyyy-MM-ddTHH:mm in Hanoi time); default now") var at: String?
    }
    var help: String { "Run the reminder scheduler once (reports, overdue tasks, check-ins)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "run" else {
            throw UsageError("Unknown action \(signature.action); use: congso scheduler run [--at …]")
        }
        var now = Date()
        if let raw = signature.at {
            guard let d = ReportService.parseInstant(raw) else {
                throw UsageError("--at: not an instant: \(raw)")
            }
            now = d
        }
        let report = try await Scheduler.tick(at: now, on: context.application.db)
        context.console.output("\(DisplayDate.format(now)): \(report)".consoleText())
    }
}
