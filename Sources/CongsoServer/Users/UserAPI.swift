import CongsoCore
import Fluent
import Vapor

struct UserDTO: Content {
    let id: UUID
    let email: String
    let displayName: String
    let role: Role
    let orgId: UUID?
    let staffId: UUID?
    let active: Bool
    let lastLoginAt: Date?

    init(_ u: User) {
        id = u.id!
        email = u.email
        displayName = u.displayName
        role = u.role
        orgId = u.orgID
        staffId = u.staffID
        active = u.active
        lastLoginAt = u.lastLoginAt
    }
}

struct UserWriteBody: Content {
    var email: String?
    var displayName: String?
    var password: String?
    var role: String?
    var org: String?
    var staffId: UUID?
    var active: Bool?

    func input() throws -> UserService.Input {
        var role: Role?
        if let r = self.role {
            guard let v = Role(rawValue: r) else { throw AppError.invalid("user.role_invalid", r) }
            role = v
        }
        return UserService.Input(email: email, displayName: displayName, password: password, role: role, orgID: org,
                                 staffID: staffId.map { .some($0) }, active: active)
    }
}

enum UserAPI {
    static func register(_ api: any RoutesBuilder) {
        let users = api.grouped("users")
        users.get(use: list)
        users.post(use: create)
        users.get(":id", use: show)
        users.patch(":id", use: update)
        api.get("lockouts", use: lockouts)
        api.post("lockouts", "lift", use: lift)
    }

    struct LiftBody: Content { var key: String? }

    @Sendable static func lockouts(req: Request) async throws -> ListResponse<SignInGuard.Lockout> {
        let items = try await SignInGuard.lockouts(actor: try req.requireActor(), on: req.db)
        return ListResponse(Paged(items: items, total: items.count, page: PageRequest(page: 1, per: max(1, items.count))))
    }

    @Sendable static func lift(req: Request) async throws -> HTTPStatus {
        let actor = try req.requireActor()
        guard let key = try req.content.decode(LiftBody.self).key, !key.isEmpty else { throw AppError.invalid("lockout.key_missing", "") }
        try await SignInGuard.lift(key: key, actor: actor, on: req.db)
        return .noContent
    }

    @Sendable static func list(req: Request) async throws -> ListResponse<UserDTO> {
        let actor = try req.requireActor()
        let paged = try await UserService.list(on: req.db, actor: actor, q: req.query[String.self, at: "q"],
                                               under: try await req.orgFilter(actor), page: try PageRequest(req))
        return ListResponse(paged.map(UserDTO.init))
    }

    @Sendable static func show(req: Request) async throws -> UserDTO {
        UserDTO(try await UserService.find(try req.idParameter(), actor: try req.requireActor(), on: req.db))
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let body = try req.content.decode(UserWriteBody.self)
        let user = try await UserService.create(try body.input(), actor: try req.requireActor(), on: req.db, passwords: req.password)
        let response = try await UserDTO(user).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/users/\(user.id!)")
        return response
    }

    @Sendable static func update(req: Request) async throws -> UserDTO {
        let actor = try req.requireActor()
        let user = try await UserService.find(try req.idParameter(), actor: actor, on: req.db)
        let body = try req.content.decode(UserWriteBody.self)
        return UserDTO(try await UserService.update(user, try body.input(), actor: actor, on: req.db, passwords: req.password))
    }
}
