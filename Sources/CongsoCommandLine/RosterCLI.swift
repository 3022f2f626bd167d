import CongsoCore
import Foundation

/// `roster solve` and `roster check` as plain functions, so that `congso roster …` and the
/// benchmark binary (which builds without the server) run exactly the same code.
/// Exit statuses: solve 0 roster, 3 infeasible, 2 usage or invalid input; check 0 clean,
/// 1 violations, 2 usage.
public enum RosterCLI {
    public struct Output {
        public var stdout: (Data) -> Void
        public var stderr: (String) -> Void
        public init(stdout: @escaping (Data) -> Void = { FileHandle.standardOutput.write($0) },
                    stderr: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    struct Usage: Error { let message: String }

    public static func readProblem(_ path: String) throws -> RosterProblem {
        guard let data = FileManager.default.contents(atPath: path) else { throw Usage(message: "--input: cannot read \(path)") }
        let input: RosterInput
        do { input = try JSONDecoder().decode(RosterInput.self, from: data) } catch {
            throw Usage(message: "--input: not a roster problem (format v1 or v2): \(RosterInput.describe(error))")
        }
        do { return try RosterProblem(input) } catch let e as RosterInputError {
            throw Usage(message: "--input: the problem is not valid:\n" + e.problems.map { "  - " + $0 }.joined(separator: "\n"))
        }
    }

    public static let solveUsage = "usage: roster solve --input F [--output G] [--best-effort] [--threads N] [--node-limit N] [--time-limit SECONDS]"
    public static let checkUsage = "usage: roster check --input F --roster G"

    /// What `roster solve` was asked for, before checking.
    public struct SolveRequest: Sendable {
        public var input: String?
        public var output: String?
        public var bestEffort = false
        public var threads: Int?
        public var nodeLimit: Int?
        public var timeLimit: Double?
        public init(input: String? = nil, output: String? = nil, bestEffort: Bool = false, threads: Int? = nil,
                    nodeLimit: Int? = nil, timeLimit: Double? = nil) {
            self.input = input; self.output = output; self.bestEffort = bestEffort
            self.threads = threads; self.nodeLimit = nodeLimit; self.timeLimit = timeLimit
        }

        /// The solver's options, or what is wrong with the request (a usage error).
        public func options() -> Result<RosterSolver.Options, UsageProblem> {
            guard input != nil else { return .failure(.init(message: "roster solve needs --input FILE")) }
            var options = RosterSolver.Options(bestEffort: bestEffort)
            if let threads {
                guard threads > 0 else { return .failure(.init(message: "--threads must be at least 1, got \(threads)")) }
                options.threads = threads
            }
            if let nodeLimit {
                guard nodeLimit > 0 else { return .failure(.init(message: "--node-limit must be positive, got \(nodeLimit)")) }
                options.nodeBudget = nodeLimit
            }
            if let timeLimit {
                guard timeLimit > 0, timeLimit.isFinite else { return .failure(.init(message: "--time-limit must be a positive number of seconds")) }
                options.satSeconds = timeLimit
            }
            return .success(options)
        }
    }

    public struct UsageProblem: Error, Sendable { public var message: String }

    /// Exit 0 with every unit's roster; 3 when some unit has none (the others' rosters are
    /// still written, beside the reasons); 2 for a usage error or an invalid problem.
    public static func solve(_ request: SolveRequest, out: Output = Output()) -> Int32 {
        let began = Date()
        let options: RosterSolver.Options
        switch request.options() {
        case .success(let o): options = o
        case .failure(let u): out.stderr(u.message + "\n" + solveUsage); return 2
        }
        let input = request.input!, output = request.output
        let problem: RosterProblem
        do { problem = try readProblem(input) } catch let u as Usage { out.stderr(u.message); return 2 } catch { out.stderr("\(error)"); return 2 }
        let solution = RosterSolver.solve(problem, options: options)
        let infeasible = !solution.infeasible.isEmpty
        let bytes = RosterJSON.solution(solution)
        if let output {
            // Written beside and renamed, so a reader never sees half a roster.
            do { try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                out.stderr("--output: cannot write \(output): \(error.localizedDescription)")
                return 2
            }
        } else {
            out.stdout(Data(bytes))
        }
        let total = Date().timeIntervalSince(began) * 1000
        let staff = problem.units.reduce(0) { $0 + $1.count }
        var line = "roster: \(problem.units.count) units, \(staff) staff, \(solution.assignmentCount) assignments, max spread \(solution.maxSpread)"
        line += ", solved in \(Int(solution.solveMillis)) ms (\(Int(total)) ms in all)"
        if solution.unprovenUnits > 0 { line += ", \(solution.unprovenUnits) units not proven optimal (search limit)" }
        if infeasible { line += ", INFEASIBLE: \(solution.infeasible.count) reasons in \(Set(solution.infeasible.map(\.unit)).count) units" }
        out.stderr(line)
        return infeasible ? 3 : 0
    }

    public static func check(input: String?, roster: String?, out: Output = Output()) -> Int32 {
        guard let input, let roster else { out.stderr("roster check needs --input FILE and --roster FILE\n" + checkUsage); return 2 }
        let problem: RosterProblem
        do { problem = try readProblem(input) } catch let u as Usage { out.stderr(u.message); return 2 } catch { out.stderr("\(error)"); return 2 }
        guard let data = FileManager.default.contents(atPath: roster) else { out.stderr("--roster: cannot read \(roster)"); return 2 }
        let doc: RosterDocument
        do { doc = try JSONDecoder().decode(RosterDocument.self, from: data) } catch {
            out.stderr("--roster: not a roster (format v1): \(RosterInput.describe(error))")
            return 2
        }
        let report = RosterChecker.check(problem, doc)
        var text = ""
        for v in report.violations { text += "VIOLATION \(v.text)\n" }
        for (unit, spread) in report.spreads { text += "spread \(unit) \(spread)\n" }
        let worst = report.spreads.map(\.spread).max() ?? 0
        text += report.ok ? "OK: no rule broken; max spread \(worst)\n" : "FAILED: \(report.violations.count) violations; max spread \(worst)\n"
        out.stdout(Data(text.utf8))
        return report.ok ? 0 : 1
    }

    /// `solve …` / `check …` from raw arguments (the benchmark binary's command line).
    public static func run(_ args: [String], out: Output = Output()) -> Int32 {
        guard let verb = args.first, ["solve", "check"].contains(verb) else {
            out.stderr(solveUsage + "\n" + checkUsage)
            return 2
        }
        let usage = verb == "solve" ? solveUsage : checkUsage
        var options: [String: String] = [:]
        var bestEffort = false
        var i = 1
        while i < args.count {
            let a = args[i]
            if a == "--best-effort" && verb == "solve" { bestEffort = true; i += 1; continue }
            let known = verb == "solve" ? ["--input", "--output", "--threads", "--node-limit", "--time-limit"] : ["--input", "--roster"]
            guard known.contains(a), i + 1 < args.count else {
                out.stderr("unknown or incomplete option \(a)\n" + usage)
                return 2
            }
            options[a] = args[i + 1]
            i += 2
        }
        if verb == "check" { return check(input: options["--input"], roster: options["--roster"], out: out) }
        var request = SolveRequest(input: options["--input"], output: options["--output"], bestEffort: bestEffort)
        for (name, raw) in options where ["--threads", "--node-limit"].contains(name) {
            guard let v = Int(raw) else { out.stderr("\(name): not a whole number: \(raw)\n" + usage); return 2 }
            if name == "--threads" { request.threads = v } else { request.nodeLimit = v }
        }
        if let raw = options["--time-limit"] {
            guard let v = Double(raw) else { out.stderr("--time-limit: not a number: \(raw)\n" + usage); return 2 }
            request.timeLimit = v
        }
        return solve(request, out: out)
    }
}
