import CongsoCore
import Fluent
import Vapor

/// Accounts, passwords and API tokens.
enum UserService {
    struct Input: Sendable {
        var email: String?
        var displayName: String?
        var password: String?
        var role: Role?
        var orgID: String?
        var staffID: UUID??
        var active: Bool?
    }

    static let minimumPasswordLength = 8

    static func list(on db: any Database, actor: Actor, q: String?, under: Organization? = nil, page: PageRequest) async throws -> Paged<User> {
        try actor.require(.readUsers)
        let query = User.query(on: db)
        if let under { try actor.require(.readUsers, on: under.orgPath) }
        if actor.role != .admin || under != nil {
            // Users scoped inside the actor's subtree (or the one asked for).
            let prefix = under?.path ?? actor.visiblePrefix
            let orgIDs = try await Organization.query(on: db).filter(\.$path =~ prefix).all(\.$id)
            query.filter(\.$orgID ~~ orgIDs)
        }
        for term in (q ?? "").lowercased().split(separator: " ").map(String.init) {
            query.group(.or) { $0.filter(\.$email ~~ term).filter(\.$displayName ~~ term) }
        }
        let total = try await query.count()
        let items = try await query.sort(\.$email).range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }

    static func find(_ id: UUID, actor: Actor, on db: any Database) async throws -> User {
        guard let user = try await User.find(id, on: db) else { throw AppError.notFound(id.uuidString) }
        try await requireVisible(user, actor: actor, permission: .readUsers, on: db)
        return user
    }

    private static func requireVisible(_ user: User, actor: Actor, permission: Permission, on db: any Database) async throws {
        if actor.role == .admin { return }
        guard let orgID = user.orgID, let org = try await Organization.find(orgID, on: db) else { throw AppError.notFound("") }
        try actor.require(permission, on: org.orgPath)
    }

    static func create(_ input: Input, actor: Actor, on db: any Database, passwords: any PasswordHasher) async throws -> User {
        try actor.require(.manageUsers)
        let email = try validEmail(input.email)
        guard let role = input.role else { throw AppError.invalid("user.role_invalid", "") }
        guard AccessPolicy.assignableRoles(by: actor.role).contains(role) else { throw AppError.forbidden }
        let org = try await scopeOrg(for: role, orgRef: input.orgID, actor: actor, on: db)
        let password = try validPassword(input.password)
        let hash = try passwords.hash(password)
        let name = VietnameseText.normalize(input.displayName ?? "")
        return try await DatabaseFailure.duplicate(as: { AppError.conflict("user.email_taken", email) }) {
          try await db.writeTransaction { tx in
            if try await User.query(on: tx).filter(\.$email == email).first() != nil {
                throw AppError.conflict("user.email_taken", email)
            }
            let user = User(email: email, displayName: name.isEmpty ? email : name, passwordHash: hash,
                            role: role, orgID: org?.id, staffID: input.staffID ?? nil)
            try await validateStaffLink(user, org: org, on: tx)
            try await user.create(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "user.create", entityType: "user", entityID: user.id,
                                          orgPath: org?.path ?? "/", summary: "\(email) (\(role.rawValue))",
                                          after: user.auditSnapshot)
            return user
          }
        }
    }

    static func update(_ user: User, _ input: Input, actor: Actor, on db: any Database, passwords: any PasswordHasher) async throws -> User {
        try actor.require(.manageUsers)
        try await requireVisible(user, actor: actor, permission: .manageUsers, on: db)
        guard AccessPolicy.assignableRoles(by: actor.role).contains(user.role) else { throw AppError.forbidden }
        if user.id == actor.userID, input.active == false || (input.role != nil && input.role != user.role) {
            throw AppError.invalid("user.self_lockout", "")
        }
        let before = user.auditSnapshot
        let role = input.role ?? user.role
        guard AccessPolicy.assignableRoles(by: actor.role).contains(role) else { throw AppError.forbidden }
        let orgRef = input.orgID ?? user.orgID?.uuidString
        let org = try await scopeOrg(for: role, orgRef: orgRef, actor: actor, on: db)
        if let e = input.email { user.email = try validEmail(e) }
        if let n = input.displayName {
            let name = VietnameseText.normalize(n)
            user.displayName = name.isEmpty ? user.email : name
        }
        if let p = input.password, !p.isEmpty { user.passwordHash = try passwords.hash(try validPassword(p)) }
        user.role = role
        user.orgID = org?.id
        if let s = input.staffID { user.staffID = s }
        if let a = input.active { user.active = a }
        return try await DatabaseFailure.duplicate(as: { AppError.conflict("user.email_taken", user.email) }) {
          try await db.writeTransaction { tx in
            if try await User.query(on: tx).filter(\.$email == user.email).filter(\.$id != user.id!).first() != nil {
                throw AppError.conflict("user.email_taken", user.email)
            }
            try await validateStaffLink(user, org: org, on: tx)
            try await user.save(on: tx)
            if !user.active {
                // A deactivated account loses its API tokens at once.
                try await UserToken.query(on: tx).filter(\.$user.$id == user.id!).delete()
            }
            var after = user.auditSnapshot
            if input.password?.isEmpty == false { after["password"] = "changed" }
            try await AuditService.record(on: tx, actor: actor, action: "user.update", entityType: "user", entityID: user.id,
                                          orgPath: org?.path ?? "/", summary: user.email, before: before, after: after)
            return user
          }
        }
    }

    /// Checks e-mail and password; the same error for an unknown e-mail and a wrong
    /// password, and a hash is always verified so timing does not tell them apart.
    static func authenticate(email: String, password: String, on db: any Database, passwords: any PasswordHasher) async throws -> User {
        let cleaned = email.trimmingCharacters(in: .whitespaces).lowercased()
        let user = StaffDraft.isValidEmail(cleaned) ? try await User.query(on: db).filter(\.$email == cleaned).first() : nil
        guard let user else {
            _ = try? passwords.hash(password)  // spend the same time as a real check
            throw AppError.badCredentials
        }
        let ok = (try? passwords.verify(password, created: user.passwordHash)) ?? false
        guard ok, user.active else { throw AppError.badCredentials }
        return user
    }

    static func issueToken(for user: User, name: String, via: String, on db: any Database) async throws -> String {
        let token = UserToken.generate()
        let label = VietnameseText.normalize(name).isEmpty ? "API" : String(VietnameseText.normalize(name).prefix(80))
        let actor = Actor(userID: user.id, label: user.email, displayName: user.displayName, role: user.role,
                          orgID: user.orgID, scope: nil, via: via)
        let orgPath = try await user.orgID.asyncMap { try await Organization.find($0, on: db)?.path } ?? "/"
        try await db.writeTransaction { tx in
            let record = UserToken(userID: user.id!, tokenHash: UserToken.hash(token), name: label)
            try await record.create(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "token.create", entityType: "token", entityID: record.id,
                                          orgPath: orgPath ?? "/", summary: "\(user.email): \(label)")
        }
        return token
    }

    static func revokeToken(_ id: UUID, actor: Actor, on db: any Database) async throws {
        guard let token = try await UserToken.find(id, on: db), token.$user.id == actor.userID else {
            throw AppError.notFound(id.uuidString)
        }
        let orgPath = actor.scope?.value ?? "/"
        try await db.writeTransaction { tx in
            try await token.delete(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "token.revoke", entityType: "token", entityID: token.id,
                                          orgPath: orgPath, summary: "\(actor.label): \(token.name)")
        }
    }

    private static func scopeOrg(for role: Role, orgRef: String?, actor: Actor, on db: any Database) async throws -> Organization? {
        guard role.needsOrg else { return nil }
        guard let ref = orgRef, !ref.isEmpty else { throw AppError.invalid("user.org_required", role.rawValue) }
        let org = try await OrgService.find(ref, actor: actor, on: db)
        try actor.require(.manageUsers, on: org.orgPath)
        return org
    }

    private static func validateStaffLink(_ user: User, org: Organization?, on db: any Database) async throws {
        guard let staffID = user.staffID else { return }
        guard let person = try await StaffMember.query(on: db).filter(\.$id == staffID).with(\.$org).first() else {
            throw AppError.invalid("user.staff_unknown", staffID.uuidString)
        }
        if let org, !org.orgPath.contains(person.org.orgPath) { throw AppError.invalid("user.staff_outside", person.fullName) }
    }

    static func validEmail(_ raw: String?) throws -> String {
        let e = (raw ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        guard StaffDraft.isValidEmail(e) else { throw AppError.invalid("user.email_invalid", raw ?? "") }
        return e
    }

    static func validPassword(_ raw: String?) throws -> String {
        guard let p = raw, p.count >= minimumPasswordLength, p.count <= 72 else {
            throw AppError.invalid("user.password_weak", String(minimumPasswordLength))
        }
        return p
    }
}

extension Optional {
    func asyncMap<U>(_ f: (Wrapped) async throws -> U) async rethrows -> U? {
        switch self {
        case .some(let w): try await f(w)
        case .none: nil
        }
    }
}
