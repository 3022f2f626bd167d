import CongsoCore
import Fluent
import SQLKit
import Vapor

/// The live picture of a node of the tree on a day: every figure is one grouped query by
/// unit path over the subtree (a prefix of the materialised path), folded into the node's
/// children in memory — the same number of queries for a ward as for the city, and no
/// query per unit. The queries run side by side on PostgreSQL's pool.
enum DashboardService {
    struct View: Sendable {
        let org: Organization
        let day: LocalDate
        let children: [Organization]
        let total: DashboardFigures
        let rows: [DashboardFigures]
        let units: [UnitOnSite]
        let levels: [UUID: AlertLevel]
    }

    static func requireRead(_ actor: Actor, _ org: Organization) throws {
        try actor.require(.readDashboard, on: org.orgPath)
    }

    static func view(of org: Organization, on day: LocalDate, actor: Actor, db: any Database, now: Date = Date()) async throws -> View {
        try requireRead(actor, org)
        let children = try await OrgService.children(of: org, on: db)
        var board = FigureBoard(scope: org.orgPath, children: children.map(\.orgPath))
        let like = org.path + "%"
        // Figures that need no unit of their own are summed by the child they fall in (the
        // path cut after the next id): a few dozen rows for the city, not one per unit.
        let cut = String(org.path.count + 37)
        let sql = try db.sql
        let today = LocalDate.of(now)


        async let unitRows = unitFacts(under: like, on: day, db: db)
        async let reportRows = sql.raw("""
            SELECT substr(org_path, 1, \(unsafeRaw: cut)) AS path, slot AS k, SUM(received) AS n, SUM(on_time) AS m FROM report_counts
            WHERE date = \(bind: day.value) AND org_path LIKE \(bind: like) GROUP BY substr(org_path, 1, \(unsafeRaw: cut)), slot
            """).all(decoding: PathCount.self)
        async let taskRows = sql.raw("""
            SELECT substr(org_path, 1, \(unsafeRaw: cut)) AS path, COUNT(*) AS n FROM tasks
            WHERE status IN ('new', 'inProgress', 'blocked') AND deadline < \(bind: day.value) AND org_path LIKE \(bind: like) GROUP BY substr(org_path, 1, \(unsafeRaw: cut))
            """).all(decoding: PathCount.self)
        async let documentRows = sql.raw("""
            SELECT substr(t.org_path, 1, \(unsafeRaw: cut)) AS path, COUNT(DISTINCT r.document_id) AS n FROM document_routes r JOIN tasks t ON t.id = r.task_id
            WHERE t.status IN ('new', 'inProgress', 'blocked') AND r.deadline < \(bind: day.value) AND t.org_path LIKE \(bind: like) GROUP BY substr(t.org_path, 1, \(unsafeRaw: cut))
            """).all(decoding: PathCount.self)
        async let permitRows = sql.raw("""
            SELECT substr(org_path, 1, \(unsafeRaw: cut)) AS path, status AS k, COUNT(*) AS n FROM permits
            WHERE org_path LIKE \(bind: like) AND valid_until >= \(bind: day.value)
              AND (status = 'requested' OR valid_from <= \(bind: day.value)) GROUP BY substr(org_path, 1, \(unsafeRaw: cut)), status
            """).all(decoding: PathCount.self)
        async let healthRows = sql.raw("""
            SELECT substr(org_path, 1, \(unsafeRaw: cut)) AS path, kind AS k, COUNT(*) AS n FROM health_states
            WHERE org_path LIKE \(bind: like) AND starts_on <= \(bind: day.value) AND last_day >= \(bind: day.value)
              AND (ended_on IS NULL OR ended_on > \(bind: day.value)) GROUP BY substr(org_path, 1, \(unsafeRaw: cut)), kind
            """).all(decoding: PathCount.self)
        async let pendingRows = sql.raw("""
            SELECT substr(org_path, 1, \(unsafeRaw: cut)) AS path, 'onsite' AS k, COUNT(*) AS n FROM onsite_requests
              WHERE status = 'pending' AND date >= \(bind: today.value) AND org_path LIKE \(bind: like) GROUP BY substr(org_path, 1, \(unsafeRaw: cut))
            UNION ALL SELECT substr(org_path, 1, \(unsafeRaw: cut)) AS path, 'exception' AS k, COUNT(*) AS n FROM cap_exceptions
              WHERE status IN ('submitted', 'forwarded') AND valid_until >= \(bind: today.value) AND org_path LIKE \(bind: like) GROUP BY substr(org_path, 1, \(unsafeRaw: cut))
            UNION ALL SELECT substr(org_path, 1, \(unsafeRaw: cut)) AS path, 'trip' AS k, COUNT(*) AS n FROM city_trips
              WHERE status = 'requested' AND return_on >= \(bind: today.value) AND org_path LIKE \(bind: like) GROUP BY substr(org_path, 1, \(unsafeRaw: cut))
            UNION ALL SELECT substr(org_path, 1, \(unsafeRaw: cut)) AS path, 'meeting' AS k, COUNT(*) AS n FROM meetings
              WHERE status = 'pending' AND starts_at >= \(bind: now) AND org_path LIKE \(bind: like) GROUP BY substr(org_path, 1, \(unsafeRaw: cut))
            """).all(decoding: PathCount.self)
        async let serviceRows = sql.raw("""
            SELECT substr(org_path, 1, \(unsafeRaw: cut)) AS path, COUNT(*) AS n, SUM(CASE WHEN due_at IS NOT NULL AND finished_at <= due_at THEN 1 ELSE 0 END) AS m
            FROM service_applications WHERE finished_at IS NOT NULL AND finished_at >= \(bind: now.addingTimeInterval(-30 * 86_400))
              AND org_path LIKE \(bind: like) GROUP BY substr(org_path, 1, \(unsafeRaw: cut))
            """).all(decoding: PathCount.self)
        async let ticketRows = sql.raw("""
            SELECT substr(org_path, 1, \(unsafeRaw: cut)) AS path, COUNT(*) AS n, SUM(CASE WHEN due_at < \(bind: now) THEN 1 ELSE 0 END) AS m FROM tickets
            WHERE status = 'open' AND org_path LIKE \(bind: like) GROUP BY substr(org_path, 1, \(unsafeRaw: cut))
            """).all(decoding: PathCount.self)
        async let violationRows = InspectionFigures.openViolations(under: like, cut: cut, today: today, sql: sql)
        async let levelRows = ContingencyService.levels(under: org.path, db: db)
        async let settings = ReportService.settings(on: db)

        let schedules = try await settings
        let workday = ReportSchedule.standard.isReportDay(day)
        let units = try await unitRows
        // Each schedule's windows of the day, worked out once (a few schedules, thousands of units).
        var windowsOfDay: [String: [String]] = [:]
        for u in units {
            let path = u.unit.path
            guard let at = board.place(of: path) else { continue }
            board.add(at: at, \.staff, u.unit.staff)
            board.add(at: at, \.available, u.available)
            board.add(at: at, \.onSite, u.unit.onSite)
            board.add(at: at, \.present, u.present)
            board.add(at: at, \.cap, u.unit.cap)
            board.add(at: at, \.unitsWithStaff, 1)
            if u.unit.breach { board.add(at: at, \.breaches, 1) }
            if workday && u.unit.noOneOnDuty { board.add(at: at, \.unitsNoOneOnDuty, 1) }
            let (schedule, owner) = ReportService.schedule(at: path, in: schedules)
            let key = owner?.orgPath ?? ""
            let slots = windowsOfDay[key] ?? (schedule.isReportDay(day) ? schedule.times : [])
            windowsOfDay[key] = slots
            for slot in slots { board.addWindow(at: at, slot: slot, expected: u.available) }
        }
        for r in try await reportRows { board.addWindow(r.path, slot: r.k ?? "", received: r.n, onTime: r.m ?? 0) }
        for r in try await taskRows { board.add(r.path, \.tasksOverdue, r.n) }
        for r in try await documentRows { board.add(r.path, \.documentsOverdue, r.n) }
        for r in try await permitRows {
            switch Permit.Status(rawValue: r.k ?? "") {
            case .approved: board.add(r.path, \.permitsActive, r.n)
            case .revoked: board.add(r.path, \.permitsRevoked, r.n)
            case .suspended: board.add(r.path, \.permitsSuspended, r.n)
            case .requested: board.add(r.path, \.pendingPermits, r.n)
            case nil: break
            }
        }
        for r in try await healthRows {
            board.add(r.path, r.k == HealthStateKind.isolating.rawValue ? \.isolating : \.monitoring, r.n)
        }
        for r in try await pendingRows {
            switch r.k {
            case "onsite": board.add(r.path, \.pendingOnSite, r.n)
            case "exception": board.add(r.path, \.pendingExceptions, r.n)
            case "trip": board.add(r.path, \.pendingTrips, r.n)
            default: board.add(r.path, \.pendingMeetings, r.n)
            }
        }
        for r in try await serviceRows { board.add(r.path, \.servicesFinished, r.n); board.add(r.path, \.servicesOnTime, r.m ?? 0) }
        for r in try await ticketRows { board.add(r.path, \.ticketsOpen, r.n); board.add(r.path, \.ticketsLate, r.m ?? 0) }
        for r in try await violationRows { board.add(r.path, \.violationsOpen, r.n); board.add(r.path, \.violationsLate, r.late) }
        // Every row shows the same windows, in the same order, even where none is expected.
        let slots = board.total.windows.map(\.slot)
        for i in board.rows.indices { for s in slots { board.rows[i].addWindow(s) } }
        return View(org: org, day: day, children: children, total: board.total, rows: board.rows,
                    units: units.map(\.unit).sorted { $0.path < $1.path }, levels: try await levelRows)
    }
}

extension DashboardService {
    struct UnitFact: Sendable { let unit: UnitOnSite; let present: Int; let available: Int }
    /// A unit with staff: how many, and how many are expected to report on the day.
    struct UnitStaff: Sendable { let path: String; let id: UUID; let staff: Int; let available: Int }

    /// Each unit with staff under a path prefix, from the kept counts: its staff, and who is
    /// expected to report (not on leave, not away the whole day).
    static func unitStaff(under like: String, on day: LocalDate, db: any Database) async throws -> [UnitStaff] {
        let sql = try db.sql
        async let staffRows = PackedRows.all("""
            SELECT o.path AS path, o.id AS id, SUM(c.n) AS n, SUM(CASE WHEN c.status = \(bind: StaffStatus.onLeave.rawValue) THEN c.n ELSE 0 END) AS m
            FROM staff_counts c JOIN organizations o ON o.id = c.org_id WHERE o.path LIKE \(bind: like) AND c.n > 0 GROUP BY o.path, o.id
            """, columns: ["path", "id", "n", "m"], on: db)
        async let awayRows = sql.raw("""
            SELECT org_path AS path, COUNT(DISTINCT staff_id) AS n FROM staff_absences
            WHERE org_path LIKE \(bind: like) AND shift IS NULL AND from_date <= \(bind: day.value) AND to_date >= \(bind: day.value) GROUP BY org_path
            """).all(decoding: PathCount.self)
        var away: [String: Int] = [:]
        for r in try await awayRows { away[r.path] = r.n }
        return try await staffRows.compactMap { r in
            guard r.count == 4, let id = UUID(uuidString: String(r[1])), let n = Int(r[2]), let m = Int(r[3]) else { return nil }
            let path = String(r[0])
            return UnitStaff(path: path, id: id, staff: n, available: max(0, n - m - (away[path] ?? 0)))
        }
    }

    /// Each unit with staff under a path prefix: its staff and who is expected to report, the
    /// busiest shift's on site (approved or checked in, whichever is more: someone in the
    /// register without an approval is on site all the same), and its cap.
    static func unitFacts(under like: String, on day: LocalDate, db: any Database) async throws -> [UnitFact] {
        async let staff = unitStaff(under: like, on: day, db: db)
        async let onSiteRows = PackedRows.all("""
            SELECT org_path AS path, MAX(CASE WHEN approved > present THEN approved ELSE present END) AS n, MAX(present) AS m
            FROM onsite_counts WHERE date = \(bind: day.value) AND org_path LIKE \(bind: like) GROUP BY org_path
            """, columns: ["path", "n", "m"], on: db)
        async let policy = PolicyInputs.load(on: day, db: db)
        var busiest: [String: (onSite: Int, present: Int)] = [:]
        for r in try await onSiteRows where r.count == 3 { busiest[String(r[0])] = (Int(r[1]) ?? 0, Int(r[2]) ?? 0) }
        let resolver = try await policy.resolver
        let units = try await staff
        let policies = resolver.resolveAll(units.map { OrgPath($0.path) }, on: day)
        return zip(units, policies).map { s, policy in
            let cap = policy.cap(staffCount: s.staff).value
            let here = busiest[s.path] ?? (0, 0)
            return UnitFact(unit: UnitOnSite(path: s.path, orgID: s.id, staff: s.staff, onSite: here.onSite, cap: cap),
                            present: here.present, available: s.available)
        }
    }

    static func unitsOnSite(under org: Organization, on day: LocalDate, db: any Database) async throws -> [UnitOnSite] {
        try await unitFacts(under: org.path + "%", on: day, db: db).map(\.unit)
    }
}

/// What the caps of many units need, loaded once: the directives and plans in force and the
/// approved exceptions of the day.
enum PolicyInputs {
    struct Loaded: Sendable { let resolver: PolicyResolver }
    static func load(on day: LocalDate, db: any Database) async throws -> Loaded {
        let directives = try await DirectiveService.inForce(on: day, db: db)
        let overrides = try await PolicyService.overrides(on: day, db: db).compactMap(\.override)
        return Loaded(resolver: PolicyResolver(directives: directives, overrides: overrides))
    }
}
