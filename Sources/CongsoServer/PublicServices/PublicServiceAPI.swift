import CongsoCore
import Fluent
import Vapor

/// Limits on what anyone can do without signing in, made per application so tests and
/// processes start afresh: applications per address per hour, lookups per address per ten
/// minutes, and wrong phone numbers per dossier code per hour (against guessing the owner).
struct PublicLimits: Sendable {
    let apply: RateLimiter
    let lookup: RateLimiter
    let wrongPhone: RateLimiter

    init(applyPerHour: Int = Int(Environment.get("CONGSO_PUBLIC_APPLY_PER_HOUR") ?? "") ?? 20) {
        apply = RateLimiter(limit: applyPerHour, per: 3600)
        lookup = RateLimiter(limit: 60, per: 600)
        wrongPhone = RateLimiter(limit: 5, per: 3600)
    }
}

extension Application {
    private struct PublicLimitsKey: StorageKey { typealias Value = PublicLimits }
    var publicLimits: PublicLimits {
        if let l = storage[PublicLimitsKey.self] { return l }
        let l = PublicLimits()
        storage[PublicLimitsKey.self] = l
        return l
    }
}

struct ProcedureDTO: Content {
    let id: UUID
    let org: String
    let orgName: String
    let code: String
    let name: String
    let processing: String
    let fee: Int
    let onlineLevel: OnlineLevel
    /// 4 or 3 (Decree 61/2018's names), nil at the desk only.
    let oldLevel: Int?
    let byPost: Bool
    let papers: [ServiceProcedure.Paper]
    let active: Bool

    init(_ p: ServiceProcedure, org: Organization?) {
        id = p.id!; self.org = org?.code ?? ""; orgName = org?.name ?? ""; code = p.code; name = p.name; processing = p.processing
        fee = p.fee; onlineLevel = p.onlineLevel; oldLevel = p.onlineLevel.oldLevel; byPost = p.byPost; papers = p.papers; active = p.active
    }

    static func list(_ items: [ServiceProcedure], on db: any Database) async throws -> [ProcedureDTO] {
        let ids = Array(Set(items.map(\.orgID)))
        let orgs = ids.isEmpty ? [:] : Dictionary(try await Organization.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        return items.map { ProcedureDTO($0, org: orgs[$0.orgID]) }
    }
}

/// What the public lookup shows. With only the code: the procedure, the state and the dates.
/// With the phone given when applying: also the name, the reasons and the postal number.
struct PublicStatusDTO: Content {
    struct Step: Content {
        let kind: ApplicationEvent.Kind
        let status: ApplicationStatus
        let at: Date
        let dueAt: Date?
        let note: String?
    }
    let code: String
    let procedure: String
    let agency: String
    let status: ApplicationStatus
    let submittedAt: Date
    let receivedAt: Date?
    let dueAt: Date?
    let finishedAt: Date?
    let returnedAt: Date?
    let returnMethod: ReturnMethod?
    let late: Bool
    let verified: Bool
    let applicantName: String?
    let reason: String?
    let postalTracking: String?
    let steps: [Step]

    static func make(_ a: ServiceApplication, verified: Bool, on db: any Database, now: Date = Date()) async throws -> PublicStatusDTO {
        let p = try await ServiceProcedure.find(a.procedureID, on: db)
        let org = try await Organization.find(a.orgID, on: db)
        let steps = try await ApplicationService.events(a, on: db).map {
            Step(kind: $0.kind, status: $0.status, at: $0.at, dueAt: $0.dueAt, note: verified && !$0.note.isEmpty && $0.kind != .assigned ? $0.note : nil)
        }
        return PublicStatusDTO(code: a.code, procedure: p?.name ?? "", agency: org?.name ?? "", status: a.status, submittedAt: a.submittedAt,
                               receivedAt: a.receivedAt, dueAt: a.dueAt, finishedAt: a.finishedAt, returnedAt: a.returnedAt,
                               returnMethod: a.returnMethod, late: a.isLate(now: now), verified: verified,
                               applicantName: verified ? a.applicantName : nil, reason: verified && !a.reason.isEmpty ? a.reason : nil,
                               postalTracking: verified ? a.postalTracking : nil, steps: steps)
    }
}

/// The desk's view of a dossier: everything.
struct ApplicationDTO: Content {
    struct File: Content { let id: UUID; let paper: Int; let name: String; let size: Int }
    let id: UUID
    let code: String
    let procedure: ProcedureDTO?
    let channel: ApplicationChannel
    let status: ApplicationStatus
    let applicantName: String
    let applicantPhone: String
    let applicantEmail: String
    let applicantAddress: String
    let wantsPost: Bool
    let note: String
    let submittedAt: Date
    let receivedAt: Date?
    let dueAt: Date?
    /// The promise the law makes (an apology's later date is `dueAt`).
    let legalDueAt: Date?
    let remaining: String?
    let finishedAt: Date?
    let returnedAt: Date?
    let returnMethod: ReturnMethod?
    let postalTracking: String?
    let assigneeStaffId: UUID?
    let reason: String
    let late: Bool
    let files: [File]?
    let steps: [PublicStatusDTO.Step]?

    static func make(_ a: ServiceApplication, full: Bool, procedure: ProcedureDTO?, on db: any Database, now: Date = Date()) async throws -> ApplicationDTO {
        var files: [File]?, steps: [PublicStatusDTO.Step]?
        if full {
            files = try await ApplicationService.files(a, on: db).map { File(id: $0.id!, paper: $0.paper, name: $0.fileName, size: $0.size) }
            steps = try await ApplicationService.events(a, on: db).map { .init(kind: $0.kind, status: $0.status, at: $0.at, dueAt: $0.dueAt, note: $0.note) }
        }
        return ApplicationDTO(id: a.id!, code: a.code, procedure: procedure, channel: a.channel, status: a.status, applicantName: a.applicantName,
                              applicantPhone: a.applicantPhone, applicantEmail: a.applicantEmail, applicantAddress: a.applicantAddress,
                              wantsPost: a.wantsPost, note: a.note, submittedAt: a.submittedAt, receivedAt: a.receivedAt, dueAt: a.dueAt,
                              legalDueAt: a.legalDueAt, remaining: a.remaining, finishedAt: a.finishedAt, returnedAt: a.returnedAt,
                              returnMethod: a.returnMethod, postalTracking: a.postalTracking, assigneeStaffId: a.assigneeStaffID,
                              reason: a.reason, late: a.isLate(now: now), files: files, steps: steps)
    }
}

enum PublicServiceAPI {
    static func register(_ api: any RoutesBuilder) {
        // Anyone, without signing in.
        api.get("public", "procedures", use: catalogue)
        api.get("public", "procedures", ":id", use: procedure)
        api.on(.POST, "public", "applications", body: .collect(maxSize: "81mb"), use: apply)
        api.get("public", "applications", ":code", use: lookup)
        api.on(.POST, "public", "applications", ":code", "complete", body: .collect(maxSize: "81mb"), use: complete)
        api.get("public", "figures", use: figures)
        // The agency.
        api.post("procedures", use: createProcedure)
        api.put("procedures", ":id", use: updateProcedure)
        api.on(.POST, "procedures", "import", body: .collect(maxSize: "5mb"), use: importProcedures)
        api.get("applications", use: list)
        api.on(.POST, "applications", body: .collect(maxSize: "81mb"), use: intake)
        api.get("applications", ":id", use: show)
        api.post("applications", ":id", "steps", use: step)
        api.post("applications", ":id", "apology", use: apology)
        api.get("applications", ":id", "files", ":file", use: download)
    }

    // MARK: - Public

    /// An org by its code, for pages anyone may read.
    static func publicOrg(_ raw: String?, on db: any Database) async throws -> Organization? {
        guard let raw, !raw.isEmpty else { return nil }
        guard raw.count <= 40, let org = try await Organization.query(on: db).filter(\.$code == raw.uppercased()).first() else {
            throw AppError.notFound(raw)
        }
        return org
    }

    @Sendable static func catalogue(req: Request) async throws -> ListResponse<ProcedureDTO> {
        let org = try await publicOrg(req.query[String.self, at: "org"], on: req.db)
        let page = try await ProcedureService.catalogue(under: org?.path, q: req.query[String.self, at: "q"], page: try PageRequest(req), on: req.db)
        return ListResponse(Paged(items: try await ProcedureDTO.list(page.items, on: req.db), total: page.total, page: page.page))
    }

    @Sendable static func procedure(req: Request) async throws -> ProcedureDTO {
        guard let p = try await ServiceProcedure.find(try req.idParameter(), on: req.db), p.active else { throw AppError.notFound("") }
        return ProcedureDTO(p, org: try await Organization.find(p.orgID, on: req.db))
    }

    /// The form fields of an application; files come as `paper0`, `paper1`, … by paper.
    struct ApplyForm: Content {
        var procedureId: String?
        var name: String?
        var phone: String?
        var email: String?
        var address: String?
        var wantsPost: String?
        var note: String?
        var channel: String?
    }

    static func applicant(_ f: ApplyForm) -> ApplicationService.Applicant {
        .init(name: f.name, phone: f.phone, email: f.email, address: f.address,
              wantsPost: ["true", "on", "1"].contains(f.wantsPost ?? ""), note: f.note)
    }

    /// The uploads of a multipart body, one per paper of the procedure; empty file inputs are skipped.
    static func uploads(_ req: Request, papers: Int) -> [ApplicationService.Paper] {
        (0..<min(papers, 40)).compactMap { i in
            guard let f = try? req.content.get(File.self, at: "paper\(i)"), f.data.readableBytes > 0 || !f.filename.isEmpty else { return nil }
            return .init(index: i, file: f)
        }
    }

    struct Receipt: Content {
        let code: String
        let status: ApplicationStatus
        let submittedAt: Date
        let dueAt: Date?
    }

    @Sendable static func apply(req: Request) async throws -> Response {
        guard req.application.publicLimits.apply.allow(req.clientAddress) else { throw AppError.tooManyRequests }
        let form = try req.content.decode(ApplyForm.self)
        guard let id = form.procedureId.flatMap(UUID.init(uuidString:)), let p = try await ServiceProcedure.find(id, on: req.db), p.active else {
            throw AppError.invalid("application.procedure_missing", "")
        }
        let a = try await ApplicationService.apply(procedureID: id, applicant(form), uploads: uploads(req, papers: p.papers.count),
                                                   app: req.application, on: req.db)
        return try await Receipt(code: a.code, status: a.status, submittedAt: a.submittedAt, dueAt: a.dueAt).encodeResponse(status: .created, for: req)
    }

    /// The status by code; the phone, when it matches, opens the personal part. Wrong phones
    /// are counted per code, so the owner of a code cannot be guessed by trying numbers.
    static func lookupStatus(_ req: Request, code: String, phone: String?) async throws -> PublicStatusDTO {
        guard req.application.publicLimits.lookup.allow(req.clientAddress) else { throw AppError.tooManyRequests }
        guard let a = try await ApplicationService.byCode(code, on: req.db) else { throw AppError.notFound("") }
        var verified = false
        if let phone, !phone.isEmpty {
            // Only wrong numbers count, so the owner looking often is never locked out.
            let key = a.code + "/check"
            guard !req.application.publicLimits.wrongPhone.exceeded(key) else { throw AppError.tooManyRequests }
            verified = PhoneNumber.normalize(phone) == a.applicantPhone
            if !verified { req.application.publicLimits.wrongPhone.note(key) }
        }
        return try await PublicStatusDTO.make(a, verified: verified, on: req.db)
    }

    @Sendable static func lookup(req: Request) async throws -> PublicStatusDTO {
        try await lookupStatus(req, code: req.parameters.get("code") ?? "", phone: req.query[String.self, at: "phone"])
    }

    struct CompleteForm: Content { var phone: String?; var note: String? }

    @Sendable static func complete(req: Request) async throws -> PublicStatusDTO {
        guard req.application.publicLimits.apply.allow(req.clientAddress) else { throw AppError.tooManyRequests }
        let code = req.parameters.get("code") ?? ""
        guard let a = try await ApplicationService.byCode(code, on: req.db), let p = try await ServiceProcedure.find(a.procedureID, on: req.db) else {
            throw AppError.invalid("application.code_or_phone_wrong", "")
        }
        let key = a.code + "/check"
        guard !req.application.publicLimits.wrongPhone.exceeded(key) else { throw AppError.tooManyRequests }
        let form = try req.content.decode(CompleteForm.self)
        if PhoneNumber.normalize(form.phone ?? "") != a.applicantPhone { req.application.publicLimits.wrongPhone.note(key) }
        let done = try await ApplicationService.complete(code: code, phone: form.phone, uploads: uploads(req, papers: p.papers.count), note: form.note,
                                                         app: req.application, on: req.db)
        return try await PublicStatusDTO.make(done, verified: true, on: req.db)
    }

    @Sendable static func figures(req: Request) async throws -> ServiceFiguresService.Figures {
        let year = try FormNumber.parse(req.query[String.self, at: "year"], code: "year_invalid") ?? LocalDate.of(Date()).year
        guard (2000...2100).contains(year) else { throw AppError.invalid("year_invalid", String(year)) }
        var org = try await publicOrg(req.query[String.self, at: "org"], on: req.db)
        if org == nil { org = try await rootOrg(on: req.db) }
        return try await ServiceFiguresService.figures(for: org!, year: year, on: req.db)
    }

    /// The top of the tree (the city), where the public figures start.
    static func rootOrg(on db: any Database) async throws -> Organization {
        guard let root = try await Organization.query(on: db).filter(\.$parentID == nil).sort(\.$sortKey).first() else { throw AppError.notFound("") }
        return root
    }

    // MARK: - The agency

    @Sendable static func createProcedure(req: Request) async throws -> Response {
        let p = try await ProcedureService.create(try req.content.decode(ProcedureService.Input.self), actor: try req.requireActor(), on: req.db)
        return try await ProcedureDTO(p, org: try await Organization.find(p.orgID, on: req.db)).encodeResponse(status: .created, for: req)
    }

    @Sendable static func updateProcedure(req: Request) async throws -> ProcedureDTO {
        let p = try await ProcedureService.update(try req.idParameter(), try req.content.decode(ProcedureService.Input.self),
                                                  actor: try req.requireActor(), on: req.db)
        return ProcedureDTO(p, org: try await Organization.find(p.orgID, on: req.db))
    }

    @Sendable static func importProcedures(req: Request) async throws -> ProcedureService.ImportResult {
        let actor = try req.requireActor()
        guard let org = req.query[String.self, at: "org"], !org.isEmpty else { throw AppError.invalid("org_missing", "") }
        let text = req.body.string ?? ""
        do {
            return try await ProcedureService.importCSV(text, org: org, actor: actor, on: req.db)
        } catch let e as ProcedureService.ImportProblem {
            throw AppError.invalid("procedure.import_invalid", e.problems.joined(separator: "\n"))
        }
    }

    @Sendable static func list(req: Request) async throws -> ListResponse<ApplicationDTO> {
        let actor = try req.requireActor()
        var filter = ApplicationList.Filter()
        if let org = try await req.orgFilter(actor) { filter.under = org.path }
        if let raw = req.query[String.self, at: "status"], !raw.isEmpty {
            guard let s = ApplicationList.Tab(rawValue: raw) else { throw AppError.badRequest("status: \(raw)") }
            filter.tab = s
        }
        let page = try await ApplicationList.list(filter, actor: actor, page: try PageRequest(req), on: req.db)
        let procedures = try await ApplicationList.procedures(of: page.items, on: req.db)
        var items: [ApplicationDTO] = []
        for a in page.items { items.append(try await ApplicationDTO.make(a, full: false, procedure: procedures[a.procedureID], on: req.db)) }
        return ListResponse(Paged(items: items, total: page.total, page: page.page))
    }

    @Sendable static func intake(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let form = try req.content.decode(ApplyForm.self)
        guard let id = form.procedureId.flatMap(UUID.init(uuidString:)), let p = try await ServiceProcedure.find(id, on: req.db) else {
            throw AppError.invalid("application.procedure_missing", "")
        }
        let channel = ApplicationChannel(rawValue: form.channel ?? "desk") ?? .desk
        let a = try await ApplicationService.intake(procedureID: id, applicant(form), uploads: uploads(req, papers: p.papers.count), channel: channel,
                                                    actor: actor, app: req.application, on: req.db)
        return try await ApplicationDTO.make(a, full: true, procedure: ProcedureDTO(p, org: nil), on: req.db).encodeResponse(status: .created, for: req)
    }

    static func dto(_ a: ServiceApplication, on db: any Database) async throws -> ApplicationDTO {
        let p = try await ServiceProcedure.find(a.procedureID, on: db)
        return try await ApplicationDTO.make(a, full: true, procedure: p.map { ProcedureDTO($0, org: nil) }, on: db)
    }

    @Sendable static func show(req: Request) async throws -> ApplicationDTO {
        try await dto(try await ApplicationService.find(try req.idParameter(), actor: try req.requireActor(), on: req.db), on: req.db)
    }

    @Sendable static func step(req: Request) async throws -> ApplicationDTO {
        let a = try await ApplicationService.act(try req.idParameter(), try req.content.decode(ApplicationService.Step.self),
                                                 actor: try req.requireActor(), on: req.db)
        return try await dto(a, on: req.db)
    }

    struct ApologyInput: Content { var reason: String?; var newDue: String? }

    @Sendable static func apology(req: Request) async throws -> ApplicationDTO {
        let actor = try req.requireActor()
        let input = try req.content.decode(ApologyInput.self)
        let id = try req.idParameter()
        _ = try await ApplicationService.apologize(id, reason: input.reason, newDue: input.newDue, actor: actor, on: req.db)
        return try await dto(try await ApplicationService.find(id, actor: actor, on: req.db), on: req.db)
    }

    @Sendable static func download(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let a = try await ApplicationService.find(try req.idParameter(), actor: actor, on: req.db)
        guard let fileID = req.parameters.get("file").flatMap(UUID.init(uuidString:)),
              let f = try await ApplicationFile.find(fileID, on: req.db), f.applicationID == a.id else { throw AppError.notFound("") }
        return try FileStore.download(req.application, area: ApplicationService.filesArea, sha: f.sha256, kind: f.kind, name: f.fileName)
    }
}
