/// An exact share such as 1/2 or 1/3: caps are computed without floating point, so
/// floor(1/3 × 9) is 3 and never 2.9999.
public struct Fraction: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let numerator: Int
    public let denominator: Int

    public init?(_ numerator: Int, _ denominator: Int) {
        guard denominator > 0, numerator >= 0, numerator <= denominator else { return nil }
        let g = Self.gcd(numerator, denominator)
        self.numerator = g == 0 ? 0 : numerator / g
        self.denominator = g == 0 ? 1 : denominator / g
    }

    /// Parses "1/3", "0.5" or "50%".
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let slash = t.firstIndex(of: "/") {
            guard let n = Int(t[..<slash].trimmingCharacters(in: .whitespaces)),
                  let d = Int(t[t.index(after: slash)...].trimmingCharacters(in: .whitespaces)) else { return nil }
            self.init(n, d)
        } else if t.hasSuffix("%"), let p = Int(t.dropLast().trimmingCharacters(in: .whitespaces)) {
            self.init(p, 100)
        } else if let v = Double(t), v >= 0, v <= 1 {
            self.init(Int((v * 10_000).rounded()), 10_000)
        } else {
            return nil
        }
    }

    /// floor(share × n), exactly.
    public func floorOf(_ n: Int) -> Int { numerator * n / denominator }

    public var description: String { "\(numerator)/\(denominator)" }

    public static func < (a: Fraction, b: Fraction) -> Bool {
        a.numerator * b.denominator < b.numerator * a.denominator
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}

extension Fraction {
    private enum CodingKeys: String, CodingKey { case numerator, denominator }
    public init(from decoder: any Decoder) throws {
        // Accept "1/3" as well as {"numerator":1,"denominator":3}.
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            guard let f = Fraction(parsing: text) else {
                throw DecodingError.dataCorruptedError(in: single, debugDescription: "not a share between 0 and 1: \(text)")
            }
            self = f
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let f = Fraction(try c.decode(Int.self, forKey: .numerator), try c.decode(Int.self, forKey: .denominator)) else {
            throw DecodingError.dataCorruptedError(forKey: .denominator, in: c, debugDescription: "not a share between 0 and 1")
        }
        self = f
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
