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
        let canMeetings: Bool
        let canDocuments: Bool
        let canDesk: Bool
        let canTickets: Bool
        let canDuty: Bool
        let canAbsences: Bool
        /// Health (issue 16): my declarations and trips; a unit's states; counts only; the visitor log.
        let hasHealth: Bool
        let canHealthUnit: Bool
        let canHealthCounts: Bool
        let canVisitors: Bool
        /// The live picture (issue 17), inspections, contingency plans.
        let canDashboard: Bool
        let canInspections: Bool
        let canContingency: Bool
        let showWork: Bool
        let showPresence: Bool
        let homeOrg: String?
    }
    let lang: String
    let otherLang: String
    let t: [String: String]
    let me: Me?
    let csrf: String
    let title: String
    let nav: String
    /// The menu group the page belongs to ("work", "presence", "organization"), marked in the header.
    let navGroup: String
    let path: String
    let flash: String?
    let flashError: String?
    let unread: Int
    /// This page as CSV (its list table; Web/TableCSV), for the pager's link.
    let csvHref: String
    let data: T
}

enum WebPage {
    static func render<T: Encodable>(_ req: Request, _ template: String, title: String, nav: String = "",
                                     data: T) async throws -> Response {
        let lang = req.lang
        let me = req.actor.map { a in
            let work = (tasks: a.staffID != nil || a.has(.assignTasks), reports: a.staffID != nil || a.has(.readReports),
                        checkins: a.staffID != nil || a.has(.manageReports), ratings: a.has(.readReports), plans: a.orgID != nil && a.has(.readStaff),
                        meetings: a.staffID != nil || a.has(.scheduleMeetings), documents: a.staffID != nil || a.has(.readDocuments), desk: a.has(.handleApplications), tickets: a.has(.handleTickets), duty: a.has(.manageHotlines))
            let presence = (onSite: a.has(.requestOnSite) || a.has(.approveOnSite), register: a.has(.readPresence) || a.staffID != nil,
                            permits: a.has(.requestPermits) || a.has(.approvePermits),
                            exceptions: a.has(.fileExceptions) || a.has(.reviewExceptions) || a.has(.decideExceptions),
                            rosters: a.has(.planRosters), schedule: a.staffID != nil, absences: a.staffID != nil || a.has(.planRosters),
                            health: a.staffID != nil, healthUnit: a.has(.readHealth), healthCounts: a.has(.readHealthCounts) && !a.has(.readHealth),
                            visitors: a.has(.keepVisitorLog))
            return PageContext<T>.Me(name: a.displayName, email: a.label, role: a.role.rawValue,
                              roleLabel: req.t("role." + a.role.rawValue), isAdmin: a.role == .admin,
                              canAudit: a.has(.readAudit), canUsers: a.has(.readUsers), canStaff: a.has(.readStaff),
                              canPresence: presence.register, canDirectives: a.has(.manageDirectives),
                              canOnSite: presence.onSite, canPermits: presence.permits, canExceptions: presence.exceptions,
                              canRosters: presence.rosters, hasSchedule: presence.schedule,
                              canTasks: work.tasks, canReports: work.reports, canCheckins: work.checkins,
                              canRatings: work.ratings, canPlans: work.plans, canMeetings: work.meetings, canDocuments: work.documents, canDesk: work.desk, canTickets: work.tickets, canDuty: work.duty, canAbsences: presence.absences,
                              hasHealth: presence.health, canHealthUnit: presence.healthUnit, canHealthCounts: presence.healthCounts, canVisitors: presence.visitors,
                              canDashboard: a.has(.readDashboard), canInspections: a.has(.inspect) || a.has(.answerViolations),
                              canContingency: a.has(.manageContingency),
                              showWork: a.has(.inspect) || a.has(.answerViolations) || work.tasks || work.reports || work.checkins || work.ratings || work.plans || work.meetings || work.documents || work.desk || work.tickets || work.duty,
                              showPresence: a.has(.manageContingency) || presence.onSite || presence.register || presence.permits || presence.exceptions
                                  || presence.rosters || presence.schedule || presence.absences || presence.health || presence.healthUnit
                                  || presence.healthCounts || presence.visitors,
                              homeOrg: a.orgID?.uuidString)
        }
        let flash = req.session.data["flash"]
        if flash != nil { req.session.data["flash"] = nil }
        let flashError = req.session.data["flashError"]
        if flashError != nil { req.session.data["flashError"] = nil }
        let context = PageContext(lang: lang, otherLang: lang == "vi" ? "en" : "vi",
                                  t: req.application.translations.table(lang), me: me,
                                  csrf: CSRFMiddleware.token(for: req), title: title, nav: nav, navGroup: Self.group(of: nav),
                                  path: req.url.path, flash: flash, flashError: flashError,
                                  unread: try await NotificationService.unreadCount(req.actor?.userID, on: req.db),
                                  csvHref: csvHref(req), data: data)
        let response = try await req.view.render(template, context).encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        if let q = req.query[String.self, at: "lang"], Translations.languages.contains(q) {
            response.cookies["lang"] = HTTPCookies.Value(string: q, maxAge: 365 * 24 * 3600, path: "/",
                                                         isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }

    static func csvHref(_ req: Request) -> String {
        var items = (URLComponents(string: req.url.string)?.queryItems ?? []).filter { $0.name != "page" && $0.name != "format" && $0.name != "per" }
        items.append(URLQueryItem(name: "format", value: "csv"))
        var c = URLComponents()
        c.path = req.url.path
        c.queryItems = items
        return c.string ?? req.url.path + "?format=csv"
    }

    /// Which menu group a page's `nav` key sits in.
    static func group(of nav: String) -> String {
        switch nav {
        case "tasks", "reports", "plans", "meetings", "documents", "desk", "tickets", "duty", "checkins", "ratings", "inspections": "work"
        case "onsite", "presence", "rosters", "schedule", "absences", "permits", "exceptions", "health", "health-unit", "contingency": "presence"
        case "orgs", "staff", "users", "directives", "policy", "working_days", "audit", "account": "organization"
        default: ""
        }
    }

    /// A refusal shown once on the next page, as an alert.
    static func flashError(_ req: Request, _ text: String) {
        req.session.data["flashError"] = text
    }

    /// A short message shown once on the next page (after a redirect).
    static func flash(_ req: Request, _ key: String) {
        req.session.data["flash"] = req.t(key)
    }

    /// The same, with the message's figure or name filled in.
    static func flash(_ req: Request, _ key: String, detail: String) {
        req.session.data["flash"] = req.t(key, detail: detail)
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

    /// "08:30": the time of day in Hanoi.
    static func time(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = LocalDate.timeZone
        f.dateFormat = "HH:mm"
        return f.string(from: date)
    }
}
