import CongsoCore
import Fluent
import Vapor

/// "Đánh giá, xếp loại": the month's proposals with their formula, confirmed by the head.
enum RatingWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("ratings", use: index)
        web.post("ratings", use: confirm)
        web.get("ratings", "export.csv", use: export)
    }

    struct Level: Encodable { let value: String; let label: String }
    struct PageData: Encodable {
        let org: String
        let orgCode: String
        let month: String
        let rows: [RatingService.Row]
        let hasRows: Bool
        let total: Int
        let canConfirm: Bool
        let levels: [Level]
        let inProgress: Bool
        let exportHref: String
        let error: String?
        let pages: [PageLink]
        let prev: String?
        let next: String?
    }

    static func render(_ req: Request, error: String?) async throws -> Response {
        let (actor, org, month) = try await RatingAPI.scope(req)
        let page = try PageRequest(req)
        let paged = try await RatingService.page(under: org, month: month, actor: actor, page: page, t: { req.t($0) }, on: req.db)
        let nav = PageLinks.make(base: ["org": org.code, "month": month], page: page.page, pageCount: paged.pageCount)
        let data = PageData(org: org.name, orgCode: org.code, month: month, rows: paged.items, hasRows: !paged.items.isEmpty, total: paged.total,
                            canConfirm: actor.may(.rateStaff, on: org.orgPath),
                            levels: RatingLevel.allCases.map { Level(value: $0.rawValue, label: req.t("rating." + $0.rawValue)) },
                            inProgress: month == String(LocalDate.of(Date()).value.prefix(7)),
                            exportHref: "/ratings/export.csv?org=\(org.code)&month=\(month)", error: error,
                            pages: nav.links, prev: nav.prev, next: nav.next)
        let response = try await WebPage.render(req, "ratings/index", title: req.t("ratings_title"), nav: "ratings", data: data)
        if error != nil { response.status = .unprocessableEntity }
        return response
    }

    @Sendable static func index(req: Request) async throws -> Response { try await render(req, error: nil) }

    struct Form: Content { var staffId: String?; var month: String?; var level: String?; var justification: String?; var org: String? }

    @Sendable static func confirm(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(Form.self)
        do {
            _ = try await RatingService.confirm(.init(staffId: f.staffId.flatMap(UUID.init(uuidString:)), month: f.month, level: f.level,
                                                      justification: f.justification), actor: actor, on: req.db)
            WebPage.flash(req, "flash.rating_confirmed")
            return req.redirect(to: "/ratings?org=\(f.org ?? "")&month=\(f.month ?? "")")
        } catch let e as AppError where [.unprocessableEntity, .forbidden].contains(e.status) {
            WebPage.flashError(req, req.t("err." + e.code, detail: e.detail))
            return req.redirect(to: "/ratings?org=\(f.org ?? "")&month=\(f.month ?? "")")
        }
    }

    @Sendable static func export(req: Request) async throws -> Response { try await RatingAPI.csv(req) }
}
