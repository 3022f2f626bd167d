import CongsoCore
import Fluent
import Vapor

/// `congso search-reindex`: rebuilds every search entry from the rows (after a restore, or if
/// the index is ever in doubt).
struct SearchReindexCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Rebuild the search index of documents, meetings, tasks and staff from their rows." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let db = context.application.db
        try await db.writeTransaction { tx in
            try await tx.sql.raw("DELETE FROM search_entries").run()
            if !tx.isPostgres { try await tx.sql.raw("DELETE FROM search_fts").run() }
            try await SearchIndex.rebuild(on: tx)
        }
        context.console.success("Search index rebuilt: \(try await SearchEntry.query(on: db).count()) entries.")
    }
}

/// `congso seed-documents --count N --org CODE`: fills an org's incoming register with
/// generated documents for the search benchmark (bench/search), through the same models and
/// index as real registrations, in batches of 1,000 with progress.
struct SeedDocumentsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "count", help: "How many documents (default 100000)") var count: String?
        @Option(name: "org", help: "The org whose register gets them (code)") var org: String?
        @Option(name: "seed", help: "Random seed (default 1)") var seed: String?
    }
    var help: String { "Fill an org's incoming register with generated documents (for benchmarks)." }

    static let issuers = ["UBND thành phố Hà Nội", "Sở Y tế Hà Nội", "Sở Nội vụ", "Công an thành phố", "Bộ Nội vụ", "Văn phòng Chính phủ",
                          "Sở Giao thông vận tải", "UBND quận Đống Đa", "Sở Lao động - Thương binh và Xã hội", "Bộ Y tế"]
    static let topics = ["Giấy đi đường", "giãn cách xã hội", "trực cơ quan", "xét nghiệm", "tiêm chủng", "dịch vụ công trực tuyến",
                         "đường dây nóng", "kiểm tra công vụ", "báo cáo tuần", "bố trí cán bộ", "cách ly y tế", "khai báo y tế",
                         "họp trực tuyến", "kế hoạch luân phiên", "phòng, chống dịch", "hồ sơ thủ tục hành chính", "chốt kiểm soát"]
    static let places = ["Đống Đa", "Hoàn Kiếm", "Ba Đình", "Hoàng Mai", "Cầu Giấy", "Thanh Xuân", "Hai Bà Trưng", "Long Biên", "Tây Hồ", "Hà Đông"]

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let count = Int(signature.count ?? "100000"), (1...2_000_000).contains(count) else { throw UsageError("--count must be 1…2000000") }
        guard let seed = UInt64(signature.seed ?? "1") else { throw UsageError("--seed must be a whole number") }
        guard let code = signature.org, !code.isEmpty else { throw UsageError("--org CODE is required") }
        let db = context.application.db
        let org = try await OrgService.find(code, actor: .commandLine("cli:seed-documents"), on: db)
        var rng = SeededRandom(seed: seed)
        let today = LocalDate.of(Date()), year = today.year
        let firstOfYear = LocalDate(String(format: "%04d-01-01", year))!
        let types = DocumentType.allCases.filter { $0.abbreviation != nil || $0 == .officialLetter }
        var done = 0
        while done < count {
            let n = min(1_000, count - done)
            var docs: [OfficialDocument] = []
            for _ in 0..<n {
                let type = types.randomElement(using: &rng)!
                let number = DocumentNumber(number: Int.random(in: 1...9999, using: &rng), symbol: (type.abbreviation.map { [$0] } ?? []) + ["UBND"])
                let d = OfficialDocument()
                d.id = UUID(); d.orgID = org.id!; d.orgPath = org.path; d.register = .incoming; d.year = year
                d.numberSymbol = number.description
                d.issuer = Self.issuers.randomElement(using: &rng)!
                d.duplicateKey = DocumentService.duplicateKey(number, issuer: d.issuer)
                // Any day of this year up to today, so every entry sits in this year's register.
                let day = max(today.adding(days: -Int.random(in: 0..<366, using: &rng)), firstOfYear)
                d.registeredOn = day.value; d.documentDate = day.value; d.type = type; d.urgency = .normal; d.notes = ""
                d.summary = "V/v \(Self.topics.randomElement(using: &rng)!) \(Self.places.randomElement(using: &rng)!), \(Self.topics.randomElement(using: &rng)!)"
                d.createdBy = "cli:seed-documents"
                docs.append(d)
            }
            let batch = docs
            try await db.writeTransaction { tx in
                var serial = try await DocumentService.nextSerial(org: org.id!, register: .incoming, year: year, on: tx)
                try await tx.sql.raw("UPDATE document_series SET last = last + \(bind: batch.count - 1) WHERE org_id = \(bind: org.id!) AND register = 'incoming' AND year = \(bind: year)").run()
                for d in batch { d.serial = serial; serial += 1 }
                try await batch.create(on: tx)
            }
            done += n
            if done % 10_000 == 0 || done == count { context.console.output("  \(done)/\(count)".consoleText()) }
        }
        context.console.success("\(count) documents in the incoming register of \(org.name).")
    }
}
