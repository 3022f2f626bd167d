import Fluent
import Vapor

struct TokenRequest: Content {
    let email: String
    let password: String
    var name: String?
}

struct TokenResponse: Content { let token: String }

struct TokenDTO: Content {
    let id: UUID
    let name: String
    let createdAt: Date?
    let lastUsedAt: Date?
}

struct MeDTO: Content {
    let id: UUID?
    let email: String
    let displayName: String
    let role: String
    let orgId: UUID?
}

enum AuthAPI {
    static func register(_ api: any RoutesBuilder) {
        api.post("auth", "token", use: issue)
        api.get("me", use: me)
        api.get("tokens", use: listTokens)
        api.delete("tokens", ":id", use: revoke)
    }

    /// Exchanges e-mail and password for a personal API token.
    @Sendable static func issue(req: Request) async throws -> Response {
        let body = try req.content.decode(TokenRequest.self)
        let user = try await SignInGuard.authenticate(email: body.email, password: body.password, address: req.clientAddress,
                                                      on: req.db, passwords: req.password)
        let token = try await UserService.issueToken(for: user, name: body.name ?? "API", via: "api", on: req.db)
        return try await TokenResponse(token: token).encodeResponse(status: .created, for: req)
    }

    @Sendable static func me(req: Request) async throws -> MeDTO {
        let a = try req.requireActor()
        return MeDTO(id: a.userID, email: a.label, displayName: a.displayName, role: a.role.rawValue, orgId: a.orgID)
    }

    @Sendable static func listTokens(req: Request) async throws -> ListResponse<TokenDTO> {
        let a = try req.requireActor()
        let tokens = try await UserToken.query(on: req.db).filter(\.$user.$id == a.userID ?? UUID()).sort(\.$createdAt, .descending).all()
        let items = tokens.map { TokenDTO(id: $0.id!, name: $0.name, createdAt: $0.createdAt, lastUsedAt: $0.lastUsedAt) }
        return ListResponse(Paged(items: items, total: items.count, page: PageRequest(page: 1, per: max(1, items.count))))
    }

    @Sendable static func revoke(req: Request) async throws -> HTTPStatus {
        let a = try req.requireActor()
        try await UserService.revokeToken(try req.idParameter(), actor: a, on: req.db)
        return .noContent
    }
}
