import Crypto
import Foundation

/// The list of revoked permits (SHA-256 of their ids), signed as a COSE_Sign1 with a
/// trust-list key so that a copy fetched from anywhere can be trusted offline.
public enum RevocationList {
    public struct Document: Codable, Equatable, Sendable {
        public let issuedAt: Date
        public let revoked: [String]
        /// base64url of the COSE_Sign1 whose payload is {"iat": seconds, "revoked": [hex…]}.
        public let signed: String
    }

    public static func sign(_ hashes: [String], at now: Date, key: P256.Signing.PrivateKey) throws -> Document {
        let sorted = hashes.sorted()
        let payload = CBOR.map([(.text("iat"), .int(Int(now.timeIntervalSince1970))), (.text("revoked"), .array(sorted.map(CBOR.text)))])
        let cose = try COSESign1.sign(payload: payload.encoded(), with: key)
        return Document(issuedAt: Date(timeIntervalSince1970: Double(Int(now.timeIntervalSince1970))), revoked: sorted, signed: JWKS.base64url(cose))
    }

    public enum Failure: Error, Equatable, Sendable { case malformed, unknownKey, badSignature }

    /// The revoked hashes, taken from the signed part only.
    public static func verify(_ doc: Document, trust: [[UInt8]: P256.Signing.PublicKey]) -> Result<Set<String>, Failure> {
        guard let bytes = JWKS.unbase64url(doc.signed), let cose = try? COSESign1.parse(bytes) else { return .failure(.malformed) }
        guard let key = trust[cose.kid] else { return .failure(.unknownKey) }
        guard cose.isSigned(by: key) else { return .failure(.badSignature) }
        guard let map = try? CBOR.decode(cose.payload), case .array(let items)? = map[.text("revoked")] else { return .failure(.malformed) }
        return .success(Set(items.compactMap(\.textValue)))
    }
}
