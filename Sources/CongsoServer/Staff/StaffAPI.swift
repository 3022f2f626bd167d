import CongsoCore
import Fluent
import Vapor

struct StaffDTO: Content {
    let id: UUID
    let fullName: String
    let orgId: UUID
    let orgCode: String?
    let orgName: String?
    let position: String
    let phone: String
    let email: String
    let skills: [String]
    let status: StaffStatus

    init(_ s: StaffMember) {
        id = s.id!
        fullName = s.fullName
        orgId = s.$org.id
        orgCode = s.$org.value?.code
        orgName = s.$org.value?.name
        position = s.position
        phone = s.phone
        email = s.email
        skills = s.skills.split(separator: ";").map(String.init)
        status = s.status
    }
}

struct StaffWriteBody: Content {
    var fullName: String?
    var orgId: UUID?
    var position: String?
    var phone: String?
    var email: String?
    var skills: [String]?
    var status: String?

    /// Fills a draft from the body over `base` (PATCH keeps what is not sent).
    func draft(over base: StaffDraft?) throws -> StaffDraft {
        var status = base?.status ?? .remote
        if let s = self.status {
            guard let v = StaffStatus(rawValue: s) else { throw AppError.invalid("staff.status_invalid", s) }
            status = v
        }
        return StaffDraft(fullName: fullName ?? base?.fullName ?? "", position: position ?? base?.position ?? "",
                          phone: phone ?? base?.phone ?? "", email: email ?? base?.email ?? "",
                          skills: skills ?? base?.skills ?? [], status: status)
    }
}

enum StaffAPI {
    static func register(_ api: any RoutesBuilder) {
        let staff = api.grouped("staff")
        staff.get(use: list)
        staff.post(use: create)
        staff.get(":id", use: show)
        staff.patch(":id", use: update)
    }

    @Sendable static func list(req: Request) async throws -> ListResponse<StaffDTO> {
        let actor = try req.requireActor()
        var status: StaffStatus?
        if let s = req.query[String.self, at: "status"], !s.isEmpty {
            guard let v = StaffStatus(rawValue: s) else { throw AppError.invalid("staff.status_invalid", s) }
            status = v
        }
        let filter = StaffService.Filter(q: req.query[String.self, at: "q"], under: try await req.orgFilter(actor), status: status)
        let paged = try await StaffService.list(on: req.db, actor: actor, filter: filter, page: try PageRequest(req))
        return ListResponse(paged.map(StaffDTO.init))
    }

    @Sendable static func show(req: Request) async throws -> StaffDTO {
        StaffDTO(try await StaffService.find(try req.idParameter(), actor: try req.requireActor(), on: req.db))
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let body = try req.content.decode(StaffWriteBody.self)
        guard let orgID = body.orgId else { throw AppError.invalid("staff.org_unknown", "orgId") }
        let person = try await StaffService.create(orgID: orgID, draft: try body.draft(over: nil), actor: actor, on: req.db)
        let response = try await StaffDTO(person).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/staff/\(person.id!)")
        return response
    }

    @Sendable static func update(req: Request) async throws -> StaffDTO {
        let actor = try req.requireActor()
        let person = try await StaffService.find(try req.idParameter(), actor: actor, on: req.db)
        let body = try req.content.decode(StaffWriteBody.self)
        let updated = try await StaffService.update(person, orgID: body.orgId, draft: try body.draft(over: person.draft), actor: actor, on: req.db)
        return StaffDTO(updated)
    }
}
