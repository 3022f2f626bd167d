import CongsoCore
import Fluent
import Vapor

/// The procedure catalogue: one agency's procedures, added one by one or imported from CSV
/// (all rows or none), and read publicly by anyone.
enum ProcedureService {
    struct Input: Content {
        var org: String?
        var code: String?
        var name: String?
        /// "15d" (working days) or "8h" (working hours).
        var processing: String?
        var fee: Int?
        /// OnlineLevel raw value: full, partial or none.
        var onlineLevel: String?
        var byPost: Bool?
        var papers: [ServiceProcedure.Paper]?
        var active: Bool?
    }

    /// Validates the input into `p` (new or existing); the org is fixed by the caller.
    static func apply(_ input: Input, to p: ServiceProcedure) throws {
        let code = VietnameseText.normalize(input.code ?? "").uppercased()
        guard !code.isEmpty else { throw AppError.invalid("procedure.code_missing", "") }
        guard code.count <= 40, code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }) else {
            throw AppError.invalid("procedure.code_invalid", code)
        }
        let name = VietnameseText.normalize(input.name ?? "")
        guard !name.isEmpty else { throw AppError.invalid("procedure.name_missing", "") }
        guard name.count <= 500 else { throw AppError.invalid("too_long", "500") }
        guard let time = ProcessingTime(input.processing ?? "") else { throw AppError.invalid("procedure.processing_invalid", input.processing ?? "") }
        let fee = input.fee ?? 0
        guard (0...1_000_000_000).contains(fee) else { throw AppError.invalid("procedure.fee_invalid", String(fee)) }
        guard let level = OnlineLevel(rawValue: input.onlineLevel ?? "none") else { throw AppError.invalid("procedure.level_invalid", input.onlineLevel ?? "") }
        var papers: [ServiceProcedure.Paper] = []
        for paper in input.papers ?? [] {
            let n = VietnameseText.normalize(paper.name)
            guard !n.isEmpty else { continue }
            guard n.count <= 300 else { throw AppError.invalid("too_long", "300") }
            papers.append(.init(name: n, scan: paper.scan))
        }
        guard papers.count <= 30 else { throw AppError.invalid("procedure.papers_too_many", "30") }
        // Fully online means every paper can be sent as a scan.
        if level == .full, let paper = papers.first(where: { !$0.scan }) { throw AppError.invalid("procedure.full_needs_scans", paper.name) }
        p.code = code; p.name = name; p.nameFold = VietnameseText.fold(name); p.processing = time.description
        p.fee = fee; p.onlineLevel = level; p.byPost = input.byPost ?? false; p.papers = papers; p.active = input.active ?? true
    }

    static func create(_ input: Input, actor: Actor, on db: any Database) async throws -> ServiceProcedure {
        guard let code = input.org, !code.isEmpty else { throw AppError.invalid("org_missing", "") }
        let org = try await OrgService.find(code, actor: actor, on: db)
        try actor.require(.manageProcedures, on: org.orgPath)
        let p = ServiceProcedure()
        p.id = UUID(); p.orgID = org.id!; p.orgPath = org.path
        try apply(input, to: p)
        return try await db.writeTransaction { tx in
            try await DatabaseFailure.duplicate(as: { AppError.conflict("procedure.code_taken", p.code) }) { try await p.create(on: tx) }
            try await AuditService.record(on: tx, actor: actor, action: "procedure.create", entityType: "procedure", entityID: p.id,
                                          orgPath: p.orgPath, summary: "\(p.code) · \(p.name)")
            return p
        }
    }

    static func update(_ id: UUID, _ input: Input, actor: Actor, on db: any Database) async throws -> ServiceProcedure {
        guard let p = try await ServiceProcedure.find(id, on: db) else { throw AppError.notFound(id.uuidString) }
        try actor.require(.manageProcedures, on: OrgPath(p.orgPath))
        let before = "\(p.code) · \(p.processing) · \(p.onlineLevel.rawValue)"
        try apply(input, to: p)
        return try await db.writeTransaction { tx in
            try await DatabaseFailure.duplicate(as: { AppError.conflict("procedure.code_taken", p.code) }) { try await p.save(on: tx) }
            try await AuditService.record(on: tx, actor: actor, action: "procedure.update", entityType: "procedure", entityID: p.id,
                                          orgPath: p.orgPath, summary: "\(before) → \(p.code) · \(p.processing) · \(p.onlineLevel.rawValue)")
            return p
        }
    }

    /// The CSV columns, in order. `papers`: items separated by ";", an item ending in "[scan]"
    /// accepts a scan. `online_level`: full/partial/none, or the old 4/3.
    static let csvColumns = ["code", "name", "processing", "fee", "online_level", "by_post", "papers"]

    struct ImportResult: Content {
        let created: Int
        let updated: Int
    }

    struct ImportProblem: Error { let problems: [String] }

    /// Every row is checked before anything is written; one bad row writes nothing. A code
    /// the agency already has updates that procedure.
    static func importCSV(_ text: String, org code: String, actor: Actor, on db: any Database) async throws -> ImportResult {
        let org = try await OrgService.find(code, actor: actor, on: db)
        try actor.require(.manageProcedures, on: org.orgPath)
        let records: [CSVTable.Record]
        do { records = try CSVTable.parse(text) } catch { throw ImportProblem(problems: ["CSV: \(error)"]) }
        guard let header = records.first else { throw ImportProblem(problems: ["CSV: empty"]) }
        let columns = header.fields.map { VietnameseText.normalize($0).lowercased() }
        guard Array(columns.prefix(csvColumns.count)) == csvColumns else {
            throw ImportProblem(problems: ["line 1: the columns must be \(csvColumns.joined(separator: ","))"])
        }
        guard records.count <= 2_001 else { throw ImportProblem(problems: ["CSV: at most 2000 procedures at once"]) }
        let existing = Dictionary(try await ServiceProcedure.query(on: db).filter(\.$orgID == org.id!).all().map { ($0.code, $0) },
                                  uniquingKeysWith: { a, _ in a })
        var rows: [(ServiceProcedure, Bool)] = []
        var problems: [String] = []
        var seen = Set<String>()
        for r in records.dropFirst() where !(r.fields.count == 1 && r.fields[0].isEmpty) {
            var f = r.fields
            while f.count < csvColumns.count { f.append("") }
            var input = Input()
            input.code = f[0]; input.name = f[1]; input.processing = f[2]
            let feeText = f[3].filter { $0.isNumber }
            if !f[3].trimmingCharacters(in: .whitespaces).isEmpty && feeText.isEmpty { problems.append("line \(r.line): fee: \(f[3])"); continue }
            input.fee = Int(feeText) ?? 0
            switch f[4].trimmingCharacters(in: .whitespaces).lowercased() {
            case "4", "full": input.onlineLevel = "full"
            case "3", "partial": input.onlineLevel = "partial"
            case "", "none", "0", "2": input.onlineLevel = "none"
            default: input.onlineLevel = f[4]
            }
            switch VietnameseText.fold(f[5]) {
            case "", "no", "khong", "0", "false": input.byPost = false
            case "yes", "co", "1", "true": input.byPost = true
            default: problems.append("line \(r.line): by_post: \(f[5])"); continue
            }
            input.papers = f[6].split(separator: ";").map { item in
                let t = item.trimmingCharacters(in: .whitespaces)
                for mark in ["[scan]", "[bản chụp]"] where t.lowercased().hasSuffix(mark) {
                    return .init(name: String(t.dropLast(mark.count)).trimmingCharacters(in: .whitespaces), scan: true)
                }
                return .init(name: t, scan: false)
            }
            let p = existing[VietnameseText.normalize(f[0]).uppercased()] ?? ServiceProcedure()
            let isNew = p.id == nil
            if isNew { p.id = UUID(); p.orgID = org.id!; p.orgPath = org.path }
            do {
                try apply(input, to: p)
                guard seen.insert(p.code).inserted else { problems.append("line \(r.line): \(p.code) is listed twice"); continue }
                rows.append((p, isNew))
            } catch let e as AppError {
                problems.append("line \(r.line): \(e.code) \(e.detail)")
            }
        }
        guard problems.isEmpty else { throw ImportProblem(problems: Array(problems.prefix(50))) }
        let created = rows.filter(\.1).count
        let ready = rows
        return try await db.writeTransaction { tx in
            for (p, isNew) in ready { if isNew { try await p.create(on: tx) } else { try await p.save(on: tx) } }
            try await AuditService.record(on: tx, actor: actor, action: "procedure.import", entityType: "org", entityID: org.id,
                                          orgPath: org.path, summary: "\(created) new, \(ready.count - created) updated")
            return ImportResult(created: created, updated: ready.count - created)
        }
    }

    /// Active procedures of an org and its subtree, matching `q` without accents; public.
    static func catalogue(under path: String?, q: String?, page: PageRequest, activeOnly: Bool = true, on db: any Database) async throws -> Paged<ServiceProcedure> {
        let query = ServiceProcedure.query(on: db)
        if activeOnly { query.filter(\.$active == true) }
        if let path { query.filter(\.$orgPath =~ path) }
        // Words of letters and digits only, so a % or _ typed in the box matches nothing special.
        let words = VietnameseText.fold(q ?? "").split(whereSeparator: { !($0.isLetter || $0.isNumber) }).prefix(8)
        for word in words { query.filter(\.$nameFold ~~ String(word)) }
        let total = try await query.count()
        let items = try await query.sort(\.$orgPath).sort(\.$code).range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }
}
