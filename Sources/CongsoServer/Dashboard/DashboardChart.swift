import CongsoCore
import Fluent
import SQLKit
import Vapor

/// Report rates by window over the 14 days up to a day, as a server-drawn SVG line chart.
/// Received reports are one grouped query over the kept counts (`report_counts`) by day and window; expected ones are today's
/// available staff on each report day of their unit's schedule (absences of past days are
/// not subtracted, so a past rate can read a little low).
enum DashboardChart {
    static let days = 14

    static func reportRates(org: Organization, day: LocalDate, actor: Actor, req: Request) async throws -> String {
        try DashboardService.requireRead(actor, org)
        let first = day.adding(days: -(days - 1))
        struct Row: Decodable { let d: String; let k: String; let n: Int }
        async let received = req.db.sql.raw("""
            SELECT date AS d, slot AS k, SUM(received) AS n FROM report_counts
            WHERE date >= \(bind: first.value) AND date <= \(bind: day.value) AND org_path LIKE \(bind: org.path + "%") GROUP BY date, slot
            """).all(decoding: Row.self)
        async let units = DashboardService.unitStaff(under: org.path + "%", on: day, db: req.db)
        let settings = try await ReportService.settings(on: req.db)
        let dates = (0..<days).map { first.adding(days: $0) }
        var expected: [String: [String: Int]] = [:]   // slot → date → expected
        for u in try await units {
            let schedule = ReportService.schedule(at: u.path, in: settings).schedule
            for d in dates where schedule.isReportDay(d) {
                for s in schedule.times { expected[s, default: [:]][d.value, default: 0] += u.available }
            }
        }
        var got: [String: [String: Int]] = [:]
        for r in try await received { got[r.k, default: [:]][r.d, default: 0] += r.n }
        let slots = Set(expected.keys).union(got.keys).sorted()
        let series = slots.enumerated().map { i, s in
            SVGLineChart.Series(name: s, values: dates.map { d -> Double? in
                guard let e = expected[s]?[d.value], e > 0 else { return nil }
                return min(100, ReportRates.percent(got[s]?[d.value] ?? 0, e))
            }, cssClass: "series-\(i % 4)")
        }
        let labels = dates.map { String($0.vietnamese.prefix(5)) }
        return SVGLineChart(title: req.t("dash_chart_title") + " · " + org.name, labels: labels, series: series).render()
    }
}

/// The dashboard as CSV: the node, then one line per child, the same figures as the page.
enum DashboardExport {
    static func csv(_ view: DashboardService.View) -> String {
        let slots = view.total.windows.map(\.slot)
        var out = CSVTable.reportLine(["code", "name", "alert_level", "staff", "on_site", "checked_in", "cap", "breaches", "units_no_one_on_duty"]
                                + slots.flatMap { ["reports_expected_\($0)", "reports_received_\($0)", "reports_on_time_\($0)"] }
                                + ["tasks_overdue", "documents_overdue", "permits_active", "permits_revoked", "permits_suspended",
                                   "isolating", "monitoring", "pending_onsite", "pending_permits", "pending_exceptions", "pending_trips",
                                   "pending_meetings", "services_finished_30d", "services_on_time_30d", "tickets_open", "tickets_late",
                                   "violations_open", "violations_late"])
        func line(_ code: String, _ name: String, _ level: AlertLevel?, _ f: DashboardFigures) -> String {
            var cells = [code, name, level.map { String($0.rawValue) } ?? "", String(f.staff), String(f.onSite), String(f.present), String(f.cap),
                         String(f.breaches), String(f.unitsNoOneOnDuty)]
            for s in slots {
                let w = f.windows.first { $0.slot == s }
                cells += [String(w?.expected ?? 0), String(w?.received ?? 0), String(w?.onTime ?? 0)]
            }
            cells += [f.tasksOverdue, f.documentsOverdue, f.permitsActive, f.permitsRevoked, f.permitsSuspended, f.isolating, f.monitoring,
                      f.pendingOnSite, f.pendingPermits, f.pendingExceptions, f.pendingTrips, f.pendingMeetings, f.servicesFinished,
                      f.servicesOnTime, f.ticketsOpen, f.ticketsLate, f.violationsOpen, f.violationsLate].map(String.init)
            return CSVTable.reportLine(cells)
        }
        out += line(view.org.code, view.org.name, view.levels[view.org.id!], view.total)
        for (c, f) in zip(view.children, view.rows) { out += line(c.code, c.name, view.levels[c.id!], f) }
        return out
    }
}
