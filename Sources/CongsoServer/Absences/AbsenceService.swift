import CongsoCore
import Fluent
import Vapor

/// Absences people report for themselves, or planners record for their staff. Rosters
/// generated afterwards keep each person off their absent shifts.
enum AbsenceService {
    struct Input: Content {
        var staffId: UUID?
        var from: String?
        var to: String?
        var shift: String?
        var reason: String?
    }

    static let maxDays = 62

    static func create(_ input: Input, actor: Actor, on db: any Database) async throws -> StaffAbsence {
        guard let id = input.staffId ?? actor.staffID else { throw AppError.invalid("absence.staff_missing", "") }
        let person = try await StaffService.find(id, actor: actor, on: db)
        // Anyone reports their own absence; for someone else it takes a planner of their unit.
        if id != actor.staffID { try actor.require(.planRosters, on: person.org.orgPath) }
        guard let from = input.from.flatMap(LocalDate.init) else { throw AppError.invalid("date_invalid", input.from ?? "") }
        let to = input.to.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        guard let until = to.map(LocalDate.init) ?? from else { throw AppError.invalid("date_invalid", input.to ?? "") }
        guard from <= until else { throw AppError.invalid("absence.range_invalid", "\(from.vietnamese) – \(until.vietnamese)") }
        guard until <= from.adding(days: maxDays - 1) else { throw AppError.invalid("absence.too_long", String(maxDays)) }
        var shift: Shift?
        if let raw = input.shift, !raw.isEmpty {
            guard let s = Shift(rawValue: raw) else { throw AppError.invalid("onsite.shift_invalid", raw) }
            shift = s
        }
        let reason = (input.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw AppError.invalid("absence.reason_missing", "") }
        guard reason.count <= 200 else { throw AppError.invalid("absence.reason_too_long", "200") }
        let absence = StaffAbsence()
        absence.id = UUID()
        absence.staffID = id
        absence.orgPath = person.org.path
        absence.fromDate = from.value
        absence.toDate = until.value
        absence.shift = shift
        absence.reason = reason
        absence.createdBy = actor.label
        try await db.writeTransaction { tx in
            try await absence.create(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "absence.create", entityType: "absence", entityID: absence.id,
                                          orgPath: absence.orgPath, summary: "\(person.fullName) \(from.value)…\(until.value)",
                                          after: absence.auditSnapshot)
        }
        return absence
    }

    static func find(_ id: UUID, actor: Actor, on db: any Database) async throws -> StaffAbsence {
        guard let a = try await StaffAbsence.find(id, on: db) else { throw AppError.notFound(id.uuidString) }
        if a.staffID != actor.staffID { try actor.require(.readStaff, on: OrgPath(a.orgPath)) }
        return a
    }

    static func delete(_ a: StaffAbsence, actor: Actor, on db: any Database) async throws {
        if a.staffID != actor.staffID { try actor.require(.planRosters, on: OrgPath(a.orgPath)) }
        let snapshot = a.auditSnapshot
        try await db.writeTransaction { tx in
            try await a.delete(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "absence.delete", entityType: "absence", entityID: a.id,
                                          orgPath: a.orgPath, summary: "\(a.fromDate)…\(a.toDate)", before: snapshot)
        }
    }

    /// Planners see their subtree; everyone else their own. Current and future ones only.
    static func list(under: Organization?, actor: Actor, page: PageRequest, on db: any Database) async throws -> Paged<StaffAbsence> {
        let q = StaffAbsence.query(on: db).filter(\.$toDate >= LocalDate.of(Date()).value)
        if actor.has(.planRosters) {
            if let under { try actor.require(.planRosters, on: under.orgPath) }
            q.filter(\.$orgPath =~ (under?.path ?? actor.visiblePrefix))
        } else {
            guard let me = actor.staffID else { return Paged(items: [], total: 0, page: page) }
            q.filter(\.$staffID == me)
        }
        let total = try await q.count()
        let items = try await q.sort(\.$fromDate).range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }

    /// Per person, the roster's unavailable days and shifts inside [start, end].
    static func unavailable(staff: [UUID], start: LocalDate, end: LocalDate, on db: any Database) async throws -> [UUID: [RosterInput.When]] {
        guard !staff.isEmpty else { return [:] }
        var out: [UUID: [RosterInput.When]] = [:]
        for chunk in stride(from: 0, to: staff.count, by: 500) {
            let ids = Array(staff[chunk..<min(chunk + 500, staff.count)])
            let rows = try await StaffAbsence.query(on: db).filter(\.$staffID ~~ ids)
                .filter(\.$fromDate <= end.value).filter(\.$toDate >= start.value).all()
            for a in rows {
                var d = max(LocalDate(a.fromDate)!, start)
                let last = min(LocalDate(a.toDate)!, end)
                while d <= last {
                    out[a.staffID, default: []].append(.init(date: d.value, shift: a.shift?.rawValue))
                    d = d.adding(days: 1)
                }
            }
        }
        return out
    }
}
