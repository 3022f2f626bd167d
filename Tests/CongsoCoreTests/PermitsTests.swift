import Crypto
import Foundation
import Testing
@testable import CongsoCore

@Suite struct PermitTests {
    let key = P256.Signing.PrivateKey()
    let day = LocalDate("2021-09-06")!

    func permit(_ id: String = "P-1") -> PermitContent {
        PermitContent(id: id, name: "Nguyễn Văn An", idNumber: "001203004567", org: "UBND quận Hoàng Mai",
                      purpose: "Trực cơ quan", from: "Số 8 Ngõ 2 Trương Định", to: "UBND quận Hoàng Mai", plate: "29B1-123.45",
                      validFrom: day, validUntil: day.adding(days: 13))
    }
    var trust: [[UInt8]: P256.Signing.PublicKey] { [COSESign1.keyID(key.publicKey): key.publicKey] }
    var midday: Date { day.start.addingTimeInterval(12 * 3600) }

    @Test func base45MatchesTheRFCExamples() throws {
        #expect(Base45.encode(Array("AB".utf8)) == "BB8")
        #expect(Base45.encode(Array("Hello!!".utf8)) == "%69 VD92EX0")
        #expect(Base45.encode(Array("base-45".utf8)) == "UJCLQE7W581")
        #expect(try Base45.decode("QED8WEX0") == Array("ietf!".utf8))
        #expect(throws: Base45.DecodeError.overflow) { try Base45.decode("GGW") }
        #expect(throws: Base45.DecodeError.badCharacter) { try Base45.decode("aaa") }
    }

    @Test func cborRoundTripsAndRefusesLies() throws {
        let v = CBOR.map([(.int(1), .text("VN-HN")), (.int(-65537), .array([.bytes([1, 2]), .bool(true), .null, .int(-300)])),
                          (.int(4), .unsigned(UInt64(1) << 40))])
        #expect(try CBOR.decode(v.encoded()) == v)
        #expect(throws: CBOR.DecodeError.tooLong) { try CBOR.decode([0x9B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) }
        #expect(throws: CBOR.DecodeError.truncated) { try CBOR.decode([0x5A, 0xFF, 0xFF, 0xFF, 0xFF]) }
        #expect(throws: CBOR.DecodeError.tooDeep) { try CBOR.decode([UInt8](repeating: 0x81, count: 40) + [0x00]) }
    }

    @Test func zlibIsBoundedOnInflate() throws {
        let big = [UInt8](repeating: 0, count: 1_000_000)
        let bomb = Zlib.compress(big)
        #expect(bomb.count < 2_000)
        #expect(throws: Zlib.Failure.tooLarge) { try Zlib.decompress(bomb) }
        #expect(try Zlib.decompress(Zlib.compress(Array("xin chào".utf8))) == Array("xin chào".utf8))
    }

    @Test func aPermitVerifiesOnlyWhereItShould() throws {
        let text = try PermitCodec.issue(permit(), issuer: "VN-HN-Q08", at: midday, key: key)
        #expect(text.hasPrefix("VNP1:"))
        #expect(text.dropFirst(5).allSatisfy { "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".contains($0) })
        let ok = try PermitCodec.verify(text, trust: trust, at: midday).get()
        #expect(ok.permit.name == "Nguyễn Văn An" && ok.permit.idNumber == "********4567" && ok.issuer == "VN-HN-Q08")

        #expect(PermitCodec.verify(text, trust: trust, at: day.start.addingTimeInterval(-60)) == .failure(.notYetValid))
        #expect(PermitCodec.verify(text, trust: trust, at: day.adding(days: 14).start.addingTimeInterval(60)) == .failure(.expired))
        #expect(PermitCodec.verify(text, trust: [:], at: midday) == .failure(.unknownKey))
        #expect(PermitCodec.verify(text, trust: trust, revokedIDHashes: [PermitCodec.idHash("P-1")], at: midday) == .failure(.revoked))
        #expect(PermitCodec.verify("HC1:" + text.dropFirst(5), trust: trust, at: midday) == .failure(.malformed))

        // Another key with the same kid (a forger who copied the header) fails the signature.
        let forger = P256.Signing.PrivateKey()
        var cose = try COSESign1.parse(try Zlib.decompress(try Base45.decode(String(text.dropFirst(5)))))
        let claims = CBOR.map([(.int(1), .text("VN-HN-Q08")), (.int(6), .int(0)), (.int(5), .int(0)), (.int(4), .int(Int.max / 2)),
                               (.int(PermitCodec.permitClaim), permit("FORGED").cbor)])
        let protected = CBOR.map([(.int(1), .int(-7)), (.int(4), .bytes(cose.kid))]).encoded()
        let sig = try forger.signature(for: COSESign1.sigStructure(protected: protected, payload: claims.encoded())).rawRepresentation
        let forged = CBOR.tagged(18, .array([.bytes(protected), .map([]), .bytes(claims.encoded()), .bytes(Array(sig))])).encoded()
        #expect(PermitCodec.verify("VNP1:" + Base45.encode(Zlib.compress(forged)), trust: trust, at: midday) == .failure(.badSignature))
        cose = try COSESign1.parse(forged)
        #expect(cose.isSigned(by: forger.publicKey))
    }

    @Test func theTrustListRoundTripsThroughJWKS() throws {
        let set = JWKS.Set(keys: [JWKS.key(key.publicKey)])
        let json = try JSONEncoder().encode(set)
        let back = JWKS.trust(try JSONDecoder().decode(JWKS.Set.self, from: json))
        #expect(back.keys.first == COSESign1.keyID(key.publicKey))
        #expect(set.keys[0].kid.count == 11 && set.keys[0].alg == "ES256")
    }

    /// 100,000 mutated and random strings through verify: none may trap, and none may
    /// pass unless it is the untouched permit.
    @Test func verifySurvivesHostileInput() throws {
        let good = try PermitCodec.issue(permit(), issuer: "VN", at: midday, key: key)
        let original = try PermitCodec.verify(good, trust: trust, at: midday).get()
        var rng = SeededRandom(seed: 45)
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
        var mutated = 0
        for i in 0..<100_000 {
            var s = Array(good)
            switch i % 5 {
            case 0:  // flip characters
                for _ in 0..<Int.random(in: 1...4, using: &rng) { s[Int.random(in: 5..<s.count, using: &rng)] = alphabet.randomElement(using: &rng)! }
            case 1:  // cut
                s = Array(s.prefix(Int.random(in: 0..<s.count, using: &rng)))
            case 2:  // random base45 of random length
                s = Array("VNP1:") + (0..<Int.random(in: 0...600, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            case 3:  // random bytes, valid base45 framing
                let bytes = (0..<Int.random(in: 0...400, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                s = Array("VNP1:" + Base45.encode(i % 10 == 3 ? Zlib.compress(bytes) : bytes))
            default:  // arbitrary unicode and oversize
                s = Array(String(repeating: "Đ", count: Int.random(in: 0...5000, using: &rng)))
            }
            let input = String(s)
            if input != good { mutated += 1 }
            // A mutation may only ever verify to the very same signed content (deflate
            // ignores the padding bits of its last byte, so a few twins exist).
            if case .success(let claims) = PermitCodec.verify(input, trust: trust, at: midday) {
                #expect(claims == original, "a mutated permit verified with other content: \(input.prefix(60))")
            }
        }
        #expect(mutated > 99_000)
    }
}

@Suite struct PermitVectorTests {
    /// The documented test vector (docs/permit-format.md) verifies with its JWKS.
    @Test func theDocumentedVectorVerifies() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("interop/vectors")
        let text = try String(contentsOf: dir.appendingPathComponent("permit-v1.txt"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let jwks = try JSONDecoder().decode(JWKS.Set.self, from: Data(contentsOf: dir.appendingPathComponent("permit-v1-jwks.json")))
        let at = LocalDate("2021-09-10")!.start
        let claims = try PermitCodec.verify(text, trust: JWKS.trust(jwks), at: at).get()
        #expect(claims.issuer == "VN-HN-Q08" && claims.permit.id == "HN-Q08-2021-000123" && claims.permit.plate == "29B1-123.45")
        // The key is the documented one: bytes 1…32.
        let key = try P256.Signing.PrivateKey(rawRepresentation: (1...32).map { UInt8($0) })
        #expect(JWKS.key(key.publicKey) == jwks.keys[0])
        #expect(PermitCodec.verify(text, trust: JWKS.trust(jwks), at: LocalDate("2021-09-21")!.start.addingTimeInterval(3600)) == .failure(.expired))
    }
}
