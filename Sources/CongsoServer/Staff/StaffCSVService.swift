import CongsoCore
import Fluent
import Vapor

/// CSV import and export of staff (format in the README and `StaffCSV`).
enum StaffCSVService {
    struct ImportReport: Sendable {
        var created = 0
        var updated = 0
        var errors: [StaffCSV.RowError] = []
        var committed = false
    }

    /// Imports rows, matched to existing staff by e-mail (so export → import updates in
    /// place). Without `skipInvalid`, one bad row means nothing is written.
    static func importCSV(_ data: [UInt8], skipInvalid: Bool, actor: Actor, on db: any Database,
                          progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> ImportReport {
        var parsed = StaffCSV.parse(data)
        var report = ImportReport()
        // Resolve unit codes in one query and check the actor may write there.
        let codes = Array(Set(parsed.rows.map(\.unitCode)))
        var orgs: [String: Organization] = [:]
        for chunk in stride(from: 0, to: codes.count, by: 500).map({ Array(codes[$0..<min($0 + 500, codes.count)]) }) {
            for org in try await Organization.query(on: db).filter(\.$code ~~ chunk).all() { orgs[org.code] = org }
        }
        var good: [(StaffCSV.Row, Organization)] = []
        for row in parsed.rows {
            guard let org = orgs[row.unitCode], actor.may(.readOrgs, on: org.orgPath) else {
                parsed.errors.append(.init(line: row.line, reason: "unit_code \(row.unitCode) does not exist"))
                continue
            }
            guard actor.may(.writeStaff, on: org.orgPath) else {
                parsed.errors.append(.init(line: row.line, reason: "you may not change staff of \(row.unitCode)"))
                continue
            }
            good.append((row, org))
        }
        report.errors = parsed.errors.sorted { $0.line < $1.line }
        if !report.errors.isEmpty && !skipInvalid { return report }

        let rows = good
        let (created, updated) = try await db.writeTransaction { tx -> (Int, Int) in
            var updated = 0
            let emails = rows.map(\.0.draft.email)
            var existing: [String: StaffMember] = [:]
            for chunk in stride(from: 0, to: emails.count, by: 500).map({ Array(emails[$0..<min($0 + 500, emails.count)]) }) {
                for s in try await StaffMember.query(on: tx).filter(\.$email ~~ chunk).with(\.$org).all() { existing[s.email] = s }
            }
            var newStaff: [StaffMember] = []
            var audits: [AuditService.Line] = []
            for (i, (row, org)) in rows.enumerated() {
                if let person = existing[row.draft.email] {
                    let before = person.auditSnapshot
                    let fromPath = person.org.path
                    person.apply(row.draft)
                    person.$org.id = org.id!
                    if person.auditSnapshot != before {
                        try await person.save(on: tx)
                        updated += 1
                        audits.append(AuditService.entry(actor: actor, action: "staff.import.update", entityType: "staff",
                                                          entityID: person.id, orgPath: org.path, prevOrgPath: fromPath,
                                                          summary: "CSV line \(row.line): \(row.draft.fullName)",
                                                          before: before, after: person.auditSnapshot))
                    }
                } else {
                    let person = StaffMember(orgID: org.id!, draft: row.draft)
                    newStaff.append(person)
                    audits.append(AuditService.entry(actor: actor, action: "staff.import.create", entityType: "staff",
                                                      entityID: person.id, orgPath: org.path,
                                                      summary: "CSV line \(row.line): \(row.draft.fullName)",
                                                      after: person.auditSnapshot))
                }
                if i % 500 == 499 { progress(i + 1, rows.count) }
            }
            for chunk in stride(from: 0, to: newStaff.count, by: 200) {
                try await Array(newStaff[chunk..<min(chunk + 200, newStaff.count)]).create(on: tx)
            }
            try await AuditService.append(audits, on: tx)
            progress(rows.count, rows.count)
            return (newStaff.count, updated)
        }
        report.created = created
        report.updated = updated
        report.committed = true
        return report
    }

    /// Every staff member the actor may read, in the import format, sorted by unit then name.
    static func exportCSV(actor: Actor, under: Organization?, on db: any Database) async throws -> String {
        try actor.require(.readStaff)
        let prefix = under?.path ?? actor.visiblePrefix
        if let under { try actor.require(.readStaff, on: under.orgPath) }
        let rows = try await StaffMember.query(on: db)
            .join(Organization.self, on: \StaffMember.$org.$id == \Organization.$id)
            .filter(Organization.self, \.$path =~ prefix)
            .sort(Organization.self, \.$code).sort(\.$sortKey).all()
        var out = StaffCSV.header()
        for row in rows {
            let org = try row.joined(Organization.self)
            out += StaffCSV.line(unitCode: org.code, row.draft)
        }
        return out
    }
}
