import CongsoCore
import Fluent
import Vapor

/// "Báo vắng": people report the days they cannot come; planners also for their staff.
enum AbsenceWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("absences", use: index)
        web.post("absences", use: create)
        web.post("absences", ":id", "delete", use: delete)
    }

    struct Row: Encodable { let id: String; let name: String; let period: String; let shift: String; let reason: String }
    struct PageData: Encodable {
        let rows: [Row]
        let hasRows: Bool
        let total: Int
        let canRecord: Bool
        let forOthers: Bool
        let people: [FormOption]
        let today: String
        let error: String?
        let pages: [PageLink]
        let prev: String?
        let next: String?
    }

    static func page(_ req: Request, error: String?) async throws -> Response {
        let actor = try req.requireActor()
        let page = try PageRequest(req)
        let paged = try await AbsenceService.list(under: nil, actor: actor, page: page, on: req.db)
        let names = Dictionary(uniqueKeysWithValues: try await StaffMember.query(on: req.db).filter(\.$id ~~ paged.items.map(\.staffID)).all()
            .map { ($0.id!, $0.fullName) })
        let rows = paged.items.map { a in
            let from = LocalDate(a.fromDate)?.vietnamese ?? a.fromDate, to = LocalDate(a.toDate)?.vietnamese ?? a.toDate
            return Row(id: a.id!.uuidString, name: names[a.staffID] ?? "", period: from == to ? from : "\(from) – \(to)",
                       shift: a.shift.map { req.t("shift." + $0.rawValue) } ?? req.t("absences_whole_day"), reason: a.reason)
        }
        let forOthers = actor.has(.planRosters)
        var people: [FormOption] = []
        if forOthers {
            let list = try await StaffService.list(on: req.db, actor: actor, filter: .init(), page: PageRequest(page: 1, per: 200))
            people = list.items.map { FormOption(value: $0.id!.uuidString, label: "\($0.fullName) — \($0.$org.value?.name ?? "")",
                                                   selected: $0.id == actor.staffID) }
        }
        let nav = PageLinks.make(base: [:], page: page.page, pageCount: paged.pageCount)
        let data = PageData(rows: rows, hasRows: !rows.isEmpty, total: paged.total, canRecord: forOthers || actor.staffID != nil,
                            forOthers: forOthers, people: people, today: LocalDate.of(Date()).value, error: error,
                            pages: nav.links, prev: nav.prev, next: nav.next)
        let response = try await WebPage.render(req, "absences/index", title: req.t("absences_title"), nav: "absences", data: data)
        if error != nil { response.status = .unprocessableEntity }
        return response
    }

    @Sendable static func index(req: Request) async throws -> Response { try await page(req, error: nil) }

    struct Form: Content {
        var staffId: String?
        var from: String?
        var to: String?
        var shift: String?
        var reason: String?
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(Form.self)
        do {
            _ = try await AbsenceService.create(.init(staffId: f.staffId.flatMap(UUID.init(uuidString:)), from: f.from, to: f.to,
                                                      shift: f.shift, reason: f.reason), actor: actor, on: req.db)
            WebPage.flash(req, "flash.absence_recorded")
            return req.redirect(to: "/absences")
        } catch let e as AppError where [.unprocessableEntity, .forbidden, .notFound].contains(e.status) {
            return try await page(req, error: req.t("err." + e.code, detail: e.detail))
        }
    }

    @Sendable static func delete(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try await AbsenceService.delete(try await AbsenceService.find(try req.idParameter(), actor: actor, on: req.db), actor: actor, on: req.db)
        WebPage.flash(req, "flash.absence_deleted")
        return req.redirect(to: "/absences")
    }
}
