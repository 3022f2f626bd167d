import CongsoCore
import Fluent
import SQLKit
import Vapor

/// Registering documents in the three registers (Decree 30/2020): validation, the duplicate
/// warning, the yearly number series, transfer and acknowledgement of receipt.
enum DocumentService {
    /// The same number, symbol and issuer is already in this org's registers.
    struct Duplicate: Error { let existing: OfficialDocument }

    struct Input: Content {
        var org: String?
        /// Arrival date (incoming, classified); an outgoing document is registered on its date.
        var registeredOn: String?
        var numberSymbol: String?
        var documentDate: String?
        var issuer: String?
        /// DocumentType, DocumentUrgency and Classification raw values, read as text so an
        /// unknown one is answered with its own message rather than a decoding failure.
        var type: String?
        var summary: String?
        var urgency: String?
        var classification: String?
        var recipientOrg: String?
        var recipientStaffId: UUID?
        var notes: String?
        // Outgoing.
        var signer: String?
        var recipientOrgs: [String]?
        var outsideRecipients: String?
        var copies: Int?
        var fileKeeperOrg: String?
        var replyToId: UUID?
        // Classified.
        var holderStaffId: UUID?
        var storageLocation: String?
        /// Register even though the same number, symbol and issuer is already registered.
        var confirmDuplicate: Bool?
    }

    static func text(_ raw: String?, max: Int, code: String, required: Bool = false) throws -> String {
        let t = VietnameseText.normalize(raw ?? "")
        if required && t.isEmpty { throw AppError.invalid(code + "_missing", "") }
        guard t.count <= max else { throw AppError.invalid("too_long", String(max)) }
        return t
    }

    static func day(_ raw: String?, code: String, today: LocalDate, default fallback: LocalDate? = nil) throws -> LocalDate {
        let trimmed = (raw ?? "").trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty, let fallback { return fallback }
        guard let d = LocalDate(trimmed) else { throw AppError.invalid("date_invalid", raw ?? "") }
        guard d <= today else { throw AppError.invalid("document.date_future", d.vietnamese) }
        guard d.year >= 1945 else { throw AppError.invalid("date_invalid", d.value) }
        return d
    }

    static func number(_ raw: String?) throws -> DocumentNumber {
        switch DocumentNumber.parse(raw ?? "") {
        case .success(let n): return n
        case .failure(.empty): throw AppError.invalid("document.number_missing", "")
        case .failure: throw AppError.invalid("document.number_invalid", raw ?? "")
        }
    }

    static func choice<T: RawRepresentable>(_ raw: String?, _ code: String) throws -> T? where T.RawValue == String {
        guard let raw, !raw.isEmpty else { return nil }
        guard let v = T(rawValue: raw) else { throw AppError.invalid(code, raw) }
        return v
    }

    static func duplicateKey(_ n: DocumentNumber, issuer: String) -> String {
        n.duplicateKey + "|" + VietnameseText.fold(issuer)
    }

    static func register(_ kind: DocumentRegister, _ input: Input, actor: Actor, on db: any Database, now: Date = Date()) async throws -> OfficialDocument {
        guard let code = input.org, !code.isEmpty else { throw AppError.invalid("org_missing", "") }
        let org = try await OrgService.find(code, actor: actor, on: db)
        guard try await DocumentAccess.mayRegister(kind, on: org.orgPath, actor: actor, on: db) else {
            throw kind == .classified ? AppError.invalid("document.not_cleared", "") : AppError.forbidden
        }
        let today = LocalDate.of(now)
        let doc = OfficialDocument()
        doc.id = UUID(); doc.orgID = org.id!; doc.orgPath = org.path; doc.register = kind
        doc.urgency = try choice(input.urgency, "document.urgency_invalid") ?? .normal
        let type: DocumentType? = try choice(input.type, "document.type_invalid")
        let level: Classification? = try choice(input.classification, "document.classification_invalid")
        doc.notes = try text(input.notes, max: 1000, code: "document.notes")
        doc.createdBy = actor.displayName
        var duplicateCheck: String?
        switch kind {
        case .incoming, .classified:
            let registered = try day(input.registeredOn, code: "registered", today: today, default: today)
            let dated = try day(input.documentDate, code: "document_date", today: today)
            guard dated <= registered else { throw AppError.invalid("document.dated_after_arrival", dated.vietnamese) }
            let n = try number(input.numberSymbol)
            let issuer = try text(input.issuer, max: 300, code: "document.issuer", required: true)
            doc.registeredOn = registered.value; doc.documentDate = dated.value
            doc.numberSymbol = n.description; doc.issuer = issuer
            doc.duplicateKey = duplicateKey(n, issuer: issuer)
            duplicateCheck = doc.duplicateKey
            if kind == .incoming {
                guard let type else { throw AppError.invalid("document.type_missing", "") }
                doc.type = type
                doc.summary = try text(input.summary, max: 2000, code: "document.summary", required: true)
                if let r = input.recipientOrg, !r.isEmpty {
                    let ro = try await OrgService.find(r, actor: actor, on: db)
                    guard org.orgPath.contains(ro.orgPath) else { throw AppError.invalid("document.recipient_outside", ro.name) }
                    doc.recipientOrgID = ro.id
                }
                if let s = input.recipientStaffId { doc.recipientStaffID = try await StaffService.find(s, actor: actor, on: db).id }
            } else {
                guard let level else { throw AppError.invalid("document.classification_missing", "") }
                // Content stays on paper: a summary is refused rather than quietly dropped.
                guard (input.summary ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw AppError.invalid("document.classified_content", "")
                }
                doc.classification = level; doc.type = type; doc.summary = ""
                guard let holder = input.holderStaffId else { throw AppError.invalid("document.holder_missing", "") }
                let person = try await StaffService.find(holder, actor: actor, on: db)
                guard org.orgPath.contains(person.org.orgPath) else { throw AppError.invalid("document.holder_outside", person.fullName) }
                doc.holderStaffID = person.id
                doc.storageLocation = try text(input.storageLocation, max: 300, code: "document.storage", required: true)
            }
        case .outgoing:
            let dated = try day(input.documentDate, code: "document_date", today: today, default: today)
            guard let type else { throw AppError.invalid("document.type_missing", "") }
            doc.registeredOn = dated.value; doc.documentDate = dated.value; doc.type = type
            doc.issuer = org.name
            doc.summary = try text(input.summary, max: 2000, code: "document.summary", required: true)
            doc.signer = try text(input.signer, max: 200, code: "document.signer", required: true)
            var lines: [String] = []
            for r in input.recipientOrgs ?? [] where !r.isEmpty {
                lines.append(try await OrgService.find(r, actor: actor, on: db).name)
            }
            for line in (input.outsideRecipients ?? "").split(whereSeparator: \.isNewline) {
                let t = try text(String(line), max: 300, code: "document.recipients")
                if !t.isEmpty { lines.append(t) }
            }
            guard !lines.isEmpty else { throw AppError.invalid("document.recipients_missing", "") }
            guard lines.count <= 200 else { throw AppError.invalid("too_long", "200") }
            doc.recipients = lines.joined(separator: "\n")
            let copies = input.copies ?? lines.count
            guard (1...10_000).contains(copies) else { throw AppError.invalid("document.copies_invalid", String(copies)) }
            doc.copies = copies
            if let k = input.fileKeeperOrg, !k.isEmpty {
                let keeper = try await OrgService.find(k, actor: actor, on: db)
                guard org.orgPath.contains(keeper.orgPath) else { throw AppError.invalid("document.recipient_outside", keeper.name) }
                doc.fileKeeperOrgID = keeper.id
            } else {
                doc.fileKeeperOrgID = org.id
            }
            if let reply = input.replyToId {
                let answered = try await DocumentAccess.find(reply, actor: actor, on: db)
                guard answered.register == .incoming else { throw AppError.invalid("document.reply_not_incoming", answered.numberSymbol) }
                doc.replyToID = answered.id
            }
        }
        let year = LocalDate(doc.registeredOn)!.year
        guard !DocumentRegister.isClosed(year: year, today: today) else { throw AppError.invalid("document.year_closed", String(year)) }
        doc.year = year
        if let key = duplicateCheck, input.confirmDuplicate != true,
           let existing = try await OfficialDocument.query(on: db).filter(\.$orgID == org.id!).filter(\.$duplicateKey == key).first() {
            throw Duplicate(existing: existing)
        }
        let symbolIssuer = abbreviation(of: org)
        return try await db.writeTransaction { tx in
            doc.serial = try await nextSerial(org: org.id!, register: kind, year: year, on: tx)
            if kind == .outgoing {
                doc.numberSymbol = DocumentNumber.outgoing(serial: doc.serial, type: doc.type!, issuer: symbolIssuer).description
                doc.duplicateKey = ""
            }
            try await doc.create(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "document.register_\(kind.rawValue)", entityType: "document",
                                          entityID: doc.id, orgPath: doc.orgPath, summary: "\(doc.serial)/\(year) · \(doc.numberSymbol)")
            if kind != .outgoing, let staff = doc.recipientStaffID {
                let users = try await TaskService.userIDsOfStaff(staff, on: tx).filter { $0 != actor.userID }
                try await NotificationService.notify(users, kind: "notif.document_received", detail: doc.numberSymbol,
                                                     link: "/documents/\(doc.id!)", on: tx)
            }
            return doc
        }
    }

    /// The symbol an org signs with: its code, which admins set to the abbreviation (UBND-VP).
    static func abbreviation(of org: Organization) -> String { org.code }

    /// The next number of a register's yearly series, inside the caller's write transaction:
    /// the row is created on first use and raised with one UPDATE, so concurrent clerks wait
    /// for each other's row lock (PostgreSQL) or write lock (SQLite) and never share a number.
    static func nextSerial(org: UUID, register: DocumentRegister, year: Int, on db: any Database) async throws -> Int {
        let sql = try db.sql
        try await sql.raw("""
            INSERT INTO document_series (id, org_id, register, year, last) VALUES (\(bind: UUID()), \(bind: org), \(bind: register.rawValue), \(bind: year), 0)
            ON CONFLICT (org_id, register, year) DO NOTHING
            """).run()
        struct Row: Decodable { let last: Int }
        guard let row = try await sql.raw("""
            UPDATE document_series SET last = last + 1 WHERE org_id = \(bind: org) AND register = \(bind: register.rawValue) AND year = \(bind: year)
            RETURNING last
            """).first(decoding: Row.self) else { throw AppError(status: .internalServerError, code: "internal", detail: "document series") }
        return row.last
    }

    /// Handing the document to its recipient, or sending an outgoing one (ngày chuyển).
    static func transfer(_ id: UUID, recipientOrg: String?, recipientStaffId: UUID?, actor: Actor, on db: any Database, now: Date = Date()) async throws -> OfficialDocument {
        let doc = try await DocumentAccess.find(id, actor: actor, on: db)
        guard try await DocumentAccess.mayRegister(doc.register, on: doc.path, actor: actor, on: db) else { throw AppError.forbidden }
        let today = LocalDate.of(now)
        guard !DocumentRegister.isClosed(year: doc.year, today: today) else { throw AppError.invalid("document.year_closed", String(doc.year)) }
        if let r = recipientOrg, !r.isEmpty {
            guard doc.register != .classified else { throw AppError.invalid("document.classified_people_only", "") }
            let ro = try await OrgService.find(r, actor: actor, on: db)
            guard doc.path.contains(ro.orgPath) else { throw AppError.invalid("document.recipient_outside", ro.name) }
            doc.recipientOrgID = ro.id
        }
        if let s = recipientStaffId { doc.recipientStaffID = try await StaffService.find(s, actor: actor, on: db).id }
        // An outgoing document is sent to the recipients it lists; the others go to a unit or a person.
        guard doc.register == .outgoing || doc.recipientOrgID != nil || doc.recipientStaffID != nil else {
            throw AppError.invalid("document.recipient_missing", "")
        }
        doc.transferDate = today.value
        doc.acknowledgedAt = nil; doc.acknowledgedBy = nil
        return try await db.writeTransaction { tx in
            try await doc.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "document.transfer", entityType: "document", entityID: doc.id,
                                          orgPath: doc.orgPath, summary: doc.numberSymbol)
            if let staff = doc.recipientStaffID {
                let users = try await TaskService.userIDsOfStaff(staff, on: tx).filter { $0 != actor.userID }
                try await NotificationService.notify(users, kind: "notif.document_received", detail: doc.numberSymbol, link: "/documents/\(doc.id!)", on: tx)
            }
            return doc
        }
    }

    /// The recipient signs for it (ký nhận): the person named, or a leader of the unit named.
    static func acknowledge(_ id: UUID, actor: Actor, on db: any Database, now: Date = Date()) async throws -> OfficialDocument {
        let doc = try await DocumentAccess.find(id, actor: actor, on: db)
        guard !DocumentRegister.isClosed(year: doc.year, today: LocalDate.of(now)) else { throw AppError.invalid("document.year_closed", String(doc.year)) }
        guard doc.transferDate != nil else { throw AppError.conflict("document.not_transferred", doc.numberSymbol) }
        var mine = actor.staffID != nil && actor.staffID == doc.recipientStaffID
        if !mine, let o = doc.recipientOrgID, let org = try await Organization.find(o, on: db) { mine = actor.may(.routeDocuments, on: org.orgPath) }
        guard mine else { throw AppError.invalid("document.not_recipient", doc.numberSymbol) }
        guard doc.acknowledgedAt == nil else { return doc }
        doc.acknowledgedAt = now; doc.acknowledgedBy = actor.displayName
        return try await db.writeTransaction { tx in
            try await doc.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "document.acknowledge", entityType: "document", entityID: doc.id,
                                          orgPath: doc.orgPath, summary: doc.numberSymbol)
            return doc
        }
    }
}
