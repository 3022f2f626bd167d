import Crypto
import Foundation

/// COSE_Sign1 (RFC 9052, tag 18) with ES256 over P-256. The protected header carries
/// alg (1) = -7 and kid (4); the signature is r‖s, 64 bytes.
public enum COSESign1 {
    public static let tag: UInt64 = 18

    /// The key id: the first 8 bytes of the SHA-256 of the key's SubjectPublicKeyInfo (DER).
    public static func keyID(_ key: P256.Signing.PublicKey) -> [UInt8] {
        Array(SHA256.hash(data: key.derRepresentation).prefix(8))
    }

    /// ["Signature1", protected, h'', payload], written straight into one buffer.
    static func sigStructure(protected: [UInt8], payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x84, 0x6A]
        out.reserveCapacity(payload.count + protected.count + 24)
        out += "Signature1".utf8
        CBOR.head(2, UInt64(protected.count), into: &out)
        out += protected
        out.append(0x40)
        CBOR.head(2, UInt64(payload.count), into: &out)
        out += payload
        return out
    }

    public static func sign(payload: [UInt8], with key: P256.Signing.PrivateKey) throws -> [UInt8] {
        let kid = keyID(key.publicKey)
        let protected = CBOR.map([(.int(1), .int(-7)), (.int(4), .bytes(kid))]).encoded()
        let signature = try key.signature(for: sigStructure(protected: protected, payload: payload)).rawRepresentation
        return CBOR.tagged(tag, .array([.bytes(protected), .map([]), .bytes(payload), .bytes(Array(signature))])).encoded()
    }

    public struct Parsed: Sendable {
        public let kid: [UInt8]
        public let payload: [UInt8]
        let protected: [UInt8]
        let signature: [UInt8]

        public func isSigned(by key: P256.Signing.PublicKey) -> Bool {
            guard signature.count == 64, let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: COSESign1.sigStructure(protected: protected, payload: payload))
        }
    }

    public enum ParseError: Error, Equatable, Sendable { case malformed(String) }

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> Parsed {
        let item: CBOR
        do { item = try CBOR.decode(bytes) } catch { throw .malformed("cbor") }
        // The tag is recommended, not required: accept both.
        let body: CBOR
        if case .tagged(let t, let inner) = item { guard t == tag else { throw .malformed("tag") }; body = inner } else { body = item }
        guard case .array(let parts) = body, parts.count == 4, let protected = parts[0].bytesValue,
              let payload = parts[2].bytesValue, let signature = parts[3].bytesValue else { throw .malformed("structure") }
        let header: CBOR
        do { header = protected.isEmpty ? .map([]) : try CBOR.decode(protected) } catch { throw .malformed("header") }
        guard header[.int(1)]?.intValue == -7 else { throw .malformed("alg") }
        guard let kid = header[.int(4)]?.bytesValue ?? parts[1][.int(4)]?.bytesValue else { throw .malformed("kid") }
        return Parsed(kid: kid, payload: payload, protected: protected, signature: signature)
    }
}
