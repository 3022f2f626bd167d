import CongsoCore
import Fluent
import Vapor

enum AuthWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("login", use: loginPage)
        web.post("login", use: login)
        web.post("logout", use: logout)
        web.get(use: home)
        web.get("account", use: account)
        web.post("account", "tokens", use: createToken)
        web.post("account", "tokens", ":id", "revoke", use: revokeToken)
        web.post("account", "mail", use: saveMail)
    }

    struct LoginData: Encodable { let email: String; let next: String; let error: String? }
    struct LoginForm: Content { var email: String?; var password: String?; var next: String? }

    @Sendable static func loginPage(req: Request) async throws -> Response {
        if req.actor != nil { return req.redirect(to: "/") }
        return try await WebPage.render(req, "auth/login", title: req.t("login.title"),
                                        data: LoginData(email: "", next: SafeRedirect.path(req.query[String.self, at: "next"]), error: nil))
    }

    @Sendable static func login(req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        do {
            let user = try await SignInGuard.authenticate(email: form.email ?? "", password: form.password ?? "", address: req.clientAddress,
                                                          on: req.db, passwords: req.password)
            user.lastLoginAt = Date()
            try await user.save(on: req.db)
            // A new session id at sign-in, so an id planted before it is worth nothing.
            if let old = req.session.id { try await SessionRecord.query(on: req.db).filter(\.$key == old).delete() }
            req.session.id = nil
            req.session.data["uid"] = user.id!.uuidString
            req.session.data["csrf"] = UserToken.generate()  // a fresh form token for the signed-in session
            return req.redirect(to: SafeRedirect.path(form.next))
        } catch let error as AppError where error.code == "auth.bad_credentials" || error.code == "auth.locked" {
            let page = try await WebPage.render(req, "auth/login", title: req.t("login.title"),
                                                data: LoginData(email: form.email ?? "", next: SafeRedirect.path(form.next),
                                                                error: req.t("err." + error.code, detail: error.detail)))
            page.status = error.status
            return page
        }
    }

    @Sendable static func logout(req: Request) async throws -> Response {
        req.session.destroy()
        return req.redirect(to: "/login")
    }

    struct HomeData: Encodable {
        let intro: String
        let scopeName: String
        let scopeID: String?
        let orgCount: Int
        let staffCount: Int
        let byStatus: [StatusCount]
        let canStaff: Bool
        /// My open and overdue tasks, for people with a staff record.
        let hasStaffRecord: Bool
        let myTasks: Int
        let myOverdue: Int
    }
    struct StatusCount: Encodable { let label: String; let count: Int; let key: String }

    @Sendable static func home(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let scopeOrg: Organization? = if let id = actor.orgID { try await Organization.find(id, on: req.db) } else {
            try await Organization.query(on: req.db).filter(\.$parentID == nil).sort(\.$sortKey).first()
        }
        let prefix = actor.visiblePrefix
        let orgCount = try await Organization.query(on: req.db).filter(\.$path =~ prefix).count()
        var staffCount = 0
        var byStatus: [StatusCount] = []
        let canStaff = actor.has(.readStaff)
        if canStaff {
            for status in StaffStatus.allCases {
                let n = try await StaffMember.query(on: req.db)
                    .join(Organization.self, on: \StaffMember.$org.$id == \Organization.$id)
                    .filter(Organization.self, \.$path =~ prefix).filter(\.$status == status).count()
                staffCount += n
                byStatus.append(StatusCount(label: req.t("status." + status.rawValue), count: n, key: status.rawValue))
            }
        }
        var myTasks = 0, myOverdue = 0
        if let me = actor.staffID {
            let open = TaskStatus.allCases.filter(\.isOpen)
            myTasks = try await WorkTask.query(on: req.db).filter(\.$assigneeStaffID == me).filter(\.$status ~~ open).count()
            myOverdue = try await WorkTask.query(on: req.db).filter(\.$assigneeStaffID == me).filter(\.$status ~~ open)
                .filter(\.$deadline < LocalDate.of(Date()).value).count()
        }
        let data = HomeData(intro: req.t("home.intro." + actor.role.rawValue), scopeName: scopeOrg?.name ?? "",
                            scopeID: scopeOrg?.id?.uuidString, orgCount: orgCount, staffCount: staffCount,
                            byStatus: byStatus, canStaff: canStaff, hasStaffRecord: actor.staffID != nil,
                            myTasks: myTasks, myOverdue: myOverdue)
        return try await WebPage.render(req, "home", title: req.t("home.title"), nav: "home", data: data)
    }

    struct AccountData: Encodable {
        let tokens: [TokenRow]; let hasTokens: Bool; let newToken: String?
        /// E-mail: the choices, and whether this server sends mail at all.
        let mailChoices: [FormOption]; let mailEnabled: Bool
    }
    struct TokenRow: Encodable { let id: String; let name: String; let created: String; let lastUsed: String }

    @Sendable static func account(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let tokens = try await UserToken.query(on: req.db).filter(\.$user.$id == actor.userID ?? UUID()).sort(\.$createdAt, .descending).all()
        let newToken = req.session.data["newToken"]
        req.session.data["newToken"] = nil
        let rows = tokens.map { TokenRow(id: $0.id!.uuidString, name: $0.name, created: DisplayDate.format($0.createdAt), lastUsed: DisplayDate.format($0.lastUsedAt)) }
        let current = try await MailSetting.query(on: req.db).filter(\.$userID == actor.userID ?? UUID()).first()?.preference ?? .actionsNowRestDaily
        let choices = MailPreference.allCases.map { FormOption(value: $0.rawValue, label: req.t("mail_pref_" + $0.rawValue), selected: $0 == current) }
        return try await WebPage.render(req, "auth/account", title: req.t("account.title"), nav: "account",
                                        data: AccountData(tokens: rows, hasTokens: !rows.isEmpty, newToken: newToken,
                                                          mailChoices: choices, mailEnabled: req.application.mailRelay != nil))
    }

    struct MailForm: Content { var preference: String? }

    @Sendable static func saveMail(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard let user = actor.userID else { throw AppError.unauthorized }
        guard let choice = try req.content.decode(MailForm.self).preference.flatMap(MailPreference.init(rawValue:)) else {
            WebPage.flashError(req, req.t("err.mail.preference_invalid"))
            return req.redirect(to: "/account")
        }
        try await MailUnsubscribe.set(user, to: choice, on: req.db)
        WebPage.flash(req, "flash.mail_preference_saved")
        return req.redirect(to: "/account")
    }

    struct TokenForm: Content { var name: String? }

    @Sendable static func createToken(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard let id = actor.userID, let user = try await User.find(id, on: req.db) else { throw AppError.unauthorized }
        let form = try req.content.decode(TokenForm.self)
        // Shown once on the next page, never stored in clear.
        req.session.data["newToken"] = try await UserService.issueToken(for: user, name: form.name ?? "", via: "web", on: req.db)
        return req.redirect(to: "/account")
    }

    @Sendable static func revokeToken(req: Request) async throws -> Response {
        try await UserService.revokeToken(try req.idParameter(), actor: try req.requireActor(), on: req.db)
        WebPage.flash(req, "account.token_revoked")
        return req.redirect(to: "/account")
    }
}
