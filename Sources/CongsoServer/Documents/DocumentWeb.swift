import CongsoCore
import Fluent
import Vapor

/// "Văn bản": the three registers and the follow-up log, registering, the document page
/// (files, transfer, receipt, routing, replies, access history) and the printable register.
enum DocumentWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("documents", use: index)
        web.get("documents", "new", use: newForm)
        web.post("documents", "new", use: create)
        web.get("documents", "registers", ":register", use: printable)
        web.get("documents", ":id", use: show)
        web.post("documents", ":id", "transfer", use: transfer)
        web.post("documents", ":id", "acknowledge", use: acknowledge)
        web.post("documents", ":id", "route", use: route)
        web.on(.POST, "documents", ":id", "files", body: .collect(maxSize: "21mb"), use: upload)
        web.get("documents", ":id", "files", ":file", use: DocumentAPI.download)
    }

    struct Choice: Encodable { let value: String; let label: String; let selected: Bool }
    struct Row: Encodable {
        let id: String; let serial: String; let number: String; let date: String; let issuer: String; let summary: String
        let urgency: String; let urgencyKey: String; let level: String?
        /// The follow-up log: the lead line's deadline and progress, and the replies' numbers.
        var followUp: String? = nil
        var overdue = false
    }

    static func registerChoice(_ raw: String?) -> DocumentRegister { raw.flatMap(DocumentRegister.init(rawValue:)) ?? .incoming }

    // MARK: - Registers

    struct IndexData: Encodable {
        let tab: String
        let tabs: [Choice]
        let rows: [Row]
        let hasRows: Bool
        let total: Int
        let canRegister: Bool
        let registerKey: String
        let year: Int
        let pages: [PageLink]
        let prev: String?
        let next: String?
        let error: String?
    }

    @Sendable static func index(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let tab = req.query[String.self, at: "tab"] ?? "incoming"
        var f = DocumentList.Filter()
        f.register = tab == "followup" ? .incoming : registerChoice(tab)
        f.openOnly = tab == "followup"
        let year = try FormNumber.parse(req.query[String.self, at: "year"], code: "year_invalid")
        f.year = year
        let page = try PageRequest(req)
        var rows: [Row] = [], total = 0, pageCount = 1, error: String?
        do {
            let paged = try await DocumentList.list(f, actor: actor, page: page, on: req.db)
            total = paged.total; pageCount = paged.pageCount
            rows = paged.items.map { d in
                Row(id: d.id!.uuidString, serial: "\(d.serial)/\(d.year)", number: d.numberSymbol,
                    date: LocalDate(d.registeredOn)?.vietnamese ?? d.registeredOn, issuer: d.issuer,
                    summary: d.register == .classified ? "" : [d.type.map { req.t("doc_type_" + $0.rawValue) } ?? "", d.summary].joined(separator: ": "),
                    urgency: req.t("doc_urgency_" + d.urgency.rawValue), urgencyKey: d.urgency.rawValue,
                    level: d.classification.map { req.t("doc_level_" + $0.rawValue) })
            }
            if f.openOnly {
                for i in rows.indices {
                    guard let id = UUID(uuidString: rows[i].id), let d = paged.items.first(where: { $0.id == id }) else { continue }
                    let lines = try await DocumentRouting.lines(of: d, on: req.db)
                    let replies = try await DocumentRouting.replies(to: d, on: req.db).map(\.numberSymbol)
                    if let lead = lines.first(where: { $0.role == .lead }) ?? lines.first {
                        rows[i].followUp = "\(lead.assignee) · \(req.t("documents_deadline")) \(LocalDate(lead.deadline)?.vietnamese ?? lead.deadline) · \(lead.progress)%"
                            + (replies.isEmpty ? "" : " · \(req.t("documents_replies")): \(replies.joined(separator: ", "))")
                    }
                    rows[i].overdue = lines.contains(where: \.overdue)
                }
            }
        } catch let e as AppError where e.status == .unprocessableEntity {
            error = req.t("err." + e.code, detail: e.detail)
        }
        var tabs = ["incoming", "outgoing", "followup"]
        let cleared = try await DocumentAccess.isCleared(actor, on: req.db)
        if cleared || actor.role == .head { tabs.insert("classified", at: 2) }
        let nav = PageLinks.make(base: ["tab": tab, "year": year.map(String.init) ?? ""], page: page.page, pageCount: pageCount)
        let data = IndexData(tab: tab, tabs: tabs.map { Choice(value: $0, label: req.t("documents_tab_" + $0), selected: $0 == tab) },
                             rows: rows, hasRows: !rows.isEmpty, total: total,
                             canRegister: actor.has(.registerDocuments) && tab != "followup", registerKey: f.register.rawValue,
                             year: year ?? LocalDate.of(Date()).year, pages: nav.links, prev: nav.prev, next: nav.next, error: error)
        return try await WebPage.render(req, "documents/index", title: req.t("documents_title"), nav: "documents", data: data)
    }

    // MARK: - Registering

    struct NewData: Encodable {
        let register: String
        let registerLabel: String
        let orgs: [FormOption]
        let types: [Choice]
        let urgencies: [Choice]
        let levels: [Choice]
        let units: [FormOption]
        let people: [FormOption]
        let form: Form
        let today: String
        let replyTo: String?
        let replyNumber: String?
        let error: String?
        let duplicate: String?
        let incoming: Bool
        let outgoing: Bool
        let classified: Bool
    }

    struct Form: Content {
        var register: String?
        var org: String?
        var registeredOn: String?
        var numberSymbol: String?
        var documentDate: String?
        var issuer: String?
        var type: String?
        var summary: String?
        var urgency: String?
        var classification: String?
        var recipientOrg: String?
        var recipientStaffId: String?
        var notes: String?
        var signer: String?
        var recipientOrgs: [String]?
        var outsideRecipients: String?
        var copies: String?
        var fileKeeperOrg: String?
        var replyToId: String?
        var holderStaffId: String?
        var storageLocation: String?
        var confirmDuplicate: String?
    }

    static func renderNew(_ req: Request, form: Form, error: String?, duplicate: String? = nil) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.registerDocuments)
        let register = registerChoice(form.register)
        let org = try await PlanService.org(form.org, actor: actor, on: req.db)
        var replyNumber: String?
        if let r = form.replyToId.flatMap(UUID.init(uuidString:)) { replyNumber = try await DocumentAccess.find(r, actor: actor, on: req.db).numberSymbol }
        let chosenUnits = Set(form.recipientOrgs ?? [])
        let units = try await OrgOptions.tree(actor: actor, selected: form.recipientOrg ?? form.fileKeeperOrg, on: req.db)
        let people = try await PeopleOptions.under(actor.visiblePrefix, selected: (form.recipientStaffId ?? form.holderStaffId).flatMap(UUID.init(uuidString:)), on: req.db)
        let data = NewData(
            register: register.rawValue, registerLabel: req.t("documents_tab_" + register.rawValue),
            orgs: try await OrgOptions.tree(actor: actor, selected: org.code, on: req.db),
            types: DocumentType.allCases.map { Choice(value: $0.rawValue, label: req.t("doc_type_" + $0.rawValue) + ($0.abbreviation.map { " (\($0))" } ?? ""),
                                                      selected: $0.rawValue == form.type) },
            urgencies: DocumentUrgency.allCases.map { Choice(value: $0.rawValue, label: req.t("doc_urgency_" + $0.rawValue), selected: $0.rawValue == form.urgency) },
            levels: Classification.allCases.map { Choice(value: $0.rawValue, label: req.t("doc_level_" + $0.rawValue), selected: $0.rawValue == form.classification) },
            units: units.map { FormOption(value: $0.value, label: $0.label, selected: $0.selected || chosenUnits.contains($0.value)) },
            people: people, form: form, today: LocalDate.of(Date()).value, replyTo: form.replyToId, replyNumber: replyNumber,
            error: error, duplicate: duplicate, incoming: register == .incoming, outgoing: register == .outgoing, classified: register == .classified)
        let response = try await WebPage.render(req, "documents/new", title: req.t("documents_new") + " · " + data.registerLabel, nav: "documents", data: data)
        if error != nil || duplicate != nil { response.status = duplicate != nil ? .conflict : .unprocessableEntity }
        return response
    }

    @Sendable static func newForm(req: Request) async throws -> Response {
        var f = Form()
        f.register = req.query[String.self, at: "register"]
        f.replyToId = req.query[String.self, at: "replyTo"]
        if f.replyToId != nil { f.register = DocumentRegister.outgoing.rawValue }
        f.org = req.query[String.self, at: "org"]
        return try await renderNew(req, form: f, error: nil)
    }

    static func input(_ f: Form) throws -> DocumentService.Input {
        func uuid(_ s: String?) -> UUID? { s.flatMap { $0.isEmpty ? nil : UUID(uuidString: $0) } }
        return DocumentService.Input(
            org: f.org, registeredOn: f.registeredOn, numberSymbol: f.numberSymbol, documentDate: f.documentDate, issuer: f.issuer,
            type: f.type, summary: f.summary, urgency: f.urgency, classification: f.classification, recipientOrg: f.recipientOrg,
            recipientStaffId: uuid(f.recipientStaffId), notes: f.notes, signer: f.signer, recipientOrgs: f.recipientOrgs,
            outsideRecipients: f.outsideRecipients, copies: try FormNumber.parse(f.copies, code: "document.copies_invalid"),
            fileKeeperOrg: f.fileKeeperOrg, replyToId: uuid(f.replyToId), holderStaffId: uuid(f.holderStaffId),
            storageLocation: f.storageLocation, confirmDuplicate: f.confirmDuplicate == "on" || f.confirmDuplicate == "true")
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(Form.self)
        do {
            let d = try await DocumentService.register(registerChoice(f.register), try input(f), actor: actor, on: req.db)
            WebPage.flash(req, "flash.document_registered")
            return req.redirect(to: "/documents/\(d.id!)")
        } catch let dup as DocumentService.Duplicate {
            let e = DocumentAPI.duplicateError(dup)
            return try await renderNew(req, form: f, error: nil, duplicate: req.t("err." + e.code, detail: e.detail))
        } catch let e as AppError where [.unprocessableEntity, .conflict, .forbidden, .notFound].contains(e.status) {
            return try await renderNew(req, form: f, error: req.t("err." + e.code, detail: e.detail))
        }
    }

    // MARK: - One document

    struct Field: Encodable { let label: String; let value: String }
    struct RouteRow: Encodable { let taskId: String; let role: String; let assignee: String; let deadline: String; let status: String; let progress: Int; let overdue: Bool }
    struct FileRow: Encodable { let id: String; let name: String; let size: String; let by: String }
    struct AccessRow: Encodable { let at: String; let actor: String; let action: String; let detail: String }
    struct ShowData: Encodable {
        let id: String
        let heading: String
        let registerKey: String
        let classified: Bool
        let fields: [Field]
        let files: [FileRow]
        let hasFiles: Bool
        let canAttach: Bool
        let allowed: String
        let routes: [RouteRow]
        let hasRoutes: Bool
        let canRoute: Bool
        let replies: [DocumentDTO.Reply]
        let hasReplies: Bool
        let canReply: Bool
        let canTransfer: Bool
        let canAcknowledge: Bool
        let units: [FormOption]
        let people: [FormOption]
        let defaultDeadline: String
        let history: [AccessRow]
        let hasHistory: Bool
        let showHistory: Bool
    }

    @Sendable static func show(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let d = try await DocumentAPI.read(req)
        let dto = try await DocumentDTO.make(d, full: true, on: req.db)
        func day(_ s: String?) -> String { s.flatMap(LocalDate.init)?.vietnamese ?? "" }
        var fields: [Field] = [
            Field(label: req.t(d.register == .outgoing ? "documents_serial_out" : "documents_serial_in"), value: "\(d.serial)/\(d.year)"),
            Field(label: req.t("reg_col_number"), value: d.numberSymbol),
            Field(label: req.t(d.register == .outgoing ? "reg_col_doc_date" : "reg_col_arrival_date"), value: day(d.registeredOn)),
        ]
        if d.register != .outgoing { fields.append(Field(label: req.t("reg_col_doc_date"), value: day(d.documentDate))) }
        fields.append(Field(label: req.t("reg_col_issuer"), value: d.issuer))
        if let t = d.type { fields.append(Field(label: req.t("documents_type"), value: req.t("doc_type_" + t.rawValue))) }
        if !d.summary.isEmpty { fields.append(Field(label: req.t("documents_summary"), value: d.summary)) }
        fields.append(Field(label: req.t("documents_urgency"), value: req.t("doc_urgency_" + d.urgency.rawValue)))
        if let l = d.classification { fields.append(Field(label: req.t("reg_col_level"), value: req.t("doc_level_" + l.rawValue))) }
        if let h = dto.holderName { fields.append(Field(label: req.t("reg_col_holder"), value: h)) }
        if let s = d.storageLocation { fields.append(Field(label: req.t("reg_col_storage"), value: s)) }
        if let s = d.signer { fields.append(Field(label: req.t("reg_col_signer"), value: s)) }
        if !dto.recipients.isEmpty { fields.append(Field(label: req.t("reg_col_recipients"), value: dto.recipients.joined(separator: "; "))) }
        if let c = d.copies { fields.append(Field(label: req.t("reg_col_copies"), value: String(c))) }
        if let k = dto.fileKeeperOrgName { fields.append(Field(label: req.t("reg_col_file_keeper"), value: k)) }
        let recipient = [dto.recipientOrgName, dto.recipientStaffName].compactMap { $0 }.joined(separator: " · ")
        if !recipient.isEmpty { fields.append(Field(label: req.t("reg_col_recipient"), value: recipient)) }
        if let t = d.transferDate { fields.append(Field(label: req.t("reg_col_transfer_date"), value: day(t))) }
        if let a = d.acknowledgedAt { fields.append(Field(label: req.t("reg_col_signed"), value: "\(d.acknowledgedBy ?? "") · \(DisplayDate.format(a))")) }
        if let r = d.replyToID, let answered = try? await DocumentAccess.find(r, actor: actor, on: req.db) {
            fields.append(Field(label: req.t("documents_reply_to"), value: answered.numberSymbol))
        }
        if !d.notes.isEmpty { fields.append(Field(label: req.t("reg_col_notes"), value: d.notes)) }
        let mayRegister = try await DocumentAccess.mayRegister(d.register, on: d.path, actor: actor, on: req.db)
        let mayRoute = try await DocumentAccess.mayRoute(d, actor: actor, on: req.db)
        let open = !DocumentRegister.isClosed(year: d.year, today: .of(Date()))
        var canAck = false
        if open, d.transferDate != nil, d.acknowledgedAt == nil {
            canAck = actor.staffID != nil && actor.staffID == d.recipientStaffID
            if !canAck, let o = d.recipientOrgID, let org = try await Organization.find(o, on: req.db) { canAck = actor.may(.routeDocuments, on: org.orgPath) }
        }
        let showHistory = mayRegister || mayRoute
        let history = showHistory ? try await DocumentFiles.history(d, on: req.db) : []
        let data = ShowData(
            id: d.id!.uuidString, heading: "\(req.t("documents_tab_" + d.register.rawValue)) · \(d.numberSymbol)", registerKey: d.register.rawValue,
            classified: d.register == .classified, fields: fields,
            files: dto.files.map { FileRow(id: $0.id.uuidString, name: $0.fileName, size: ByteCountFormatter.string(fromByteCount: Int64($0.size), countStyle: .file), by: $0.uploadedBy) },
            hasFiles: !dto.files.isEmpty, canAttach: d.register != .classified && (mayRegister || mayRoute),
            allowed: FileKind.allowedExtensions.joined(separator: ", "),
            routes: dto.routes.map { RouteRow(taskId: $0.taskId.uuidString, role: req.t("documents_role_" + $0.role.rawValue), assignee: $0.assignee,
                                              deadline: LocalDate($0.deadline)?.vietnamese ?? $0.deadline, status: req.t("task.status." + $0.status.rawValue),
                                              progress: $0.progress, overdue: $0.overdue) },
            hasRoutes: !dto.routes.isEmpty, canRoute: mayRoute && d.register != .outgoing,
            replies: dto.replies, hasReplies: !dto.replies.isEmpty, canReply: d.register == .incoming && actor.has(.registerDocuments),
            canTransfer: open && mayRegister, canAcknowledge: canAck,
            units: mayRoute || mayRegister ? try await OrgOptions.tree(actor: actor, selected: nil, on: req.db) : [],
            people: mayRoute || mayRegister ? try await PeopleOptions.under(actor.visiblePrefix, selected: nil, on: req.db) : [],
            defaultDeadline: LocalDate.of(Date()).adding(days: 7).value,
            history: history.map { AccessRow(at: $0.at.map(DisplayDate.format) ?? "", actor: $0.actorName, action: req.t("documents_access_" + $0.action.rawValue), detail: $0.detail) },
            hasHistory: !history.isEmpty, showHistory: showHistory)
        return try await WebPage.render(req, "documents/show", title: d.numberSymbol, nav: "documents", data: data)
    }

    static func act(_ req: Request, flash: String, _ body: (Actor, UUID) async throws -> Void) async throws -> Response {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        return try await FormAction.run(req, back: "/documents/\(id)", flash: flash) { try await body(actor, id) }
    }

    struct TransferForm: Content { var recipientOrg: String?; var recipientStaffId: String? }

    @Sendable static func transfer(req: Request) async throws -> Response {
        let f = try req.content.decode(TransferForm.self)
        return try await act(req, flash: "flash.document_transferred") { actor, id in
            _ = try await DocumentService.transfer(id, recipientOrg: f.recipientOrg, recipientStaffId: f.recipientStaffId.flatMap { UUID(uuidString: $0) },
                                                   actor: actor, on: req.db)
        }
    }

    @Sendable static func acknowledge(req: Request) async throws -> Response {
        try await act(req, flash: "flash.document_acknowledged") { actor, id in _ = try await DocumentService.acknowledge(id, actor: actor, on: req.db) }
    }

    struct RouteForm: Content {
        var leadOrg: String?
        var leadStaffId: String?
        var cooperateOrgs: [String]?
        var cooperateStaffIds: [String]?
        var deadline: String?
        var instruction: String?
    }

    @Sendable static func route(req: Request) async throws -> Response {
        let f = try req.content.decode(RouteForm.self)
        return try await act(req, flash: "flash.document_routed") { actor, id in
            let input = DocumentRouting.Input(leadOrg: f.leadOrg, leadStaffId: f.leadStaffId.flatMap { UUID(uuidString: $0) },
                                              cooperateOrgs: f.cooperateOrgs, cooperateStaffIds: (f.cooperateStaffIds ?? []).compactMap { UUID(uuidString: $0) },
                                              deadline: f.deadline, instruction: f.instruction)
            _ = try await DocumentRouting.route(id, input, actor: actor, on: req.db)
        }
    }

    @Sendable static func upload(req: Request) async throws -> Response {
        let upload = try? req.content.decode(DocumentFiles.Upload.self)
        return try await act(req, flash: "flash.document_attached") { actor, id in
            guard let upload else { throw AppError.invalid("document.file_missing", "") }
            _ = try await DocumentFiles.add(id, file: upload.file, actor: actor, app: req.application, on: req.db)
        }
    }

    // MARK: - The printed register

    struct PrintData: Encodable {
        let heading: String
        let orgName: String
        let period: String
        let closed: Bool
        let columns: [String]
        let rows: [[String]]
        let hasRows: Bool
        let csv: String
        let register: String
        let orgs: [FormOption]
        let year: Int
        let from: String
        let to: String
    }

    @Sendable static func printable(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let register = try DocumentAPI.registerParameter(req)
        let p = try await DocumentAPI.period(req, actor: actor)
        let sheet = try await DocumentRegisterSheet.make(register, org: p.org, year: p.year, from: p.from, to: p.to, actor: actor, on: req.db) { req.t($0) }
        if req.query[String.self, at: "format"] == "csv" {
            return Response.csv(DocumentRegisterSheet.csv(sheet), filename: "so-van-ban-\(register.rawValue)-\(p.org.code)-\(p.year).csv")
        }
        var query = ["org": p.org.code, "year": String(p.year), "format": "csv"]
        if let f = p.from { query["from"] = f.value }
        if let t = p.to { query["to"] = t.value }
        let csv = "/documents/registers/\(register.rawValue)?" + query.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "")" }.joined(separator: "&")
        let data = PrintData(heading: req.t("reg_title_" + register.rawValue), orgName: sheet.orgName,
                             period: "\(sheet.from.vietnamese) – \(sheet.to.vietnamese)", closed: sheet.closed, columns: sheet.columns,
                             rows: sheet.rows, hasRows: !sheet.rows.isEmpty, csv: csv, register: register.rawValue,
                             orgs: try await OrgOptions.tree(actor: actor, selected: p.org.code, on: req.db), year: p.year,
                             from: p.from?.value ?? "", to: p.to?.value ?? "")
        return try await WebPage.render(req, "documents/register", title: data.heading, nav: "documents", data: data)
    }
}
