import CongsoCore
import Fluent
import Vapor

/// Places and times announced as visited by a case, entered one by one or imported as CSV.
/// Announcing one looks back over the declarations already made: everyone whose declared
/// visit overlaps it goes under monitoring from the day of the visit, with the match named.
enum OutbreakService {
    struct Input: Content {
        var org: String?
        var place: String?
        var address: String?
        var from: String?
        var to: String?
        var source: String?
    }

    static let csvColumns = ["place", "address", "from", "to", "source"]

    /// "2026-03-02 08:30" (Hanoi time) or ISO 8601.
    static func instant(_ raw: String?) -> Date? {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        if let d = try? Date(raw, strategy: .iso8601) { return d }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = LocalDate.timeZone
        for format in ["yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "dd/MM/yyyy HH:mm"] {
            f.dateFormat = format
            if let d = f.date(from: raw) { return d }
        }
        return nil
    }

    static func prepare(_ input: Input, org: Organization, actor: Actor) throws -> OutbreakPlaceRecord {
        let place = VietnameseText.normalize(input.place ?? "")
        guard !place.isEmpty, place.count <= 300 else { throw AppError.invalid("health.outbreak_place_missing", "") }
        let address = VietnameseText.normalize(input.address ?? "")
        guard address.count <= 500 else { throw AppError.invalid("too_long", "500") }
        guard let from = instant(input.from) else { throw AppError.invalid("health.outbreak_time_invalid", input.from ?? "") }
        guard let to = instant(input.to) else { throw AppError.invalid("health.outbreak_time_invalid", input.to ?? "") }
        guard from <= to, to.timeIntervalSince(from) <= 31 * 86_400 else { throw AppError.invalid("health.outbreak_time_invalid", input.to ?? "") }
        let source = VietnameseText.normalize(input.source ?? "")
        guard !source.isEmpty, source.count <= 300 else { throw AppError.invalid("health.outbreak_source_missing", "") }
        let r = OutbreakPlaceRecord()
        r.id = UUID()
        r.orgID = org.id!
        r.orgPath = org.path
        r.place = place
        r.address = address
        r.fromAt = from
        r.toAt = to
        r.source = source
        r.createdBy = actor.label
        return r
    }

    struct Announced: Content {
        let created: Int
        let monitored: Int
    }

    static func create(_ input: Input, actor: Actor, on db: any Database) async throws -> (OutbreakPlaceRecord, Int) {
        let org = try await OrgService.find(input.org ?? "", actor: actor, on: db)
        try actor.require(.announceOutbreaks, on: org.orgPath)
        let r = try prepare(input, org: org, actor: actor)
        let monitored = try await save([r], org: org, actor: actor, on: db)
        return (r, monitored)
    }

    static func importCSV(_ text: String, org code: String, actor: Actor, on db: any Database) async throws -> Announced {
        let org = try await OrgService.find(code, actor: actor, on: db)
        try actor.require(.announceOutbreaks, on: org.orgPath)
        let records: [CSVTable.Record]
        do { records = try CSVTable.parse(text) } catch { throw AppError.invalid("health.import_invalid", "CSV: \(error)") }
        guard let header = records.first else { throw AppError.invalid("health.import_invalid", "CSV: empty") }
        let columns = header.fields.map { VietnameseText.normalize($0).lowercased() }
        guard Array(columns.prefix(csvColumns.count)) == csvColumns else {
            throw AppError.invalid("health.import_invalid", "line 1: " + csvColumns.joined(separator: ","))
        }
        guard records.count <= 5_001 else { throw AppError.invalid("health.import_invalid", "5000") }
        var rows: [OutbreakPlaceRecord] = []
        var problems: [String] = []
        for r in records.dropFirst() where !(r.fields.count == 1 && r.fields[0].isEmpty) {
            var f = r.fields
            while f.count < csvColumns.count { f.append("") }
            do {
                rows.append(try prepare(Input(org: code, place: f[0], address: f[1], from: f[2], to: f[3], source: f[4]), org: org, actor: actor))
            } catch let e as AppError {
                problems.append("line \(r.line): \(e.code) \(e.detail)")
            }
        }
        guard problems.isEmpty else { throw AppError.invalid("health.import_invalid", problems.prefix(20).joined(separator: "; ")) }
        guard !rows.isEmpty else { throw AppError.invalid("health.import_invalid", "CSV: empty") }
        let monitored = try await save(rows, org: org, actor: actor, on: db)
        return Announced(created: rows.count, monitored: monitored)
    }

    /// Writes the places and puts the people whose declarations match under monitoring, in one transaction.
    private static func save(_ rows: [OutbreakPlaceRecord], org: Organization, actor: Actor, on db: any Database) async throws -> Int {
        let earliest = rows.map(\.fromAt).min()!
        // A visit is declared after it happened: only declarations since the earliest announced time can match.
        let candidates = try await HealthDeclaration.query(on: db).filter(\.$staffID != nil).filter(\.$declaredAt >= earliest)
            .filter(\.$placesJSON != "[]").all()
        let announced = rows.map(\.core)
        var hits: [(UUID, UUID, LocalDate, String)] = []
        for d in candidates {
            guard let staff = d.staffID else { continue }
            let visits = d.places
            for (i, p) in OutbreakMatching.matches(visits, among: announced) {
                let day = LocalDate.of(max(visits[i].from, p.from))
                hits.append((staff, d.id!, day, "\(p.place) (\(DisplayDate.format(p.from))–\(DisplayDate.time(p.to)))"))
            }
        }
        let today = LocalDate.of(Date())
        let found = hits
        return try await db.writeTransaction { tx in
            _ = try await StaffMember.lockedForUpdate(found.map(\.0), on: tx)
            for r in rows { try await r.create(on: tx) }
            try await AuditService.record(on: tx, actor: actor, action: "health.outbreak", entityType: "org", entityID: org.id,
                                          orgPath: org.path, summary: "\(rows.count): " + rows.prefix(5).map(\.place).joined(separator: "; "))
            var monitored = 0
            for (staff, declaration, day, detail) in found {
                let policy = try await PolicyService.effective(for: org, on: day, db: tx).policy
                guard HealthRules.lastDay(of: .monitoring, from: day, policy: policy) >= today else { continue }
                if try await HealthService.start(.init(staffID: staff, basis: .outbreakPlace, from: day, lastDay: nil, detail: detail,
                                                       sourceID: declaration), actor: actor, on: tx) != nil { monitored += 1 }
            }
            return monitored
        }
    }

    /// Announced places a declaration's visits meet.
    static func matching(_ visits: [VisitedPlace], on db: any Database) async throws -> [OutbreakPlace] {
        guard let first = visits.map(\.from).min(), let last = visits.map(\.to).max() else { return [] }
        let places = try await OutbreakPlaceRecord.query(on: db).filter(\.$toAt >= first).filter(\.$fromAt <= last).limit(5_000).all()
        var seen = Set<String>()
        return OutbreakMatching.matches(visits, among: places.map(\.core)).map(\.1).filter { seen.insert($0.id).inserted }
    }

    static func list(under prefix: String, page: PageRequest, on db: any Database) async throws -> Paged<OutbreakPlaceRecord> {
        let q = OutbreakPlaceRecord.query(on: db)
        if prefix != "/" { q.filter(\.$orgPath =~ prefix) }
        let total = try await q.count()
        let items = try await q.sort(\.$fromAt, .descending).range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }
}
