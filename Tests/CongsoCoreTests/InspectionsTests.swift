import CongsoCore
import Foundation
import Testing

/// The stratified sample as properties: reproducible, the asked size, every stratum seen,
/// no unit twice, violations sampled more, and the violation's moves.
@Suite struct InspectionsTests {
    func population(_ rng: inout SeededRandom, districts: Int, units: Int) -> [InspectionSample.Candidate] {
        (0..<units).map { i in
            InspectionSample.Candidate(id: String(format: "u%05d", i), district: "Q\(Int.random(in: 0..<districts, using: &rng))",
                                       lastResult: InspectionSample.LastResult.allCases.randomElement(using: &rng)!)
        }
    }

    @Test func sampleIsReproducibleSizedAndCoversStrata() {
        var rng = SeededRandom(seed: 5)
        for _ in 0..<150 {
            let units = population(&rng, districts: Int.random(in: 1...6, using: &rng), units: Int.random(in: 0...120, using: &rng))
            let size = Int.random(in: -2...140, using: &rng)
            let seed = rng.next()
            let a = InspectionSample.draw(units, size: size, seed: seed)
            // Another order of the same units draws the same sample.
            let b = InspectionSample.draw(units.shuffled(using: &rng), size: size, seed: seed)
            #expect(a == b)
            #expect(a.picked.count == min(max(size, 0), units.count))
            #expect(Set(a.picked.map(\.id)).count == a.picked.count)
            #expect(a.strata.reduce(0) { $0 + $1.drawn } == a.picked.count)
            for s in a.strata { #expect(s.drawn <= s.population) }
            if a.picked.count >= a.strata.count { #expect(a.strata.allSatisfy { $0.drawn >= 1 }) }
        }
    }

    @Test func anotherSeedDrawsAnotherSampleAndViolationsWeighMore() {
        let units = (0..<400).map { i in
            InspectionSample.Candidate(id: "u\(i)", district: "Q1", lastResult: i < 200 ? .violation : .passed)
        }
        let a = InspectionSample.draw(units, size: 60, seed: 1), b = InspectionSample.draw(units, size: 60, seed: 2)
        #expect(a.picked != b.picked)
        let v = a.strata.first { $0.lastResult == .violation }!.drawn, p = a.strata.first { $0.lastResult == .passed }!.drawn
        #expect(v == 40 && p == 20)
    }

    @Test func violationMoves() {
        #expect(ViolationStatus.open.after(.answer) == .answered)
        #expect(ViolationStatus.answered.after(.close) == .closed)
        #expect(ViolationStatus.closed.after(.answer) == nil)
        #expect(ViolationStatus.closed.after(.reopen) == .open)
        #expect(ViolationStatus.open.after(.reopen) == nil)
    }
}
