import CongsoCore
import Fluent
import Vapor

enum DocumentAPI {
    static func register(_ api: any RoutesBuilder) {
        api.get("documents", use: list)
        for r in DocumentRegister.allCases { api.post("documents", PathComponent(stringLiteral: r.rawValue)) { try await create(req: $0, register: r) } }
        api.get("documents", "registers", ":register", use: registerCSV)
        api.get("document-types", use: types)
        api.get("documents", ":id", use: show)
        api.post("documents", ":id", "transfer", use: transfer)
        api.post("documents", ":id", "acknowledge", use: acknowledge)
        api.post("documents", ":id", "route", use: route)
        api.on(.POST, "documents", ":id", "files", body: .collect(maxSize: "21mb"), use: upload)
        api.get("documents", ":id", "files", ":file", use: download)
        api.get("documents", ":id", "access", use: access)
    }

    static func registerParameter(_ req: Request, _ name: String = "register") throws -> DocumentRegister {
        guard let raw = req.parameters.get(name) ?? req.query[String.self, at: name], let r = DocumentRegister(rawValue: raw) else {
            throw AppError.badRequest("register must be incoming, outgoing or classified")
        }
        return r
    }

    static func filter(_ req: Request, actor: Actor) async throws -> DocumentList.Filter {
        var f = DocumentList.Filter()
        if let raw = req.query[String.self, at: "register"], !raw.isEmpty { f.register = try registerParameter(req) }
        f.year = try FormNumber.parse(req.query[String.self, at: "year"], code: "year_invalid")
        if let code = req.query[String.self, at: "org"], !code.isEmpty { f.under = try await OrgService.find(code, actor: actor, on: req.db) }
        f.openOnly = req.query[String.self, at: "open"] == "true"
        return f
    }

    @Sendable static func list(req: Request) async throws -> ListResponse<DocumentDTO> {
        let actor = try req.requireActor()
        let page = try await DocumentList.list(try await filter(req, actor: actor), actor: actor, page: try PageRequest(req), on: req.db)
        var items: [DocumentDTO] = []
        for d in page.items { items.append(try await DocumentDTO.make(d, full: false, on: req.db)) }
        return ListResponse(Paged(items: items, total: page.total, page: page.page))
    }

    /// A duplicate answers 409 naming the entry already registered; `confirmDuplicate` registers anyway.
    static func duplicateError(_ d: DocumentService.Duplicate) -> AppError {
        AppError.conflict("document.duplicate", "\(d.existing.numberSymbol) · \(d.existing.issuer) · \(d.existing.serial)/\(d.existing.year)")
    }

    @Sendable static func create(req: Request, register: DocumentRegister) async throws -> Response {
        let actor = try req.requireActor()
        let input = try req.content.decode(DocumentService.Input.self)
        do {
            let d = try await DocumentService.register(register, input, actor: actor, on: req.db)
            return try await DocumentDTO.make(d, full: true, on: req.db).encodeResponse(status: .created, for: req)
        } catch let dup as DocumentService.Duplicate {
            throw duplicateError(dup)
        }
    }

    /// Loads a document for reading; a classified entry's every view is recorded.
    static func read(_ req: Request) async throws -> OfficialDocument {
        let actor = try req.requireActor()
        let d = try await DocumentAccess.find(try req.idParameter(), actor: actor, on: req.db)
        if d.register == .classified { try await DocumentAccess.record(d, .view, detail: "", actor: actor, on: req.db) }
        return d
    }

    @Sendable static func show(req: Request) async throws -> DocumentDTO {
        try await DocumentDTO.make(try await read(req), full: true, on: req.db)
    }

    struct TransferInput: Content { var recipientOrg: String?; var recipientStaffId: UUID? }

    @Sendable static func transfer(req: Request) async throws -> DocumentDTO {
        let input = try req.content.decode(TransferInput.self)
        let d = try await DocumentService.transfer(try req.idParameter(), recipientOrg: input.recipientOrg, recipientStaffId: input.recipientStaffId,
                                                   actor: try req.requireActor(), on: req.db)
        return try await DocumentDTO.make(d, full: true, on: req.db)
    }

    @Sendable static func acknowledge(req: Request) async throws -> DocumentDTO {
        let d = try await DocumentService.acknowledge(try req.idParameter(), actor: try req.requireActor(), on: req.db)
        return try await DocumentDTO.make(d, full: true, on: req.db)
    }

    @Sendable static func route(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        _ = try await DocumentRouting.route(id, try req.content.decode(DocumentRouting.Input.self), actor: actor, on: req.db)
        return try await DocumentDTO.make(try await DocumentAccess.find(id, actor: actor, on: req.db), full: true, on: req.db)
            .encodeResponse(status: .created, for: req)
    }

    @Sendable static func upload(req: Request) async throws -> Response {
        guard let upload = try? req.content.decode(DocumentFiles.Upload.self) else { throw AppError.invalid("document.file_missing", "") }
        let f = try await DocumentFiles.add(try req.idParameter(), file: upload.file, actor: try req.requireActor(), app: req.application, on: req.db)
        return try await DocumentDTO.FileDTO(id: f.id!, fileName: f.fileName, kind: f.kind, size: f.size, uploadedBy: f.uploadedBy, createdAt: f.createdAt)
            .encodeResponse(status: .created, for: req)
    }

    @Sendable static func download(req: Request) async throws -> Response {
        guard let raw = req.parameters.get("file"), let file = UUID(uuidString: raw) else { throw AppError.notFound("file") }
        return try await DocumentFiles.download(try req.idParameter(), file: file, req: req)
    }

    struct AccessDTO: Content { let at: Date?; let actor: String; let action: DocumentAccessEntry.Action; let detail: String }

    /// The access history: for those who keep or route the document.
    @Sendable static func access(req: Request) async throws -> [AccessDTO] {
        let actor = try req.requireActor()
        let d = try await DocumentAccess.find(try req.idParameter(), actor: actor, on: req.db)
        let mayRegister = try await DocumentAccess.mayRegister(d.register, on: d.path, actor: actor, on: req.db)
        let mayRoute = try await DocumentAccess.mayRoute(d, actor: actor, on: req.db)
        guard mayRegister || mayRoute else { throw AppError.forbidden }
        return try await DocumentFiles.history(d, on: req.db).map { AccessDTO(at: $0.at, actor: $0.actorName, action: $0.action, detail: $0.detail) }
    }

    struct Period { let org: Organization; let year: Int; let from: LocalDate?; let to: LocalDate? }

    static func period(_ req: Request, actor: Actor) async throws -> Period {
        let org = try await PlanService.org(req.query[String.self, at: "org"], actor: actor, on: req.db)
        let year = try FormNumber.parse(req.query[String.self, at: "year"], code: "year_invalid") ?? LocalDate.of(Date()).year
        guard (1945...2100).contains(year) else { throw AppError.invalid("year_invalid", String(year)) }
        func day(_ name: String) throws -> LocalDate? {
            guard let raw = req.query[String.self, at: name], !raw.isEmpty else { return nil }
            guard let d = LocalDate(raw) else { throw AppError.invalid("date_invalid", raw) }
            return d
        }
        return Period(org: org, year: year, from: try day("from"), to: try day("to"))
    }

    @Sendable static func registerCSV(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let register = try registerParameter(req)
        let p = try await period(req, actor: actor)
        let sheet = try await DocumentRegisterSheet.make(register, org: p.org, year: p.year, from: p.from, to: p.to, actor: actor, on: req.db) { req.t($0) }
        return Response.csv(DocumentRegisterSheet.csv(sheet), filename: "so-van-ban-\(register.rawValue)-\(p.org.code)-\(p.year).csv")
    }

    struct TypeDTO: Content { let type: DocumentType; let abbreviation: String?; let name: String }

    @Sendable static func types(req: Request) async throws -> [TypeDTO] {
        _ = try req.requireActor()
        return DocumentType.allCases.map { TypeDTO(type: $0, abbreviation: $0.abbreviation, name: req.t("doc_type_" + $0.rawValue)) }
    }
}
