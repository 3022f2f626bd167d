import CongsoCore
import Fluent
import Vapor

/// The org tree browser: a node, its ancestors, its children, its head and contact.
enum OrgWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("orgs", use: index)
        web.get("orgs", ":id", use: show)
        web.get("orgs", ":id", "edit", use: editPage)
        web.post("orgs", ":id", use: update)
        web.get("orgs", ":id", "new", use: newPage)
        web.post("orgs", ":id", "children", use: create)
    }

    struct NodeRow: Encodable {
        let id: String
        let code: String
        let name: String
        let kind: String
        let kindLabel: String
        let childCount: Int
        let staffCount: Int
    }
    struct ShowData: Encodable {
        let org: OrgDTO
        let kindLabel: String
        let crumbs: [NodeRow]
        let children: [NodeRow]
        let hasChildren: Bool
        let staffCount: Int
        let canEdit: Bool
        let canAddChild: Bool
        let canStaff: Bool
        let q: String
        let results: [NodeRow]?
    }

    /// The top of what the actor may see (or a search across it).
    @Sendable static func index(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let top: Organization? = if let id = actor.orgID { try await Organization.find(id, on: req.db) } else {
            try await Organization.query(on: req.db).filter(\.$parentID == nil).sort(\.$sortKey).first()
        }
        guard let top else { throw AppError.notFound("") }
        return try await render(req, top, actor: actor)
    }

    @Sendable static func show(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let org = try await OrgService.find(req.parameters.get("id") ?? "", actor: actor, on: req.db)
        return try await render(req, org, actor: actor)
    }

    static func row(_ o: Organization, _ req: Request, children: Int = 0, staff: Int = 0) -> NodeRow {
        NodeRow(id: o.id!.uuidString, code: o.code, name: o.name, kind: o.kind.rawValue, kindLabel: req.t("kind." + o.kind.rawValue),
                childCount: children, staffCount: staff)
    }

    static func render(_ req: Request, _ org: Organization, actor: Actor) async throws -> Response {
        let q = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces)
        var results: [NodeRow]?
        if !q.isEmpty {
            let found = try await OrgService.list(on: req.db, actor: actor, q: q, under: org, kind: nil, page: PageRequest(page: 1, per: 50))
            results = found.items.map { row($0, req) }
        }
        let kids = try await OrgService.children(of: org, on: req.db)
        var rows: [NodeRow] = []
        for kid in kids {
            let grand = try await Organization.query(on: req.db).filter(\.$parentID == kid.id).count()
            let staff = actor.has(.readStaff) ? try await OrgService.staffCount(under: kid, on: req.db) : 0
            rows.append(row(kid, req, children: grand, staff: staff))
        }
        let crumbs = try await OrgService.breadcrumb(of: org, actor: actor, on: req.db).dropLast().map { row($0, req) }
        let data = ShowData(
            org: try await OrgPresenter.dtos([org], on: req.db)[0], kindLabel: req.t("kind." + org.kind.rawValue), crumbs: Array(crumbs),
            children: rows, hasChildren: !rows.isEmpty, staffCount: actor.has(.readStaff) ? try await OrgService.staffCount(under: org, on: req.db) : 0,
            canEdit: actor.may(.writeOrgs, on: org.orgPath), canAddChild: actor.may(.writeOrgs, on: org.orgPath) && !org.kind.allowedChildren.isEmpty,
            canStaff: actor.has(.readStaff), q: q, results: results)
        return try await WebPage.render(req, "organizations/show", title: org.name, nav: "orgs", data: data)
    }

    struct FormData: Encodable {
        let mode: String
        let org: OrgDTO?
        let parent: NodeRow?
        let kinds: [FormOption]
        let parents: [FormOption]
        let people: [FormOption]
        let values: FormValues
        let error: String?
        let canMove: Bool
    }
    struct FormValues: Codable { var code: String?; var name: String?; var kind: String?; var parentId: String?; var headStaffId: String?; var contactStaffId: String? }

    /// People of the node's subtree, as choices for head and contact (first 300 by name).
    static func peopleOptions(_ org: Organization, selected: [String?], on db: any Database) async throws -> [FormOption] {
        let people = try await StaffMember.query(on: db)
            .join(Organization.self, on: \StaffMember.$org.$id == \Organization.$id)
            .filter(Organization.self, \.$path =~ org.path).sort(\.$sortKey).limit(300).all()
        return people.map { FormOption(value: $0.id!.uuidString, label: "\($0.fullName) — \($0.position)", selected: selected.contains($0.id!.uuidString)) }
    }

    static func parentOptions(for org: Organization, actor: Actor, selected: String?, on db: any Database) async throws -> [FormOption] {
        let kinds = OrgKind.allCases.filter { $0.mayContain(org.kind) }
        let candidates = try await Organization.query(on: db).filter(\.$path =~ actor.visiblePrefix)
            .filter(\.$kind ~~ kinds).sort(\.$sortKey).limit(500).all()
        return candidates.filter { !org.orgPath.contains($0.orgPath) }
            .map { FormOption(value: $0.id!.uuidString, label: "\($0.name) (\($0.code))", selected: $0.id!.uuidString == selected) }
    }

    @Sendable static func editPage(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let org = try await OrgService.find(req.parameters.get("id") ?? "", actor: actor, on: req.db)
        try actor.require(.writeOrgs, on: org.orgPath)
        let values = FormValues(code: org.code, name: org.name, kind: org.kind.rawValue, parentId: org.parentID?.uuidString,
                                headStaffId: org.headStaffID?.uuidString, contactStaffId: org.contactStaffID?.uuidString)
        return try await editForm(req, org: org, actor: actor, values: values, error: nil)
    }

    static func editForm(_ req: Request, org: Organization, actor: Actor, values: FormValues, error: String?) async throws -> Response {
        let canMove = AccessPolicy.mayRestructure(role: actor.role, scope: actor.scope, target: org.orgPath) && org.parentID != nil
        let data = FormData(
            mode: "edit", org: try await OrgPresenter.dtos([org], on: req.db)[0], parent: nil, kinds: [],
            parents: canMove ? try await parentOptions(for: org, actor: actor, selected: values.parentId, on: req.db) : [],
            people: try await peopleOptions(org, selected: [values.headStaffId, values.contactStaffId], on: req.db),
            values: values, error: error, canMove: canMove)
        let page = try await WebPage.render(req, "organizations/form", title: req.t("org.edit"), nav: "orgs", data: data)
        if error != nil { page.status = .unprocessableEntity }
        return page
    }

    @Sendable static func update(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let org = try await OrgService.find(req.parameters.get("id") ?? "", actor: actor, on: req.db)
        let form = try req.content.decode(FormValues.self)
        let input = OrgService.Input(
            code: form.code == org.code ? nil : form.code, name: form.name, kind: nil, parentID: FormID.parse(form.parentId),
            headStaffID: .some(FormID.parse(form.headStaffId)), contactStaffID: .some(FormID.parse(form.contactStaffId)))
        do {
            _ = try await OrgService.update(org, input, actor: actor, on: req.db)
        } catch let e as AppError where e.status == .unprocessableEntity || e.status == .conflict {
            return try await editForm(req, org: org, actor: actor, values: form, error: req.t("err." + e.code, detail: e.detail))
        }
        WebPage.flash(req, "flash.saved")
        return req.redirect(to: "/orgs/\(org.id!)")
    }

    @Sendable static func newPage(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let parent = try await OrgService.find(req.parameters.get("id") ?? "", actor: actor, on: req.db)
        try actor.require(.writeOrgs, on: parent.orgPath)
        return try await newForm(req, parent: parent, values: FormValues(kind: parent.kind.allowedChildren.contains(.unit) ? "unit" : nil), error: nil)
    }

    static func newForm(_ req: Request, parent: Organization, values: FormValues, error: String?) async throws -> Response {
        let kinds = OrgKind.allCases.filter { parent.kind.mayContain($0) }
            .map { FormOption(value: $0.rawValue, label: req.t("kind." + $0.rawValue), selected: $0.rawValue == values.kind) }
        let data = FormData(mode: "new", org: nil, parent: row(parent, req), kinds: kinds, parents: [], people: [],
                            values: values, error: error, canMove: false)
        let page = try await WebPage.render(req, "organizations/form", title: req.t("org.new"), nav: "orgs", data: data)
        if error != nil { page.status = .unprocessableEntity }
        return page
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let parent = try await OrgService.find(req.parameters.get("id") ?? "", actor: actor, on: req.db)
        let form = try req.content.decode(FormValues.self)
        let input = OrgService.Input(code: form.code, name: form.name, kind: form.kind.flatMap(OrgKind.init(rawValue:)), parentID: parent.id)
        do {
            let org = try await OrgService.create(input, actor: actor, on: req.db)
            WebPage.flash(req, "flash.created")
            return req.redirect(to: "/orgs/\(org.id!)")
        } catch let e as AppError where e.status == .unprocessableEntity || e.status == .conflict {
            return try await newForm(req, parent: parent, values: form, error: req.t("err." + e.code, detail: e.detail))
        }
    }
}
