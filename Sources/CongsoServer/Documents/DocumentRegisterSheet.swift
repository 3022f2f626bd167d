import CongsoCore
import Fluent
import Vapor

/// A register for a period as Decree 30/2020 prints it (Appendix IV): the decree's columns in
/// its order, for the A4 landscape page and the CSV alike.
enum DocumentRegisterSheet {
    struct Sheet: Sendable {
        let register: DocumentRegister
        let orgName: String
        let year: Int
        let from: LocalDate
        let to: LocalDate
        let closed: Bool
        let columns: [String]
        let rows: [[String]]
    }

    /// Column headings as translation keys, in the decree's order.
    static func columns(_ r: DocumentRegister) -> [String] {
        switch r {
        case .incoming: ["reg_col_arrival_date", "reg_col_arrival_no", "reg_col_issuer", "reg_col_number", "reg_col_doc_date",
                         "reg_col_type_summary", "reg_col_recipient", "reg_col_signed", "reg_col_notes"]
        case .outgoing: ["reg_col_number", "reg_col_doc_date", "reg_col_type_summary", "reg_col_signer", "reg_col_recipients",
                         "reg_col_file_keeper", "reg_col_copies", "reg_col_transfer_date", "reg_col_signed", "reg_col_notes"]
        case .classified: ["reg_col_arrival_date", "reg_col_arrival_no", "reg_col_issuer", "reg_col_number", "reg_col_doc_date",
                           "reg_col_level", "reg_col_holder", "reg_col_storage", "reg_col_notes"]
        }
    }

    static func make(_ register: DocumentRegister, org: Organization, year: Int, from: LocalDate?, to: LocalDate?, actor: Actor,
                     on db: any Database, t: (String) -> String) async throws -> Sheet {
        guard try await DocumentAccess.mayRegister(register, on: org.orgPath, actor: actor, on: db)
                || (register != .classified && actor.may(.readDocuments, on: org.orgPath))
                || (register == .classified && DocumentAccess.isHead(actor, over: org.orgPath)) else {
            throw register == .classified ? AppError.invalid("document.not_cleared", "") : AppError.forbidden
        }
        let first = LocalDate(String(format: "%04d-01-01", year))!, last = LocalDate(String(format: "%04d-12-31", year))!
        let lo = max(from ?? first, first), hi = min(to ?? last, last)
        guard lo <= hi else { throw AppError.invalid("document.period_invalid", "\(lo.vietnamese) – \(hi.vietnamese)") }
        // A register is the org's own book: entries of its units' books are in theirs.
        let docs = try await OfficialDocument.query(on: db).filter(\.$orgID == org.id!).filter(\.$register == register)
            .filter(\.$year == year).filter(\.$registeredOn >= lo.value).filter(\.$registeredOn <= hi.value)
            .sort(\.$serial).range(0..<20_000).all()
        // Routed without a recipient named at registration: the lead of the routing receives it.
        var leads: [UUID: DocumentRoute] = [:]
        let ids = docs.compactMap(\.id)
        for chunk in stride(from: 0, to: ids.count, by: 500) {
            for r in try await DocumentRoute.query(on: db).filter(\.$documentID ~~ Array(ids[chunk..<min(chunk + 500, ids.count)]))
                .filter(\.$role == .lead).all() where leads[r.documentID] == nil { leads[r.documentID] = r }
        }
        let orgIDs = Set(docs.flatMap { [$0.recipientOrgID, $0.fileKeeperOrgID].compactMap { $0 } } + leads.values.compactMap(\.orgID))
        let orgs = try await OrgService.names(orgIDs, on: db)
        let staffIDs = Set(docs.flatMap { [$0.recipientStaffID, $0.holderStaffID].compactMap { $0 } } + leads.values.compactMap(\.staffID))
        var people: [UUID: String] = [:]
        if !staffIDs.isEmpty { for p in try await StaffMember.query(on: db).filter(\.$id ~~ Array(staffIDs)).all() { people[p.id!] = p.fullName } }
        func day(_ s: String?) -> String { s.flatMap(LocalDate.init)?.vietnamese ?? "" }
        func typeAndSummary(_ d: OfficialDocument) -> String {
            [d.type.map { t("doc_type_" + $0.rawValue) } ?? "", d.summary].filter { !$0.isEmpty }.joined(separator: ": ")
        }
        func signed(_ d: OfficialDocument) -> String {
            d.acknowledgedAt.map { "\(d.acknowledgedBy ?? "") \(LocalDate.of($0).vietnamese)" } ?? ""
        }
        let rows: [[String]] = docs.map { d in
            var recipient = [d.recipientOrgID.flatMap { orgs[$0] }, d.recipientStaffID.flatMap { people[$0] }].compactMap { $0 }.joined(separator: " · ")
            if recipient.isEmpty, let lead = leads[d.id!] { recipient = lead.orgID.flatMap { orgs[$0] } ?? lead.staffID.flatMap { people[$0] } ?? "" }
            switch register {
            case .incoming:
                return [day(d.registeredOn), String(d.serial), d.issuer, d.numberSymbol, day(d.documentDate), typeAndSummary(d), recipient, signed(d), d.notes]
            case .outgoing:
                return [d.numberSymbol, day(d.documentDate), typeAndSummary(d), d.signer ?? "", (d.recipients ?? "").replacingOccurrences(of: "\n", with: "; "),
                        d.fileKeeperOrgID.flatMap { orgs[$0] } ?? "", d.copies.map(String.init) ?? "", day(d.transferDate), signed(d), d.notes]
            case .classified:
                return [day(d.registeredOn), String(d.serial), d.issuer, d.numberSymbol, day(d.documentDate),
                        d.classification.map { t("doc_level_" + $0.rawValue) } ?? "", d.holderStaffID.flatMap { people[$0] } ?? "",
                        d.storageLocation ?? "", d.notes]
            }
        }
        if register == .classified {
            try await db.writeTransaction { tx in
                try await AuditService.record(on: tx, actor: actor, action: "document.classified_register", entityType: "organization",
                                              entityID: org.id, orgPath: org.path, summary: "\(year) · \(lo.value)–\(hi.value) · \(docs.count)")
            }
        }
        return Sheet(register: register, orgName: org.name, year: year, from: lo, to: hi,
                     closed: DocumentRegister.isClosed(year: year, today: .of(Date())), columns: columns(register).map(t), rows: rows)
    }

    /// The sheet as CSV; a cell a spreadsheet would run as a formula is quoted as text.
    static func csv(_ s: Sheet) -> String {
        func safe(_ v: String) -> String { v.first.map { "=+-@".contains($0) } == true ? "'" + v : v }
        return CSVTable.line(s.columns) + s.rows.map { CSVTable.line($0.map(safe)) }.joined()
    }
}
