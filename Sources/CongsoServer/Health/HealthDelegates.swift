import CongsoCore
import Fluent
import Vapor

/// A head lets someone (an account in their subtree) read the health data of a unit they
/// manage; the grant and its removal are audit lines.
enum HealthDelegates {
    struct Input: Content { var org: String?; var userId: UUID? }

    static func grant(_ input: Input, actor: Actor, on db: any Database) async throws -> HealthDelegate {
        let org = try await OrgService.find(input.org ?? "", actor: actor, on: db)
        try actor.require(.manageHealth, on: org.orgPath)
        guard let userID = input.userId, let user = try await User.find(userID, on: db) else { throw AppError.invalid("health.delegate_invalid", "") }
        // Only someone inside the head's own subtree, who is not already a reader by role.
        guard let userOrg = user.orgID, let uo = try await Organization.find(userOrg, on: db), actor.may(.manageHealth, on: uo.orgPath) else {
            throw AppError.invalid("health.delegate_invalid", "")
        }
        let d = HealthDelegate()
        d.id = UUID()
        d.orgID = org.id!
        d.orgPath = org.path
        d.userID = userID
        d.grantedBy = actor.label
        return try await DatabaseFailure.duplicate(as: { AppError.conflict("health.delegate_exists", user.email) }) {
            try await db.writeTransaction { tx in
                try await d.create(on: tx)
                try await AuditService.record(on: tx, actor: actor, action: "health.delegate", entityType: "user", entityID: userID,
                                              orgPath: org.path, summary: "\(user.email) → \(org.name)")
                try await NotificationService.notify([userID], kind: "notif.health_delegated", detail: org.name, link: "/health/unit?org=\(org.code)", on: tx)
                return d
            }
        }
    }

    static func revoke(_ id: UUID, actor: Actor, on db: any Database) async throws {
        guard let d = try await HealthDelegate.find(id, on: db) else { throw AppError.notFound(id.uuidString) }
        try actor.require(.manageHealth, on: OrgPath(d.orgPath))
        try await db.writeTransaction { tx in
            try await HealthDelegate.query(on: tx).filter(\.$id == id).delete()
            try await AuditService.record(on: tx, actor: actor, action: "health.undelegate", entityType: "user", entityID: d.userID,
                                          orgPath: d.orgPath, summary: d.userID.uuidString)
        }
    }

    static func list(under prefix: String, on db: any Database) async throws -> [HealthDelegate] {
        let q = HealthDelegate.query(on: db)
        if prefix != "/" { q.filter(\.$orgPath =~ prefix) }
        return try await q.sort(\.$createdAt).limit(500).all()
    }
}
