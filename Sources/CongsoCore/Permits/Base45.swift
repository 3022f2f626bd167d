/// Base45 (RFC 9285), the QR-alphanumeric-friendly encoding of EU DCC-style payloads.
public enum Base45 {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)
    static let values: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = Int8(i) }
        return t
    }()

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 3 / 2 + 2)
        var i = 0
        while i + 1 < bytes.count {
            var n = Int(bytes[i]) * 256 + Int(bytes[i + 1])
            let c = n % 45; n /= 45
            let d = n % 45; n /= 45
            out.append(alphabet[c]); out.append(alphabet[d]); out.append(alphabet[n])
            i += 2
        }
        if i < bytes.count {
            let n = Int(bytes[i])
            out.append(alphabet[n % 45]); out.append(alphabet[n / 45])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public enum DecodeError: Error, Equatable, Sendable { case badCharacter, badLength, overflow }

    public static func decode(_ text: String) throws(DecodeError) -> [UInt8] {
        let chars = Array(text.utf8)
        guard chars.count % 3 != 1 else { throw .badLength }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count * 2 / 3)
        var i = 0
        func value(_ c: UInt8) throws(DecodeError) -> Int {
            let v = values[Int(c)]
            guard v >= 0 else { throw .badCharacter }
            return Int(v)
        }
        while i < chars.count {
            if i + 2 < chars.count {
                let n = try value(chars[i]) + value(chars[i + 1]) * 45 + value(chars[i + 2]) * 2025
                guard n <= 0xFFFF else { throw .overflow }
                out.append(UInt8(n >> 8)); out.append(UInt8(n & 0xFF))
                i += 3
            } else {
                let n = try value(chars[i]) + value(chars[i + 1]) * 45
                guard n <= 0xFF else { throw .overflow }
                out.append(UInt8(n))
                i += 2
            }
        }
        return out
    }
}
