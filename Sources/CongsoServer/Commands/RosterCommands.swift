import CongsoCommandLine
import CongsoCore
import Foundation
import Vapor

/// `roster solve` and `roster check` on format v1 and v2 files (docs/roster-format.md). They touch
/// no database; the work is `RosterCLI` in CongsoCommandLine, shared with the benchmark binary.
struct RosterCommands: AsyncCommandGroup {
    var help: String { "Rotation rosters on JSON files (roster solve, roster check)." }
    var commands: [String: any AnyAsyncCommand] { ["solve": RosterSolveCommand(), "check": RosterCheckCommand()] }
}

struct RosterSolveCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "input", short: "i", help: "Problem file, format v1 or v2") var input: String?
        @Option(name: "output", short: "o", help: "Where to write the roster (default: standard output)") var output: String?
        @Flag(name: "best-effort", help: "On an infeasible unit, still write a partial roster next to the reasons") var bestEffort: Bool
        @Option(name: "threads", help: "Units solved in parallel (default: one per core)") var threads: Int?
        @Option(name: "node-limit", help: "Flow-search nodes per unit before the SAT solver takes over (default 500)") var nodeLimit: Int?
        @Option(name: "time-limit", help: "Seconds per unit for the SAT solver to find a roster or prove there is none (default 30)") var timeLimit: Double?
    }
    var help: String { "Solve a roster: roster solve --input F [--output G] [--best-effort] [--threads N]. Exit 3 when some unit has no roster." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let request = RosterCLI.SolveRequest(input: signature.input, output: signature.output, bestEffort: signature.bestEffort,
                                             threads: signature.threads, nodeLimit: signature.nodeLimit, timeLimit: signature.timeLimit)
        if case .failure(let u) = request.options() { throw UsageError(u.message) }
        let code = RosterCLI.solve(request)
        if code != 0 { throw ExitCode(code) }
    }
}

struct RosterCheckCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "input", short: "i", help: "Problem file, format v1 or v2") var input: String?
        @Option(name: "roster", short: "r", help: "Roster file from any solver") var roster: String?
    }
    var help: String { "Check a roster against every hard rule: roster check --input F --roster G. Exit 0 only when none is broken." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.input != nil, signature.roster != nil else { throw UsageError("roster check needs --input FILE and --roster FILE") }
        let code = RosterCLI.check(input: signature.input, roster: signature.roster)
        if code != 0 { throw ExitCode(code) }
    }
}
