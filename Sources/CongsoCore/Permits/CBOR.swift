import Foundation

/// The subset of CBOR (RFC 8949) that COSE and CWT need: integers, byte and text
/// strings, arrays, maps, tags, booleans and null. Written here because no CBOR package
/// is on the mirror; decoding is bounded (depth, lengths) so hostile input cannot
/// exhaust memory or the stack.
public indirect enum CBOR: Equatable, Sendable {
    case unsigned(UInt64)
    case negative(UInt64)          // the value is -1 - n
    case bytes([UInt8])
    case text(String)
    case array([CBOR])
    case map([(CBOR, CBOR)])
    case tagged(UInt64, CBOR)
    case bool(Bool)
    case null

    public static func int(_ v: Int) -> CBOR { v >= 0 ? .unsigned(UInt64(v)) : .negative(UInt64(-1 - v)) }

    public var intValue: Int? {
        switch self {
        case .unsigned(let u): u <= UInt64(Int.max) ? Int(u) : nil
        case .negative(let n): n <= UInt64(Int.max) ? -1 - Int(n) : nil
        default: nil
        }
    }

    public var textValue: String? { if case .text(let s) = self { s } else { nil } }
    public var bytesValue: [UInt8]? { if case .bytes(let b) = self { b } else { nil } }

    public subscript(key: CBOR) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    public static func == (a: CBOR, b: CBOR) -> Bool {
        switch (a, b) {
        case (.unsigned(let x), .unsigned(let y)), (.negative(let x), .negative(let y)): x == y
        case (.bytes(let x), .bytes(let y)): x == y
        case (.text(let x), .text(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.map(let x), .map(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.tagged(let t, let x), .tagged(let u, let y)): t == u && x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.null, .null): true
        default: false
        }
    }

    // MARK: - Encoding (deterministic: shortest lengths, map order as given)

    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }

    static func head(_ major: UInt8, _ value: UInt64, into out: inout [UInt8]) {
        let m = major << 5
        switch value {
        case 0..<24: out.append(m | UInt8(value))
        case 24..<0x100: out.append(m | 24); out.append(UInt8(value))
        case 0x100..<0x10000: out.append(m | 25); out.append(UInt8(value >> 8)); out.append(UInt8(value & 0xFF))
        case 0x10000..<0x1_0000_0000: out.append(m | 26); for s in stride(from: 24, through: 0, by: -8) { out.append(UInt8((value >> UInt64(s)) & 0xFF)) }
        default: out.append(m | 27); for s in stride(from: 56, through: 0, by: -8) { out.append(UInt8((value >> UInt64(s)) & 0xFF)) }
        }
    }

    public func encode(into out: inout [UInt8]) {
        switch self {
        case .unsigned(let u): Self.head(0, u, into: &out)
        case .negative(let n): Self.head(1, n, into: &out)
        case .bytes(let b): Self.head(2, UInt64(b.count), into: &out); out += b
        case .text(let s): let u = Array(s.utf8); Self.head(3, UInt64(u.count), into: &out); out += u
        case .array(let items): Self.head(4, UInt64(items.count), into: &out); for i in items { i.encode(into: &out) }
        case .map(let pairs): Self.head(5, UInt64(pairs.count), into: &out); for (k, v) in pairs { k.encode(into: &out); v.encode(into: &out) }
        case .tagged(let t, let v): Self.head(6, t, into: &out); v.encode(into: &out)
        case .bool(let b): out.append(b ? 0xF5 : 0xF4)
        case .null: out.append(0xF6)
        }
    }

    // MARK: - Decoding

    public enum DecodeError: Error, Equatable, Sendable {
        case truncated, unsupported(UInt8), tooDeep, tooLong, invalidUTF8, trailingBytes
    }

    /// Decodes exactly one item from `bytes`.
    public static func decode(_ bytes: [UInt8], maxDepth: Int = 16) throws(DecodeError) -> CBOR {
        var reader = Reader(bytes: bytes)
        let value = try reader.item(depth: 0, maxDepth: maxDepth)
        guard reader.offset == bytes.count else { throw .trailingBytes }
        return value
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func byte() throws(DecodeError) -> UInt8 {
            guard offset < bytes.count else { throw .truncated }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func argument(_ info: UInt8) throws(DecodeError) -> UInt64 {
            switch info {
            case 0..<24: return UInt64(info)
            case 24...27:
                let n = 1 << Int(info - 24)
                var v: UInt64 = 0
                for _ in 0..<n { v = (v << 8) | UInt64(try byte()) }
                return v
            default: throw .unsupported(info)  // indefinite lengths are not used by COSE
            }
        }

        mutating func take(_ count: UInt64) throws(DecodeError) -> ArraySlice<UInt8> {
            guard count <= UInt64(bytes.count - offset) else { throw .truncated }
            let n = Int(count)
            defer { offset += n }
            return bytes[offset..<(offset + n)]
        }

        mutating func item(depth: Int, maxDepth: Int) throws(DecodeError) -> CBOR {
            guard depth <= maxDepth else { throw .tooDeep }
            let initial = try byte()
            let major = initial >> 5, info = initial & 0x1F
            switch major {
            case 0: return .unsigned(try argument(info))
            case 1: return .negative(try argument(info))
            case 2: return .bytes(Array(try take(try argument(info))))
            case 3:
                guard let s = String(validating: try take(try argument(info)), as: UTF8.self) else { throw .invalidUTF8 }
                return .text(s)
            case 4:
                let n = try argument(info)
                // Every item takes at least one byte: a count beyond what is left is a lie.
                guard n <= UInt64(bytes.count - offset) else { throw .tooLong }
                var items: [CBOR] = []
                for _ in 0..<n { items.append(try item(depth: depth + 1, maxDepth: maxDepth)) }
                return .array(items)
            case 5:
                let n = try argument(info)
                guard n <= UInt64(bytes.count - offset) / 2 else { throw .tooLong }
                var pairs: [(CBOR, CBOR)] = []
                for _ in 0..<n {
                    let k = try item(depth: depth + 1, maxDepth: maxDepth)
                    pairs.append((k, try item(depth: depth + 1, maxDepth: maxDepth)))
                }
                return .map(pairs)
            case 6: return .tagged(try argument(info), try item(depth: depth + 1, maxDepth: maxDepth))
            default:
                switch initial {
                case 0xF4: return .bool(false)
                case 0xF5: return .bool(true)
                case 0xF6: return .null
                default: throw .unsupported(initial)
                }
            }
        }
    }
}
