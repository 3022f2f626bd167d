import CongsoCore
import Foundation
import Testing

/// Declarations, the states they start, outbreak matching and contact tracing, as
/// properties over random and hostile input.
@Suite struct HealthTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    func policy(_ rules: DirectiveRules...) -> EffectivePolicy {
        let directives = rules.enumerated().map { i, r in
            DirectiveInForce(id: "d\(i)", number: "\(i)/CT", scope: OrgPath("/1/"), effectiveFrom: LocalDate("2020-01-01")!, effectiveTo: nil, rules: r)
        }
        return PolicyResolver(directives: directives).resolve(OrgPath("/1/2/"), on: LocalDate("2026-01-01")!)
    }

    @Test func requiredFieldsAddUpAcrossDirectives() throws {
        let p = policy(DirectiveRules(declarationFields: [.test]), DirectiveRules(declarationFields: [.places, .temperature]))
        #expect(HealthRules.requiredFields(p) == [.symptoms, .contact, .test, .places, .temperature])
        var d = HealthDeclarationInput(noSymptoms: true, contactWithCase: false)
        #expect(throws: DeclarationProblem.fieldMissing(.test)) { try HealthRules.validate(d, policy: p, now: now) }
        d.test = TestResult(takenOn: LocalDate.of(now), kind: .pcr, outcome: .negative)
        #expect(throws: DeclarationProblem.fieldMissing(.places)) { try HealthRules.validate(d, policy: p, now: now) }
        d.noPlaces = true
        #expect(throws: DeclarationProblem.fieldMissing(.temperature)) { try HealthRules.validate(d, policy: p, now: now) }
        d.temperature = 36.6
        try HealthRules.validate(d, policy: p, now: now)
        // Without a directive only symptoms and contact are asked.
        try HealthRules.validate(HealthDeclarationInput(noSymptoms: true, contactWithCase: false), policy: policy(), now: now)
        #expect(throws: DeclarationProblem.fieldMissing(.symptoms)) {
            try HealthRules.validate(HealthDeclarationInput(contactWithCase: false), policy: policy(), now: now)
        }
        #expect(throws: DeclarationProblem.symptomsContradict) {
            try HealthRules.validate(HealthDeclarationInput(symptoms: [.cough], noSymptoms: true, contactWithCase: false), policy: policy(), now: now)
        }
    }

    @Test func strictestHealthRulesWin() {
        let p = policy(DirectiveRules(monitoringDays: 7, isolationDays: 10, feverThreshold: 38),
                       DirectiveRules(monitoringDays: 14, isolationDays: 7, feverThreshold: 37.5))
        #expect(p.monitoringDays?.value == 14)
        #expect(p.isolationDays?.value == 10)
        #expect(p.feverThreshold?.value == 37.5)
        #expect(HealthRules.lastDay(of: .isolating, from: LocalDate("2026-03-01")!, policy: p).value == "2026-03-10")
        #expect(HealthRules.lastDay(of: .monitoring, from: LocalDate("2026-03-01")!, policy: policy()).value == "2026-03-14")
        #expect(throws: DirectiveRules.Problem.healthDaysInvalid) { try DirectiveRules(monitoringDays: 0).validated() }
        #expect(throws: DirectiveRules.Problem.feverInvalid) { try DirectiveRules(feverThreshold: .nan).validated() }
    }

    /// Over random declarations: symptoms, a fever at the threshold or a positive test always
    /// isolate; contact alone monitors; nothing else starts anything.
    @Test func outcomeProperty() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let threshold = Double(Int.random(in: 370...385, using: &rng)) / 10
            let p = policy(DirectiveRules(feverThreshold: threshold))
            let symptoms = Symptom.allCases.filter { _ in Int.random(in: 0..<6, using: &rng) == 0 }
            let temp: Double? = Bool.random(using: &rng) ? Double(Int.random(in: 350...410, using: &rng)) / 10 : nil
            let outcome: TestResult.Outcome? = [nil, .negative, .positive].randomElement(using: &rng)!
            let test = outcome.map { TestResult(takenOn: LocalDate.of(now), kind: .rapidAntigen, outcome: $0) }
            let contact = [nil, true, false].randomElement(using: &rng)!
            let d = HealthDeclarationInput(symptoms: symptoms, noSymptoms: symptoms.isEmpty, contactWithCase: contact, test: test, temperature: temp)
            let o = HealthRules.outcome(of: d, policy: p)
            let sick = !symptoms.isEmpty || (temp.map { $0 >= threshold } ?? false) || outcome == .positive
            if sick { #expect(o?.kind == .isolating) }
            else if contact == true { #expect(o == .contactWithCase) }
            else { #expect(o == nil) }
        }
    }

    @Test func hostilePlacesAndTemperatures() {
        let p = policy()
        for t in [Double.nan, .infinity, -1, 0, 33.9, 43.1, 1e300] {
            #expect(throws: DeclarationProblem.temperatureInvalid) {
                try HealthRules.validate(HealthDeclarationInput(noSymptoms: true, contactWithCase: false, temperature: t), policy: p, now: now)
            }
        }
        let bad = [VisitedPlace(place: "  ", address: "", from: now.addingTimeInterval(-3600), to: now),
                   VisitedPlace(place: "Chợ", address: "", from: now, to: now.addingTimeInterval(-1)),
                   VisitedPlace(place: "Chợ", address: "", from: now.addingTimeInterval(3600), to: now.addingTimeInterval(7200)),
                   VisitedPlace(place: String(repeating: "x", count: 301), address: "", from: now.addingTimeInterval(-60), to: now)]
        for place in bad {
            #expect(throws: DeclarationProblem.placeInvalid(index: 0)) {
                try HealthRules.validate(HealthDeclarationInput(noSymptoms: true, contactWithCase: false, places: [place]), policy: p, now: now)
            }
        }
        let many = Array(repeating: VisitedPlace(place: "Chợ Long Biên", address: "", from: now.addingTimeInterval(-60), to: now), count: 31)
        #expect(throws: DeclarationProblem.tooManyPlaces) {
            try HealthRules.validate(HealthDeclarationInput(noSymptoms: true, contactWithCase: false, places: many), policy: p, now: now)
        }
        let future = TestResult(takenOn: LocalDate.of(now).adding(days: 2), kind: .pcr, outcome: .negative)
        #expect(throws: DeclarationProblem.testInFuture) {
            try HealthRules.validate(HealthDeclarationInput(noSymptoms: true, contactWithCase: false, test: future), policy: p, now: now)
        }
    }

    @Test func outbreakMatchingIgnoresAccentsCaseAndPunctuation() {
        let t0 = now, hour: TimeInterval = 3600
        let announced = OutbreakPlace(id: "1", place: "Chợ Long Biên", address: "Số 1 Hàng Đậu, Ba Đình, Hà Nội", from: t0, to: t0 + 4 * hour)
        func visit(_ place: String, _ address: String = "", _ from: TimeInterval = hour, _ to: TimeInterval = 2 * hour) -> VisitedPlace {
            VisitedPlace(place: place, address: address, from: t0 + from, to: t0 + to)
        }
        #expect(OutbreakMatching.matches(visit("cho long bien"), announced))
        #expect(OutbreakMatching.matches(visit("Đi CHỢ LONG-BIÊN buổi sáng"), announced))
        #expect(OutbreakMatching.matches(visit("nhà bạn", "so 1 hang dau, ba dinh, ha noi"), announced))
        #expect(OutbreakMatching.matches(visit("nhà bạn", "Số 1 Hàng Đậu"), announced))
        // Other words, a word inside another, too short to say anything, or another time.
        #expect(!OutbreakMatching.matches(visit("Chợ Long Biênh"), announced))
        #expect(!OutbreakMatching.matches(visit("Chợ"), announced))
        #expect(!OutbreakMatching.matches(visit("x", "Hà Nội"), announced))
        #expect(!OutbreakMatching.matches(visit("Chợ Long Biên", "", 5 * hour, 6 * hour), announced))
        #expect(OutbreakMatching.matches(visit("Chợ Long Biên", "", -hour, 0), announced))
        let short = OutbreakPlace(id: "2", place: "Chợ", address: "", from: t0, to: t0 + hour)
        #expect(!OutbreakMatching.matches(visit("Chợ"), short))
    }

    /// Time overlap is symmetric and a random visit never matches a place it does not overlap.
    @Test func outbreakMatchingProperty() {
        var rng = SystemRandomNumberGenerator()
        let names = ["Chợ Long Biên", "Bệnh viện Bạch Mai", "Siêu thị Vinmart 12 Phố Huế", "Quán phở Thìn"]
        for _ in 0..<3_000 {
            let a = TimeInterval(Int.random(in: 0..<100, using: &rng)) * 600, b = a + TimeInterval(Int.random(in: 0..<20, using: &rng)) * 600
            let c = TimeInterval(Int.random(in: 0..<100, using: &rng)) * 600, d = c + TimeInterval(Int.random(in: 0..<20, using: &rng)) * 600
            let name = names.randomElement(using: &rng)!
            let place = OutbreakPlace(id: "p", place: name, address: "", from: now + a, to: now + b)
            let v = VisitedPlace(place: Bool.random(using: &rng) ? name.uppercased() : VietnameseText.fold(name), address: "", from: now + c, to: now + d)
            let overlap = OutbreakMatching.overlaps((now + a, now + b), (now + c, now + d))
            #expect(overlap == OutbreakMatching.overlaps((now + c, now + d), (now + a, now + b)))
            #expect(OutbreakMatching.matches(v, place) == overlap)
        }
    }

    @Test func contactsShareUnitDayAndShift() {
        let day = LocalDate("2026-03-02")!
        let s = day.start
        func span(_ p: String, _ u: String, _ shift: Shift = .morning, _ from: Double, _ to: Double?, _ d: LocalDate? = nil) -> PresenceSpan {
            PresenceSpan(person: p, unit: u, date: d ?? day, shift: shift, from: s + from * 3600, to: to.map { s + $0 * 3600 })
        }
        let cases = [span("case", "u1", .morning, 8, 10)]
        let others = [span("a", "u1", .morning, 9, 11), span("b", "u1", .morning, 10.5, nil), span("c", "u2", .morning, 8, 10),
                      span("d", "u1", .afternoon, 13, 17), span("e", "u1", .morning, 8, 9, day.adding(days: 1)),
                      span("case", "u1", .morning, 8, 10), span("a", "u1", .morning, 7, 8.5)]
        let found = ContactTracing.contacts(of: cases, among: others)
        #expect(found.map(\.person) == ["a", "b"])
        #expect(found[0].overlapMinutes == 60)
        #expect(found[1].overlapMinutes == 0)
    }

    /// Over random registers: a contact is exactly a person other than the case sharing a
    /// unit, day and shift with one of the case's stays, listed once per day and shift.
    @Test func contactsProperty() {
        var rng = SystemRandomNumberGenerator()
        let day = LocalDate("2026-03-02")!
        for _ in 0..<300 {
            var all: [PresenceSpan] = []
            for _ in 0..<Int.random(in: 1..<60, using: &rng) {
                let d = day.adding(days: Int.random(in: 0..<3, using: &rng))
                let from = d.start + TimeInterval(Int.random(in: 7...16, using: &rng)) * 3600
                all.append(PresenceSpan(person: "p\(Int.random(in: 0..<8, using: &rng))", unit: "u\(Int.random(in: 0..<3, using: &rng))",
                                        date: d, shift: Bool.random(using: &rng) ? .morning : .afternoon, from: from,
                                        to: Bool.random(using: &rng) ? from + 3600 : nil))
            }
            let cases = all.filter { $0.person == "p0" }
            let found = ContactTracing.contacts(of: cases, among: all)
            let expected = Set(all.filter { o in o.person != "p0" && cases.contains { $0.unit == o.unit && $0.date == o.date && $0.shift == o.shift } }
                .map { "\($0.person)|\($0.date.value)|\($0.shift)" })
            #expect(Set(found.map { "\($0.person)|\($0.date.value)|\($0.shift)" }) == expected)
            #expect(found.count == expected.count)
            #expect(found.allSatisfy { $0.overlapMinutes >= 0 })
        }
    }
}
