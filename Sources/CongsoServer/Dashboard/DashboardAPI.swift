import CongsoCore
import Fluent
import Vapor

/// The dashboard as JSON: the node's figures and one line per child, and the units behind
/// "breaches" and "no one on duty".
enum DashboardAPI {
    static func register(_ api: any RoutesBuilder) {
        api.get("dashboard", use: figures)
        api.get("dashboard", "units", use: units)
    }

    struct OrgRef: Content { let id: UUID; let code: String; let name: String; let alertLevel: Int? }
    struct Line: Content { let org: OrgRef; let figures: DashboardFigures }
    struct DashboardDTO: Content { let org: OrgRef; let date: String; let total: DashboardFigures; let children: [Line] }
    struct UnitDTO: Content { let org: OrgRef; let staff: Int; let onSite: Int; let cap: Int }

    @Sendable static func figures(req: Request) async throws -> DashboardDTO {
        let actor = try req.requireActor()
        let (org, day) = try await req.orgAndDay(actor)
        let v = try await DashboardService.view(of: org, on: day, actor: actor, db: req.db)
        func ref(_ o: Organization) -> OrgRef { OrgRef(id: o.id!, code: o.code, name: o.name, alertLevel: v.levels[o.id!]?.rawValue) }
        return DashboardDTO(org: ref(org), date: day.value, total: v.total, children: zip(v.children, v.rows).map { Line(org: ref($0), figures: $1) })
    }

    @Sendable static func units(req: Request) async throws -> ListResponse<UnitDTO> {
        let (_, _, _, list) = try await DashboardWeb.unitList(req)
        let page = try PageRequest(req)
        let orgs = try await Organization.query(on: req.db).filter(\.$id ~~ list.map(\.orgID)).all()
        let byID = Dictionary(uniqueKeysWithValues: orgs.map { ($0.id!, $0) })
        let sorted = list.sorted { (byID[$0.orgID]?.sortKey ?? "") < (byID[$1.orgID]?.sortKey ?? "") }
        let items = sorted.dropFirst(page.offset).prefix(page.per).compactMap { u -> UnitDTO? in
            guard let o = byID[u.orgID] else { return nil }
            return UnitDTO(org: OrgRef(id: o.id!, code: o.code, name: o.name, alertLevel: nil), staff: u.staff, onSite: u.onSite, cap: u.cap)
        }
        return ListResponse(Paged(items: Array(items), total: list.count, page: page))
    }
}
