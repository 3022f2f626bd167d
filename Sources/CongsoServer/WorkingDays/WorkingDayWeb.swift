import CongsoCore
import Vapor

/// "Lịch làm việc": a year's holidays (computed), days in lieu, and the days admins adjusted
/// (the Tết break, bridge days off, Saturdays worked back), which every deadline counts on.
enum WorkingDayWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("working-days", use: index)
        web.post("working-days", use: set)
        web.post("working-days", ":day", "delete", use: remove)
    }

    struct Row: Encodable { let date: String; let value: String; let weekday: String; let label: String; let kind: String; let note: String?; let adjusted: Bool }
    struct Data: Encodable {
        let year: Int
        let prev: Int
        let next: Int
        let rows: [Row]
        let canEdit: Bool
        let kinds: [FormOption]
    }

    @Sendable static func index(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let year = try WorkingDayAPI.year(req)
        let rows = try await WorkingDayService.days(year: year, on: req.db).map { d in
            let day = LocalDate(d.date)!
            let label = d.holiday.map { req.t("holiday_" + $0) + (d.kind == "in_lieu" ? " — " + req.t("working_days_in_lieu") : "") }
                ?? req.t("working_days_kind_" + d.kind)
            return Row(date: day.vietnamese, value: d.date, weekday: req.t("weekday_\(day.isoWeekday)"), label: label, kind: d.kind, note: d.note, adjusted: d.adjusted)
        }
        let kinds = WorkingCalendar.Adjustment.allCases.map { FormOption(value: $0.rawValue, label: req.t("working_days_kind_" + $0.rawValue), selected: false) }
        return try await WebPage.render(req, "working_days/index", title: req.t("working_days_title") + " \(year)", nav: "working_days",
                                        data: Data(year: year, prev: year - 1, next: year + 1, rows: rows, canEdit: actor.role == .admin, kinds: kinds))
    }

    struct SetForm: Content { var day: String?; var kind: String?; var note: String? }

    @Sendable static func set(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(SetForm.self)
        let year = LocalDate(f.day ?? "")?.year ?? LocalDate.of(Date()).year
        return try await FormAction.run(req, back: "/working-days?year=\(year)", flash: "flash.working_day_set") {
            _ = try await WorkingDayService.set(f.day, kind: f.kind, note: f.note, actor: actor, on: req.db)
        }
    }

    @Sendable static func remove(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let day = req.parameters.get("day") ?? ""
        return try await FormAction.run(req, back: "/working-days?year=\(LocalDate(day)?.year ?? LocalDate.of(Date()).year)", flash: "flash.working_day_removed") {
            try await WorkingDayService.remove(day, actor: actor, on: req.db)
        }
    }
}
