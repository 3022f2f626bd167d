import CongsoCore
import Fluent
import Vapor

/// Who is acting, through which channel, and over which subtree. Every service call
/// takes one, and every permission check goes through `AccessPolicy` via `require`.
struct Actor: Sendable {
    let userID: UUID?
    let label: String
    let displayName: String
    let role: Role
    let orgID: UUID?
    let scope: OrgPath?
    let via: String
    /// The staff record of the person, when the account belongs to one.
    var staffID: UUID? = nil

    /// The command line acts with full rights: whoever runs it owns the machine.
    static func commandLine(_ label: String = "cli") -> Actor {
        Actor(userID: nil, label: label, displayName: label, role: .admin, orgID: nil, scope: nil, via: "cli")
    }

    /// Someone without an account (a citizen applying or looking up a dossier): no rights at
    /// all, named in the audit log by the channel they came through.
    static func citizen(_ via: String) -> Actor {
        Actor(userID: nil, label: "citizen", displayName: "Công dân", role: .staff, orgID: nil, scope: nil, via: via)
    }

    static func load(user: User, via: String, on db: any Database) async throws -> Actor {
        var scope: OrgPath? = nil
        if let orgID = user.orgID {
            // A scoped user whose org has vanished gets no scope, hence no access.
            scope = try await Organization.find(orgID, on: db).map { OrgPath($0.path) }
        }
        return Actor(userID: user.id, label: user.email, displayName: user.displayName, role: user.role,
                     orgID: user.orgID, scope: scope, via: via, staffID: user.staffID)
    }

    func may(_ permission: Permission, on path: OrgPath) -> Bool {
        AccessPolicy.allows(role: role, scope: scope, permission, on: path)
    }

    func has(_ permission: Permission) -> Bool {
        AccessPolicy.permissions(of: role).contains(permission) && (role == .admin || scope != nil)
    }

    /// Outside the actor's subtree a record does not exist for them (404 rather than
    /// 403, so ids cannot be probed); inside it but without the right, 403.
    func require(_ permission: Permission, on path: OrgPath) throws {
        guard may(permission, on: path) else {
            let readable = AccessPolicy.allows(role: role, scope: scope, .readOrgs, on: path)
            throw readable ? AppError.forbidden : AppError.notFound("")
        }
    }

    func require(_ permission: Permission) throws {
        guard has(permission) else { throw AppError.forbidden }
    }

    /// The path prefix list queries are kept to ("/" for the whole system).
    var visiblePrefix: String { scope?.value ?? "/" }
}

extension Request {
    private struct ActorKey: StorageKey { typealias Value = Actor }
    var actor: Actor? {
        get { storage[ActorKey.self] }
        set { storage[ActorKey.self] = newValue }
    }

    func requireActor() throws -> Actor {
        guard let actor else { throw AppError.unauthorized }
        return actor
    }
}
