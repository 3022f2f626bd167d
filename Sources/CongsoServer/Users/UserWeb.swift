import CongsoCore
import Fluent
import Vapor

enum UserWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("users", use: index)
        web.get("users", "new", use: newPage)
        web.post("users", use: create)
        web.get("users", ":id", "edit", use: editPage)
        web.post("users", ":id", use: update)
        web.get("users", "lockouts", use: lockoutsPage)
        web.post("users", "lockouts", "lift", use: liftLockout)
    }

    struct LockoutRow: Encodable { let key: String; let kindLabel: String; let subject: String; let failures: Int; let until: String }
    struct LockoutData: Encodable { let rows: [LockoutRow]; let none: Bool }

    @Sendable static func lockoutsPage(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let rows = try await SignInGuard.lockouts(actor: actor, on: req.db).map {
            LockoutRow(key: $0.key, kindLabel: req.t("users_lockout_" + $0.kind), subject: $0.subject, failures: $0.failures,
                       until: DisplayDate.format($0.lockedUntil))
        }
        return try await WebPage.render(req, "users/lockouts", title: req.t("users_lockouts"), nav: "users", data: LockoutData(rows: rows, none: rows.isEmpty))
    }

    struct LiftForm: Content { var key: String? }

    @Sendable static func liftLockout(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try await SignInGuard.lift(key: try req.content.decode(LiftForm.self).key ?? "", actor: actor, on: req.db)
        WebPage.flash(req, "flash.lockout_lifted")
        return req.redirect(to: "/users/lockouts")
    }

    struct Row: Encodable {
        let id: String
        let email: String
        let displayName: String
        let roleLabel: String
        let orgName: String
        let active: Bool
        let lastLogin: String
        let canEdit: Bool
    }
    struct ListData: Encodable {
        let rows: [Row]
        let total: Int
        let q: String
        let pages: [PageLink]
        let prev: String?
        let next: String?
        let canCreate: Bool
    }

    @Sendable static func index(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let q = req.query[String.self, at: "q"] ?? ""
        let page = try PageRequest(req)
        let paged = try await UserService.list(on: req.db, actor: actor, q: q, page: page)
        let orgNames = try await OrgService.names(paged.items.compactMap(\.orgID), on: req.db)
        let assignable = AccessPolicy.assignableRoles(by: actor.role)
        let rows = paged.items.map { u in
            Row(id: u.id!.uuidString, email: u.email, displayName: u.displayName, roleLabel: req.t("role." + u.role.rawValue),
                orgName: u.orgID.flatMap { orgNames[$0] } ?? "—", active: u.active, lastLogin: DisplayDate.format(u.lastLoginAt),
                canEdit: actor.has(.manageUsers) && assignable.contains(u.role))
        }
        let nav = PageLinks.make(base: ["q": q], page: page.page, pageCount: paged.pageCount)
        let data = ListData(rows: rows, total: paged.total, q: q, pages: nav.links, prev: nav.prev, next: nav.next, canCreate: actor.has(.manageUsers))
        return try await WebPage.render(req, "users/index", title: req.t("users.title"), nav: "users", data: data)
    }

    struct FormValues: Codable {
        var email: String?
        var displayName: String?
        var password: String?
        var role: String?
        var org: String?
        var active: String?
    }
    struct FormData: Encodable {
        let mode: String
        let id: String?
        let values: FormValues
        let roles: [FormOption]
        let error: String?
        let isActive: Bool
    }

    static func form(_ req: Request, actor: Actor, mode: String, id: String?, values: FormValues, error: String?) async throws -> Response {
        let roles = AccessPolicy.assignableRoles(by: actor.role)
            .map { FormOption(value: $0.rawValue, label: req.t("role." + $0.rawValue), selected: $0.rawValue == values.role) }
        var shown = values
        shown.password = nil
        let data = FormData(mode: mode, id: id, values: shown, roles: roles, error: error, isActive: values.active != "false")
        let page = try await WebPage.render(req, "users/form", title: req.t(mode == "new" ? "users.new" : "users.edit"), nav: "users", data: data)
        if error != nil { page.status = .unprocessableEntity }
        return page
    }

    static func input(_ f: FormValues) -> UserService.Input {
        UserService.Input(email: f.email, displayName: f.displayName, password: f.password?.isEmpty == false ? f.password : nil,
                          role: f.role.flatMap(Role.init(rawValue:)), orgID: f.org?.trimmingCharacters(in: .whitespaces),
                          staffID: nil, active: f.active.map { $0 == "true" })
    }

    @Sendable static func newPage(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.manageUsers)
        return try await form(req, actor: actor, mode: "new", id: nil, values: FormValues(role: "staff", active: "true"), error: nil)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let values = try req.content.decode(FormValues.self)
        do {
            var i = input(values)
            if i.password == nil { i.password = "" }
            _ = try await UserService.create(i, actor: actor, on: req.db, passwords: req.password)
            WebPage.flash(req, "flash.created")
            return req.redirect(to: "/users")
        } catch let e as AppError where e.status == .unprocessableEntity || e.status == .conflict || e.status == .notFound {
            return try await form(req, actor: actor, mode: "new", id: nil, values: values, error: req.t("err." + e.code, detail: e.detail))
        }
    }

    @Sendable static func editPage(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.manageUsers)
        let user = try await UserService.find(try req.idParameter(), actor: actor, on: req.db)
        var orgCode: String?
        if let id = user.orgID { orgCode = try await Organization.find(id, on: req.db)?.code }
        let values = FormValues(email: user.email, displayName: user.displayName, role: user.role.rawValue, org: orgCode, active: String(user.active))
        return try await form(req, actor: actor, mode: "edit", id: user.id!.uuidString, values: values, error: nil)
    }

    @Sendable static func update(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let user = try await UserService.find(try req.idParameter(), actor: actor, on: req.db)
        var values = try req.content.decode(FormValues.self)
        if values.active == nil { values.active = "false" }  // an unticked checkbox is not sent
        do {
            _ = try await UserService.update(user, input(values), actor: actor, on: req.db, passwords: req.password)
            WebPage.flash(req, "flash.saved")
            return req.redirect(to: "/users")
        } catch let e as AppError where e.status == .unprocessableEntity || e.status == .conflict || e.status == .notFound {
            return try await form(req, actor: actor, mode: "edit", id: user.id!.uuidString, values: values, error: req.t("err." + e.code, detail: e.detail))
        }
    }
}
