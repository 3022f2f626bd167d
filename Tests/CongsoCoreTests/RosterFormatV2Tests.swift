import Foundation
import Testing
@testable import CongsoCore

/// Format v2: demand per shift and kind of day (weekday, weekend, holiday), holidays, and a
/// run limit per unit; v1 is still read, and v2's fields are refused in a v1 problem.
@Suite struct RosterFormatV2Tests {
    let base = RosterSolverTests()

    /// A 24/7 duty rota over a week from Thursday 2021-09-02 (a holiday: National Day).
    func dutyRota(_ extra: String = "", unitRun: String = "") throws -> RosterProblem {
        let staff = (1...12).map { #"{"id": "d\#($0)", "unit": "hotline"}"# }.joined(separator: ",")
        let json = """
        {"version": 2, "start": "2021-09-02", "days": 7, "shifts": ["AM", "PM", "NIGHT"], "holidays": ["2021-09-02"],
         "maxConsecutiveOnSiteDays": 5,
         "units": [{"id": "hotline", "maxOnSiteShare": 0.5, "minOnDuty": 1 \(unitRun),
                    "demand": {"weekday": {"AM": 3, "PM": 2, "NIGHT": 1}, "weekend": {"AM": 1, "PM": 1, "NIGHT": 1},
                               "holiday": {"AM": 2, "NIGHT": 1} \(extra)}}],
         "staff": [\(staff)]}
        """
        return try RosterProblem(JSONDecoder().decode(RosterInput.self, from: Data(json.utf8)))
    }

    @Test func demandFollowsTheKindOfDayAndShift() throws {
        let p = try dutyRota()
        let u = p.units[0]
        // Thu 2 Sep holiday, Fri 3 weekday, Sat 4 and Sun 5 weekend, Mon 6 … Wed 8 weekdays.
        #expect(Array(u.demands[0..<3]) == [2, 0, 1])
        #expect(Array(u.demands[3..<6]) == [3, 2, 1])
        #expect(Array(u.demands[6..<9]) == [1, 1, 1] && Array(u.demands[9..<12]) == [1, 1, 1])
        #expect(u.demand == 3 && !u.uniformDemand && u.maxRun == 5)
        let (s, report) = base.solveChecked(p)
        #expect(s.infeasible.isEmpty && report.ok, "\(s.infeasible) \(report.violations)")
        let unit = try #require(s.units.first)
        for slot in 0..<u.slotCount {
            #expect((0..<u.count).filter { unit.onSite[$0 * u.slotCount + slot] }.count == u.demands[slot])
        }
    }

    @Test func aUnitRunLimitOverridesTheProblems() throws {
        let p = try dutyRota(unitRun: #", "maxConsecutiveOnSiteDays": 1"#)
        #expect(p.units[0].maxRun == 1)
        let (s, report) = base.solveChecked(p)
        #expect(report.ok && s.infeasible.isEmpty)
        let u = p.units[0], roster = try #require(s.units.first)
        for person in 0..<u.count {
            let days = (0..<u.dayCount).map { t in (0..<3).contains { roster.onSite[person * u.slotCount + t * 3 + $0] } }
            #expect(!zip(days, days.dropFirst()).contains { $0 && $1 }, "person \(person) works two days in a row")
        }
    }

    @Test func badV2InputIsRefusedWithReasons() throws {
        // An unknown kind of day is not format v2 at all (the decoder names where).
        #expect(throws: DecodingError.self) { try dutyRota(#", "fortnight": {"AM": 1}"#) }
        let decode = { (json: String) throws -> RosterProblem in try RosterProblem(JSONDecoder().decode(RosterInput.self, from: Data(json.utf8))) }
        let staff = #""staff": [{"id": "a", "unit": "u"}, {"id": "b", "unit": "u"}, {"id": "c", "unit": "u"}, {"id": "d", "unit": "u"}]"#
        // v2 fields in a v1 problem.
        do {
            _ = try decode(#"{"start": "2021-09-02", "days": 2, "shifts": ["AM"], "holidays": ["2021-09-02"], "units": [{"id": "u", "maxOnSiteShare": 0.5, "minOnDuty": 1, "maxConsecutiveOnSiteDays": 2, "demand": {"weekday": {"AM": 1}}}], "#
                       + staff + "}")
            Issue.record("accepted")
        } catch let e as RosterInputError {
            #expect(e.problems.contains { $0.contains("holidays: needs") })
            #expect(e.problems.contains { $0.contains("run limit per unit needs") })
            #expect(e.problems.contains { $0.contains("kind of day needs") })
        }
        // Unknown shift, above the cap, no weekday table, version 3.
        do {
            _ = try decode(#"{"version": 2, "start": "2021-09-02", "days": 2, "shifts": ["AM"], "units": [{"id": "u", "maxOnSiteShare": 0.5, "minOnDuty": 1, "demand": {"weekend": {"AM": 3, "EVENING": 1}}}], "#
                       + staff + "}")
            Issue.record("accepted")
        } catch let e as RosterInputError {
            #expect(e.problems.contains { $0.contains("must give \"weekday\"") })
            #expect(e.problems.contains { $0.contains("unknown shift EVENING") })
            #expect(e.problems.contains { $0.contains("demand.weekend.AM 3") })
        }
        #expect(throws: RosterInputError.self) {
            try decode(#"{"version": 3, "start": "2021-09-02", "days": 2, "shifts": ["AM"], "units": [], "staff": []}"#)
        }
    }

    @Test func variedDemandsAgreeWithExhaustiveSearch() throws {
        // Tiny units whose shifts need 0, 1 or 2: the flow search, the SAT solver and brute force agree.
        var rng = SeededRandom(seed: 2_021)
        for round in 0..<60 {
            let n = Int.random(in: 2...4, using: &rng), days = Int.random(in: 1...(n == 4 ? 2 : 3), using: &rng)
            var p = try base.problem(days: days, run: Bool.random(using: &rng) ? 1 : nil,
                                     units: [.init(id: "u", maxOnSiteShare: 1, minOnDuty: 0, requiredSkills: Bool.random(using: &rng) ? ["it"] : nil,
                                                   cohorts: n == 4 && Bool.random(using: &rng) ? 2 : nil)],
                                     staff: base.team("u", n, skills: [1: ["it"]]))
            var u = p.units[0]
            u = .init(id: u.id, staff: u.staff, dayCount: u.dayCount, shiftCount: u.shiftCount,
                      demands: (0..<u.slotCount).map { _ in Int.random(in: 0...min(2, n / max(1, u.cohorts)), using: &rng) },
                      cap: u.cap, cohorts: u.cohorts, requiredSkills: u.requiredSkills, holders: u.holders,
                      available: u.available, must: u.must, maxRun: u.maxRun)
            p.units = [u]
            let expected = base.bruteForce(u)
            let (s, report) = base.solveChecked(p)
            let found = s.units.first.map(\.spread)
            #expect(found == expected, "round \(round): demands \(u.demands)")
            if expected != nil { #expect(report.ok, "round \(round): \(report.violations)") }
            if UnitSolver(u, nodeBudget: 1).slotProblems().isEmpty, case .roster(let r) = UnitSAT(u).solve(from: 0, seconds: 10, improveSeconds: 10) {
                #expect(r.spread == expected, "round \(round) (SAT): demands \(u.demands)")
            }
        }
    }

    /// Rest after a shift (format v2): nobody works the night and then the next morning or
    /// afternoon; every roster the solver makes keeps it, over random duty rotas.
    @Test func restAfterANightHoldsOnRandomRotas() throws {
        var rng = SeededRandom(seed: 31)
        var solved = 0
        for round in 0..<25 {
            let staffCount = Int.random(in: 5...12, using: &rng)
            var staff: [String] = []
            for i in 0..<staffCount {
                var away = ""
                if Bool.random(using: &rng) {
                    away = #", "unavailable": [{"date": "2021-09-0\#(Int.random(in: 2...8, using: &rng))", "shift": "N"}]"#
                }
                staff.append(#"{"id": "s\#(i)", "unit": "u", "skills": \#(i % 2 == 0 ? #"["hotline"]"# : "[]")\#(away)}"#)
            }
            let json = """
            {"version": 2, "start": "2021-09-02", "days": 7, "shifts": ["D1", "D2", "N"], "holidays": ["2021-09-02"],
             "units": [{"id": "u", "maxOnSiteShare": 1, "minOnDuty": 1, "demand": 1, "requiredSkills": ["hotline"],
                        "restAfter": {"D1": 1, "D2": 1, "N": 2}}],
             "staff": [\(staff.joined(separator: ","))]}
            """
            let p = try RosterProblem(JSONDecoder().decode(RosterInput.self, from: Data(json.utf8)))
            #expect(p.units[0].restAfter == [1, 1, 2])
            let (s, report) = base.solveChecked(p)
            // Too few hotline holders to cover every shift with rest: said so, never broken.
            guard s.infeasible.isEmpty, let roster = s.units.first else {
                #expect(!s.infeasible.isEmpty, "round \(round)")
                continue
            }
            solved += 1
            #expect(report.ok, "round \(round): \(report.violations.map(\.text))")
            let u = p.units[0]
            for person in 0..<u.count {
                for (a, b) in u.restPairs { #expect(!(roster.onSite[person * u.slotCount + a] && roster.onSite[person * u.slotCount + b])) }
            }
        }
        #expect(solved >= 10)
    }

    /// Two people cannot keep a one-a-shift rota with a night's rest: the rule is named.
    @Test func restThatCannotHoldIsExplained() throws {
        let json = """
        {"version": 2, "start": "2021-09-06", "days": 3, "shifts": ["D1", "D2", "N"],
         "units": [{"id": "u", "maxOnSiteShare": 1, "minOnDuty": 1, "demand": 1, "restAfter": {"D1": 1, "D2": 1, "N": 2}}],
         "staff": [{"id": "a", "unit": "u"}, {"id": "b", "unit": "u"}]}
        """
        let p = try RosterProblem(JSONDecoder().decode(RosterInput.self, from: Data(json.utf8)))
        let s = RosterSolver.solve(p)
        #expect(s.units.isEmpty || s.units[0].partial)
        #expect(s.infeasible.contains { $0.reason.contains("rest after a shift") }, "\(s.infeasible.map(\.reason))")
        // And the checker catches a hand-made roster that breaks it.
        let doc = try JSONDecoder().decode(RosterDocument.self, from: Data(#"{"assignments": [{"staff": "a", "date": "2021-09-06", "shift": "N"}, {"staff": "a", "date": "2021-09-07", "shift": "D2"}]}"#.utf8))
        #expect(RosterChecker.check(p, doc).violations.contains { $0.code == .rest })
        // restAfter is v2 only, and names real shifts.
        #expect(throws: RosterInputError.self) {
            try RosterProblem(JSONDecoder().decode(RosterInput.self, from: Data(json.replacingOccurrences(of: #""version": 2, "#, with: "").utf8)))
        }
        #expect(throws: RosterInputError.self) {
            try RosterProblem(JSONDecoder().decode(RosterInput.self, from: Data(json.replacingOccurrences(of: #""N": 2"#, with: #""X": 2"#).utf8)))
        }
    }
}
