import CongsoCore
import Fluent
import SQLKit
import Vapor

/// The in-app notification centre used by every feature. The text is a translation key
/// (`kind`) plus a detail, so each reader sees it in their own language.
enum NotificationService {
    /// Active users with one of `roles` whose subtree covers `path`.
    static func usersCovering(_ path: OrgPath, roles: [Role], on db: any Database) async throws -> [User] {
        let users = try await User.query(on: db).filter(\.$role ~~ roles).filter(\.$active == true).all()
        let orgIDs = Set(users.compactMap(\.orgID))
        var paths: [UUID: OrgPath] = [:]
        if !orgIDs.isEmpty {
            for o in try await Organization.query(on: db).filter(\.$id ~~ Array(orgIDs)).all() { paths[o.id!] = o.orgPath }
        }
        return users.filter { u in u.orgID.flatMap { paths[$0] }.map { $0.contains(path) } ?? false }
    }

    static func notify(_ userIDs: [UUID], kind: String, detail: String, link: String, on db: any Database) async throws {
        let unique = Array(Set(userIDs))
        guard !unique.isEmpty else { return }
        // Plain rows: every assignment and approval notifies, and building models cost
        // more than the statement.
        let sql = try db.sql, now = Date()
        for part in unique.chunked(by: 200) {
            let rows = part.map { user -> SQLQueryString in
                "(\(bind: UUID()), \(bind: user), \(bind: kind), \(bind: detail), \(bind: link), \(bind: now))"
            }
            try await sql.raw("INSERT INTO notifications (id, user_id, kind, text, link, created_at) VALUES \(rows.joined(separator: ", "))").run()
        }
        // E-mail goes through the outbox, in this same transaction (MailQueue).
        try await MailQueue.enqueue(unique, kind: kind, detail: detail, link: link, on: db)
    }

    static func unreadCount(_ userID: UUID?, on db: any Database) async throws -> Int {
        guard let userID else { return 0 }
        return try await AppNotification.query(on: db).filter(\.$userID == userID).filter(\.$readAt == nil).count()
    }

    static func list(_ actor: Actor, unreadOnly: Bool, page: PageRequest, on db: any Database) async throws -> Paged<AppNotification> {
        guard let userID = actor.userID else { throw AppError.unauthorized }
        let query = AppNotification.query(on: db).filter(\.$userID == userID)
        if unreadOnly { query.filter(\.$readAt == nil) }
        let total = try await query.count()
        let items = try await query.sort(\.$createdAt, .descending).sort(\.$id).range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }

    /// Marks one (or, with nil, every) notification of the actor as read.
    static func markRead(_ id: UUID?, actor: Actor, on db: any Database) async throws {
        guard let userID = actor.userID else { throw AppError.unauthorized }
        if let id {
            guard let n = try await AppNotification.find(id, on: db), n.userID == userID else { throw AppError.notFound(id.uuidString) }
            if n.readAt == nil { n.readAt = Date(); try await n.save(on: db) }
        } else {
            try await AppNotification.query(on: db).filter(\.$userID == userID).filter(\.$readAt == nil).set(\.$readAt, to: Date()).update()
        }
    }
}

struct NotificationDTO: Content {
    let id: UUID
    let kind: String
    let text: String
    let link: String
    let createdAt: Date?
    let read: Bool
}

enum NotificationAPI {
    static func register(_ api: any RoutesBuilder, web: any RoutesBuilder) {
        api.get("notifications", use: list)
        api.post("notifications", ":id", "read", use: read)
        api.post("notifications", "read-all", use: readAll)
        web.get("notifications", use: page)
        web.post("notifications", ":id", "read", use: webRead)
        web.post("notifications", "read-all", use: webReadAll)
    }

    static func dto(_ n: AppNotification, _ req: Request) -> NotificationDTO {
        NotificationDTO(id: n.id!, kind: n.kind, text: req.t(n.kind, detail: n.text), link: n.link, createdAt: n.createdAt, read: n.readAt != nil)
    }

    @Sendable static func list(req: Request) async throws -> ListResponse<NotificationDTO> {
        let paged = try await NotificationService.list(try req.requireActor(), unreadOnly: req.query[String.self, at: "unread"] == "true",
                                                       page: try PageRequest(req), on: req.db)
        return ListResponse(paged.map { dto($0, req) })
    }

    @Sendable static func read(req: Request) async throws -> HTTPStatus {
        try await NotificationService.markRead(try req.idParameter(), actor: try req.requireActor(), on: req.db)
        return .noContent
    }

    @Sendable static func readAll(req: Request) async throws -> HTTPStatus {
        try await NotificationService.markRead(nil, actor: try req.requireActor(), on: req.db)
        return .noContent
    }

    struct Row: Encodable { let id: String; let text: String; let link: String; let at: String; let read: Bool }
    struct PageData: Encodable {
        let rows: [Row]
        let total: Int
        let pages: [PageLink]
        let prev: String?
        let next: String?
    }

    @Sendable static func page(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let page = try PageRequest(req)
        let paged = try await NotificationService.list(actor, unreadOnly: false, page: page, on: req.db)
        let nav = PageLinks.make(base: [:], page: page.page, pageCount: paged.pageCount)
        let rows = paged.items.map { Row(id: $0.id!.uuidString, text: req.t($0.kind, detail: $0.text), link: $0.link,
                                         at: DisplayDate.format($0.createdAt), read: $0.readAt != nil) }
        return try await WebPage.render(req, "notifications/index", title: req.t("notif_title"), nav: "notifications",
                                        data: PageData(rows: rows, total: paged.total, pages: nav.links, prev: nav.prev, next: nav.next))
    }

    /// Opening a notification marks it read and goes where it points.
    @Sendable static func webRead(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        try await NotificationService.markRead(id, actor: actor, on: req.db)
        let link = try await AppNotification.find(id, on: req.db)?.link ?? "/notifications"
        return req.redirect(to: SafeRedirect.path(link))
    }

    @Sendable static func webReadAll(req: Request) async throws -> Response {
        try await NotificationService.markRead(nil, actor: try req.requireActor(), on: req.db)
        return req.redirect(to: "/notifications")
    }
}
