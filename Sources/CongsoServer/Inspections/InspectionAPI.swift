import CongsoCore
import Fluent
import Vapor

/// Inspections as JSON: teams, checklists, samples with their strata and visits, findings
/// and photos, violations and their answers.
enum InspectionAPI {
    static func register(_ api: any RoutesBuilder) {
        api.get("inspections", "teams", use: teams)
        api.post("inspections", "teams", use: createTeam)
        api.get("inspections", "checklists", use: checklists)
        api.post("inspections", "checklists", use: createChecklist)
        api.get("inspections", "samples", use: samples)
        api.post("inspections", "samples", use: draw)
        api.get("inspections", "samples", ":id", use: sample)
        api.post("inspections", "visits", ":id", use: record)
        api.on(.POST, "inspections", "visits", ":id", "photos", body: .collect(maxSize: "60mb"), use: photos)
        api.post("inspections", "visits", ":id", "violations", use: charge)
        api.get("inspections", "violations", use: violations)
        api.post("inspections", "violations", ":id", ":action", use: act)
    }

    struct TeamDTO: Content { let id: UUID; let orgId: UUID; let name: String; let memberIds: [UUID] }
    struct ChecklistDTO: Content { let id: UUID; let orgId: UUID; let directiveId: UUID; let title: String; let items: [String] }
    struct VisitDTO: Content {
        let id: UUID; let orgId: UUID; let stratum: String; let status: String; let visitedOn: String?
        let findings: [InspectionVisit.Finding]; let summary: String
    }
    struct SampleDTO: Content {
        let id: UUID; let orgId: UUID; let teamId: UUID; let checklistId: UUID; let seed: String; let size: Int; let population: Int
        let method: String; let strata: [InspectionService.StratumDTO]; let visits: [VisitDTO]?; let createdAt: Date?
    }
    struct ViolationDTO: Content {
        let id: UUID; let visitId: UUID; let orgId: UUID; let head: String; let description: String; let deadline: String; let status: String
        let answer: String; let closingNote: String; let createdAt: Date?
    }

    static func scope(_ req: Request, _ actor: Actor) async throws -> Organization {
        let (org, _) = try await req.orgAndDay(actor)
        guard InspectionService.mayRead(org.orgPath, actor: actor) else { throw AppError.notFound("") }
        return org
    }

    static func dto(_ v: InspectionVisit) -> VisitDTO {
        VisitDTO(id: v.id!, orgId: v.orgID, stratum: v.stratum, status: v.status.rawValue, visitedOn: v.visitedOn, findings: v.findings, summary: v.summary)
    }
    static func dto(_ v: InspectionViolation) -> ViolationDTO {
        ViolationDTO(id: v.id!, visitId: v.visitID, orgId: v.orgID, head: v.headName, description: v.details, deadline: v.deadline, status: v.status.rawValue,
                     answer: v.answer, closingNote: v.closingNote, createdAt: v.createdAt)
    }
    static func dto(_ s: InspectionSampleRecord, visits: [InspectionVisit]?) -> SampleDTO {
        SampleDTO(id: s.id!, orgId: s.orgID, teamId: s.teamID, checklistId: s.checklistID, seed: s.seed, size: s.size, population: s.population,
                  method: "stratified by (child of the scope, last result); ≥1 per stratum; proportional shares, violations weighted ×2, largest remainder; SplitMix64(seed ⊕ FNV-1a(stratum)) Fisher–Yates over units sorted by id",
                  strata: (try? JSONDecoder().decode([InspectionService.StratumDTO].self, from: Data(s.strataJSON.utf8))) ?? [],
                  visits: visits?.map(dto), createdAt: s.createdAt)
    }

    @Sendable static func teams(req: Request) async throws -> [TeamDTO] {
        let actor = try req.requireActor()
        let org = try await scope(req, actor)
        let teams = try await InspectionTeam.query(on: req.db).group(.or) { $0.filter(\.$orgPath ~~ org.orgPath.ancestorsAndSelf.map(\.value)).filter(\.$orgPath =~ org.path) }
            .sort(\.$name).limit(200).all()
        let members = try await InspectionTeamMember.query(on: req.db).filter(\.$teamID ~~ teams.compactMap(\.id)).all()
        return teams.map { t in TeamDTO(id: t.id!, orgId: t.orgID, name: t.name, memberIds: members.filter { $0.teamID == t.id }.map(\.userID)) }
    }

    struct TeamInput: Content { var name: String; var memberIds: [UUID] }
    @Sendable static func createTeam(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let org = try await scope(req, actor)
        let i = try req.content.decode(TeamInput.self)
        let t = try await InspectionService.createTeam(name: i.name, org: org, members: i.memberIds, actor: actor, on: req.db)
        return try await TeamDTO(id: t.id!, orgId: t.orgID, name: t.name, memberIds: Array(Set(i.memberIds))).encodeResponse(status: .created, for: req)
    }

    @Sendable static func checklists(req: Request) async throws -> [ChecklistDTO] {
        let actor = try req.requireActor()
        let org = try await scope(req, actor)
        return try await InspectionChecklist.query(on: req.db).group(.or) { $0.filter(\.$orgPath ~~ org.orgPath.ancestorsAndSelf.map(\.value)).filter(\.$orgPath =~ org.path) }
            .sort(\.$title).limit(200).all()
            .map { ChecklistDTO(id: $0.id!, orgId: $0.orgID, directiveId: $0.directiveID, title: $0.title, items: $0.items) }
    }

    struct ChecklistInput: Content { var directiveId: UUID?; var title: String; var items: [String] }
    @Sendable static func createChecklist(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let org = try await scope(req, actor)
        let i = try req.content.decode(ChecklistInput.self)
        let c = try await InspectionService.createChecklist(directiveID: i.directiveId, title: i.title, items: i.items, org: org, actor: actor, on: req.db)
        return try await ChecklistDTO(id: c.id!, orgId: c.orgID, directiveId: c.directiveID, title: c.title, items: c.items).encodeResponse(status: .created, for: req)
    }

    @Sendable static func samples(req: Request) async throws -> ListResponse<SampleDTO> {
        let actor = try req.requireActor()
        let org = try await scope(req, actor)
        let page = try PageRequest(req)
        let q = InspectionSampleRecord.query(on: req.db).filter(\.$orgPath =~ org.path)
        let total = try await q.count()
        let items = try await q.sort(\.$createdAt, .descending).sort(\.$id).range(page.offset..<(page.offset + page.per)).all()
        return ListResponse(Paged(items: items.map { dto($0, visits: nil) }, total: total, page: page))
    }

    struct DrawInput: Content { var teamId: UUID; var checklistId: UUID; var size: Int; var seed: String? }
    @Sendable static func draw(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let org = try await scope(req, actor)
        let i = try req.content.decode(DrawInput.self)
        let s = try await InspectionWeb.drawFrom(teamID: i.teamId.uuidString, checklistID: i.checklistId.uuidString, size: String(i.size), seed: i.seed,
                                                 org: org, actor: actor, req: req)
        let visits = try await InspectionVisit.query(on: req.db).filter(\.$sampleID == s.id!).all()
        return try await dto(s, visits: visits).encodeResponse(status: .created, for: req)
    }

    @Sendable static func sample(req: Request) async throws -> SampleDTO {
        let actor = try req.requireActor()
        let s = try await InspectionWeb.sampleAndScope(req, actor)
        return dto(s, visits: try await InspectionVisit.query(on: req.db).filter(\.$sampleID == s.id!).all())
    }

    struct RecordInput: Content { var visitedOn: String?; var summary: String?; var findings: [InspectionService.FindingInput] }
    @Sendable static func record(req: Request) async throws -> VisitDTO {
        let actor = try req.requireActor()
        let v = try await InspectionWeb.visitAndScope(req, actor)
        let i = try req.content.decode(RecordInput.self)
        let day = try (i.visitedOn ?? "").isEmpty ? nil : DayParameter.parse(i.visitedOn)
        return dto(try await InspectionService.record(visit: v, findings: i.findings, summary: i.summary ?? "", visitedOn: day, photos: [],
                                                      actor: actor, app: req.application, on: req.db))
    }

    struct PhotoInput: Content { var photos: [File]? }
    struct PhotoDTO: Content { let id: UUID; let fileName: String; let size: Int }
    @Sendable static func photos(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let v = try await InspectionWeb.visitAndScope(req, actor)
        let files = try (try req.content.decode(PhotoInput.self).photos ?? []).map { try FileStore.check($0, codes: "inspection") }
        let rows = try await InspectionService.addPhotos(files, to: v, actor: actor, app: req.application, on: req.db)
        return try await rows.map { PhotoDTO(id: $0.id!, fileName: $0.fileName, size: $0.size) }.encodeResponse(status: .created, for: req)
    }

    struct ChargeInput: Content { var description: String; var deadline: String }
    @Sendable static func charge(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let v = try await InspectionWeb.visitAndScope(req, actor)
        let i = try req.content.decode(ChargeInput.self)
        guard let deadline = LocalDate(i.deadline) else { throw AppError.invalid("date_invalid", i.deadline) }
        let out = try await InspectionService.charge(visit: v, description: i.description, deadline: deadline, actor: actor, on: req.db)
        return try await dto(out).encodeResponse(status: .created, for: req)
    }

    @Sendable static func violations(req: Request) async throws -> ListResponse<ViolationDTO> {
        let actor = try req.requireActor()
        let org = try await scope(req, actor)
        let status = req.query[String.self, at: "status"] ?? "open"
        guard status == "open" || status == "all" else { throw AppError.invalid("inspection.status_invalid", status) }
        return ListResponse(try await InspectionService.violations(under: org.path, openOnly: status == "open", page: try PageRequest(req), on: req.db).map(dto))
    }

    struct ActInput: Content { var text: String? }
    @Sendable static func act(req: Request) async throws -> ViolationDTO {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        guard let action = req.parameters.get("action").flatMap(ViolationStatus.Action.init(rawValue:)) else { throw AppError.notFound("action") }
        guard let v = try await InspectionViolation.find(id, on: req.db), InspectionService.mayRead(OrgPath(v.orgPath), actor: actor) else {
            throw AppError.notFound("violation")
        }
        let i = (try? req.content.decode(ActInput.self)) ?? ActInput()
        return dto(try await InspectionService.act(action, on: id, text: i.text ?? "", actor: actor, on: req.db))
    }
}
