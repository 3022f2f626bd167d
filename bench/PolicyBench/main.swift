// Resolves the effective policy and on-site cap of every unit of a 5,000-unit tree for
// one day and prints the time. Run: swift run -c release congso-bench-policy
import CongsoCore
import Foundation

let unitsTarget = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 5_000
var rng = SeededRandom(seed: 17)

// A city → 60 departments/districts → wards → units, like Hanoi's, until 5,000 units.
let city = OrgPath.root("city")
var parents: [OrgPath] = []
for i in 0..<60 { parents.append(city.child("d\(i)")) }
var wards: [OrgPath] = []
for (i, d) in parents.enumerated() where i >= 21 { for w in 0..<15 { wards.append(d.child("w\(w)")) } }
var units: [(OrgPath, Int)] = []
var n = 0
while units.count < unitsTarget {
    let parent = n % 3 == 0 ? parents[n % parents.count] : wards[n % wards.count]
    units.append((parent.child("u\(n)"), Int.random(in: 1...40, using: &rng)))
    n += 1
}

// Directives at every level: the national one, the city's, a few per district, some per unit.
let from = LocalDate("2021-07-01")!
var directives = [
    DirectiveInForce(id: "16", number: "16/CT-TTg", scope: city, effectiveFrom: LocalDate("2020-03-31")!, effectiveTo: nil,
                     rules: DirectiveRules(maxOnSiteShare: Fraction(1, 3), meetingMaxInPerson: 2, meetingSpacingMeters: 2)),
    DirectiveInForce(id: "17", number: "17/CT-UBND", scope: city, effectiveFrom: LocalDate("2021-07-24")!, effectiveTo: nil,
                     rules: DirectiveRules(maxOnSiteShare: Fraction(1, 2), minOnDutyPerShift: 1,
                                           allowedReasons: ExemptionReason.allCases, leaveCityNeedsApproval: true)),
]
for (i, d) in parents.enumerated() {
    directives.append(DirectiveInForce(id: "d\(i)", number: "\(i)/UBND", scope: d, effectiveFrom: from, effectiveTo: nil,
                                       rules: DirectiveRules(negativeTestRequired: i % 2 == 0 ? true : nil, testValidityHours: i % 2 == 0 ? 72 : nil)))
}
for (i, u) in units.enumerated() where i % 10 == 0 {
    directives.append(DirectiveInForce(id: "u\(i)", number: "u\(i)", scope: u.0, effectiveFrom: from, effectiveTo: nil,
                                       rules: DirectiveRules(minOnDutyPerShift: 2)))
}
let overrides = units.enumerated().filter { $0.offset % 50 == 0 }.map {
    CapOverride(id: "x\($0.offset)", unit: $0.element.0, maxOnSite: 10, from: from, until: LocalDate("2021-08-30")!)
}
let day = LocalDate("2021-07-26")!

@MainActor func run() -> (Duration, Int) {
    let clock = ContinuousClock()
    var total = 0
    let elapsed = clock.measure {
        let resolver = PolicyResolver(directives: directives, overrides: overrides)
        for (path, staff) in units {
            total &+= resolver.resolve(path, on: day).cap(staffCount: staff).value
        }
    }
    return (elapsed, total)
}

_ = run()  // warm up
var best = Duration.seconds(1000)
var checksum = 0
for _ in 0..<20 {
    let (t, c) = run()
    best = min(best, t)
    checksum = c
}
let ms = Double(best.components.attoseconds) / 1e15 + Double(best.components.seconds) * 1000
print("policy: \(units.count) units, \(directives.count) directives, \(overrides.count) exceptions; resolve + cap for one day: \(String(format: "%.2f", ms)) ms (best of 20; target ≤ 50 ms); sum of caps \(checksum)")
