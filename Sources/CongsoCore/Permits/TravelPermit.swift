import Crypto
import Foundation

/// What a travel permit (giấy đi đường) says, as carried under CWT claim -65537.
public struct PermitContent: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    /// Only the last 4 digits of the ID number travel in clear.
    public var idNumber: String
    public var org: String
    public var purpose: String
    public var from: String
    public var to: String
    public var plate: String?
    public var validFrom: LocalDate
    public var validUntil: LocalDate

    public init(id: String, name: String, idNumber: String, org: String, purpose: String, from: String, to: String,
                plate: String?, validFrom: LocalDate, validUntil: LocalDate) {
        self.id = id
        self.name = name
        self.idNumber = Self.mask(idNumber)
        self.org = org
        self.purpose = purpose
        self.from = from
        self.to = to
        self.plate = plate
        self.validFrom = validFrom
        self.validUntil = validUntil
    }

    /// "001203004567" → "********4567".
    public static func mask(_ idNumber: String) -> String {
        let digits = idNumber.filter(\.isNumber)
        guard digits.count > 4 else { return digits }
        return String(repeating: "*", count: digits.count - 4) + digits.suffix(4)
    }

    var cbor: CBOR {
        var pairs: [(CBOR, CBOR)] = [
            (.text("id"), .text(id)), (.text("name"), .text(name)), (.text("idNumber"), .text(idNumber)),
            (.text("org"), .text(org)), (.text("purpose"), .text(purpose)), (.text("from"), .text(from)), (.text("to"), .text(to)),
        ]
        if let plate, !plate.isEmpty { pairs.append((.text("plate"), .text(plate))) }
        pairs += [(.text("validFrom"), .text(validFrom.value)), (.text("validUntil"), .text(validUntil.value))]
        return .map(pairs)
    }

    init?(_ c: CBOR) {
        func text(_ k: String) -> String? { c[.text(k)]?.textValue }
        guard let id = text("id"), let name = text("name"), let idNumber = text("idNumber"), let org = text("org"),
              let purpose = text("purpose"), let from = text("from"), let to = text("to"),
              let vf = text("validFrom").flatMap(LocalDate.init), let vu = text("validUntil").flatMap(LocalDate.init) else { return nil }
        self.id = id; self.name = name; self.idNumber = idNumber; self.org = org; self.purpose = purpose
        self.from = from; self.to = to; self.plate = text("plate"); self.validFrom = vf; self.validUntil = vu
    }
}

/// The VNP1 format (docs/permit-format.md): CWT claims in a COSE_Sign1 signed with
/// ES256, zlib, base45, and the prefix "VNP1:".
public enum PermitCodec {
    public static let prefix = "VNP1:"
    public static let permitClaim = -65537
    /// Longest string accepted before any decoding work (a QR code holds far less).
    public static let maxLength = 4_096

    public struct Claims: Equatable, Sendable {
        public let issuer: String
        public let issuedAt: Date
        public let notBefore: Date
        public let expires: Date
        public let permit: PermitContent
    }

    /// The instants a permit's local validity dates cover in Hanoi.
    public static func window(_ p: PermitContent) -> (Date, Date) {
        (p.validFrom.start, p.validUntil.adding(days: 1).start.addingTimeInterval(-1))
    }

    public static func issue(_ permit: PermitContent, issuer: String, at now: Date, key: P256.Signing.PrivateKey) throws -> String {
        let (nbf, exp) = window(permit)
        let claims = CBOR.map([
            (.int(1), .text(issuer)), (.int(6), .int(Int(now.timeIntervalSince1970))),
            (.int(5), .int(Int(nbf.timeIntervalSince1970))), (.int(4), .int(Int(exp.timeIntervalSince1970))),
            (.int(permitClaim), permit.cbor),
        ])
        let cose = try COSESign1.sign(payload: claims.encoded(), with: key)
        return prefix + Base45.encode(Zlib.compress(cose))
    }

    public enum Failure: Error, Equatable, Sendable {
        case malformed, unknownKey, badSignature, notYetValid, expired, revoked

        public var code: String {
            switch self {
            case .malformed: "permit.malformed"
            case .unknownKey: "permit.unknown_key"
            case .badSignature: "permit.bad_signature"
            case .notYetValid: "permit.not_yet_valid"
            case .expired: "permit.expired"
            case .revoked: "permit.revoked"
            }
        }
    }

    /// Checks everything offline: format, key, signature, time window, revocation.
    /// Never traps, whatever the input.
    public static func verify(_ text: String, trust: [[UInt8]: P256.Signing.PublicKey], revokedIDHashes: Set<String> = [],
                              at now: Date) -> Result<Claims, Failure> {
        guard text.utf8.count <= maxLength, text.hasPrefix(prefix) else { return .failure(.malformed) }
        let body = String(text.dropFirst(prefix.count))
        guard let compressed = try? Base45.decode(body), let coseBytes = try? Zlib.decompress(compressed),
              let cose = try? COSESign1.parse(coseBytes) else { return .failure(.malformed) }
        guard let key = trust[cose.kid] else { return .failure(.unknownKey) }
        guard cose.isSigned(by: key) else { return .failure(.badSignature) }
        guard let map = try? CBOR.decode(cose.payload), let iss = map[.int(1)]?.textValue,
              let iat = map[.int(6)]?.intValue, let nbf = map[.int(5)]?.intValue, let exp = map[.int(4)]?.intValue,
              let permitCBOR = map[.int(permitClaim)], let permit = PermitContent(permitCBOR) else { return .failure(.malformed) }
        let claims = Claims(issuer: iss, issuedAt: Date(timeIntervalSince1970: Double(iat)), notBefore: Date(timeIntervalSince1970: Double(nbf)),
                            expires: Date(timeIntervalSince1970: Double(exp)), permit: permit)
        if !revokedIDHashes.isEmpty, revokedIDHashes.contains(idHash(permit.id)) { return .failure(.revoked) }
        if now < claims.notBefore { return .failure(.notYetValid) }
        if now > claims.expires { return .failure(.expired) }
        return .success(claims)
    }

    /// How a revoked permit id is published: hex SHA-256, so the list names nobody.
    public static func idHash(_ id: String) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in SHA256.hash(data: Data(id.utf8)) { out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 0x0F)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The trust list as a JWKS (RFC 7517).
public enum JWKS {
    public struct Key: Codable, Equatable, Sendable {
        public let kty: String
        public let crv: String
        public let x: String
        public let y: String
        public let kid: String
        public let alg: String
    }
    public struct Set: Codable, Equatable, Sendable {
        public let keys: [Key]
        public init(keys: [Key]) { self.keys = keys }
    }

    public static func base64url(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func unbase64url(_ s: String) -> [UInt8]? {
        var t = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while t.count % 4 != 0 { t += "=" }
        return Data(base64Encoded: t).map(Array.init)
    }

    public static func key(_ pub: P256.Signing.PublicKey) -> Key {
        let raw = Array(pub.x963Representation)  // 04 ‖ x ‖ y
        return Key(kty: "EC", crv: "P-256", x: base64url(raw[1..<33]), y: base64url(raw[33..<65]),
                   kid: base64url(COSESign1.keyID(pub)), alg: "ES256")
    }

    /// kid → key, for `PermitCodec.verify`. Keys that do not parse are skipped.
    public static func trust(_ set: Set) -> [[UInt8]: P256.Signing.PublicKey] {
        var out: [[UInt8]: P256.Signing.PublicKey] = [:]
        for k in set.keys where k.kty == "EC" && k.crv == "P-256" {
            guard let x = unbase64url(k.x), let y = unbase64url(k.y), x.count == 32, y.count == 32,
                  let pub = try? P256.Signing.PublicKey(x963Representation: [0x04] + x + y) else { continue }
            out[COSESign1.keyID(pub)] = pub
        }
        return out
    }
}
