import CongsoCore
import Fluent
import Vapor

/// Who may see a document. An ordinary one: whoever reads documents over the register's
/// org, and anyone it is addressed or routed to (person, or a unit in their scope). A
/// classified one: only the head over the register's org and cleared staff (the clearance
/// skill on their staff record) who read the register or are named on it.
enum DocumentAccess {
    /// The people and units a document is addressed or routed to.
    struct Involved: Sendable {
        var staff: Set<UUID> = []
        var orgPaths: [OrgPath] = []
    }

    static func involved(_ doc: OfficialDocument, on db: any Database) async throws -> Involved {
        var out = Involved()
        if let s = doc.recipientStaffID { out.staff.insert(s) }
        if let s = doc.holderStaffID { out.staff.insert(s) }
        var orgIDs: [UUID] = doc.recipientOrgID.map { [$0] } ?? []
        let routes = try await DocumentRoute.query(on: db).filter(\.$documentID == doc.id!).all()
        for r in routes {
            if let s = r.staffID { out.staff.insert(s) }
            if let o = r.orgID { orgIDs.append(o) }
        }
        let taskIDs = routes.map(\.taskID)
        if !taskIDs.isEmpty {
            for t in try await WorkTask.query(on: db).filter(\.$id ~~ taskIDs).all() { if let s = t.assigneeStaffID { out.staff.insert(s) } }
        }
        if !orgIDs.isEmpty {
            out.orgPaths = try await Organization.query(on: db).filter(\.$id ~~ orgIDs).all().map(\.orgPath)
        }
        return out
    }

    /// Is the actor's person cleared for classified documents?
    static func isCleared(_ actor: Actor, on db: any Database) async throws -> Bool {
        guard let s = actor.staffID, let person = try await StaffMember.find(s, on: db) else { return false }
        return person.skills.split(separator: ";").contains { $0.trimmingCharacters(in: .whitespaces) == Clearance.skill }
    }

    static func isHead(_ actor: Actor, over path: OrgPath) -> Bool {
        actor.role == .head && actor.scope.map { $0.contains(path) } == true
    }

    static func mayRead(_ doc: OfficialDocument, actor: Actor, on db: any Database) async throws -> Bool {
        if doc.register == .classified {
            if isHead(actor, over: doc.path) { return true }
            guard try await isCleared(actor, on: db) else { return false }
        }
        if actor.may(.readDocuments, on: doc.path) { return true }
        let inv = try await involved(doc, on: db)
        if let me = actor.staffID, inv.staff.contains(me) { return true }
        // Named people only for classified ones: a unit in scope is not enough.
        if doc.register == .classified { return false }
        return inv.orgPaths.contains { actor.may(.readDocuments, on: $0) }
    }

    /// Loads a document the actor may read; anything else does not exist for them.
    static func find(_ id: UUID, actor: Actor, on db: any Database) async throws -> OfficialDocument {
        guard let doc = try await OfficialDocument.find(id, on: db), try await mayRead(doc, actor: actor, on: db) else {
            throw AppError.notFound(id.uuidString)
        }
        return doc
    }

    /// May the actor write this register (register, transfer, attach)?
    static func mayRegister(_ register: DocumentRegister, on path: OrgPath, actor: Actor, on db: any Database) async throws -> Bool {
        guard actor.may(.registerDocuments, on: path) else { return false }
        if register == .classified && !isHead(actor, over: path) { return try await isCleared(actor, on: db) }
        return true
    }

    /// Lead or route: the register's leaders, or a leader of a unit it was routed to (for
    /// classified ones, only a head or a cleared leader).
    static func mayRoute(_ doc: OfficialDocument, actor: Actor, on db: any Database) async throws -> Bool {
        if doc.register == .classified && !isHead(actor, over: doc.path) {
            guard try await isCleared(actor, on: db), actor.may(.routeDocuments, on: doc.path) else { return false }
            return true
        }
        if actor.may(.routeDocuments, on: doc.path) { return true }
        return try await involved(doc, on: db).orgPaths.contains { actor.may(.routeDocuments, on: $0) }
    }

    /// Records a read in the document's history (files always; classified entries on every view).
    static func record(_ doc: OfficialDocument, _ action: DocumentAccessEntry.Action, detail: String, actor: Actor, on db: any Database) async throws {
        let e = DocumentAccessEntry()
        e.documentID = doc.id!; e.userID = actor.userID; e.actorName = actor.displayName; e.action = action; e.detail = detail
        try await db.writeTransaction { tx in
            try await e.create(on: tx)
            if doc.register == .classified {
                try await AuditService.record(on: tx, actor: actor, action: "document.classified_\(action.rawValue)", entityType: "document",
                                              entityID: doc.id, orgPath: doc.orgPath, summary: "\(doc.numberSymbol) \(detail)")
            }
        }
    }
}
