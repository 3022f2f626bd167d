import Foundation
import Testing
@testable import CongsoCore

@Suite struct PolicyTests {
    let city = OrgPath("/c/")
    let district = OrgPath("/c/d/")
    let unit = OrgPath("/c/d/u/")
    let other = OrgPath("/c/e/u2/")
    func day(_ s: String) -> LocalDate { LocalDate(s)! }

    func directive(_ id: String, _ scope: OrgPath, from: String, to: String? = nil, _ rules: DirectiveRules) -> DirectiveInForce {
        DirectiveInForce(id: id, number: id, scope: scope, effectiveFrom: day(from), effectiveTo: to.map(day), rules: rules)
    }

    @Test func capIsMaxOfMinimumDutyAndFlooredShare() {
        var p = EffectivePolicy()
        p.maxOnSiteShare = Sourced(value: Fraction(1, 3)!, source: .directive(id: "a", number: "A"))
        #expect(p.cap(staffCount: 9).value == 3)
        #expect(p.cap(staffCount: 7).value == 2)
        #expect(p.cap(staffCount: 1).value == 1)      // a unit of 1 keeps its person on duty
        #expect(p.cap(staffCount: 1).source == .builtIn)
        #expect(p.cap(staffCount: 0).value == 1)
        p.minOnDuty = Sourced(value: 3, source: .directive(id: "b", number: "B"))
        #expect(p.cap(staffCount: 7).value == 3)
        #expect(p.cap(staffCount: 7).source == .directive(id: "b", number: "B"))
        #expect(EffectivePolicy().cap(staffCount: 12).value == 12)  // no share in force
    }

    @Test func strictestValueWinsWithItsSource() {
        let r = PolicyResolver(directives: [
            directive("16/CT-TTg", city, from: "2020-03-31", DirectiveRules(maxOnSiteShare: Fraction(1, 3), meetingMaxInPerson: 2, meetingSpacingMeters: 2)),
            directive("HCM-3/6", district, from: "2021-06-03", DirectiveRules(maxOnSiteShare: Fraction(1, 2), negativeTestRequired: true, testValidityHours: 72)),
            directive("tight", unit, from: "2021-06-01", DirectiveRules(minOnDutyPerShift: 2, allowedReasons: [.officeDuty, .other, .classifiedDocuments])),
            directive("narrower", district, from: "2021-06-01", DirectiveRules(allowedReasons: [.officeDuty, .combatDuty], testValidityHours: 48)),
        ])
        let p = r.resolve(unit, on: day("2021-06-10"))
        #expect(p.maxOnSiteShare?.value == Fraction(1, 3)!)
        #expect(p.maxOnSiteShare?.source == .directive(id: "16/CT-TTg", number: "16/CT-TTg"))
        #expect(p.minOnDuty.value == 2)
        #expect(p.allowedReasons?.value == [.officeDuty])
        #expect(p.testRequired && p.testValidityHours?.value == 48)
        #expect(p.testValidityHours?.source == .directive(id: "narrower", number: "narrower"))
        #expect(p.meetingMaxInPerson?.value == 2)
        // Not yet in force, and not over another branch.
        #expect(r.resolve(unit, on: day("2021-05-01")).testRequired == false)
        #expect(r.resolve(other, on: day("2021-06-10")).minOnDuty.source == .builtIn)
        #expect(r.resolve(other, on: day("2021-06-10")).maxOnSiteShare?.value == Fraction(1, 3)!)
    }

    @Test func directivesEndAndExceptionsOverride() {
        let r = PolicyResolver(
            directives: [directive("17/CT-UBND", city, from: "2021-07-24", to: "2021-08-06", DirectiveRules(maxOnSiteShare: Fraction(1, 2)))],
            overrides: [CapOverride(id: "x1", unit: unit, maxOnSite: 8, from: day("2021-07-24"), until: day("2021-07-31"))])
        #expect(r.resolve(unit, on: day("2021-08-07")).maxOnSiteShare == nil)
        let during = r.resolve(unit, on: day("2021-07-25"))
        #expect(during.cap(staffCount: 10).value == 8)
        #expect(during.cap(staffCount: 10).source == .exception(id: "x1", until: day("2021-07-31")))
        #expect(r.resolve(unit, on: day("2021-08-01")).cap(staffCount: 10).value == 5)
    }

    /// Resolving many units at once (the dashboard's path) gives, unit by unit, what
    /// resolving each alone gives — over random trees, directives, dates and exceptions.
    @Test func resolvingManyAtOnceEqualsResolvingEach() {
        var rng = SystemRandomNumberGenerator()
        let shares = [Fraction(1, 2)!, Fraction(1, 3)!, Fraction(2, 3)!]
        for _ in 0..<200 {
            var paths = [OrgPath.root("c")]
            for _ in 0..<Int.random(in: 1...25, using: &rng) {
                paths.append(paths.randomElement(using: &rng)!.child("n\(Int.random(in: 0...40, using: &rng))"))
            }
            let days = ["2021-06-01", "2021-06-10", "2021-07-01"].map(day)
            var directives: [DirectiveInForce] = []
            for k in 0..<Int.random(in: 0...6, using: &rng) {
                let rules = DirectiveRules(maxOnSiteShare: Bool.random(using: &rng) ? shares.randomElement(using: &rng) : nil,
                                           minOnDutyPerShift: Bool.random(using: &rng) ? Int.random(in: 1...3, using: &rng) : nil,
                                           allowedReasons: Bool.random(using: &rng) ? [.officeDuty, .other] : nil)
                directives.append(DirectiveInForce(id: "d\(k)", number: "D\(k)", scope: paths.randomElement(using: &rng)!,
                                                   effectiveFrom: days.randomElement(using: &rng)!, effectiveTo: Bool.random(using: &rng) ? nil : days[2], rules: rules))
            }
            let overrides = (0..<Int.random(in: 0...3, using: &rng)).map { k in
                CapOverride(id: "x\(k)", unit: paths.randomElement(using: &rng)!, maxOnSite: Int.random(in: 1...9, using: &rng), from: days[0], until: days[1])
            }
            let r = PolicyResolver(directives: directives, overrides: overrides)
            let units = paths.shuffled(using: &rng) + [OrgPath("/"), OrgPath.root("elsewhere").child("u")]
            let on = days.randomElement(using: &rng)!
            #expect(r.resolveAll(units, on: on) == units.map { r.resolve($0, on: on) })
        }
    }

    @Test func fractionsAndDatesParse() {
        #expect(Fraction(parsing: "1/3") == Fraction(1, 3))
        #expect(Fraction(parsing: "50%") == Fraction(1, 2))
        #expect(Fraction(parsing: "0.5") == Fraction(1, 2))
        #expect(Fraction(parsing: "3/2") == nil && Fraction(parsing: "x") == nil && Fraction(parsing: "1/0") == nil)
        #expect(LocalDate("2021-02-29") == nil && LocalDate("2020-02-29") != nil && LocalDate("2021-13-01") == nil)
        #expect(LocalDate("2021-07-31")!.adding(days: 1).value == "2021-08-01")
        #expect(LocalDate("2021-07-23")!.vietnamese == "23/07/2021")
    }

    @Test func onSiteRequestsFollowReasonAndTestRules() throws {
        var p = EffectivePolicy()
        p.allowedReasons = Sourced(value: [.officeDuty, .other], source: .builtIn)
        p.negativeTestRequired = Sourced(value: true, source: .builtIn)
        p.testValidityHours = Sourced(value: 72, source: .builtIn)
        let d = day("2021-06-10")
        let ok = TestResult(takenOn: day("2021-06-08"), kind: .pcr, outcome: .negative)
        try OnSiteRules.check(reason: .officeDuty, justification: "", test: ok, date: d, shift: .afternoon, policy: p)
        #expect(throws: OnSiteRefusal.reasonNotAllowed(.combatDuty)) {
            try OnSiteRules.check(reason: .combatDuty, justification: "", test: ok, date: d, shift: .morning, policy: p)
        }
        #expect(throws: OnSiteRefusal.justificationMissing) {
            try OnSiteRules.check(reason: .other, justification: " ", test: ok, date: d, shift: .morning, policy: p)
        }
        #expect(throws: OnSiteRefusal.testMissing) {
            try OnSiteRules.check(reason: .officeDuty, justification: "", test: nil, date: d, shift: .morning, policy: p)
        }
        let old = TestResult(takenOn: day("2021-06-06"), kind: .pcr, outcome: .negative)
        #expect(throws: OnSiteRefusal.testExpired(validHours: 72)) {
            try OnSiteRules.check(reason: .officeDuty, justification: "", test: old, date: d, shift: .morning, policy: p)
        }
        let positive = TestResult(takenOn: day("2021-06-09"), kind: .rapidAntigen, outcome: .positive)
        #expect(throws: OnSiteRefusal.testPositive) {
            try OnSiteRules.check(reason: .officeDuty, justification: "", test: positive, date: d, shift: .morning, policy: p)
        }
    }
}
