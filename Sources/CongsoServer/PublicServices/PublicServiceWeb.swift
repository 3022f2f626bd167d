import CongsoCore
import Fluent
import Vapor

/// The citizen's pages, without signing in and without JavaScript: the catalogue, a
/// procedure with its application form, the receipt (giấy tiếp nhận và hẹn trả kết quả), the
/// lookup by code (and completing a dossier the desk found incomplete), and the public figures.
enum PublicServiceWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("services", use: catalogue)
        web.get("services", "track", use: track)
        web.on(.POST, "services", "track", "complete", body: .collect(maxSize: "81mb"), use: complete)
        web.get("services", "figures", use: figures)
        web.get("services", "receipt", ":code", use: receipt)
        web.get("services", ":id", use: procedure)
        web.on(.POST, "services", ":id", body: .collect(maxSize: "81mb"), use: apply)
    }

    struct ProcedureRow: Encodable {
        let id: String; let code: String; let name: String; let agency: String; let time: String; let fee: String
        let level: String; let levelKey: String; let byPost: Bool
    }

    static func timeText(_ req: Request, _ t: ProcessingTime) -> String {
        switch t {
        case .workingDays(let n): req.t("services_working_days", detail: String(n))
        case .workingHours(let n): req.t("services_working_hours", detail: String(n))
        }
    }

    static func feeText(_ req: Request, _ fee: Int) -> String {
        guard fee > 0 else { return req.t("services_free") }
        let f = NumberFormatter()
        f.numberStyle = .decimal; f.groupingSeparator = "."; f.groupingSize = 3
        return (f.string(from: NSNumber(value: fee)) ?? String(fee)) + " đ"
    }

    static func levelText(_ req: Request, _ l: OnlineLevel) -> String { req.t("services_level_" + l.rawValue) }

    static func row(_ req: Request, _ p: ProcedureDTO) -> ProcedureRow {
        ProcedureRow(id: p.id.uuidString, code: p.code, name: p.name, agency: p.orgName, time: timeText(req, ProcessingTime(p.processing) ?? .workingDays(0)),
                     fee: feeText(req, p.fee), level: levelText(req, p.onlineLevel), levelKey: p.onlineLevel.rawValue, byPost: p.byPost)
    }

    // MARK: - Catalogue

    struct CatalogueData: Encodable {
        let q: String
        let org: String
        let agencies: [FormOption]
        let rows: [ProcedureRow]
        let total: Int
        let pages: [PageLink]
        let prev: String?
        let next: String?
    }

    /// Agencies that have procedures, for the filter.
    static func agencies(selected: String, on db: any Database) async throws -> [FormOption] {
        let ids = Array(Set(try await ServiceProcedure.query(on: db).filter(\.$active == true).all(\.$orgID)))
        guard !ids.isEmpty else { return [] }
        return try await Organization.query(on: db).filter(\.$id ~~ ids).sort(\.$sortKey).all()
            .map { FormOption(value: $0.code, label: $0.name, selected: $0.code == selected) }
    }

    @Sendable static func catalogue(req: Request) async throws -> Response {
        let q = req.query[String.self, at: "q"] ?? ""
        let code = (req.query[String.self, at: "org"] ?? "").uppercased()
        let org = try? await PublicServiceAPI.publicOrg(code, on: req.db)
        let page = try PageRequest(req)
        let paged = try await ProcedureService.catalogue(under: org?.path, q: q, page: page, on: req.db)
        let rows = try await ProcedureDTO.list(paged.items, on: req.db).map { row(req, $0) }
        let bar = PageLinks.make(base: ["q": q, "org": code], page: page.page, pageCount: paged.pageCount)
        return try await WebPage.render(req, "public_services/catalogue", title: req.t("services_title"), nav: "services",
                                        data: CatalogueData(q: q, org: code, agencies: try await agencies(selected: code, on: req.db), rows: rows,
                                                            total: paged.total, pages: bar.links, prev: bar.prev, next: bar.next))
    }

    // MARK: - Applying

    struct PaperRow: Encodable { let index: Int; let name: String; let scan: Bool }
    struct ProcedureData: Encodable {
        let p: ProcedureRow
        let papers: [PaperRow]
        let online: Bool
        let fullOnline: Bool
        let oldLevel: Int?
        let form: PublicServiceAPI.ApplyForm
        let error: String?
    }

    static func procedurePage(_ req: Request, _ p: ServiceProcedure, form: PublicServiceAPI.ApplyForm = .init(), error: String? = nil) async throws -> Response {
        let dto = ProcedureDTO(p, org: try await Organization.find(p.orgID, on: req.db))
        let data = ProcedureData(p: row(req, dto), papers: p.papers.enumerated().map { PaperRow(index: $0.offset, name: $0.element.name, scan: $0.element.scan) },
                                 online: p.onlineLevel.acceptsOnline, fullOnline: p.onlineLevel == .full, oldLevel: p.onlineLevel.oldLevel,
                                 form: form, error: error)
        let response = try await WebPage.render(req, "public_services/procedure", title: p.name, nav: "services", data: data)
        if error != nil { response.status = .unprocessableEntity }
        return response
    }

    @Sendable static func procedure(req: Request) async throws -> Response {
        guard let p = try await ServiceProcedure.find(try req.idParameter(), on: req.db), p.active else { throw AppError.notFound("") }
        return try await procedurePage(req, p)
    }

    @Sendable static func apply(req: Request) async throws -> Response {
        guard let p = try await ServiceProcedure.find(try req.idParameter(), on: req.db), p.active else { throw AppError.notFound("") }
        var form = try req.content.decode(PublicServiceAPI.ApplyForm.self)
        form.procedureId = p.id!.uuidString
        guard req.application.publicLimits.apply.allow(req.clientAddress) else {
            return try await procedurePage(req, p, form: form, error: req.t("err.too_many_requests"))
        }
        do {
            let a = try await ApplicationService.apply(procedureID: p.id!, PublicServiceAPI.applicant(form),
                                                       uploads: PublicServiceAPI.uploads(req, papers: p.papers.count), app: req.application, on: req.db)
            remember(req, code: a.code)
            return req.redirect(to: "/services/receipt/\(a.code)")
        } catch let e as AppError where [.unprocessableEntity, .payloadTooLarge].contains(e.status) {
            return try await procedurePage(req, p, form: form, error: req.t("err." + e.code, detail: e.detail))
        }
    }

    /// The browser that applied may see its receipt in full; others need the phone.
    static func remember(_ req: Request, code: String) {
        let codes = (req.session.data["receipts"] ?? "").split(separator: ",").map(String.init).suffix(9) + [code]
        req.session.data["receipts"] = codes.joined(separator: ",")
    }

    struct ReceiptData: Encodable {
        let code: String
        let procedure: String
        let agency: String
        let name: String
        let phone: String
        let submittedAt: String
        let status: String
        let dueAt: String?
        let time: String
        let papers: [String]
        let online: Bool
    }

    @Sendable static func receipt(req: Request) async throws -> Response {
        guard let a = try await ApplicationService.byCode(req.parameters.get("code") ?? "", on: req.db),
              (req.session.data["receipts"] ?? "").split(separator: ",").contains(Substring(a.code)) else {
            return req.redirect(to: "/services/track")
        }
        let p = try await ServiceProcedure.find(a.procedureID, on: req.db)
        let org = try await Organization.find(a.orgID, on: req.db)
        let files = try await ApplicationService.files(a, on: req.db)
        let papers = p?.papers ?? []
        let data = ReceiptData(code: a.code, procedure: p?.name ?? "", agency: org?.name ?? "", name: a.applicantName,
                               phone: String(repeating: "•", count: max(0, a.applicantPhone.count - 3)) + a.applicantPhone.suffix(3),
                               submittedAt: DisplayDate.format(a.submittedAt), status: req.t("app_status_" + a.status.rawValue),
                               dueAt: a.dueAt.map { DisplayDate.format($0) }, time: p.map { timeText(req, $0.time) } ?? "",
                               papers: files.map { (papers.indices.contains($0.paper) ? papers[$0.paper].name + ": " : "") + $0.fileName },
                               online: a.channel == .online)
        return try await WebPage.render(req, "public_services/receipt", title: req.t("services_receipt_title"), nav: "services", data: data)
    }

    // MARK: - Lookup

    struct StepRow: Encodable { let at: String; let label: String; let due: String?; let note: String? }
    struct TrackData: Encodable {
        let code: String
        let phone: String
        let found: Bool
        let error: String?
        let status: String?
        let statusKey: String?
        let procedure: String?
        let agency: String?
        let submittedAt: String?
        let receivedAt: String?
        let dueAt: String?
        let finishedAt: String?
        let returnedAt: String?
        let returnMethod: String?
        let late: Bool
        let verified: Bool
        let name: String?
        let reason: String?
        let postalTracking: String?
        let steps: [StepRow]
        let canComplete: Bool
        let papers: [PaperRow]
    }

    static func trackPage(_ req: Request, code: String, phone: String, error: String? = nil) async throws -> Response {
        var status: PublicStatusDTO?
        var err = error
        var papers: [PaperRow] = []
        if !code.isEmpty {
            do {
                status = try await PublicServiceAPI.lookupStatus(req, code: code, phone: phone)
            } catch let e as AppError where e.status == .notFound || e.status == .tooManyRequests {
                err = e.status == .notFound ? req.t("services_track_not_found") : req.t("err.too_many_requests")
            }
            if let s = status, s.verified, s.status == .incomplete, let a = try await ApplicationService.byCode(code, on: req.db),
               let p = try await ServiceProcedure.find(a.procedureID, on: req.db) {
                papers = p.papers.enumerated().map { PaperRow(index: $0.offset, name: $0.element.name, scan: $0.element.scan) }
            }
        }
        let s = status
        let data = TrackData(code: code, phone: phone, found: s != nil, error: err, status: s.map { req.t("app_status_" + $0.status.rawValue) },
                             statusKey: s?.status.rawValue, procedure: s?.procedure, agency: s?.agency,
                             submittedAt: s.map { DisplayDate.format($0.submittedAt) }, receivedAt: s?.receivedAt.map { DisplayDate.format($0) },
                             dueAt: s?.dueAt.map { DisplayDate.format($0) }, finishedAt: s?.finishedAt.map { DisplayDate.format($0) },
                             returnedAt: s?.returnedAt.map { DisplayDate.format($0) }, returnMethod: s?.returnMethod.map { req.t("app_return_" + $0.rawValue) },
                             late: s?.late ?? false, verified: s?.verified ?? false, name: s?.applicantName, reason: s?.reason,
                             postalTracking: s?.postalTracking,
                             steps: (s?.steps ?? []).map { StepRow(at: DisplayDate.format($0.at), label: req.t("app_event_" + $0.kind.rawValue),
                                                                   due: $0.dueAt.map { DisplayDate.format($0) }, note: $0.note) },
                             canComplete: s?.verified == true && s?.status == .incomplete, papers: papers)
        let response = try await WebPage.render(req, "public_services/track", title: req.t("services_track_title"), nav: "track", data: data)
        if error != nil { response.status = .unprocessableEntity }
        return response
    }

    @Sendable static func track(req: Request) async throws -> Response {
        try await trackPage(req, code: (req.query[String.self, at: "code"] ?? "").trimmingCharacters(in: .whitespaces),
                            phone: req.query[String.self, at: "phone"] ?? "")
    }

    struct CompleteForm: Content { var code: String?; var phone: String?; var note: String? }

    @Sendable static func complete(req: Request) async throws -> Response {
        let f = try req.content.decode(CompleteForm.self)
        let code = f.code ?? "", phone = f.phone ?? ""
        guard let a = try await ApplicationService.byCode(code, on: req.db), let p = try await ServiceProcedure.find(a.procedureID, on: req.db) else {
            return try await trackPage(req, code: code, phone: phone, error: req.t("err.application.code_or_phone_wrong"))
        }
        let key = a.code + "/check"
        guard req.application.publicLimits.apply.allow(req.clientAddress), !req.application.publicLimits.wrongPhone.exceeded(key) else {
            return try await trackPage(req, code: code, phone: phone, error: req.t("err.too_many_requests"))
        }
        if PhoneNumber.normalize(phone) != a.applicantPhone { req.application.publicLimits.wrongPhone.note(key) }
        do {
            _ = try await ApplicationService.complete(code: code, phone: phone, uploads: PublicServiceAPI.uploads(req, papers: p.papers.count), note: f.note,
                                                      app: req.application, on: req.db)
        } catch let e as AppError where [.unprocessableEntity, .conflict, .payloadTooLarge].contains(e.status) {
            return try await trackPage(req, code: code, phone: phone, error: req.t("err." + e.code, detail: e.detail))
        }
        WebPage.flash(req, "flash.application_completed")
        return req.redirect(to: "/services/track?code=\(a.code)")
    }

    // MARK: - Figures

    struct FigureRow: Encodable {
        let code: String; let name: String; let handled: Int; let onTime: String; let late: Int; let average: String
        let onlineProcedures: String; let onlineReceipts: String
        /// The chart: the unit's name above its on-time bar (0–240 wide).
        let bar: Int
        let y: Int
        let textY: Int
        let barTextY: Int
    }
    struct FiguresData: Encodable {
        let year: Int
        let total: FigureRow
        let rows: [FigureRow]
        let hasRows: Bool
        let quiet: Int
        let chartHeight: Int
        let years: [FormOption]
        let org: String
        let parent: String?
    }

    static func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }

    @Sendable static func figures(req: Request) async throws -> Response {
        let thisYear = LocalDate.of(Date()).year
        let year = (try? FormNumber.parse(req.query[String.self, at: "year"], code: "year_invalid")).flatMap { $0 } ?? thisYear
        guard (2000...2100).contains(year) else { throw AppError.badRequest("year") }
        var org = try await PublicServiceAPI.publicOrg(req.query[String.self, at: "org"], on: req.db)
        if org == nil { org = try await PublicServiceAPI.rootOrg(on: req.db) }
        let f = try await ServiceFiguresService.figures(for: org!, year: year, on: req.db)
        func row(_ p: ServiceFiguresService.Part, _ i: Int) -> FigureRow {
            FigureRow(code: p.code, name: p.name, handled: p.handled, onTime: percent(p.onTimeRate), late: p.finishedLate + p.openLate,
                      average: p.averageWorkingDays.map { String(format: "%.1f", $0) } ?? "—", onlineProcedures: percent(p.onlineProcedureShare),
                      onlineReceipts: percent(p.onlineReceiptShare), bar: Int(((p.onTimeRate ?? 0) * 240).rounded()), y: i * 40 + 20, textY: i * 40 + 14, barTextY: i * 40 + 32)
        }
        var parent: Organization?
        if let pid = org!.parentID { parent = try await Organization.find(pid, on: req.db) }
        // Units with neither procedures nor dossiers are counted, not listed.
        let active = f.children.filter { $0.handled > 0 || $0.procedures > 0 }
        let data = FiguresData(year: year, total: row(f.total, 0), rows: active.enumerated().map { row($0.element, $0.offset) }, hasRows: !active.isEmpty,
                               quiet: f.children.count - active.count, chartHeight: max(1, active.count) * 40 + 4,
                               years: (max(2020, thisYear - 5)...thisYear).reversed().map { FormOption(value: String($0), label: String($0), selected: $0 == year) },
                               org: org!.code, parent: parent?.code)
        return try await WebPage.render(req, "public_services/figures", title: req.t("services_figures_title") + " · " + org!.name, nav: "figures", data: data)
    }
}
