import CongsoCore
import Fluent
import Vapor

/// The dashboard page: figures for the viewer's node on a day, each linking to the list
/// behind it, one row per child node to drill down, a chart of report rates, A4 printing,
/// a PDF, CSV, and live updates over Server-Sent Events (the page is whole without them).
enum DashboardWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("dashboard", use: page)
        web.get("dashboard", "events", use: events)
        web.get("dashboard", "chart.svg", use: chart)
        web.get("dashboard", "units", use: units)
        web.get("dashboard.csv", use: csv)
        web.get("dashboard.pdf", use: pdf)
    }

    struct Tile: Encodable { let id: String; let label: String; let value: String; let detail: String; let href: String; let tone: String }
    struct Cell: Encodable { var label = ""; let value: String; let href: String?; let tone: String }
    struct Row: Encodable { let name: String; let code: String; let href: String; let level: Int?; let cells: [Cell] }
    struct Crumb: Encodable { let name: String; let href: String }
    struct Data: Encodable {
        let org: String
        let orgName: String
        let date: String
        let dateText: String
        let prev: String
        let next: String?
        let isToday: Bool
        let crumbs: [Crumb]
        let level: Int?
        let levelText: String?
        let tiles: [Tile]
        let columns: [String]
        let rows: [Row]
        let hasRows: Bool
        let chart: String?
        let chartURL: String
        let csvURL: String
        let pdfURL: String
        let printedAt: String
        let query: String
        let canContingency: Bool
    }

    static func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0) } ?? "–" }

    static func data(_ view: DashboardService.View, actor: Actor, req: Request, chart: String? = nil) async throws -> Data {
        let org = view.org, day = view.day, f = view.total
        let q = "org=\(org.code)&date=\(day.value)"
        func t(_ k: String) -> String { req.t(k) }
        var tiles: [Tile] = [
            Tile(id: "onsite", label: t("dash_onsite"), value: "\(f.onSite)/\(f.staff)", detail: t("dash_cap") + " \(f.cap) · " + t("dash_present") + " \(f.present) · " + percent(f.onSiteShare),
                 href: "/onsite?\(q)", tone: f.breaches > 0 ? "bad" : "ok"),
            Tile(id: "breaches", label: t("dash_breaches"), value: "\(f.breaches)", detail: t("dash_units_with_staff") + " \(f.unitsWithStaff)",
                 href: "/dashboard/units?\(q)&only=breach", tone: f.breaches > 0 ? "bad" : "ok"),
            Tile(id: "noduty", label: t("dash_no_duty"), value: "\(f.unitsNoOneOnDuty)", detail: t("dash_units_with_staff") + " \(f.unitsWithStaff)",
                 href: "/dashboard/units?\(q)&only=noduty", tone: f.unitsNoOneOnDuty > 0 ? "warn" : "ok"),
        ]
        for w in f.windows {
            tiles.append(Tile(id: "report-" + w.slot.replacingOccurrences(of: ":", with: ""), label: t("dash_reports") + " " + w.slot,
                              value: "\(w.missing)", detail: t("dash_missing_of") + " \(w.expected) · " + percent(w.rate),
                              href: "/reports/rates?\(q)&window=\(w.slot)", tone: w.missing == 0 ? "ok" : (w.rate ?? 0) < 80 ? "bad" : "warn"))
        }
        tiles += [
            Tile(id: "tasks", label: t("dash_tasks_overdue"), value: "\(f.tasksOverdue)", detail: "", href: "/tasks?org=\(org.code)&overdue=1",
                 tone: f.tasksOverdue > 0 ? "warn" : "ok"),
            Tile(id: "documents", label: t("dash_documents_overdue"), value: "\(f.documentsOverdue)", detail: "", href: "/documents?org=\(org.code)",
                 tone: f.documentsOverdue > 0 ? "warn" : "ok"),
            Tile(id: "permits", label: t("dash_permits"), value: "\(f.permitsActive)",
                 detail: t("dash_permits_revoked") + " \(f.permitsRevoked) · " + t("dash_permits_suspended") + " \(f.permitsSuspended)",
                 href: "/permits?org=\(org.code)&status=approved", tone: ""),
            Tile(id: "health", label: t("dash_health"), value: "\(f.isolating)", detail: t("dash_monitoring") + " \(f.monitoring)",
                 href: "/health/counts?org=\(org.code)", tone: f.isolating > 0 ? "warn" : "ok"),
            Tile(id: "pending", label: t("dash_pending"), value: "\(f.pendingTotal)",
                 detail: "\(t("dash_pending_onsite")) \(f.pendingOnSite) · \(t("dash_pending_permits")) \(f.pendingPermits) · \(t("dash_pending_exceptions")) \(f.pendingExceptions) · \(t("dash_pending_trips")) \(f.pendingTrips) · \(t("dash_pending_meetings")) \(f.pendingMeetings)",
                 href: "/onsite?\(q)", tone: f.pendingTotal > 0 ? "warn" : "ok"),
            Tile(id: "services", label: t("dash_services"), value: percent(f.servicesOnTimeRate), detail: "\(f.servicesOnTime)/\(f.servicesFinished) · 30 " + t("dash_days"),
                 href: "/services/figures?org=\(org.code)", tone: (f.servicesOnTimeRate ?? 100) < 90 ? "warn" : "ok"),
            Tile(id: "tickets", label: t("dash_tickets"), value: "\(f.ticketsOpen)", detail: t("dash_tickets_late") + " \(f.ticketsLate)",
                 href: "/tickets?org=\(org.code)", tone: f.ticketsLate > 0 ? "bad" : f.ticketsOpen > 0 ? "warn" : "ok"),
            Tile(id: "violations", label: t("dash_violations"), value: "\(f.violationsOpen)", detail: t("dash_violations_late") + " \(f.violationsLate)",
                 href: "/inspections/violations?org=\(org.code)", tone: f.violationsLate > 0 ? "bad" : f.violationsOpen > 0 ? "warn" : "ok"),
        ]
        let slots = f.windows.map(\.slot)
        let columns = [t("dash_col_unit"), t("dash_col_level"), t("dash_col_onsite"), t("dash_breaches"), t("dash_no_duty")]
            + slots.map { t("dash_col_missing") + " " + $0 }
            + [t("dash_tasks_overdue"), t("dash_documents_overdue"), t("dash_health"), t("dash_monitoring"), t("dash_pending"), t("dash_tickets"), t("dash_violations")]
        let rows = zip(view.children, view.rows).map { child, r -> Row in
            let cq = "org=\(child.code)&date=\(day.value)"
            func n(_ v: Int, _ href: String? = nil, bad: Bool = false) -> Cell { Cell(value: "\(v)", href: v > 0 ? href : nil, tone: v > 0 && bad ? "bad" : "") }
            var cells = [Cell(value: "\(r.onSite)/\(r.cap) · \(r.staff)", href: "/onsite?\(cq)", tone: r.breaches > 0 ? "bad" : ""),
                         n(r.breaches, "/dashboard/units?\(cq)&only=breach", bad: true), n(r.unitsNoOneOnDuty, "/dashboard/units?\(cq)&only=noduty", bad: true)]
            for s in slots {
                let w = r.windows.first { $0.slot == s }
                cells.append(Cell(value: "\(w?.missing ?? 0)", href: (w?.missing ?? 0) > 0 ? "/reports/rates?\(cq)&window=\(s)" : nil, tone: ""))
            }
            cells += [n(r.tasksOverdue, "/tasks?org=\(child.code)&overdue=1"), n(r.documentsOverdue, "/documents?org=\(child.code)"),
                      n(r.isolating, "/health/counts?org=\(child.code)"), n(r.monitoring, "/health/counts?org=\(child.code)"),
                      n(r.pendingTotal, "/onsite?\(cq)"), n(r.ticketsOpen, "/tickets?org=\(child.code)"),
                      n(r.violationsOpen, "/inspections/violations?org=\(child.code)", bad: r.violationsLate > 0)]
            for i in cells.indices { cells[i].label = columns[i + 2] }
            return Row(name: child.name, code: child.code, href: "/dashboard?\(cq)", level: view.levels[child.id!]?.rawValue, cells: cells)
        }
        let crumbs = try await OrgService.breadcrumb(of: org, actor: actor, on: req.db).map { Crumb(name: $0.name, href: "/dashboard?org=\($0.code)&date=\(day.value)") }
        let today = LocalDate.of(Date())
        let level = view.levels[org.id!]
        return Data(org: org.code, orgName: org.name, date: day.value, dateText: day.vietnamese, prev: day.adding(days: -1).value,
                    next: day < today ? day.adding(days: 1).value : nil, isToday: day == today, crumbs: crumbs,
                    level: level?.rawValue, levelText: level.map { req.t("alert_level_\($0.rawValue)") },
                    tiles: tiles, columns: columns, rows: rows, hasRows: !rows.isEmpty, chart: chart,
                    chartURL: "/dashboard/chart.svg?\(q)", csvURL: "/dashboard.csv?\(q)", pdfURL: "/dashboard.pdf?\(q)",
                    printedAt: DisplayDate.format(Date()), query: q, canContingency: actor.may(.manageContingency, on: org.orgPath))
    }

    @Sendable static func page(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let (org, day) = try await req.orgAndDay(actor)
        let view = try await DashboardService.view(of: org, on: day, actor: actor, db: req.db)
        let d = try await data(view, actor: actor, req: req)
        // The live script asks for the figures alone when something changed.
        let template = req.query[String.self, at: "part"] == "figures" ? "dashboard/figures" : "dashboard/index"
        return try await WebPage.render(req, template, title: req.t("dash_title") + " · " + org.name, nav: "dashboard", data: d)
    }

    @Sendable static func chart(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let (org, day) = try await req.orgAndDay(actor)
        let svg = try await DashboardChart.reportRates(org: org, day: day, actor: actor, req: req)
        let response = Response(status: .ok, body: .init(string: svg))
        response.headers.contentType = HTTPMediaType(type: "image", subType: "svg+xml", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, max-age=60")
        return response
    }

    /// One stream per tab: a `change` event when something under (or above) the node changed,
    /// a comment every 15 s so proxies keep it open, and on reconnect with `Last-Event-ID`
    /// an immediate `change` if anything happened meanwhile.
    @Sendable static func events(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let (org, _) = try await req.orgAndDay(actor)
        try DashboardService.requireRead(actor, org)
        let hub = req.application.live
        let lastSeen = req.headers.first(name: "Last-Event-ID").flatMap { Int64($0) }
        let stream = hub.watch(org.path)
        let missed = lastSeen.map { hub.lastID > $0 } ?? false
        let latest = hub.lastID
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "event-stream", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        headers.replaceOrAdd(name: "X-Accel-Buffering", value: "no")
        let body = Response.Body(managedAsyncStream: { writer in
            try await writer.write(.buffer(ByteBuffer(string: "retry: 3000\nid: \(latest)\nevent: ready\ndata: \(latest)\n\n")))
            if missed { try await writer.write(.buffer(ByteBuffer(string: "id: \(latest)\nevent: change\ndata: /\n\n"))) }
            for await event in stream {
                switch event {
                case .heartbeat: try await writer.write(.buffer(ByteBuffer(string: ": heartbeat\n\n")))
                case .change(let c): try await writer.write(.buffer(ByteBuffer(string: "id: \(c.id)\nevent: change\ndata: \(c.path)\n\n")))
                }
            }
        })
        return Response(status: .ok, headers: headers, body: body)
    }

    struct UnitRow: Encodable { let name: String; let code: String; let staff: Int; let onSite: Int; let cap: Int; let href: String }
    struct UnitsData: Encodable {
        let org: String; let orgName: String; let date: String; let only: String; let title: String
        let rows: [UnitRow]; let hasRows: Bool; let total: Int; let pages: [PageLink]; let prev: String?; let next: String?; let csvURL: String
    }

    /// The list behind "breaches" and "no one on duty".
    static func unitList(_ req: Request) async throws -> (Organization, LocalDate, String, [UnitOnSite]) {
        let actor = try req.requireActor()
        let (org, day) = try await req.orgAndDay(actor)
        try DashboardService.requireRead(actor, org)
        let only = req.query[String.self, at: "only"] ?? "breach"
        guard only == "breach" || only == "noduty" else { throw AppError.invalid("dashboard.filter_invalid", only) }
        let all = try await DashboardService.unitsOnSite(under: org, on: day, db: req.db)
        let workday = ReportSchedule.standard.isReportDay(day)
        return (org, day, only, all.filter { only == "breach" ? $0.breach : (workday && $0.noOneOnDuty) })
    }

    @Sendable static func units(req: Request) async throws -> Response {
        let (org, day, only, list) = try await unitList(req)
        let page = try PageRequest(req)
        let names = try await OrgService.names(Set(list.map(\.orgID)), on: req.db)
        let codes = try await Organization.query(on: req.db).filter(\.$id ~~ list.map(\.orgID)).all()
        let codeOf = Dictionary(uniqueKeysWithValues: codes.map { ($0.id!, $0.code) })
        let sorted = list.sorted { VietnameseText.sortKey(names[$0.orgID] ?? "") < VietnameseText.sortKey(names[$1.orgID] ?? "") }
        let slice = Array(sorted.dropFirst(page.offset).prefix(page.per))
        let rows = slice.map { u in
            UnitRow(name: names[u.orgID] ?? "", code: codeOf[u.orgID] ?? "", staff: u.staff, onSite: u.onSite, cap: u.cap,
                    href: "/onsite?org=\(codeOf[u.orgID] ?? "")&date=\(day.value)")
        }
        let bar = PageLinks.make(base: ["org": org.code, "date": day.value, "only": only], page: page.page, pageCount: max(1, (list.count + page.per - 1) / page.per))
        let d = UnitsData(org: org.code, orgName: org.name, date: day.value, only: only, title: req.t(only == "breach" ? "dash_breaches" : "dash_no_duty"),
                          rows: rows, hasRows: !rows.isEmpty, total: list.count, pages: bar.links, prev: bar.prev, next: bar.next,
                          csvURL: "/dashboard/units?org=\(org.code)&date=\(day.value)&only=\(only)&format=csv")
        if req.query[String.self, at: "format"] == "csv" {
            var out = CSVTable.reportLine(["unit", "code", "staff", "on_site", "cap"])
            for u in sorted { out += CSVTable.reportLine([names[u.orgID] ?? "", codeOf[u.orgID] ?? "", String(u.staff), String(u.onSite), String(u.cap)]) }
            return Response.csv(out, filename: "units-\(only)-\(org.code)-\(day.value).csv")
        }
        return try await WebPage.render(req, "dashboard/units", title: d.title, nav: "dashboard", data: d)
    }

    @Sendable static func csv(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let (org, day) = try await req.orgAndDay(actor)
        let view = try await DashboardService.view(of: org, on: day, actor: actor, db: req.db)
        return Response.csv(DashboardExport.csv(view), filename: "dashboard-\(org.code)-\(day.value).csv")
    }

    @Sendable static func pdf(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let (org, day) = try await req.orgAndDay(actor)
        let view = try await DashboardService.view(of: org, on: day, actor: actor, db: req.db)
        let chart = try await DashboardChart.reportRates(org: org, day: day, actor: actor, req: req)
        let d = try await data(view, actor: actor, req: req, chart: chart)
        let html = try await WebPage.render(req, "dashboard/print", title: req.t("dash_title") + " · " + org.name, nav: "dashboard", data: d)
        guard let bytes = html.body.data else { throw AppError(status: .internalServerError, code: "internal", detail: "page") }
        let pdf = try await PDFPrinter.shared.print(html: bytes, css: req.application.directory.publicDirectory + "css/app.css")
        let response = Response(status: .ok, body: .init(data: pdf))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "pdf")
        response.headers.contentDisposition = .init(.attachment, filename: "dashboard-\(org.code)-\(day.value).pdf")
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }
}
