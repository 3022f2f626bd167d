import CongsoCore
import Fluent
import Vapor

/// Expected, received, on time and rate per window, for an org and each of its child
/// orgs (each rolled up over its whole subtree), with the names of who has not reported.
struct ReportRatesDTO: Content {
    struct OrgRef: Content { let id: UUID; let code: String; let name: String }
    struct Person: Content { let staffId: UUID; let name: String; let unit: String }
    struct Line: Content {
        let org: OrgRef
        let expected: Int
        let received: Int
        let onTime: Int
        let rate: Double
    }
    struct Window: Content {
        let slot: String
        let title: String?
        let opensAt: Date?
        let closesAt: Date?
        let expected: Int
        let received: Int
        let onTime: Int
        let late: Int
        /// received ÷ expected, in percent with one decimal.
        let rate: Double
        let onTimeRate: Double
        let missing: [Person]
        let missingTotal: Int
        let children: [Line]
    }
    let org: OrgRef
    let date: String
    let windows: [Window]
}

enum ReportRates {
    static let maxMissing = 500

    static func percent(_ part: Int, _ whole: Int) -> Double {
        whole == 0 ? 0 : (1000 * Double(part) / Double(whole)).rounded() / 10
    }

    struct Person { let id: UUID; let name: String; let sortKey: String; let orgID: UUID; let path: String; let available: Bool }

    /// Everyone under `org` with whether they are expected to report on `date`: people on
    /// leave or with a whole-day absence are not.
    static func people(under org: Organization, on date: LocalDate, db: any Database) async throws -> [Person] {
        let rows = try await StaffMember.query(on: db)
            .join(Organization.self, on: \StaffMember.$org.$id == \Organization.$id)
            .filter(Organization.self, \.$path =~ org.path)
            .field(\.$id).field(\.$fullName).field(\.$sortKey).field(\.$status).field(\.$org.$id)
            .field(Organization.self, \.$path).all()
        let absent = Set(try await StaffAbsence.query(on: db).filter(\.$orgPath =~ org.path).filter(\.$shift == nil)
            .filter(\.$fromDate <= date.value).filter(\.$toDate >= date.value).all().map(\.staffID))
        return try rows.map { r in
            let path = try r.joined(Organization.self).path
            return Person(id: r.id!, name: r.fullName, sortKey: r.sortKey, orgID: r.$org.id, path: path,
                          available: r.status != .onLeave && !absent.contains(r.id!))
        }
    }

    static func ref(_ o: Organization) -> ReportRatesDTO.OrgRef { .init(id: o.id!, code: o.code, name: o.name) }

    /// The daily windows of `date` (all of them, or one `slot`).
    static func rates(_ org: Organization, date: LocalDate, slot: String?, actor: Actor, on db: any Database, now: Date = Date()) async throws -> ReportRatesDTO {
        try actor.require(.readReports, on: org.orgPath)
        let settings = try await ReportService.settings(on: db)
        let people = try await people(under: org, on: date, db: db)
        // Each person's schedule, by the deepest setting above their unit.
        var scheduleOf: [String: ReportSchedule] = [:]
        for p in people where scheduleOf[p.path] == nil { scheduleOf[p.path] = ReportService.schedule(at: p.path, in: settings).schedule }
        var slots = Set<String>()
        for s in scheduleOf.values where s.isReportDay(date) { slots.formUnion(s.times) }
        if people.isEmpty { slots.formUnion(ReportService.schedule(at: org.path, in: settings).schedule.times) }
        if let slot {
            guard slots.contains(slot) else { throw AppError.invalid("report.window_unknown", "\(slot) \(date.vietnamese)") }
            slots = [slot]
        }
        let reports = try await DailyReport.query(on: db).filter(\.$date == date.value).filter(\.$orgPath =~ org.path)
            .filter(\.$slot ~~ Array(slots)).all()
        let children = try await OrgService.children(of: org, on: db)
        let unitNames = try await OrgService.names(Set(people.map(\.orgID)), on: db)
        let orgSchedule = ReportService.schedule(at: org.path, in: settings).schedule
        let windows = slots.sorted().map { s -> ReportRatesDTO.Window in
            let expected = people.filter { p in
                guard p.available, let sch = scheduleOf[p.path] else { return false }
                return sch.isReportDay(date) && sch.times.contains(s)
            }
            let w = orgSchedule.window(s, on: date)
            return window(slot: s, title: nil, opensAt: w?.opensAt, closesAt: w?.closesAt, expected: expected,
                          reports: reports.filter { $0.slot == s }, children: children, unitNames: unitNames)
        }
        return ReportRatesDTO(org: ref(org), date: date.value, windows: windows)
    }

    /// One ad-hoc request: everyone available under its org is expected.
    static func rates(_ request: ReportRequest, actor: Actor, on db: any Database) async throws -> ReportRatesDTO {
        guard let org = try await Organization.find(request.orgID, on: db) else { throw AppError.notFound(request.orgID.uuidString) }
        try actor.require(.readReports, on: org.orgPath)
        let day = LocalDate.of(request.deadline)
        let people = try await people(under: org, on: day, db: db).filter(\.available)
        let reports = try await DailyReport.query(on: db).filter(\.$slot == request.slot).all()
        let w = window(slot: request.slot, title: request.title, opensAt: request.createdAt, closesAt: request.deadline, expected: people,
                       reports: reports, children: try await OrgService.children(of: org, on: db),
                       unitNames: try await OrgService.names(Set(people.map(\.orgID)), on: db))
        return ReportRatesDTO(org: ref(org), date: day.value, windows: [w])
    }

    static func window(slot: String, title: String?, opensAt: Date?, closesAt: Date?, expected: [Person], reports: [DailyReport],
                       children: [Organization], unitNames: [UUID: String]) -> ReportRatesDTO.Window {
        let byStaff = Dictionary(reports.map { ($0.staffID, $0) }, uniquingKeysWith: { a, _ in a })
        let got = expected.filter { byStaff[$0.id] != nil }
        let onTime = got.filter { byStaff[$0.id]!.onTime }.count
        let missing = expected.filter { byStaff[$0.id] == nil }.sorted { ($0.sortKey, $0.id.uuidString) < ($1.sortKey, $1.id.uuidString) }
        let lines = children.map { c -> ReportRatesDTO.Line in
            let mine = expected.filter { $0.path.hasPrefix(c.path) }
            let recv = mine.filter { byStaff[$0.id] != nil }
            return .init(org: ref(c), expected: mine.count, received: recv.count, onTime: recv.filter { byStaff[$0.id]!.onTime }.count,
                         rate: percent(recv.count, mine.count))
        }.filter { $0.expected > 0 }
        return .init(slot: slot, title: title, opensAt: opensAt, closesAt: closesAt, expected: expected.count, received: got.count,
                     onTime: onTime, late: got.count - onTime, rate: percent(got.count, expected.count), onTimeRate: percent(onTime, expected.count),
                     missing: missing.prefix(maxMissing).map { .init(staffId: $0.id, name: $0.name, unit: unitNames[$0.orgID] ?? "") },
                     missingTotal: missing.count, children: lines)
    }
}
