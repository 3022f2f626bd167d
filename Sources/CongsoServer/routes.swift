import Fluent
import Vapor

func routes(_ app: Application) throws {
    // MARK: - Operations (no sign-in)
    app.get("healthz") { req async throws -> Response in
        let started = ContinuousClock.now
        _ = try await Organization.query(on: req.db).limit(1).all()
        let ms = (ContinuousClock.now - started).components.attoseconds / 1_000_000_000_000_000
        let response = Response(status: .ok)
        try response.content.encode(["status": "ok", "database": "ok", "dbMillis": String(ms)], as: .json)
        return response
    }
    app.get("metrics") { req -> Response in
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(string: req.application.metrics.registry.emitToString()))
    }
    app.get("openapi.json") { req -> Response in
        let response = Response(status: .ok, body: .init(data: OpenAPIDocument.json(for: req.application)))
        response.headers.contentType = .json
        return response
    }

    // MARK: - JSON API
    let api = app.grouped("api", "v1")
    AuthAPI.register(api)
    OrgAPI.register(api)
    StaffAPI.register(api)
    UserAPI.register(api)
    AuditAPI.register(api)
    DirectiveAPI.register(api)
    OnSiteAPI.register(api)
    PermitAPI.register(api)
    RosterAPI.register(api)
    AbsenceAPI.register(api)
    TaskAPI.register(api)
    ReportAPI.register(api)
    CheckInAPI.register(api)
    RatingAPI.register(api)
    PlanAPI.register(api)
    MeetingAPI.register(api)
    DocumentAPI.register(api)
    SearchAPI.register(api)
    PublicServiceAPI.register(api)
    WorkingDayAPI.register(api)
    HotlineAPI.register(api)
    HealthAPI.register(api)
    DashboardAPI.register(api)
    ContingencyAPI.register(api)
    InspectionAPI.register(api)

    // MARK: - One-click unsubscribe from mail (signed link, no session, no CSRF token)
    MailUnsubscribe.register(app)

    // MARK: - Web (forms protected against cross-site requests)
    let web = app.grouped(CSRFMiddleware()).grouped(TableCSVMiddleware())
    AuthWeb.register(web)
    OrgWeb.register(web)
    StaffWeb.register(web)
    StaffImportWeb.register(web: web, api: api)
    UserWeb.register(web)
    AuditWeb.register(web)
    DirectiveWeb.register(web)
    OnSiteWeb.register(web)
    PermitWeb.register(web)
    RosterWeb.register(web)
    AbsenceWeb.register(web)
    TaskWeb.register(web)
    ReportWeb.register(web)
    CheckInWeb.register(web)
    RatingWeb.register(web)
    PlanWeb.register(web)
    MeetingWeb.register(web)
    DocumentWeb.register(web)
    SearchWeb.register(web)
    PublicServiceWeb.register(web)
    DeskWeb.register(web)
    WorkingDayWeb.register(web)
    HotlineWeb.register(web)
    DutyWeb.register(web)
    HealthWeb.register(web)
    HealthUnitWeb.register(web)
    HealthDeskWeb.register(web)
    DashboardWeb.register(web)
    ContingencyWeb.register(web)
    InspectionWeb.register(web)
    NotificationAPI.register(api, web: web)
}
