import CongsoCommandLine
import CongsoCore
import Foundation

// Times the roster pipeline exactly as `congso roster solve` runs it — read and decode the
// problem, validate, solve, write format v1 — and prints each phase and the peak memory.
//
//   congso-bench-rosters FILE [--output G] [--threads N]
//   congso-bench-rosters roster solve|check …   (the same as `congso roster …`, via RosterCLI)
//
// bench/rosters/scale.py generates the national-size problem and calls this; compare.py can
// run either this binary or `congso` itself, since both run RosterCLI.

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
func peakMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024 // kilobytes on Linux
}

var args = Array(CommandLine.arguments.dropFirst())
if args.first == "roster" { exit(RosterCLI.run(Array(args.dropFirst()))) }
guard let file = args.first else {
    FileHandle.standardError.write(Data("usage: congso-bench-rosters FILE [--output G] [--threads N]\n".utf8))
    exit(2)
}
var output: String?
var options = RosterSolver.Options()
var i = 1
while i < args.count {
    switch args[i] {
    case "--output": output = args[i + 1]; i += 2
    case "--threads": options.threads = Int(args[i + 1]) ?? 1; i += 2
    case "--node-limit": options.nodeBudget = Int(args[i + 1]) ?? options.nodeBudget; i += 2
    default: FileHandle.standardError.write(Data("unknown option \(args[i])\n".utf8)); exit(2)
    }
}

let t0 = now()
let data = FileManager.default.contents(atPath: file)!
let input = try JSONDecoder().decode(RosterInput.self, from: data)
let t1 = now()
let problem = try RosterProblem(input)
let t2 = now()
let solution = RosterSolver.solve(problem, options: options)
let t3 = now()
let bytes = RosterJSON.solution(solution)   // as `roster solve` writes it, with or without units lacking a roster
if let output { try Data(bytes).write(to: URL(fileURLWithPath: output)) }
let t4 = now()

let staff = problem.units.reduce(0) { $0 + $1.count }
print("roster benchmark: \(problem.units.count) units, \(staff) staff, \(problem.dates.count) days x \(problem.shifts.count) shifts, \(options.threads) threads")
print(String(format: "  read+decode  %8.0f ms", (t1 - t0) * 1000))
print(String(format: "  validate     %8.0f ms", (t2 - t1) * 1000))
// The machine's load beside the figure: a shared machine's timing says little without it.
var load = [Double](repeating: 0, count: 3)
getloadavg(&load, 3)
print(String(format: "  solve        %8.0f ms   (target <= 2000 ms; load average %.2f)", (t3 - t2) * 1000, load[0]))
print(String(format: "  write        %8.0f ms   (%.1f MB)", (t4 - t3) * 1000, Double(bytes.count) / 1e6))
print(String(format: "  whole        %8.0f ms   (target <= 10000 ms)", (t4 - t0) * 1000))
print(String(format: "  peak memory  %8.0f MiB  (target <= 2048 MiB)", peakMiB()))
print("  assignments \(solution.assignmentCount), max spread \(solution.maxSpread), search nodes \(solution.searchNodes), units not proven optimal \(solution.unprovenUnits), infeasible reasons \(solution.infeasible.count)")
if let slow = solution.slowestUnit { print(String(format: "  slowest unit %8.0f ms   ", slow.millis) + "(\(slow.id); target <= 2000 ms)") }
