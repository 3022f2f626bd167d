import CongsoCore
import Fluent
import Vapor

struct PersonRef: Content {
    let id: UUID
    let fullName: String
    let position: String
    let phone: String
    let email: String
}

struct OrgDTO: Content {
    let id: UUID
    let code: String
    let name: String
    let kind: OrgKind
    let parentId: UUID?
    let head: PersonRef?
    let contact: PersonRef?
}

/// Loads the head and contact person of many orgs in one query.
enum OrgPresenter {
    static func dtos(_ orgs: [Organization], on db: any Database) async throws -> [OrgDTO] {
        let ids = Set(orgs.flatMap { [$0.headStaffID, $0.contactStaffID].compactMap { $0 } })
        var people: [UUID: PersonRef] = [:]
        if !ids.isEmpty {
            for p in try await StaffMember.query(on: db).filter(\.$id ~~ Array(ids)).all() {
                people[p.id!] = PersonRef(id: p.id!, fullName: p.fullName, position: p.position, phone: p.phone, email: p.email)
            }
        }
        return orgs.map { o in
            OrgDTO(id: o.id!, code: o.code, name: o.name, kind: o.kind, parentId: o.parentID,
                   head: o.headStaffID.flatMap { people[$0] }, contact: o.contactStaffID.flatMap { people[$0] })
        }
    }
}

struct OrgWriteBody: Content {
    var code: String?
    var name: String?
    var kind: String?
    var parentId: UUID?
    var headStaffId: UUID?
    var contactStaffId: UUID?

    func input() throws -> OrgService.Input {
        var kindValue: OrgKind?
        if let kind {
            guard let k = OrgKind(rawValue: kind) else { throw AppError.invalid("org.kind_invalid", kind) }
            kindValue = k
        }
        return OrgService.Input(code: code, name: name, kind: kindValue, parentID: parentId,
                                headStaffID: headStaffId.map { .some($0) }, contactStaffID: contactStaffId.map { .some($0) })
    }
}

enum OrgAPI {
    static func register(_ api: any RoutesBuilder) {
        let orgs = api.grouped("orgs")
        orgs.get(use: list)
        orgs.post(use: create)
        orgs.get(":id", use: show)
        orgs.patch(":id", use: update)
        orgs.get(":id", "children", use: children)
    }

    /// `org` narrows a list to one subtree; it accepts an id or a code.
    @Sendable static func list(req: Request) async throws -> ListResponse<OrgDTO> {
        let actor = try req.requireActor()
        var kind: OrgKind?
        if let k = req.query[String.self, at: "kind"], !k.isEmpty {
            guard let v = OrgKind(rawValue: k) else { throw AppError.invalid("org.kind_invalid", k) }
            kind = v
        }
        let paged = try await OrgService.list(on: req.db, actor: actor, q: req.query[String.self, at: "q"],
                                              under: try await req.orgFilter(actor), kind: kind, page: try PageRequest(req))
        return ListResponse(Paged(items: try await OrgPresenter.dtos(paged.items, on: req.db), total: paged.total, page: paged.page))
    }

    @Sendable static func show(req: Request) async throws -> OrgDTO {
        let org = try await OrgService.find(req.parameters.get("id") ?? "", actor: try req.requireActor(), on: req.db)
        return try await OrgPresenter.dtos([org], on: req.db)[0]
    }

    @Sendable static func children(req: Request) async throws -> ListResponse<OrgDTO> {
        let org = try await OrgService.find(req.parameters.get("id") ?? "", actor: try req.requireActor(), on: req.db)
        let kids = try await OrgService.children(of: org, on: req.db)
        return ListResponse(Paged(items: try await OrgPresenter.dtos(kids, on: req.db), total: kids.count,
                                  page: PageRequest(page: 1, per: max(1, kids.count))))
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let body = try req.content.decode(OrgWriteBody.self)
        let org = try await OrgService.create(try body.input(), actor: try req.requireActor(), on: req.db)
        let response = try await OrgPresenter.dtos([org], on: req.db)[0].encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/orgs/\(org.id!)")
        return response
    }

    @Sendable static func update(req: Request) async throws -> OrgDTO {
        let actor = try req.requireActor()
        let org = try await OrgService.find(req.parameters.get("id") ?? "", actor: actor, on: req.db)
        let body = try req.content.decode(OrgWriteBody.self)
        if body.kind != nil { throw AppError.invalid("org.kind_fixed", "") }
        let updated = try await OrgService.update(org, try body.input(), actor: actor, on: req.db)
        return try await OrgPresenter.dtos([updated], on: req.db)[0]
    }
}
