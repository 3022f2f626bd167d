import CongsoCore
import Fluent
import Vapor

struct PermitDTO: Content {
    let id: UUID
    let number: String
    let staffId: UUID
    let holderName: String
    let idNumber: String
    let purpose: String
    let from: String
    let to: String
    let plate: String
    let validFrom: String
    let validUntil: String
    let status: Permit.Status
    let token: String?
    let kid: String?
    let approvedBy: String?
    let revokeReason: String

    init(_ p: Permit) {
        id = p.id!
        number = p.number
        staffId = p.staffID
        holderName = p.holderName
        idNumber = PermitContent.mask(p.idNumber)
        purpose = p.purpose
        from = p.fromAddress
        to = p.toAddress
        plate = p.plate
        validFrom = p.validFrom
        validUntil = p.validUntil
        status = p.status
        token = p.token
        kid = p.kid
        approvedBy = p.approvedBy
        revokeReason = p.revokeReason
    }
}

struct PermitBatch: Content { var items: [PermitService.Input] }
struct PermitIDs: Content { var ids: [UUID] }
struct RevokeBody: Content { var reason: String? }
struct VerifyBody: Content { var token: String? }

struct VerifyResultDTO: Content {
    let valid: Bool
    let reason: String?
    let message: String
    let issuer: String?
    let permit: PermitContent?
    let notBefore: Date?
    let expires: Date?
}

enum PermitAPI {
    static func register(_ api: any RoutesBuilder) {
        let p = api.grouped("permits")
        p.get(use: list)
        p.post(use: create)
        p.post("approve", use: approveMany)
        p.get("trust-list", use: trustList)
        p.get("revocations", use: revocations)
        p.post("verify", use: verify)
        p.get(":id", use: show)
        p.post(":id", "approve", use: approve)
        p.post(":id", "revoke", use: revoke)
    }

    @Sendable static func list(req: Request) async throws -> ListResponse<PermitDTO> {
        let actor = try req.requireActor()
        let paged = try await PermitService.list(under: try await req.orgFilter(actor), status: req.query[String.self, at: "status"],
                                                 actor: actor, page: try PageRequest(req), on: req.db)
        return ListResponse(paged.map(PermitDTO.init))
    }

    /// One permit request, or many as {"items": [...]}.
    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let inputs: [PermitService.Input]
        if let batch = try? req.content.decode(PermitBatch.self) { inputs = batch.items } else { inputs = [try req.content.decode(PermitService.Input.self)] }
        let permits = try await PermitService.request(inputs, actor: actor, on: req.db)
        if permits.count == 1, (try? req.content.decode(PermitBatch.self)) == nil {
            return try await PermitDTO(permits[0]).encodeResponse(status: .created, for: req)
        }
        return try await ListResponse(Paged(items: permits.map(PermitDTO.init), total: permits.count,
                                            page: PageRequest(page: 1, per: max(1, min(200, permits.count))))).encodeResponse(status: .created, for: req)
    }

    @Sendable static func show(req: Request) async throws -> PermitDTO {
        PermitDTO(try await PermitService.find(try req.idParameter(), actor: try req.requireActor(), on: req.db))
    }

    @Sendable static func approve(req: Request) async throws -> PermitDTO {
        PermitDTO(try await PermitService.approve([try req.idParameter()], actor: try req.requireActor(), dataDirectory: req.application.dataDirectory, on: req.db)[0])
    }

    @Sendable static func approveMany(req: Request) async throws -> ListResponse<PermitDTO> {
        let body = try req.content.decode(PermitIDs.self)
        let permits = try await PermitService.approve(body.ids, actor: try req.requireActor(), dataDirectory: req.application.dataDirectory, on: req.db)
        return ListResponse(Paged(items: permits.map(PermitDTO.init), total: permits.count, page: PageRequest(page: 1, per: max(1, min(200, permits.count)))))
    }

    @Sendable static func revoke(req: Request) async throws -> PermitDTO {
        let actor = try req.requireActor()
        let p = try await PermitService.find(try req.idParameter(), actor: actor, on: req.db)
        let body = try req.content.decode(RevokeBody.self)
        return PermitDTO(try await PermitService.revoke(p, reason: body.reason ?? "", actor: actor, on: req.db))
    }

    /// Public: the keys that verify permits, as a JWKS.
    @Sendable static func trustList(req: Request) async throws -> Response {
        let set = try await PermitKeys.trustList(on: req.db)
        let response = Response(status: .ok, body: .init(data: try JSONEncoder().encode(set)))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return response
    }

    /// Public: revoked permit ids (SHA-256), signed with a trust-list key.
    @Sendable static func revocations(req: Request) async throws -> Response {
        let doc = try await PermitService.revocations(dataDirectory: req.application.dataDirectory, trust: req.application.permitTrust, on: req.db)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let response = Response(status: .ok, body: .init(data: try encoder.encode(doc)))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=60")
        return response
    }

    static func result(_ r: Result<PermitCodec.Claims, PermitCodec.Failure>, _ req: Request) -> VerifyResultDTO {
        switch r {
        case .success(let c):
            VerifyResultDTO(valid: true, reason: nil, message: req.t("verify_valid"), issuer: c.issuer, permit: c.permit,
                            notBefore: c.notBefore, expires: c.expires)
        case .failure(let f):
            VerifyResultDTO(valid: false, reason: f.code, message: req.t("err." + f.code), issuer: nil, permit: nil, notBefore: nil, expires: nil)
        }
    }

    /// Public: verifies a VNP1 string as a checkpoint would.
    @Sendable static func verify(req: Request) async throws -> VerifyResultDTO {
        let body = try req.content.decode(VerifyBody.self)
        return result(try await PermitService.verify(body.token ?? "", trust: req.application.permitTrust, on: req.db), req)
    }
}
