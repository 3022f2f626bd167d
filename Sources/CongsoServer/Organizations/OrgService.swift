import CongsoCore
import Fluent
import SQLKit
import Vapor

/// Reads and writes of the org tree, each checked against the actor's subtree and
/// written together with its audit entry.
enum OrgService {
    struct Input: Sendable {
        var code: String?
        var name: String?
        var kind: OrgKind?
        var parentID: UUID?
        var headStaffID: UUID??
        var contactStaffID: UUID??
    }

    /// An org by id, or by code (as the CLI and CSV use), visible to the actor.
    static func find(_ idOrCode: String, actor: Actor, on db: any Database) async throws -> Organization {
        let org: Organization?
        if let id = UUID(uuidString: idOrCode) {
            org = try await Organization.find(id, on: db)
        } else if (1...40).contains(idOrCode.count), idOrCode.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            org = try await Organization.query(on: db).filter(\.$code == idOrCode.uppercased()).first()
        } else {
            org = nil  // not a code: no query needed
        }
        guard let org else { throw AppError.notFound(idOrCode) }
        try actor.require(.readOrgs, on: org.orgPath)
        return org
    }

    static func list(on db: any Database, actor: Actor, q: String?, under: Organization?, kind: OrgKind?, page: PageRequest) async throws -> Paged<Organization> {
        try actor.require(.readOrgs)
        let prefix = under?.path ?? actor.visiblePrefix
        if let under { try actor.require(.readOrgs, on: under.orgPath) }
        let query = Organization.query(on: db).filter(\.$path =~ prefix)
        for term in VietnameseText.searchTerms(q ?? "") { query.filter(\.$searchText ~~ term) }
        if let kind { query.filter(\.$kind == kind) }
        let total = try await query.count()
        let items = try await query.sort(\.$sortKey).sort(\.$code).range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }

    static func children(of org: Organization, on db: any Database) async throws -> [Organization] {
        try await Organization.query(on: db).filter(\.$parentID == org.id).sort(\.$sortKey).all()
    }

    /// The chain from the root down to `org`, cut to what the actor may see.
    static func breadcrumb(of org: Organization, actor: Actor, on db: any Database) async throws -> [Organization] {
        let ids = org.orgPath.ids.compactMap(UUID.init(uuidString:))
        let nodes = try await Organization.query(on: db).filter(\.$id ~~ ids).all()
        return nodes.sorted { $0.path.count < $1.path.count }.filter { actor.may(.readOrgs, on: $0.orgPath) }
    }

    /// Names of many orgs in one query (two with `withParent`, which adds the body each
    /// belongs to: "Phòng Y tế · UBND quận Hoàng Mai"): every list page needs this.
    static func names(_ ids: some Collection<UUID>, withParent: Bool = false, separator: String = " · ",
                      on db: any Database) async throws -> [UUID: String] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        let orgs = try await Organization.query(on: db).filter(\.$id ~~ unique).all()
        var parents: [UUID: String] = [:]
        if withParent {
            parents = try await names(orgs.compactMap(\.parentID), on: db)
        }
        var out: [UUID: String] = [:]
        for o in orgs { out[o.id!] = o.name + (o.parentID.flatMap { parents[$0] }.map { separator + $0 } ?? "") }
        return out
    }

    static func staffCount(under org: Organization, on db: any Database) async throws -> Int {
        try await StaffMember.query(on: db).join(Organization.self, on: \StaffMember.$org.$id == \Organization.$id)
            .filter(Organization.self, \.$path =~ org.path).count()
    }

    static func create(_ input: Input, actor: Actor, on db: any Database) async throws -> Organization {
        guard let parentID = input.parentID else { throw AppError.invalid("org.parent_missing", "parentId") }
        guard let parent = try await Organization.find(parentID, on: db) else { throw AppError.invalid("org.parent_unknown", parentID.uuidString) }
        try actor.require(.writeOrgs, on: parent.orgPath)
        guard let kind = input.kind else { throw AppError.invalid("org.kind_invalid", "") }
        guard parent.kind.mayContain(kind) else {
            throw AppError.invalid("org.kind_not_allowed", "\(parent.kind) → \(kind.rawValue)")
        }
        let name = VietnameseText.normalize(input.name ?? "")
        guard !name.isEmpty, name.count <= 200 else { throw AppError.invalid("org.name_invalid", "") }
        let code = try validCode(input.code)
        return try await DatabaseFailure.duplicate(as: { AppError.conflict("org.code_taken", code) }) {
          try await db.writeTransaction { tx in
            if try await Organization.query(on: tx).filter(\.$code == code).first() != nil {
                throw AppError.conflict("org.code_taken", code)
            }
            let org = Organization(code: code, name: name, kind: kind, parent: parent)
            try await org.create(on: tx)
            try await applyPeople(input, to: org, on: tx)
            try await org.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "org.create", entityType: "organization",
                                          entityID: org.id, orgPath: org.path, summary: "\(org.code) \(org.name)",
                                          after: org.auditSnapshot)
            return org
          }
        }
    }

    /// Renames, sets head/contact, and moves under a new parent (paths of the whole
    /// subtree follow in the same transaction).
    static func update(_ org: Organization, _ input: Input, actor: Actor, on db: any Database) async throws -> Organization {
        try actor.require(.writeOrgs, on: org.orgPath)
        let before = org.auditSnapshot
        let oldPath = org.path
        var newParent: Organization?
        if let parentID = input.parentID, parentID != org.parentID {
            guard AccessPolicy.mayRestructure(role: actor.role, scope: actor.scope, target: org.orgPath) else { throw AppError.forbidden }
            guard let parent = try await Organization.find(parentID, on: db) else { throw AppError.invalid("org.parent_unknown", parentID.uuidString) }
            try actor.require(.writeOrgs, on: parent.orgPath)
            guard !org.orgPath.contains(parent.orgPath) else { throw AppError.invalid("org.move_cycle", parent.name) }
            guard parent.kind.mayContain(org.kind) else {
                throw AppError.invalid("org.kind_not_allowed", "\(parent.kind) → \(org.kind)")
            }
            newParent = parent
        }
        if let name = input.name {
            let n = VietnameseText.normalize(name)
            guard !n.isEmpty, n.count <= 200 else { throw AppError.invalid("org.name_invalid", "") }
            org.setName(n)
        }
        if let rawCode = input.code, rawCode != org.code {
            guard AccessPolicy.mayRestructure(role: actor.role, scope: actor.scope, target: org.orgPath) else { throw AppError.forbidden }
            org.code = try validCode(rawCode)
            org.setName(org.name)
        }
        let movingUnder = newParent
        return try await DatabaseFailure.duplicate(as: { AppError.conflict("org.code_taken", org.code) }) {
          try await db.writeTransaction { tx in
            if input.code != nil, try await Organization.query(on: tx).filter(\.$code == org.code).filter(\.$id != org.id!).first() != nil {
                throw AppError.conflict("org.code_taken", org.code)
            }
            if let parent = movingUnder {
                let newPath = OrgPath(parent.path).child(org.id!.uuidString).value
                org.parentID = parent.id
                org.path = newPath
                try await movePaths(from: oldPath, to: newPath, on: tx)
            }
            try await applyPeople(input, to: org, on: tx)
            try await org.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: movingUnder == nil ? "org.update" : "org.move",
                                          entityType: "organization", entityID: org.id, orgPath: org.path,
                                          prevOrgPath: oldPath, summary: "\(org.code) \(org.name)",
                                          before: before, after: org.auditSnapshot)
            return org
          }
        }
    }

    /// Rewrites the materialised path of every descendant in one statement.
    private static func movePaths(from old: String, to new: String, on db: any Database) async throws {
        let sql = try db.sql
        try await sql.raw("""
            UPDATE organizations SET path = CAST(\(bind: new) AS TEXT) || substr(path, CAST(\(bind: old.count + 1) AS INTEGER))
            WHERE path LIKE \(bind: old + "%") AND path <> \(bind: old)
            """).run()
        try await SearchIndex.movePaths(from: old, to: new, on: db)
    }

    /// Head and contact point must be staff of the node's own subtree.
    private static func applyPeople(_ input: Input, to org: Organization, on db: any Database) async throws {
        for (value, set) in [(input.headStaffID, { (v: UUID?) in org.headStaffID = v }), (input.contactStaffID, { org.contactStaffID = $0 })] {
            guard let value else { continue }
            if let id = value {
                guard let person = try await StaffMember.query(on: db).filter(\.$id == id).with(\.$org).first(),
                      org.orgPath.contains(person.org.orgPath) || person.org.id == org.id
                else { throw AppError.invalid("org.person_outside", id.uuidString) }
            }
            set(value)
        }
    }

    private static func validCode(_ raw: String?) throws -> String {
        let code = (raw ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        guard (1...40).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw AppError.invalid("org.code_invalid", raw ?? "")
        }
        return code
    }
}
