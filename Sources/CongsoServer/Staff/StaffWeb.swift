import CongsoCore
import Fluent
import Vapor

enum StaffWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("staff", use: index)
        web.get("staff", "export.csv", use: export)
        web.get("staff", "new", use: newPage)
        web.post("staff", use: create)
        web.get("staff", ":id", use: show)
        web.get("staff", ":id", "edit", use: editPage)
        web.post("staff", ":id", use: update)
    }

    struct Row: Encodable {
        let id: String
        let fullName: String
        let position: String
        let orgName: String
        let orgParentName: String
        let orgID: String
        let phone: String
        let email: String
        let status: String
        let statusLabel: String
        let skills: [String]
    }
    struct ListData: Encodable {
        let rows: [Row]
        let total: Int
        let q: String
        let status: String
        let org: OrgDTO?
        let statuses: [FormOption]
        let pages: [PageLink]
        let prev: String?
        let next: String?
        let from: Int
        let to: Int
        let canCreate: Bool
        let exportHref: String
    }

    /// A unit's name alone ("Bộ phận Tư pháp - Hộ tịch") says little; its parent's name
    /// ("UBND Phường Hàng Bạc") places it.
    static func rows(_ people: [StaffMember], _ req: Request) async throws -> [Row] {
        let parents = try await OrgService.names(people.compactMap { $0.$org.value?.parentID }, on: req.db)
        return people.map { s in
            Row(id: s.id!.uuidString, fullName: s.fullName, position: s.position, orgName: s.$org.value?.name ?? "",
                orgParentName: s.$org.value?.parentID.flatMap { parents[$0] } ?? "", orgID: s.$org.id.uuidString,
                phone: s.phone, email: s.email, status: s.status.rawValue, statusLabel: req.t("status." + s.status.rawValue),
                skills: s.skills.split(separator: ";").map { skill in
                    let key = "skill." + skill
                    let label = req.t(key)
                    return label == key ? String(skill) : label
                })
        }
    }

    /// Links to nearby pages, keeping the current search.
    @Sendable static func index(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let q = req.query[String.self, at: "q"] ?? ""
        let statusRaw = req.query[String.self, at: "status"] ?? ""
        let status = StaffStatus(rawValue: statusRaw)
        let under = try await req.orgFilter(actor)
        let page = try PageRequest(req)
        let paged = try await StaffService.list(on: req.db, actor: actor, filter: .init(q: q, under: under, status: status), page: page)
        let base = ["q": q, "status": status?.rawValue ?? "", "org": under?.id?.uuidString ?? ""]
        let nav = PageLinks.make(base: base, page: page.page, pageCount: paged.pageCount)
        var exportQuery = base.filter { !$0.value.isEmpty && $0.key == "org" }.map { "\($0.key)=\($0.value)" }.joined()
        if !exportQuery.isEmpty { exportQuery = "?" + exportQuery }
        let data = ListData(
            rows: try await rows(paged.items, req), total: paged.total, q: q, status: status?.rawValue ?? "",
            org: try await under.asyncMap { try await OrgPresenter.dtos([$0], on: req.db)[0] },
            statuses: StaffStatus.allCases.map { FormOption(value: $0.rawValue, label: req.t("status." + $0.rawValue), selected: $0 == status) },
            pages: nav.links, prev: nav.prev, next: nav.next,
            from: paged.total == 0 ? 0 : page.offset + 1, to: min(paged.total, page.offset + page.per),
            canCreate: actor.has(.writeStaff), exportHref: "/staff/export.csv" + exportQuery)
        return try await WebPage.render(req, "staff/index", title: req.t("staff.title"), nav: "staff", data: data)
    }

    @Sendable static func export(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let csv = try await StaffCSVService.exportCSV(actor: actor, under: try await req.orgFilter(actor), on: req.db)
        let response = Response(status: .ok, body: .init(string: csv))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "congso-staff.csv")
        return response
    }

    struct ShowData: Encodable {
        let person: Row
        let canEdit: Bool
        let history: [AuditWeb.Row]
        let hasHistory: Bool
    }

    @Sendable static func show(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let person = try await StaffService.find(try req.idParameter(), actor: actor, on: req.db)
        var history: [AuditWeb.Row] = []
        if actor.has(.readAudit) {
            let entries = try await AuditService.list(on: req.db, actor: actor, filter: .init(entityID: person.id!.uuidString),
                                                      page: PageRequest(page: 1, per: 20))
            history = entries.items.map { AuditWeb.row($0, req) }
        }
        let data = ShowData(person: try await rows([person], req)[0], canEdit: actor.may(.writeStaff, on: person.org.orgPath), history: history, hasHistory: !history.isEmpty)
        return try await WebPage.render(req, "staff/show", title: person.fullName, nav: "staff", data: data)
    }

    struct FormValues: Codable {
        var fullName: String?
        var orgId: String?
        var position: String?
        var phone: String?
        var email: String?
        var skills: String?
        var status: String?
    }
    struct FormData: Encodable {
        let mode: String
        let id: String?
        let values: FormValues
        let orgs: [FormOption]
        let statuses: [FormOption]
        let error: String?
    }

    /// Units the actor may place staff in (first 1,000 by name).
    static func orgOptions(actor: Actor, selected: String?, on db: any Database, req: Request) async throws -> [FormOption] {
        let orgs = try await Organization.query(on: db).filter(\.$path =~ actor.visiblePrefix).sort(\.$sortKey).limit(1000).all()
        return orgs.filter { actor.may(.writeStaff, on: $0.orgPath) }
            .map { FormOption(value: $0.id!.uuidString, label: "\($0.name) (\($0.code))", selected: $0.id!.uuidString == selected) }
    }

    static func form(_ req: Request, actor: Actor, mode: String, id: String?, values: FormValues, error: String?) async throws -> Response {
        let data = FormData(
            mode: mode, id: id, values: values,
            orgs: try await orgOptions(actor: actor, selected: values.orgId, on: req.db, req: req),
            statuses: StaffStatus.allCases.map { FormOption(value: $0.rawValue, label: req.t("status." + $0.rawValue), selected: $0.rawValue == (values.status ?? "remote")) },
            error: error)
        let page = try await WebPage.render(req, "staff/form", title: req.t(mode == "new" ? "staff.new" : "staff.edit"), nav: "staff", data: data)
        if error != nil { page.status = .unprocessableEntity }
        return page
    }

    static func draft(_ f: FormValues) throws -> StaffDraft {
        guard let status = StaffStatus(rawValue: f.status ?? "remote") else { throw AppError.invalid("staff.status_invalid", f.status ?? "") }
        return StaffDraft(fullName: f.fullName ?? "", position: f.position ?? "", phone: f.phone ?? "", email: f.email ?? "",
                          skills: (f.skills ?? "").split(whereSeparator: { $0 == "," || $0 == ";" }).map(String.init), status: status)
    }

    @Sendable static func newPage(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.writeStaff)
        return try await form(req, actor: actor, mode: "new", id: nil, values: FormValues(orgId: req.query[String.self, at: "org"], status: "remote"), error: nil)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let values = try req.content.decode(FormValues.self)
        do {
            guard let orgID = FormID.parse(values.orgId) else { throw AppError.invalid("staff.org_unknown", "") }
            let person = try await StaffService.create(orgID: orgID, draft: try draft(values), actor: actor, on: req.db)
            WebPage.flash(req, "flash.created")
            return req.redirect(to: "/staff/\(person.id!)")
        } catch let e as AppError where e.status == .unprocessableEntity || e.status == .conflict {
            return try await form(req, actor: actor, mode: "new", id: nil, values: values, error: req.t("err." + e.code, detail: e.detail))
        }
    }

    @Sendable static func editPage(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let person = try await StaffService.find(try req.idParameter(), actor: actor, on: req.db)
        try actor.require(.writeStaff, on: person.org.orgPath)
        let values = FormValues(fullName: person.fullName, orgId: person.$org.id.uuidString, position: person.position, phone: person.phone,
                                email: person.email, skills: person.skills.replacingOccurrences(of: ";", with: ", "), status: person.status.rawValue)
        return try await form(req, actor: actor, mode: "edit", id: person.id!.uuidString, values: values, error: nil)
    }

    @Sendable static func update(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let person = try await StaffService.find(try req.idParameter(), actor: actor, on: req.db)
        let values = try req.content.decode(FormValues.self)
        do {
            _ = try await StaffService.update(person, orgID: FormID.parse(values.orgId), draft: try draft(values), actor: actor, on: req.db)
            WebPage.flash(req, "flash.saved")
            return req.redirect(to: "/staff/\(person.id!)")
        } catch let e as AppError where e.status == .unprocessableEntity || e.status == .conflict {
            return try await form(req, actor: actor, mode: "edit", id: person.id!.uuidString, values: values, error: req.t("err." + e.code, detail: e.detail))
        }
    }
}
