import Foundation
import Testing
@testable import CongsoCore

@Suite struct RosterSolverTests {
    typealias U = RosterInput.Unit
    typealias S = RosterInput.Staff
    typealias W = RosterInput.When

    func problem(days: Int = 7, run: Int? = nil, units: [U], staff: [S]) throws -> RosterProblem {
        try RosterProblem(RosterInput(start: "2021-07-26", days: days, shifts: ["AM", "PM"], maxConsecutiveOnSiteDays: run,
                                      units: units, staff: staff))
    }

    func team(_ unit: String, _ n: Int, skills: [Int: [String]] = [:]) -> [S] {
        (1...n).map { S(id: "\(unit)s\($0)", unit: unit, skills: skills[$0]) }
    }

    /// Solves and has the independent checker read the roster back, as `roster check` does.
    func solveChecked(_ p: RosterProblem) -> (RosterSolution, RosterChecker.Report) {
        let solution = RosterSolver.solve(p)
        let doc = try! JSONDecoder().decode(RosterDocument.self, from: Data(RosterJSON.solution(solution)))
        return (solution, RosterChecker.check(p, doc))
    }

    @Test func capIsTheShareOfStaffButAtLeastTheMinimum() {
        #expect(RosterInput.cap(share: 0.5, minOnDuty: 1, count: 7) == 3)
        #expect(RosterInput.cap(share: 0.3333333333, minOnDuty: 1, count: 9) == 3)
        #expect(RosterInput.cap(share: 0.5, minOnDuty: 1, count: 1) == 1)
    }

    @Test func evenShareGivesSpreadZero() throws {
        let p = try problem(units: [U(id: "u", maxOnSiteShare: 0.5, minOnDuty: 1)], staff: team("u", 4))
        let (s, report) = solveChecked(p)
        #expect(report.ok, "\(report.violations)")
        #expect(s.units[0].spread == 0 && s.units[0].optimal)
        #expect(s.assignmentCount == 2 * 14)
    }

    @Test func unavailabilityAndObligationsAreKept() throws {
        var staff = team("u", 5)
        staff[0].unavailable = [W(date: "2021-07-27"), W(date: "2021-07-28", shift: "AM")]
        staff[1].mustBeOnSite = [W(date: "2021-07-27", shift: "PM")]
        let p = try problem(units: [U(id: "u", maxOnSiteShare: 0.5, minOnDuty: 1)], staff: staff)
        let (s, report) = solveChecked(p)
        #expect(report.ok, "\(report.violations)")
        // 28 shifts × 2 over 5 people cannot split evenly: the best spread is 1.
        #expect(s.units[0].spread == 1)
    }

    @Test func onePersonMayCoverTwoSkills() throws {
        // Only s1 holds both skills and one person is on site per shift: s1 every shift.
        let staff = team("u", 3, skills: [1: ["classified", "legal"], 2: ["legal"]])
        let p = try problem(days: 3, units: [U(id: "u", maxOnSiteShare: 0.34, minOnDuty: 1, requiredSkills: ["classified", "legal"])],
                            staff: staff)
        let (s, report) = solveChecked(p)
        #expect(report.ok, "\(report.violations)")
        #expect(s.units[0].spread == 6)
    }

    @Test func cohortsNeverMeetOnSite() throws {
        let p = try problem(days: 10, units: [U(id: "u", maxOnSiteShare: 0.5, minOnDuty: 1, cohorts: 2)], staff: team("u", 6))
        let (s, report) = solveChecked(p)
        #expect(report.ok, "\(report.violations)")
        let cohorts = try #require(s.units[0].cohorts)
        #expect(cohorts.filter { $0 == 0 }.count == 3)
        #expect(s.units[0].spread == 0)
    }

    @Test func aCohortSmallerThanTheDemandNeverWorksAndTheProofIsQuick() throws {
        // 8 staff in cohorts of 3, 3 and 2; 3 on site per shift. The pair can never be on site,
        // so its members work nothing and the two trios share the 14 days: 14 is optimal. The
        // search used to spend its whole budget failing to prove it (bench instance 48).
        let p = try problem(days: 14, units: [U(id: "u", maxOnSiteShare: 0.5, minOnDuty: 3, demand: 3, cohorts: 3)], staff: team("u", 8))
        let (s, report) = solveChecked(p)
        #expect(report.ok, "\(report.violations)")
        #expect(s.units[0].spread == 14 && s.units[0].optimal)
    }

    @Test func runLimitIsKept() throws {
        let p = try problem(days: 14, run: 2, units: [U(id: "u", maxOnSiteShare: 0.5, minOnDuty: 1)], staff: team("u", 6))
        let (_, report) = solveChecked(p)
        #expect(report.ok, "\(report.violations)")
    }

    @Test func shiftsThatCannotBeStaffedAreNamed() throws {
        var staff = team("u", 4)
        for i in 0..<3 { staff[i].unavailable = [W(date: "2021-07-28", shift: "PM")] }
        staff[3].mustBeOnSite = [W(date: "2021-07-29", shift: "AM")]
        staff[3].unavailable = [W(date: "2021-07-29")]
        let p = try problem(units: [U(id: "u", maxOnSiteShare: 0.5, minOnDuty: 1)], staff: staff)
        let s = RosterSolver.solve(p)
        #expect(s.units.isEmpty)
        #expect(s.infeasible.contains { $0.day == 2 && $0.shift == 1 && $0.reason.contains("only 1 of 4") })
        #expect(s.infeasible.contains { $0.day == 3 && $0.shift == 0 && $0.reason.contains("must be on site but is unavailable") })
        let json = String(decoding: RosterJSON.infeasible(s), as: UTF8.self)
        #expect(json.contains("\"date\":\"2021-07-28\",\"shift\":\"PM\""))
        // --best-effort still writes a roster, marked partial.
        let partial = RosterSolver.solve(p, options: .init(bestEffort: true))
        #expect(partial.units.first?.partial == true && !partial.infeasible.isEmpty)
    }

    @Test func rulesThatOnlyFailTogetherAreNamedWithTheirDaysAndPeople() throws {
        // Both staff every shift (share 1), but nobody may work two days in a row: any two
        // consecutive days, the demand and one person's run limit already clash.
        let p = try problem(days: 4, run: 1, units: [U(id: "u", maxOnSiteShare: 1, minOnDuty: 1)], staff: team("u", 2))
        let s = RosterSolver.solve(p)
        #expect(s.infeasible.count == 1)
        let why = try #require(s.infeasible.first)
        #expect(why.day != nil && why.lastDay == why.day.map { $0 + 1 })
        #expect(why.reason.hasPrefix("impossible") && why.reason.contains("at most 1 day in a row") && why.reason.contains("2 on site per shift"))
        #expect(why.staff.count == 1)
    }

    @Test func badInputIsRejectedWithEveryReason() {
        let input = RosterInput(start: "2021-07-26", days: 7, shifts: ["AM", "PM"],
                                units: [U(id: "u", maxOnSiteShare: 0.5, minOnDuty: 1, demand: 3)],
                                staff: team("u", 4) + [S(id: "x", unit: "nowhere"), S(id: "y", unit: "u", unavailable: [W(date: "2021-07-27", shift: "NIGHT")])])
        #expect {
            try RosterProblem(input)
        } throws: { error in
            let text = "\(error)"
            return text.contains("demand 3 must lie between minOnDuty 1 and the cap 2") && text.contains("unknown unit nowhere")
                && text.contains("unknown shift NIGHT")
        }
    }

    @Test func checkerNamesEveryBrokenRule() throws {
        var staff = team("u", 4)
        staff[0].unavailable = [W(date: "2021-07-26", shift: "AM")]
        let p = try problem(days: 1, run: nil, units: [U(id: "u", maxOnSiteShare: 0.5, minOnDuty: 1, requiredSkills: ["it"])], staff: staff)
        let roster = RosterDocument(assignments: [.init(staff: "us1", date: "2021-07-26", shift: "AM"),
                                                  .init(staff: "us2", date: "2021-07-26", shift: "PM"),
                                                  .init(staff: "ghost", date: "2021-07-26", shift: "PM")])
        let r = RosterChecker.check(p, roster)
        #expect(!r.ok)
        #expect(r.violations.contains { $0.text.contains("us1 is on site but unavailable") })
        #expect(r.violations.contains { $0.text.contains("1 on site, demand is 2") })
        #expect(r.violations.contains { $0.text.contains("nobody on site holds it") })
        #expect(r.violations.contains { $0.text.contains("unknown staff ghost") })
    }

    /// Exactness against brute force: every roster of tiny random units is enumerated.
    @Test func spreadIsOptimalOnTinyUnits() throws {
        var rng = SeededRandom(seed: 42)
        for round in 0..<60 {
            let n = Int.random(in: 2...4, using: &rng), days = Int.random(in: 1...(n == 4 ? 2 : 3), using: &rng)
            var staff = team("u", n, skills: [1: ["it"]])
            for i in 0..<n where Int.random(in: 0..<3, using: &rng) == 0 {
                staff[i].unavailable = [W(date: LocalDate("2021-07-26")!.adding(days: Int.random(in: 0..<days, using: &rng)).value,
                                          shift: Bool.random(using: &rng) ? "AM" : nil)]
            }
            let run: Int? = Bool.random(using: &rng) ? 1 : nil
            let cohorts: Int? = n >= 4 && Bool.random(using: &rng) ? 2 : nil
            let skills: [String]? = Bool.random(using: &rng) ? ["it"] : nil
            let p = try problem(days: days, run: run, units: [U(id: "u", maxOnSiteShare: 0.5, minOnDuty: 1, requiredSkills: skills, cohorts: cohorts)],
                                staff: staff)
            let expected = bruteForce(p.units[0])
            let (s, report) = solveChecked(p)
            #expect(s.units.first?.spread == expected, "round \(round): n=\(n) days=\(days) run=\(String(describing: run)) cohorts=\(String(describing: cohorts))")
            if expected != nil { #expect(report.ok, "round \(round): \(report.violations)") }
        }
    }

    /// The smallest spread over every assignment of every cell (and every cohort split), or nil.
    func bruteForce(_ u: RosterProblem.UnitProblem) -> Int? {
        let n = u.count, slots = u.slotCount, cells = n * slots
        var best: Int?
        for mask in 0..<(1 << cells) {
            func on(_ p: Int, _ slot: Int) -> Bool { mask & (1 << (p * slots + slot)) != 0 }
            var ok = true
            for slot in 0..<slots where ok {
                let present = (0..<n).filter { on($0, slot) }
                if present.count != u.demands[slot] { ok = false }
                if present.contains(where: { !u.available[$0 * slots + slot] }) { ok = false }
                if (0..<n).contains(where: { u.must[$0 * slots + slot] && !on($0, slot) }) { ok = false }
                for list in u.holders where u.demands[slot] > 0 && !list.contains(where: { on($0, slot) }) { ok = false }
            }
            guard ok else { continue }
            let dayOn = { (p: Int, t: Int) in (0..<u.shiftCount).contains { on(p, t * u.shiftCount + $0) } }
            if let run = u.maxRun {
                for p in 0..<n {
                    var streak = 0
                    for t in 0..<u.dayCount { streak = dayOn(p, t) ? streak + 1 : 0; if streak > run { ok = false } }
                }
            }
            if u.cohorts == 2 && ok {
                // Some split into halves with every day's staff inside one half.
                ok = (0..<(1 << n)).contains { split in
                    (0..<n).filter { split & (1 << $0) != 0 }.count * 2 == n &&
                        (0..<u.dayCount).allSatisfy { t in
                            Set((0..<n).filter { dayOn($0, t) }.map { split & (1 << $0) != 0 }).count <= 1
                        }
                }
            }
            guard ok else { continue }
            let counts = (0..<n).map { p in (0..<slots).filter { on(p, $0) }.count }
            let spread = counts.max()! - counts.min()!
            best = min(best ?? .max, spread)
        }
        return best
    }
}
