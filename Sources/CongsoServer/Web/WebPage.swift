import CongsoCore
import Vapor

/// What every page gets: the language and its texts, the signed-in person, the form
/// token, and the page's own data under `data`.
struct PageContext<T: Encodable>: Encodable {
    struct Me: Encodable {
        let name: String
        let email: String
        let role: String
        let roleLabel: String
        let isAdmin: Bool
        let canAudit: Bool
        let canUsers: Bool
        let canStaff: Bool
        let canPresence: Bool
        let canDirectives: Bool
        let canOnSite: Bool
        let canPermits: Bool
        let canExceptions: Bool
        let canRosters: Bool
        let hasSchedule: Bool
        let canTasks: Bool
        let canReports: Bool
        let canCheckins: Bool
        let canRatings: Bool
        let canPlans: Bool
        let homeOrg: String?
    }
    let lang: String
    let otherLang: String
    let t: [String: String]
    let me: Me?
    let csrf: String
    let title: String
    let nav: String
    let path: String
    let flash: String?
    let flashError: String?
    let unread: Int
    let data: T
}

enum WebPage {
    static func render<T: Encodable>(_ req: Request, _ template: String, title: String, nav: String = "",
                                     data: T) async throws -> Response {
        let lang = req.lang
        let me = req.actor.map { a in
            PageContext<T>.Me(name: a.displayName, email: a.label, role: a.role.rawValue,
                              roleLabel: req.t("role." + a.role.rawValue), isAdmin: a.role == .admin,
                              canAudit: a.has(.readAudit), canUsers: a.has(.readUsers), canStaff: a.has(.readStaff),
                              canPresence: a.has(.readPresence) || a.staffID != nil, canDirectives: a.has(.manageDirectives),
                              canOnSite: a.has(.requestOnSite) || a.has(.approveOnSite),
                              canPermits: a.has(.requestPermits) || a.has(.approvePermits),
                              canExceptions: a.has(.fileExceptions) || a.has(.reviewExceptions) || a.has(.decideExceptions),
                              canRosters: a.has(.planRosters), hasSchedule: a.staffID != nil,
                              canTasks: a.staffID != nil || a.has(.assignTasks),
                              canReports: a.staffID != nil || a.has(.readReports), canCheckins: a.staffID != nil || a.has(.manageReports),
                              canRatings: a.has(.readReports), canPlans: a.orgID != nil && a.has(.readStaff),
                              homeOrg: a.orgID?.uuidString)
        }
        let flash = req.session.data["flash"]
        if flash != nil { req.session.data["flash"] = nil }
        let flashError = req.session.data["flashError"]
        if flashError != nil { req.session.data["flashError"] = nil }
        let context = PageContext(lang: lang, otherLang: lang == "vi" ? "en" : "vi",
                                  t: req.application.translations.table(lang), me: me,
                                  csrf: CSRFMiddleware.token(for: req), title: title, nav: nav,
                                  path: req.url.path, flash: flash, flashError: flashError,
                                  unread: try await NotificationService.unreadCount(req.actor?.userID, on: req.db), data: data)
        let response = try await req.view.render(template, context).encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        if let q = req.query[String.self, at: "lang"], Translations.languages.contains(q) {
            response.cookies["lang"] = HTTPCookies.Value(string: q, maxAge: 365 * 24 * 3600, path: "/",
                                                         isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }

    /// A refusal shown once on the next page, as an alert.
    static func flashError(_ req: Request, _ text: String) {
        req.session.data["flashError"] = text
    }

    /// A short message shown once on the next page (after a redirect).
    static func flash(_ req: Request, _ key: String) {
        req.session.data["flash"] = req.t(key)
    }
}

/// Dates as a Vietnamese reader writes them, in Hanoi time.
enum DisplayDate {
    static func format(_ date: Date?) -> String {
        guard let date else { return "" }
        let f = DateFormatter()
        f.locale = Locale(identifier: "vi_VN")
        f.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        f.dateFormat = "dd/MM/yyyy HH:mm"
        return f.string(from: date)
    }
}
