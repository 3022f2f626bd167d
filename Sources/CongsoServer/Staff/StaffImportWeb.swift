import CongsoCore
import Fluent
import Vapor

/// CSV import from the browser (heads and unit leads have no command line) and the API.
enum StaffImportWeb {
    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        web.get("staff", "import", use: page)
        web.on(.POST, "staff", "import", body: .collect(maxSize: "10mb"), use: upload)
        api.on(.POST, "staff", "import", body: .collect(maxSize: "10mb"), use: apiImport)
    }

    struct ReportRow: Encodable, Content { let line: Int; let reason: String }
    struct PageData: Encodable {
        let done: Bool
        let committed: Bool
        let created: Int
        let updated: Int
        let errors: [ReportRow]
        let hasErrors: Bool
        let columns: String
    }

    @Sendable static func page(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.writeStaff)
        return try await render(req, PageData(done: false, committed: false, created: 0, updated: 0, errors: [], hasErrors: false,
                                              columns: StaffCSV.columns.joined(separator: ",")))
    }

    static func render(_ req: Request, _ data: PageData) async throws -> Response {
        try await WebPage.render(req, "staff/import", title: req.t("staff_import"), nav: "staff", data: data)
    }

    struct Upload: Content {
        var file: File?
        var skipInvalid: String?
    }

    @Sendable static func upload(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.writeStaff)
        let form = try req.content.decode(Upload.self)
        guard let file = form.file, file.data.readableBytes > 0 else { throw AppError.invalid("staff.import_empty", "") }
        let report = try await StaffCSVService.importCSV(Array(buffer: file.data), skipInvalid: form.skipInvalid == "true",
                                                         actor: actor, on: req.db)
        let errors = report.errors.map { ReportRow(line: $0.line, reason: $0.reason) }
        let page = try await render(req, PageData(done: true, committed: report.committed, created: report.created, updated: report.updated,
                                                  errors: errors, hasErrors: !errors.isEmpty, columns: StaffCSV.columns.joined(separator: ",")))
        if !report.committed { page.status = .unprocessableEntity }
        return page
    }

    /// A refused import answers 422 with the report and, like every other error, an
    /// `error` object, so a client reads both the same way.
    struct APIReport: Content {
        struct Problem: Content { let code: String; let message: String }
        let committed: Bool
        let created: Int
        let updated: Int
        let errors: [ReportRow]
        let error: Problem?
    }

    /// The body is the CSV itself (text/csv); `skipInvalid=true` imports the good rows.
    @Sendable static func apiImport(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.writeStaff)
        guard let body = req.body.data, body.readableBytes > 0 else { throw AppError.invalid("staff.import_empty", "") }
        let report = try await StaffCSVService.importCSV(Array(buffer: body), skipInvalid: req.query[String.self, at: "skipInvalid"] == "true",
                                                         actor: actor, on: req.db)
        let out = APIReport(committed: report.committed, created: report.created, updated: report.updated,
                            errors: report.errors.map { ReportRow(line: $0.line, reason: $0.reason) },
                            error: report.committed ? nil : .init(code: "staff.import_refused", message: req.t("err.staff.import_refused", detail: "")))
        return try await out.encodeResponse(status: report.committed ? .ok : .unprocessableEntity, for: req)
    }
}
