import CongsoCore
import Fluent
import Vapor

/// "Một cửa": the desk's lists by tab, a dossier with the step its state allows, the apology
/// letter (phiếu xin lỗi) in print, and the agency's procedure catalogue with CSV import.
enum DeskWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("desk", use: index)
        web.get("desk", "new", use: intakeForm)
        web.on(.POST, "desk", "new", body: .collect(maxSize: "81mb"), use: intake)
        web.get("desk", "procedures", use: procedures)
        web.post("desk", "procedures", use: createProcedure)
        web.on(.POST, "desk", "procedures", "import", body: .collect(maxSize: "5mb"), use: importProcedures)
        web.get("desk", ":id", use: show)
        web.post("desk", ":id", "step", use: step)
        web.post("desk", ":id", "apology", use: apology)
        web.get("desk", ":id", "apology", ":event", use: apologyLetter)
        web.get("desk", ":id", "files", ":file", use: PublicServiceAPI.download)
    }

    struct Row: Encodable {
        let id: String; let code: String; let procedure: String; let name: String; let status: String; let statusKey: String
        let submitted: String; let due: String?; let late: Bool; let channel: String
    }
    struct IndexData: Encodable {
        let tabs: [FormOption]
        let tab: String
        let rows: [Row]
        let total: Int
        let canProcedures: Bool
        let pages: [PageLink]
        let prev: String?
        let next: String?
    }

    @Sendable static func index(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let tab = ApplicationList.Tab(rawValue: req.query[String.self, at: "tab"] ?? "") ?? .new
        var filter = ApplicationList.Filter()
        filter.tab = tab
        if let org = try await req.orgFilter(actor) { filter.under = org.path }
        let page = try PageRequest(req)
        let paged = try await ApplicationList.list(filter, actor: actor, page: page, on: req.db)
        let procedures = try await ApplicationList.procedures(of: paged.items, on: req.db)
        let now = Date()
        let rows = paged.items.map { a in
            Row(id: a.id!.uuidString, code: a.code, procedure: procedures[a.procedureID]?.name ?? "", name: a.applicantName,
                status: req.t("app_status_" + a.status.rawValue), statusKey: a.status.rawValue, submitted: DisplayDate.format(a.submittedAt),
                due: a.dueAt.map { DisplayDate.format($0) }, late: a.isLate(now: now), channel: req.t("app_channel_" + a.channel.rawValue))
        }
        let bar = PageLinks.make(base: ["tab": tab.rawValue], page: page.page, pageCount: paged.pageCount)
        let tabs = ApplicationList.Tab.allCases.map { FormOption(value: $0.rawValue, label: req.t("desk_tab_" + $0.rawValue), selected: $0 == tab) }
        return try await WebPage.render(req, "public_services/desk", title: req.t("desk_title"), nav: "desk",
                                        data: IndexData(tabs: tabs, tab: tab.rawValue, rows: rows, total: paged.total, canProcedures: actor.has(.manageProcedures),
                                                        pages: bar.links, prev: bar.prev, next: bar.next))
    }

    // MARK: - Taking a dossier in at the desk

    struct IntakeData: Encodable {
        let procedures: [FormOption]
        let chosen: String?
        let papers: [PublicServiceWeb.PaperRow]
        let byPost: Bool
        let form: PublicServiceAPI.ApplyForm
        let error: String?
    }

    /// First the procedure (the papers depend on it), then the applicant and the papers brought.
    static func intakePage(_ req: Request, actor: Actor, chosen: ServiceProcedure?, form: PublicServiceAPI.ApplyForm = .init(), error: String? = nil) async throws -> Response {
        try actor.require(.handleApplications)
        let list = try await ProcedureService.catalogue(under: actor.visiblePrefix == "/" ? nil : actor.visiblePrefix, q: nil,
                                                        page: PageRequest(page: 1, per: 200), on: req.db)
        let options = try await ProcedureDTO.list(list.items, on: req.db).map {
            FormOption(value: $0.id.uuidString, label: "\($0.name) — \($0.orgName)", selected: $0.id == chosen?.id)
        }
        let data = IntakeData(procedures: options, chosen: chosen?.id?.uuidString,
                              papers: (chosen?.papers ?? []).enumerated().map { .init(index: $0.offset, name: $0.element.name, scan: $0.element.scan) },
                              byPost: chosen?.byPost ?? false, form: form, error: error)
        let response = try await WebPage.render(req, "public_services/intake", title: req.t("desk_intake"), nav: "desk", data: data)
        if error != nil { response.status = .unprocessableEntity }
        return response
    }

    @Sendable static func intakeForm(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        var chosen: ServiceProcedure?
        if let id = req.query[String.self, at: "procedure"].flatMap(UUID.init(uuidString:)), let p = try await ServiceProcedure.find(id, on: req.db),
           p.active, actor.may(.handleApplications, on: OrgPath(p.orgPath)) {
            chosen = p
        }
        return try await intakePage(req, actor: actor, chosen: chosen)
    }

    @Sendable static func intake(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let form = try req.content.decode(PublicServiceAPI.ApplyForm.self)
        guard let id = form.procedureId.flatMap(UUID.init(uuidString:)), let p = try await ServiceProcedure.find(id, on: req.db), p.active else {
            return try await intakePage(req, actor: actor, chosen: nil, form: form, error: req.t("err.application.procedure_missing"))
        }
        do {
            let a = try await ApplicationService.intake(procedureID: id, PublicServiceAPI.applicant(form), uploads: PublicServiceAPI.uploads(req, papers: p.papers.count),
                                                        channel: ApplicationChannel(rawValue: form.channel ?? "desk") ?? .desk, actor: actor,
                                                        app: req.application, on: req.db)
            WebPage.flash(req, "flash.application_received")
            return req.redirect(to: "/desk/\(a.id!)")
        } catch let e as AppError where [.unprocessableEntity, .payloadTooLarge, .forbidden].contains(e.status) {
            return try await intakePage(req, actor: actor, chosen: p, form: form, error: req.t("err." + e.code, detail: e.detail))
        }
    }

    // MARK: - One dossier

    struct FileRow: Encodable { let id: String; let paper: String; let name: String; let size: String }
    struct StepRow: Encodable { let id: String; let at: String; let label: String; let kind: String; let due: String?; let note: String?; let by: String }
    struct ShowData: Encodable {
        let id: String
        let code: String
        let procedure: String
        let time: String
        let status: String
        let statusKey: String
        let channel: String
        let name: String
        let phone: String
        let email: String?
        let address: String?
        let wantsPost: Bool
        let byPost: Bool
        let fullOnline: Bool
        let note: String?
        let submitted: String
        let received: String?
        let due: String?
        let remaining: String?
        let late: Bool
        let reason: String?
        let postalTracking: String?
        let assignee: String?
        let files: [FileRow]
        let steps: [StepRow]
        let can: [String: Bool]
        let hasActions: Bool
        let isDesk: Bool
        let people: [FormOption]
        let canApologize: Bool
        let tomorrow: String
    }

    @Sendable static func show(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let a = try await ApplicationService.find(try req.idParameter(), actor: actor, on: req.db)
        let p = try await ServiceProcedure.find(a.procedureID, on: req.db)
        let papers = p?.papers ?? []
        let isDesk = actor.may(.handleApplications, on: a.path)
        let allowed = ApplicationStatus.Action.allCases.filter { act in
            act != .complete && a.status.after(act) != nil && (isDesk || [.suspend, .resume, .approve].contains(act))
        }
        var assignee: String?
        if let s = a.assigneeStaffID { assignee = try await StaffMember.find(s, on: req.db)?.fullName }
        let files = try await ApplicationService.files(a, on: req.db).map {
            FileRow(id: $0.id!.uuidString, paper: papers.indices.contains($0.paper) ? papers[$0.paper].name : "", name: $0.fileName,
                    size: ByteCountFormatter.string(fromByteCount: Int64($0.size), countStyle: .file))
        }
        let steps = try await ApplicationService.events(a, on: req.db).reversed().map {
            StepRow(id: $0.id!.uuidString, at: DisplayDate.format($0.at), label: req.t("app_event_" + $0.kind.rawValue), kind: $0.kind.rawValue,
                    due: $0.dueAt.map { DisplayDate.format($0) }, note: $0.note.isEmpty ? nil : $0.note, by: $0.actorName.isEmpty ? req.t("app_by_citizen") : $0.actorName)
        }
        let now = Date()
        let data = ShowData(id: a.id!.uuidString, code: a.code, procedure: p?.name ?? "", time: p.map { PublicServiceWeb.timeText(req, $0.time) } ?? "",
                            status: req.t("app_status_" + a.status.rawValue), statusKey: a.status.rawValue,
                            channel: req.t("app_channel_" + a.channel.rawValue), name: a.applicantName, phone: a.applicantPhone,
                            email: a.applicantEmail.isEmpty ? nil : a.applicantEmail, address: a.applicantAddress.isEmpty ? nil : a.applicantAddress, wantsPost: a.wantsPost, byPost: p?.byPost ?? false,
                            fullOnline: p?.onlineLevel == .full, note: a.note.isEmpty ? nil : a.note, submitted: DisplayDate.format(a.submittedAt),
                            received: a.receivedAt.map { DisplayDate.format($0) }, due: a.dueAt.map { DisplayDate.format($0) },
                            remaining: a.remaining.flatMap(ProcessingTime.init).map { PublicServiceWeb.timeText(req, $0) },
                            late: a.isLate(now: now), reason: a.reason.isEmpty ? nil : a.reason, postalTracking: a.postalTracking, assignee: assignee,
                            files: files, steps: steps, can: Dictionary(uniqueKeysWithValues: allowed.map { ($0.rawValue, true) }), hasActions: !allowed.isEmpty, isDesk: isDesk,
                            people: allowed.contains(.assign) ? try await PeopleOptions.under(a.orgPath, selected: a.assigneeStaffID, on: req.db) : [],
                            canApologize: isDesk && a.status.wasReceived && !a.status.isFinished && !a.status.isClosed,
                            tomorrow: LocalDate.of(now).adding(days: 1).value)
        return try await WebPage.render(req, "public_services/desk_show", title: "\(req.t("desk_dossier")) \(a.code)", nav: "desk", data: data)
    }

    struct StepForm: Content {
        var action: String?; var reason: String?; var assigneeStaffId: String?; var returnMethod: String?; var postalTracking: String?
    }

    @Sendable static func step(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        let f = try req.content.decode(StepForm.self)
        return try await FormAction.run(req, back: "/desk/\(id)", flash: "flash.application_step") {
            _ = try await ApplicationService.act(id, .init(action: f.action, reason: f.reason, assigneeStaffId: f.assigneeStaffId.flatMap(UUID.init(uuidString:)),
                                                           returnMethod: f.returnMethod, postalTracking: f.postalTracking), actor: actor, on: req.db)
        }
    }

    @Sendable static func apology(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        let f = try req.content.decode(PublicServiceAPI.ApologyInput.self)
        var event: ApplicationEvent?
        let response = try await FormAction.run(req, back: "/desk/\(id)", flash: "flash.application_apology") {
            event = try await ApplicationService.apologize(id, reason: f.reason, newDue: f.newDue, actor: actor, on: req.db)
        }
        if let e = event { return req.redirect(to: "/desk/\(id)/apology/\(e.id!)") }
        return response
    }

    struct LetterData: Encodable {
        let agency: String; let code: String; let name: String; let address: String?; let procedure: String
        let received: String; let legalDue: String; let reason: String; let newDue: String; let date: String; let by: String
    }

    @Sendable static func apologyLetter(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let a = try await ApplicationService.find(try req.idParameter(), actor: actor, on: req.db)
        guard let eid = req.parameters.get("event").flatMap(UUID.init(uuidString:)), let e = try await ApplicationEvent.find(eid, on: req.db),
              e.applicationID == a.id, e.kind == .apology else { throw AppError.notFound("") }
        let p = try await ServiceProcedure.find(a.procedureID, on: req.db)
        let org = try await Organization.find(a.orgID, on: req.db)
        let data = LetterData(agency: org?.name ?? "", code: a.code, name: a.applicantName, address: a.applicantAddress.isEmpty ? nil : a.applicantAddress, procedure: p?.name ?? "",
                              received: a.receivedAt.map { DisplayDate.format($0) } ?? "", legalDue: a.legalDueAt.map { DisplayDate.format($0) } ?? "",
                              reason: e.note, newDue: e.dueAt.map { DisplayDate.format($0) } ?? "", date: LocalDate.of(e.at).vietnamese, by: e.actorName)
        return try await WebPage.render(req, "public_services/apology", title: req.t("apology_title"), nav: "desk", data: data)
    }

    // MARK: - Procedures

    struct ProceduresData: Encodable {
        let orgs: [FormOption]
        let rows: [PublicServiceWeb.ProcedureRow]
        let total: Int
        let levels: [FormOption]
        let columns: String
        let pages: [PageLink]
        let prev: String?
        let next: String?
    }

    @Sendable static func procedures(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.manageProcedures)
        let org = try await req.orgFilter(actor)
        let page = try PageRequest(req)
        let paged = try await ProcedureService.catalogue(under: org?.path ?? (actor.visiblePrefix == "/" ? nil : actor.visiblePrefix), q: req.query[String.self, at: "q"],
                                                         page: page, activeOnly: false, on: req.db)
        let rows = try await ProcedureDTO.list(paged.items, on: req.db).map { PublicServiceWeb.row(req, $0) }
        let bar = PageLinks.make(base: ["org": req.query[String.self, at: "org"] ?? ""], page: page.page, pageCount: paged.pageCount)
        let data = ProceduresData(orgs: try await OrgOptions.tree(actor: actor, selected: org?.code, on: req.db), rows: rows, total: paged.total,
                                  levels: OnlineLevel.allCases.map { FormOption(value: $0.rawValue, label: PublicServiceWeb.levelText(req, $0), selected: $0 == .partial) },
                                  columns: ProcedureService.csvColumns.joined(separator: ","), pages: bar.links, prev: bar.prev, next: bar.next)
        return try await WebPage.render(req, "public_services/procedures", title: req.t("procedures_title"), nav: "desk", data: data)
    }

    struct ProcedureForm: Content {
        var org: String?; var code: String?; var name: String?; var processing: String?; var unit: String?; var fee: String?
        var onlineLevel: String?; var byPost: String?; var papers: String?
    }

    @Sendable static func createProcedure(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(ProcedureForm.self)
        return try await FormAction.run(req, back: "/desk/procedures", flash: "flash.procedure_created") {
            var input = ProcedureService.Input()
            input.org = f.org; input.code = f.code; input.name = f.name
            input.processing = (f.processing ?? "").trimmingCharacters(in: .whitespaces) + (f.unit == "h" ? "h" : "d")
            input.fee = try FormNumber.parse(f.fee, code: "procedure.fee_invalid")
            input.onlineLevel = f.onlineLevel; input.byPost = f.byPost == "on"
            // One paper per line; a line ending in "[scan]" accepts a scan.
            input.papers = (f.papers ?? "").split(whereSeparator: \.isNewline).map { line in
                let t = line.trimmingCharacters(in: .whitespaces)
                return t.lowercased().hasSuffix("[scan]") ? .init(name: String(t.dropLast(6)), scan: true) : .init(name: t, scan: false)
            }
            _ = try await ProcedureService.create(input, actor: actor, on: req.db)
        }
    }

    struct ImportForm: Content { var org: String?; var file: File? }

    @Sendable static func importProcedures(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(ImportForm.self)
        return try await FormAction.run(req, back: "/desk/procedures", flash: "flash.procedures_imported") {
            guard let file = f.file, file.data.readableBytes > 0 else { throw AppError.invalid("procedure.import_invalid", "CSV") }
            do {
                _ = try await ProcedureService.importCSV(String(decoding: Data(buffer: file.data), as: UTF8.self), org: f.org ?? "", actor: actor, on: req.db)
            } catch let e as ProcedureService.ImportProblem {
                throw AppError.invalid("procedure.import_invalid", e.problems.joined(separator: "; "))
            }
        }
    }
}
