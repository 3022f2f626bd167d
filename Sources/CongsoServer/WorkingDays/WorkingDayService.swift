import CongsoCore
import Fluent
import Vapor

/// The working-day calendar every deadline is counted on: Core's computed holidays plus the
/// days admins adjust. Read from the database on each use (a handful of rows a year), so
/// every server process counts on the same calendar.
enum WorkingDayService {
    static func calendar(on db: any Database) async throws -> WorkingCalendar {
        var adjustments: [LocalDate: WorkingCalendar.Adjustment] = [:]
        for row in try await WorkingDayAdjustment.query(on: db).all() {
            if let d = LocalDate(row.day) { adjustments[d] = row.kind }
        }
        return WorkingCalendar(adjustments: adjustments)
    }

    static func deadline(on db: any Database) async throws -> ProcessingDeadline {
        ProcessingDeadline(calendar: try await calendar(on: db))
    }

    static func adjustments(year: Int, on db: any Database) async throws -> [WorkingDayAdjustment] {
        try await WorkingDayAdjustment.query(on: db)
            .filter(\.$day >= String(format: "%04d-01-01", year)).filter(\.$day <= String(format: "%04d-12-31", year))
            .sort(\.$day).all()
    }

    /// Sets one day's adjustment (replacing any earlier one); admins only.
    static func set(_ rawDay: String?, kind rawKind: String?, note: String?, actor: Actor, on db: any Database) async throws -> WorkingDayAdjustment {
        guard actor.has(.manageCalendar) && actor.role == .admin else { throw AppError.forbidden }
        guard let day = LocalDate((rawDay ?? "").trimmingCharacters(in: .whitespaces)) else { throw AppError.invalid("date_invalid", rawDay ?? "") }
        guard let kind = rawKind.flatMap(WorkingCalendar.Adjustment.init(rawValue:)) else { throw AppError.invalid("working_days.kind_invalid", rawKind ?? "") }
        let text = VietnameseText.normalize(note ?? "")
        guard !text.isEmpty else { throw AppError.invalid("working_days.note_missing", "") }
        guard text.count <= 200 else { throw AppError.invalid("too_long", "200") }
        // A day off on a day that is already off, or a workday on one already worked, changes nothing.
        let base = WorkingCalendar().kind(of: day)
        if kind == .dayOff && !base.isWorking { throw AppError.invalid("working_days.already_off", day.vietnamese) }
        if kind == .workday && base.isWorking { throw AppError.invalid("working_days.already_working", day.vietnamese) }
        return try await db.writeTransaction { tx in
            let existing = try await WorkingDayAdjustment.query(on: tx).filter(\.$day == day.value).first()
            let row = existing ?? WorkingDayAdjustment()
            let before = existing.map { "\($0.kind.rawValue): \($0.note)" }
            row.day = day.value; row.kind = kind; row.note = text; row.createdBy = actor.displayName
            try await row.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "working_days.set", entityType: "working_day", entityID: row.id, orgPath: "",
                                          summary: "\(day.value) \(kind.rawValue): \(text)" + (before.map { " (← \($0))" } ?? ""))
            return row
        }
    }

    static func remove(_ rawDay: String?, actor: Actor, on db: any Database) async throws {
        guard actor.role == .admin else { throw AppError.forbidden }
        guard let day = LocalDate(rawDay ?? "") else { throw AppError.invalid("date_invalid", rawDay ?? "") }
        try await db.writeTransaction { tx in
            guard let row = try await WorkingDayAdjustment.query(on: tx).filter(\.$day == day.value).first() else { throw AppError.notFound(day.value) }
            try await row.delete(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "working_days.remove", entityType: "working_day", entityID: row.id, orgPath: "",
                                          summary: "\(day.value) \(row.kind.rawValue): \(row.note)")
        }
    }

    /// A year's days as the admin page and the API list them.
    struct Day: Content {
        let date: String
        /// holiday, in_lieu, day_off, workday
        let kind: String
        let holiday: String?
        let note: String?
        let adjusted: Bool
    }

    static func days(year: Int, on db: any Database) async throws -> [Day] {
        let cal = try await calendar(on: db)
        let notes = Dictionary(try await adjustments(year: year, on: db).map { ($0.day, $0.note) }, uniquingKeysWith: { a, _ in a })
        return cal.exceptions(year).map { e in
            let (kind, holiday): (String, String?) = switch e.kind {
            case .holiday(let h): ("holiday", h.rawValue)
            case .inLieu(let h): ("in_lieu", h.rawValue)
            case .dayOff: ("day_off", nil)
            case .swappedWorkday: ("workday", nil)
            case .workday, .weekend: ("workday", nil)
            }
            return Day(date: e.date.value, kind: kind, holiday: holiday, note: notes[e.date.value], adjusted: notes[e.date.value] != nil)
        }
    }
}
