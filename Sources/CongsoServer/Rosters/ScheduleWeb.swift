import CongsoCore
import Fluent
import Vapor

/// "My schedule": the shifts a person works on site, and the secret calendar feed address.
enum ScheduleWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("schedule", use: page)
        web.post("schedule", "feed", use: createFeed)
        web.post("schedule", "feed", "revoke", use: revokeFeed)
        // Public: calendar apps fetch it without a session; the secret in the path is the key.
        web.get("calendar", ":file", use: feed)
    }

    struct Item: Encodable { let date: String; let weekday: String; let shift: String; let unit: String; let source: String }
    struct PageData: Encodable {
        let hasStaff: Bool
        let items: [Item]
        let hasItems: Bool
        let from: String
        let hasFeed: Bool
        let feedURL: String?
    }

    static func render(_ req: Request, feedURL: String?) async throws -> Response {
        let actor = try req.requireActor()
        var items: [Item] = []
        var hasFeed = false
        let from = try DayParameter.parse(req.query[String.self, at: "from"])
        if let staffID = actor.staffID {
            let entries = try await CalendarService.entries(staffID: staffID, from: from, on: req.db)
            let names = try await OrgService.names(entries.map(\.unitID), on: req.db)
            items = entries.map { e in
                let d = LocalDate(e.date)!
                return Item(date: d.vietnamese, weekday: RosterWeb.weekday(d, req).0, shift: req.t("shift." + e.shift.rawValue),
                            unit: names[e.unitID] ?? "", source: req.t("schedule_source." + e.source))
            }
            // 24/7 duty shifts (Hotlines) sit in the same list, with their own hours.
            let duty = try await DutyRotaService.shifts(staffID: staffID, from: from, days: 62, on: req.db)
            let dutyNames = try await OrgService.names(duty.map(\.orgID), on: req.db)
            items += duty.map { d in
                let day = LocalDate(d.cell.date)!
                return Item(date: day.vietnamese, weekday: RosterWeb.weekday(day, req).0,
                            shift: "\(d.cell.shift) \(DisplayDate.time(d.cell.startsAt))–\(DisplayDate.time(d.cell.endsAt))",
                            unit: dutyNames[d.orgID] ?? "", source: req.t("schedule_source.duty"))
            }
            hasFeed = try await CalendarService.hasFeed(staffID: staffID, on: req.db)
        }
        let data = PageData(hasStaff: actor.staffID != nil, items: items, hasItems: !items.isEmpty, from: from.value,
                            hasFeed: hasFeed, feedURL: feedURL)
        return try await WebPage.render(req, "rosters/schedule", title: req.t("schedule_title"), nav: "schedule", data: data)
    }

    @Sendable static func page(req: Request) async throws -> Response { try await render(req, feedURL: nil) }

    /// The new address is shown once, on the page that created it; only its hash is stored.
    @Sendable static func createFeed(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        do {
            let token = try await CalendarService.createFeed(actor: actor, on: req.db)
            return try await render(req, feedURL: feedBase(req) + "/calendar/\(token).ics")
        } catch let e as AppError where e.status == .unprocessableEntity {
            WebPage.flashError(req, req.t("err." + e.code, detail: e.detail))
            return req.redirect(to: "/schedule")
        }
    }

    @Sendable static func revokeFeed(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        do {
            try await CalendarService.revoke(actor: actor, on: req.db)
            WebPage.flash(req, "flash.feed_revoked")
        } catch let e as AppError where e.status == .unprocessableEntity {
            WebPage.flashError(req, req.t("err." + e.code, detail: e.detail))
        }
        return req.redirect(to: "/schedule")
    }

    /// The address calendar apps will use: the Host the person reached us by.
    static func feedBase(_ req: Request) -> String {
        let host = req.headers.first(name: .host) ?? "localhost"
        let scheme = req.headers.first(name: "X-Forwarded-Proto") == "https" ? "https" : "http"
        return "\(scheme)://\(host)"
    }

    @Sendable static func feed(req: Request) async throws -> Response {
        guard let file = req.parameters.get("file"), file.hasSuffix(".ics"), file.count < 200,
              let text = try await CalendarService.feed(token: String(file.dropLast(4)), on: req.db) else {
            throw AppError.notFound("calendar")
        }
        let response = Response(status: .ok, body: .init(string: text))
        response.headers.replaceOrAdd(name: .contentType, value: "text/calendar; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, max-age=300")
        return response
    }
}
