import CongsoCore
@testable import CongsoServer
import Crypto
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Keys go to a temporary data directory shared by these tests.
let permitKeyDir: Void = {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("congso-test-keys-\(getpid())").path
    setenv("CONGSO_DATA_DIR", dir, 1)
}()

@Suite struct PermitServerTests {
    init() { _ = permitKeyDir }

    func requestMany(_ app: Application, _ token: String, people: [StaffMember], days: Int = 14) async throws -> [PermitDTO] {
        let today = LocalDate.of(Date())
        let items = people.enumerated().map { i, p in
            PermitService.Input(staffId: p.id, idNumber: "0012030045\(String(format: "%02d", i % 100))", purpose: "Trực cơ quan",
                                from: "Số \(i) ngõ 2 Trương Định", to: "UBND quận Hoàn Kiếm", plate: i % 2 == 0 ? "29B1-123.45" : nil,
                                validFrom: today.value, validUntil: today.adding(days: days).value)
        }
        let res = try await app.send(.POST, "/api/v1/permits", headers: app.bearer(token), json: PermitBatch(items: items))
        #expect(res.status == .created, "\(res.body.string.prefix(300))")
        return try res.content.decode(ListResponse<PermitDTO>.self).items
    }

    @Test func aHeadApprovesFiftyInOneActionAndCheckpointsVerifyThem() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let people = try await f.crowd(app, in: f.hkUnit, count: 50, prefix: "tp")
            let lead = try await app.token("lead.hk@t.vn")
            let head = try await app.token("head.hk@t.vn")
            let requested = try await requestMany(app, lead, people: people)
            #expect(requested.count == 50 && requested.allSatisfy { $0.status.rawValue == "requested" && $0.token == nil })
            #expect(requested[0].idNumber.hasPrefix("********"))
            // The lead cannot approve; the head approves all fifty at once.
            #expect(try await app.send(.POST, "/api/v1/permits/approve", headers: app.bearer(lead), json: PermitIDs(ids: requested.map(\.id))).status == .forbidden)
            let approved = try await app.send(.POST, "/api/v1/permits/approve", headers: app.bearer(head), json: PermitIDs(ids: requested.map(\.id)))
            #expect(approved.status == .ok)
            let issued = try approved.content.decode(ListResponse<PermitDTO>.self).items
            #expect(issued.count == 50 && issued.allSatisfy { $0.status.rawValue == "approved" && $0.token?.hasPrefix("VNP1:") == true })
            #expect(try await app.auditCount(action: "permit.approve") == 50)

            // Offline, with only the published trust list.
            let jwks = try await app.send(.GET, "/api/v1/permits/trust-list")
            let trust = JWKS.trust(try JSONDecoder().decode(JWKS.Set.self, from: Data(buffer: jwks.body)))
            for p in issued { #expect(throws: Never.self) { try PermitCodec.verify(p.token!, trust: trust, at: Date()).get() } }
            // The public endpoint answers the same, with reasons.
            let token = issued[0].token!
            let ok = try await app.send(.POST, "/api/v1/permits/verify", json: ["token": token])
            let okResult = try ok.content.decode(VerifyResultDTO.self)
            #expect(okResult.valid && okResult.permit?.name.hasPrefix("Cán Bộ tp") == true && okResult.permit?.org == "Phòng Nội vụ - Quận Hoàn Kiếm")
            var chars = Array(token)
            let i = chars.count / 2
            chars[i] = chars[i] == "A" ? "B" : "A"
            let tampered = try await app.send(.POST, "/api/v1/permits/verify", json: ["token": String(chars)])
            let reason = try tampered.content.decode(VerifyResultDTO.self).reason
            #expect(reason == "permit.bad_signature" || reason == "permit.malformed")
            let later = try await PermitService.verify(token, at: Date().addingTimeInterval(20 * 86_400), trust: app.permitTrust, on: app.db)
            #expect(later == .failure(.expired))

            // Revoked: everywhere, including from the signed list a checkpoint downloads.
            #expect(try await app.send(.POST, "/api/v1/permits/\(issued[1].id)/revoke", headers: app.bearer(head), json: ["reason": ""]).status == .unprocessableEntity)
            #expect(try await app.send(.POST, "/api/v1/permits/\(issued[1].id)/revoke", headers: app.bearer(head), json: ["reason": "Đổi nơi làm việc"]).status == .ok)
            let revoked = try await app.send(.POST, "/api/v1/permits/verify", json: ["token": issued[1].token!])
            #expect(try revoked.content.decode(VerifyResultDTO.self).reason == "permit.revoked")
            let listRes = try await app.send(.GET, "/api/v1/permits/revocations")
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let doc = try decoder.decode(RevocationList.Document.self, from: Data(buffer: listRes.body))
            let hashes = try RevocationList.verify(doc, trust: trust).get()
            #expect(hashes == [PermitCodec.idHash(issued[1].number)])
            #expect(PermitCodec.verify(issued[1].token!, trust: trust, revokedIDHashes: hashes, at: Date()) == .failure(.revoked))

            // Signed by a key nobody published.
            let stranger = try PermitCodec.issue(PermitContent(id: "X", name: "Giả", idNumber: "000000000000", org: "?", purpose: "?", from: "?", to: "?",
                                                               plate: nil, validFrom: LocalDate.of(Date()), validUntil: LocalDate.of(Date())),
                                                 issuer: "VN", at: Date(), key: P256.Signing.PrivateKey())
            let unknown = try await app.send(.POST, "/api/v1/permits/verify", json: ["token": stranger])
            #expect(try unknown.content.decode(VerifyResultDTO.self).reason == "permit.unknown_key")

            // After a key rotation old permits still verify and new ones use the new key.
            let newKid = try await PermitKeys.rotate(in: app.dataDirectory, on: app.db)
            #expect(try await PermitService.verify(issued[2].token!, trust: app.permitTrust, on: app.db).map(\.permit.id) == .success(issued[2].number))
            let more = try await requestMany(app, lead, people: Array(people.prefix(1)), days: 2)
            let second = try await app.send(.POST, "/api/v1/permits/\(more[0].id)/approve", headers: app.bearer(head))
            #expect(try second.content.decode(PermitDTO.self).kid == newKid)
            let keys = try JSONDecoder().decode(JWKS.Set.self, from: Data(buffer: try await app.send(.GET, "/api/v1/permits/trust-list").body))
            #expect(keys.keys.count == 2)
            let keyFile = PermitKeys.directory(in: app.dataDirectory) + "/" + newKid + ".pem"
            let mode = try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600)
        }
    }

    /// The trust list and revocations stay in memory between verifications, and a change
    /// made by any process (here: a second cache, as another server would hold) is seen by
    /// the next verification.
    @Test func theTrustListIsKeptInMemoryAndFollowsEveryChange() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let people = try await f.crowd(app, in: f.hkUnit, count: 3, prefix: "tc")
            let head = try await app.token("head.hk@t.vn")
            let requested = try await requestMany(app, try await app.token("lead.hk@t.vn"), people: people)
            let issued = try await app.send(.POST, "/api/v1/permits/approve", headers: app.bearer(head), json: PermitIDs(ids: requested.map(\.id)))
                .content.decode(ListResponse<PermitDTO>.self).items
            let here = PermitTrust(), elsewhere = PermitTrust()
            for p in issued { #expect(try await PermitService.verify(p.token!, trust: here, on: app.db).map(\.permit.id) == .success(p.number)) }
            #expect(await here.reloads == 1)
            // Revoked through the API (another process, as far as these caches know).
            #expect(try await app.send(.POST, "/api/v1/permits/\(issued[0].id)/revoke", headers: app.bearer(head), json: ["reason": "Thu hồi"]).status == .ok)
            #expect(try await PermitService.verify(issued[0].token!, trust: here, on: app.db) == .failure(.revoked))
            #expect(try await PermitService.verify(issued[0].token!, trust: elsewhere, on: app.db) == .failure(.revoked))
            #expect(try await PermitService.verify(issued[1].token!, trust: here, on: app.db).map(\.permit.id) == .success(issued[1].number))
            #expect(await here.reloads == 2)
            // A new signing key: permits it signs verify at once.
            _ = try await PermitKeys.rotate(in: app.dataDirectory, on: app.db)
            let more = try await requestMany(app, try await app.token("lead.hk@t.vn"), people: Array(people.prefix(1)), days: 2)
            let fresh = try await app.send(.POST, "/api/v1/permits/\(more[0].id)/approve", headers: app.bearer(head)).content.decode(PermitDTO.self)
            #expect(try await PermitService.verify(fresh.token!, trust: here, on: app.db).map(\.permit.id) == .success(fresh.number))
            #expect(await here.reloads == 3)
        }
    }

    @Test func permitsStayInsideTheSubtreeAndBadRequestsAreRefused() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let lead = try await app.token("lead.hk@t.vn")
            let staff = try await app.token("staff.hk@t.vn")
            let bd = try await app.token("head.bd@t.vn")
            let today = LocalDate.of(Date())
            let good = PermitService.Input(staffId: f.hkPerson.id, idNumber: "001203004567", purpose: "Trực", from: "A", to: "B",
                                           validFrom: today.value, validUntil: today.adding(days: 3).value)
            #expect(try await app.send(.POST, "/api/v1/permits", headers: app.bearer(staff), json: good).status == .forbidden)
            var bad = good
            bad.idNumber = "12"
            // One bad line in a batch: nothing is written.
            let batch = try await app.send(.POST, "/api/v1/permits", headers: app.bearer(lead), json: PermitBatch(items: [good, bad]))
            #expect(batch.status == .unprocessableEntity)
            #expect(try batch.content.decode(ErrorBody.self).error.code == "permit.id_number_invalid")
            #expect(try await Permit.query(on: app.db).count() == 0)
            var long = good
            long.validUntil = today.adding(days: 60).value
            #expect(try await app.send(.POST, "/api/v1/permits", headers: app.bearer(lead), json: long).status == .unprocessableEntity)
            let created = try await app.send(.POST, "/api/v1/permits", headers: app.bearer(lead), json: good)
            let id = try created.content.decode(PermitDTO.self).id
            #expect(try await app.send(.POST, "/api/v1/permits/\(id)/approve", headers: app.bearer(bd)).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/permits/\(id)", headers: app.bearer(bd)).status == .notFound)
            #expect(try await app.send(.POST, "/api/v1/permits/verify", json: ["token": String(repeating: "VNP1:", count: 5000)]).status == .ok)
        }
    }

    @Test func theWebListsApprovesInBulkPrintsAndVerifies() async throws {
        try await withApp { app in
            let f = try await Fixture.make(app)
            let people = try await f.crowd(app, in: f.hkUnit, count: 3, prefix: "w")
            let lead = try await app.token("lead.hk@t.vn")
            let requested = try await requestMany(app, lead, people: people)
            var s = try await WebSession.signIn(app, "head.hk@t.vn")
            let list = try await s.get("/permits?status=requested")
            #expect(list.body.string.contains("Duyệt và cấp các giấy đã chọn"))
            var form = [String: String]()
            for (i, p) in requested.enumerated() { form["ids[\(i)]"] = p.id.uuidString }
            let res = try await s.post("/permits/approve", form)
            #expect(res.status == .seeOther)
            #expect(res.headers.first(name: .location)?.hasPrefix("/permits/print?ids=") == true)
            let print = try await s.get(res.headers.first(name: .location)!)
            #expect(print.status == .ok)
            #expect(print.body.string.components(separatedBy: "GIẤY ĐI ĐƯỜNG").count - 1 == 3)
            #expect(print.body.string.components(separatedBy: "<svg").count - 1 == 3)
            let token = try #require(try await Permit.query(on: app.db).first()?.token)
            var anon = WebSession(app: app)
            try await anon.loadForm("/verify")
            let verdict = try await anon.post("/verify", ["token": token])
            #expect(verdict.body.string.contains("Giấy hợp lệ"))
            let forged = try await anon.post("/verify", ["token": "VNP1:XYZ"])
            #expect(forged.body.string.contains("Chuỗi không đúng định dạng giấy đi đường"))
        }
    }
}
