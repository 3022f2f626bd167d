import CongsoCore
import Foundation
import Testing

/// Contingency plans: every level once, shares that never rise with the level, and the
/// plan's rules meeting the directives' under strictest-wins.
@Suite struct ContingencyTests {
    func plan(_ shares: [(Int, Int)], minOnDuty: Int = 1) -> [LevelPlan] {
        shares.enumerated().map { i, s in
            LevelPlan(level: AlertLevel(rawValue: i + 1)!, maxOnSiteShare: Fraction(s.0, s.1)!, minOnDuty: minOnDuty, essential: [], workplace: "Tại nhà \(i)")
        }
    }

    @Test func validPlanComesBackInOrder() throws {
        let p = try ContingencyRules.validate(plan([(1, 1), (1, 2), (1, 3), (1, 4)]).reversed())
        #expect(p.map(\.level) == AlertLevel.allCases)
    }

    @Test func badPlansNameTheirProblem() {
        #expect(throws: ContingencyProblem.shareRises(.three)) { try ContingencyRules.validate(self.plan([(1, 1), (1, 3), (1, 2), (1, 4)])) }
        #expect(throws: ContingencyProblem.levelMissing(.four)) { try ContingencyRules.validate(self.plan([(1, 1), (1, 2), (1, 3)])) }
        #expect(throws: ContingencyProblem.shareZero(.four)) { try ContingencyRules.validate(self.plan([(1, 1), (1, 2), (1, 3), (0, 4)])) }
        #expect(throws: ContingencyProblem.minOnDutyInvalid(.one)) { try ContingencyRules.validate(self.plan([(1, 1), (1, 2), (1, 3), (1, 4)], minOnDuty: 0)) }
        var p = plan([(1, 1), (1, 2), (1, 3), (1, 4)])
        p.append(p[0])
        #expect(throws: ContingencyProblem.levelTwice(.one)) { try ContingencyRules.validate(p) }
        p = plan([(1, 1), (1, 2), (1, 3), (1, 4)])
        p[2].workplace = " \u{200B}\n "
        #expect(throws: ContingencyProblem.workplaceMissing(.three)) { try ContingencyRules.validate(p) }
        p = plan([(1, 1), (1, 2), (1, 3), (1, 4)])
        p[1].essential = ["a", "a"]
        #expect(throws: ContingencyProblem.essentialTwice(.two)) { try ContingencyRules.validate(p) }
    }

    /// A level's share tightens a looser directive and never loosens a stricter one.
    @Test func levelRulesMeetDirectivesStrictestWins() {
        let day = LocalDate("2026-11-28")!
        for (d, l) in [((1, 2), (1, 4)), ((1, 4), (1, 2)), ((1, 3), (1, 3))] {
            let directive = DirectiveInForce(id: "d", number: "1/CT", scope: OrgPath("/c/"), effectiveFrom: day, effectiveTo: nil,
                                             rules: DirectiveRules(maxOnSiteShare: Fraction(d.0, d.1)!, minOnDutyPerShift: 1))
            let level = LevelPlan(level: .three, maxOnSiteShare: Fraction(l.0, l.1)!, minOnDuty: 2, essential: [], workplace: "x")
            let planned = DirectiveInForce(id: "plan", number: "plan", scope: OrgPath("/c/u/"), effectiveFrom: day, effectiveTo: nil, rules: level.rules)
            let p = PolicyResolver(directives: [directive, planned]).resolve(OrgPath("/c/u/"), on: day)
            #expect(p.cap(staffCount: 12).value == min(Fraction(d.0, d.1)!, Fraction(l.0, l.1)!).floorOf(12))
        }
    }
}
