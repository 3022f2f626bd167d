import CongsoCommandLine
import CongsoCore
import Foundation
import Vapor

/// `roster solve` and `roster check` on format v1 files (docs/roster-format.md). They touch
/// no database; the work is `RosterCLI` in CongsoCommandLine, shared with the benchmark binary.
struct RosterCommands: AsyncCommandGroup {
    var help: String { "Rotation rosters on JSON files (roster solve, roster check)." }
    var commands: [String: any AnyAsyncCommand] { ["solve": RosterSolveCommand(), "check": RosterCheckCommand()] }
}

struct RosterSolveCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "input", short: "i", help: "Problem file, format v1") var input: String?
        @Option(name: "output", short: "o", help: "Where to write the roster (default: standard output)") var output: String?
        @Flag(name: "best-effort", help: "On an infeasible unit, still write a partial roster next to the reasons") var bestEffort: Bool
        @Option(name: "node-limit", help: "Search nodes per unit before settling for an unproven roster (default 20000)") var nodeLimit: Int?
    }
    var help: String { "Solve a roster: roster solve --input F [--output G] [--best-effort]. Exit 3 when infeasible." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let code = RosterCLI.solve(input: signature.input, output: signature.output, bestEffort: signature.bestEffort,
                                   nodeLimit: signature.nodeLimit)
        if code != 0 { throw ExitCode(code) }
    }
}

struct RosterCheckCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "input", short: "i", help: "Problem file, format v1") var input: String?
        @Option(name: "roster", short: "r", help: "Roster file from any solver") var roster: String?
    }
    var help: String { "Check a roster against every hard rule: roster check --input F --roster G. Exit 0 only when none is broken." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let code = RosterCLI.check(input: signature.input, roster: signature.roster)
        if code != 0 { throw ExitCode(code) }
    }
}
