import CongsoCore
import Fluent
import Vapor

/// A register's entries, newest number first: the register's org subtree for those who read
/// documents there, and what was addressed or routed to the reader or their own unit.
enum DocumentList {
    struct Filter: Sendable {
        var register: DocumentRegister = .incoming
        var year: Int?
        var under: Organization?
        /// Only routed documents whose follow-up is still open (the follow-up log).
        var openOnly = false
    }

    static func query(_ f: Filter, actor: Actor, on db: any Database) async throws -> QueryBuilder<OfficialDocument> {
        if f.register == .classified {
            let cleared = try await DocumentAccess.isCleared(actor, on: db)
            guard actor.role == .head || cleared else { throw AppError.invalid("document.not_cleared", "") }
        }
        var personal: [UUID] = []
        if let me = actor.staffID {
            personal += try await DocumentRoute.query(on: db).filter(\.$staffID == me).all().map(\.documentID)
        }
        if let unit = actor.orgID, actor.has(.readDocuments) {
            personal += try await DocumentRoute.query(on: db).filter(\.$orgID == unit).all().map(\.documentID)
        }
        let q = OfficialDocument.query(on: db).filter(\.$register == f.register)
        let me = actor.staffID
        var prefix: String?
        if actor.has(.readDocuments) {
            prefix = actor.visiblePrefix
            if let under = f.under {
                try actor.require(.readDocuments, on: under.orgPath)
                prefix = under.path
            }
        }
        q.group(.or) { g in
            if let prefix { g.filter(\.$orgPath =~ prefix) }
            if !personal.isEmpty { g.filter(\.$id ~~ personal) }
            if let me {
                g.filter(\.$recipientStaffID == me)
                if f.register == .classified { g.filter(\.$holderStaffID == me) }
            }
            if prefix == nil && personal.isEmpty && me == nil { g.filter(\.$id == UUID()) }
        }
        if let y = f.year { q.filter(\.$year == y) }
        if f.openOnly {
            let routed = try await DocumentRoute.query(on: db).field(\.$documentID).field(\.$taskID).all()
            let open = try await WorkTask.query(on: db).filter(\.$id ~~ routed.map(\.taskID)).filter(\.$status !~ [.done, .cancelled]).all().map(\.id!)
            let openSet = Set(open)
            q.filter(\.$id ~~ Array(Set(routed.filter { openSet.contains($0.taskID) }.map(\.documentID))))
        }
        return q.sort(\.$year, .descending).sort(\.$serial, .descending)
    }

    static func list(_ f: Filter, actor: Actor, page: PageRequest, on db: any Database) async throws -> Paged<OfficialDocument> {
        let total = try await query(f, actor: actor, on: db).count()
        let items = try await query(f, actor: actor, on: db).range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }
}

/// A document as the API gives it. A classified one carries its metadata only.
struct DocumentDTO: Content {
    struct FileDTO: Content { let id: UUID; let fileName: String; let kind: FileKind; let size: Int; let uploadedBy: String; let createdAt: Date? }
    struct Reply: Content { let id: UUID; let numberSymbol: String; let documentDate: String }
    let id: UUID
    let register: DocumentRegister
    let orgId: UUID
    let orgName: String
    let year: Int
    let serial: Int
    let numberSymbol: String
    let registeredOn: String
    let documentDate: String
    let issuer: String
    let type: DocumentType?
    let typeAbbreviation: String?
    let summary: String
    let urgency: DocumentUrgency
    let classification: Classification?
    let recipientOrgId: UUID?
    let recipientOrgName: String?
    let recipientStaffId: UUID?
    let recipientStaffName: String?
    let transferDate: String?
    let acknowledgedAt: Date?
    let acknowledgedBy: String?
    let notes: String
    let signer: String?
    let recipients: [String]
    let copies: Int?
    let fileKeeperOrgName: String?
    let replyToId: UUID?
    let holderStaffId: UUID?
    let holderName: String?
    let storageLocation: String?
    let createdBy: String
    let routes: [DocumentRouting.Line]
    let replies: [Reply]
    let files: [FileDTO]

    static func make(_ d: OfficialDocument, full: Bool, on db: any Database) async throws -> DocumentDTO {
        let orgIDs = Set([d.orgID] + [d.recipientOrgID, d.fileKeeperOrgID].compactMap { $0 })
        let orgs = try await OrgService.names(orgIDs, on: db)
        let staffIDs = [d.recipientStaffID, d.holderStaffID].compactMap { $0 }
        var people: [UUID: String] = [:]
        if !staffIDs.isEmpty { for p in try await StaffMember.query(on: db).filter(\.$id ~~ staffIDs).all() { people[p.id!] = p.fullName } }
        let routes = full ? try await DocumentRouting.lines(of: d, on: db) : []
        let replies = full ? try await DocumentRouting.replies(to: d, on: db).map { Reply(id: $0.id!, numberSymbol: $0.numberSymbol, documentDate: $0.documentDate) } : []
        let files = full ? try await DocumentFiles.list(d, on: db).map {
            FileDTO(id: $0.id!, fileName: $0.fileName, kind: $0.kind, size: $0.size, uploadedBy: $0.uploadedBy, createdAt: $0.createdAt)
        } : []
        return DocumentDTO(
            id: d.id!, register: d.register, orgId: d.orgID, orgName: orgs[d.orgID] ?? "", year: d.year, serial: d.serial,
            numberSymbol: d.numberSymbol, registeredOn: d.registeredOn, documentDate: d.documentDate, issuer: d.issuer, type: d.type,
            typeAbbreviation: d.type?.abbreviation, summary: d.summary, urgency: d.urgency, classification: d.classification,
            recipientOrgId: d.recipientOrgID, recipientOrgName: d.recipientOrgID.flatMap { orgs[$0] },
            recipientStaffId: d.recipientStaffID, recipientStaffName: d.recipientStaffID.flatMap { people[$0] },
            transferDate: d.transferDate, acknowledgedAt: d.acknowledgedAt, acknowledgedBy: d.acknowledgedBy, notes: d.notes,
            signer: d.signer, recipients: (d.recipients ?? "").split(separator: "\n").map(String.init), copies: d.copies,
            fileKeeperOrgName: d.fileKeeperOrgID.flatMap { orgs[$0] }, replyToId: d.replyToID,
            holderStaffId: d.holderStaffID, holderName: d.holderStaffID.flatMap { people[$0] }, storageLocation: d.storageLocation,
            createdBy: d.createdBy, routes: routes, replies: replies, files: files)
    }
}
