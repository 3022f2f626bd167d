import CongsoCore
import Fluent
import Vapor

/// Staff records: scoped reads, validated writes with audit, CSV import and export.
enum StaffService {
    static func find(_ id: UUID, actor: Actor, on db: any Database) async throws -> StaffMember {
        guard let person = try await StaffMember.query(on: db).filter(\.$id == id).with(\.$org).first() else {
            throw AppError.notFound(id.uuidString)
        }
        try actor.require(.readStaff, on: person.org.orgPath)
        return person
    }

    struct Filter: Sendable {
        var q: String?
        var under: Organization?
        var status: StaffStatus?
    }

    static func list(on db: any Database, actor: Actor, filter: Filter, page: PageRequest) async throws -> Paged<StaffMember> {
        try actor.require(.readStaff)
        var prefix = actor.visiblePrefix
        if let under = filter.under {
            try actor.require(.readStaff, on: under.orgPath)
            prefix = under.path
        }
        let query = StaffMember.query(on: db)
            .join(Organization.self, on: \StaffMember.$org.$id == \Organization.$id)
            .filter(Organization.self, \.$path =~ prefix)
        // Every folded term must occur: "nguyen van" finds "Nguyễn Văn An".
        for term in VietnameseText.searchTerms(filter.q ?? "") { query.filter(\.$searchText ~~ term) }
        if let status = filter.status { query.filter(\.$status == status) }
        let total = try await query.count()
        let rows = try await query.sort(\.$sortKey).sort(\.$id).range(page.offset..<(page.offset + page.per)).all()
        for row in rows { row.$org.value = try row.joined(Organization.self) }
        return Paged(items: rows, total: total, page: page)
    }

    static func create(orgID: UUID, draft: StaffDraft, actor: Actor, on db: any Database) async throws -> StaffMember {
        guard let org = try await Organization.find(orgID, on: db) else { throw AppError.invalid("staff.org_unknown", orgID.uuidString) }
        try actor.require(.writeStaff, on: org.orgPath)
        let valid = try validate(draft)
        return try await DatabaseFailure.duplicate(as: { AppError.conflict("staff.email_taken", valid.email) }) {
          try await db.writeTransaction { tx in
            try await ensureEmailFree(valid.email, except: nil, on: tx)
            let person = StaffMember(orgID: orgID, draft: valid)
            try await person.create(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "staff.create", entityType: "staff",
                                          entityID: person.id, orgPath: org.path, summary: valid.fullName,
                                          after: person.auditSnapshot)
            person.$org.value = org
            return person
          }
        }
    }

    /// Edits a record; a new `orgID` moves the person (both units must be writable).
    static func update(_ person: StaffMember, orgID: UUID?, draft: StaffDraft, actor: Actor, on db: any Database) async throws -> StaffMember {
        let fromOrg = try await person.$org.get(on: db)
        try actor.require(.writeStaff, on: fromOrg.orgPath)
        var toOrg = fromOrg
        if let orgID, orgID != fromOrg.id {
            guard let target = try await Organization.find(orgID, on: db) else { throw AppError.invalid("staff.org_unknown", orgID.uuidString) }
            try actor.require(.writeStaff, on: target.orgPath)
            toOrg = target
        }
        let valid = try validate(draft)
        let before = person.auditSnapshot
        let target = toOrg
        return try await DatabaseFailure.duplicate(as: { AppError.conflict("staff.email_taken", valid.email) }) {
          try await db.writeTransaction { tx in
            try await ensureEmailFree(valid.email, except: person.id, on: tx)
            person.apply(valid)
            person.$org.id = target.id!
            try await person.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: target.id == fromOrg.id ? "staff.update" : "staff.move",
                                          entityType: "staff", entityID: person.id, orgPath: target.path,
                                          prevOrgPath: fromOrg.path, summary: valid.fullName,
                                          before: before, after: person.auditSnapshot)
            person.$org.value = target
            return person
          }
        }
    }

    static func validate(_ draft: StaffDraft) throws -> StaffDraft {
        do { return try draft.validated() } catch { throw AppError.invalid(error.code, error.description) }
    }

    private static func ensureEmailFree(_ email: String, except id: UUID?, on db: any Database) async throws {
        let query = StaffMember.query(on: db).filter(\.$email == email)
        if let id { query.filter(\.$id != id) }
        if try await query.first() != nil { throw AppError.conflict("staff.email_taken", email) }
    }
}
