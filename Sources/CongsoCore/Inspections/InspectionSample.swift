/// Which units an inspection team visits: a stratified random sample, drawn so that anyone
/// can draw it again and get the same units (docs/inspections.md).
///
/// Strata are (district, last result). Each non-empty stratum gets at least one visit when
/// the sample is large enough; the rest is shared in proportion to the strata's sizes, with
/// units whose last inspection found a violation counted twice (they are checked again
/// sooner), largest remainders first. Inside a stratum the units are shuffled by SplitMix64
/// seeded with the sample's seed and the stratum's name, after sorting them by id, so
/// neither the database's order nor the process matters.
public enum InspectionSample {
    public enum LastResult: String, Codable, CaseIterable, Sendable, Comparable {
        case violation, never, passed
        /// How much a unit of this stratum weighs in the allocation.
        public var weight: Int { self == .violation ? 2 : 1 }
        public static func < (a: Self, b: Self) -> Bool { a.order < b.order }
        var order: Int { switch self { case .violation: 0; case .never: 1; case .passed: 2 } }
    }

    public struct Candidate: Sendable, Equatable {
        public let id: String
        public let district: String
        public let lastResult: LastResult
        public init(id: String, district: String, lastResult: LastResult) {
            self.id = id
            self.district = district
            self.lastResult = lastResult
        }
    }

    public struct Stratum: Sendable, Equatable {
        public let district: String
        public let lastResult: LastResult
        public let population: Int
        public let drawn: Int
    }

    public struct Draw: Sendable, Equatable {
        public let seed: UInt64
        public let size: Int
        public let picked: [Candidate]
        public let strata: [Stratum]
    }

    public static let maxSize = 1_000

    /// Draws `size` units (all of them when fewer exist).
    public static func draw(_ candidates: [Candidate], size: Int, seed: UInt64) -> Draw {
        var seen = Set<String>()
        let unique = candidates.sorted { $0.id < $1.id }.filter { seen.insert($0.id).inserted }
        let n = min(max(size, 0), unique.count)
        var groups: [String: [Candidate]] = [:]
        for c in unique { groups[key(c), default: []].append(c) }
        let keys = groups.keys.sorted { a, b in
            let x = groups[a]![0], y = groups[b]![0]
            return (x.district, x.lastResult) < (y.district, y.lastResult)
        }
        var quota = Dictionary(uniqueKeysWithValues: keys.map { ($0, 0) })
        var left = n
        if n >= keys.count {
            for k in keys { quota[k] = 1 }
            left -= keys.count
        }
        // Largest remainder over weighted room still free in each stratum.
        let weightOf = { (k: String) -> Int in (groups[k]!.count - quota[k]!) * groups[k]![0].lastResult.weight }
        while left > 0 {
            let total = keys.reduce(0) { $0 + weightOf($1) }
            guard total > 0 else { break }
            var shares: [(String, Int, Int)] = []  // key, whole, remainder numerator
            var given = 0
            for k in keys {
                let exact = left * weightOf(k)
                let whole = min(exact / total, groups[k]!.count - quota[k]!)
                shares.append((k, whole, exact % total))
                given += whole
            }
            for (k, whole, _) in shares { quota[k]! += whole }
            left -= given
            if left > 0 {
                // One more to each of the largest remainders that still has room, ties by order.
                let order = shares.enumerated().sorted { a, b in a.element.2 != b.element.2 ? a.element.2 > b.element.2 : a.offset < b.offset }
                for (_, s) in order where left > 0 && quota[s.0]! < groups[s.0]!.count {
                    quota[s.0]! += 1
                    left -= 1
                }
            }
        }
        var picked: [Candidate] = []
        var strata: [Stratum] = []
        for k in keys {
            var rng = SeededRandom(seed: seed ^ fnv1a(k))
            var members = groups[k]!
            // Fisher–Yates with an unbiased bounded draw of our own (stable across Swift versions).
            if members.count > 1 {
                for i in stride(from: members.count - 1, to: 0, by: -1) {
                    members.swapAt(i, Int(bounded(&rng, UInt64(i + 1))))
                }
            }
            let q = quota[k]!
            picked += members.prefix(q)
            strata.append(Stratum(district: members[0].district, lastResult: members[0].lastResult, population: members.count, drawn: q))
        }
        return Draw(seed: seed, size: n, picked: picked, strata: strata)
    }

    static func key(_ c: Candidate) -> String { c.district + "\u{1F}" + c.lastResult.rawValue }

    /// FNV-1a over UTF-8: a hash that is the same in every process (Swift's `Hasher` is not).
    public static func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// A uniform integer in 0..<n by rejection.
    static func bounded(_ rng: inout SeededRandom, _ n: UInt64) -> UInt64 {
        let limit = UInt64.max - UInt64.max % n
        while true {
            let x = rng.next()
            if x < limit { return x % n }
        }
    }
}
