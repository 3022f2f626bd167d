import CongsoCore
import Fluent
import Vapor

/// Contingency plans and alert levels as JSON.
enum ContingencyAPI {
    static func register(_ api: any RoutesBuilder) {
        api.get("contingency", use: show)
        api.put("contingency", "plan", use: save)
        api.post("contingency", "level", use: switchLevel)
    }

    struct LevelDTO: Content { let level: Int; let maxOnSiteShare: String; let minOnDuty: Int; let essentialStaffIds: [String]; let workplace: String }
    struct PlanDTO: Content { let version: Int; let levels: [LevelDTO]; let note: String; let createdBy: String; let createdAt: Date? }
    struct VersionDTO: Content { let version: Int; let note: String; let createdBy: String; let createdAt: Date? }
    struct StateDTO: Content {
        let orgId: UUID; let code: String; let name: String; let level: Int?; let since: String?; let planVersion: Int?
        let plan: PlanDTO?; let versions: [VersionDTO]
    }
    struct SwitchDTO: Content { let level: Int; let previous: Int?; let planVersion: Int; let overCap: Int }
    struct LevelInput: Content { var level: Int; var note: String? }

    static func dto(_ p: ContingencyPlanVersion) -> PlanDTO {
        PlanDTO(version: p.version, levels: p.levels.map { LevelDTO(level: $0.level.rawValue, maxOnSiteShare: $0.maxOnSiteShare.description,
                                                                   minOnDuty: $0.minOnDuty, essentialStaffIds: $0.essential, workplace: $0.workplace) },
                note: p.note, createdBy: p.createdBy, createdAt: p.createdAt)
    }

    static func org(_ req: Request, _ actor: Actor) async throws -> Organization {
        guard let org = try await req.orgFilter(actor) else { throw AppError.invalid("org_missing", "org") }
        return org
    }

    @Sendable static func show(req: Request) async throws -> StateDTO {
        let actor = try req.requireActor()
        let org = try await org(req, actor)
        try ContingencyService.requireRead(actor, org)
        let versions = try await ContingencyService.versions(of: org.id!, on: req.db)
        let wanted = req.query[Int.self, at: "version"]
        let shown = wanted.flatMap { v in versions.first { $0.version == v } } ?? versions.first
        if let wanted, shown?.version != wanted { throw AppError.notFound("version \(wanted)") }
        let current = try await ContingencyService.current(of: org.id!, on: req.db)
        return StateDTO(orgId: org.id!, code: org.code, name: org.name, level: current?.level.rawValue, since: current?.since,
                        planVersion: current?.planVersion, plan: shown.map(dto),
                        versions: versions.map { VersionDTO(version: $0.version, note: $0.note, createdBy: $0.createdBy, createdAt: $0.createdAt) })
    }

    @Sendable static func save(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let org = try await org(req, actor)
        let input = try req.content.decode(ContingencyService.PlanInput.self)
        let plan = try await ContingencyService.save(input, org: org, actor: actor, on: req.db)
        return try await dto(plan).encodeResponse(status: .created, for: req)
    }

    @Sendable static func switchLevel(req: Request) async throws -> SwitchDTO {
        let actor = try req.requireActor()
        let org = try await org(req, actor)
        let input = try req.content.decode(LevelInput.self)
        guard let level = AlertLevel(rawValue: input.level) else { throw AppError.invalid("contingency.level_invalid", String(input.level)) }
        let s = try await ContingencyService.switchLevel(level, org: org, note: input.note, actor: actor, on: req.db)
        return SwitchDTO(level: s.level.level.rawValue, previous: s.previous?.rawValue, planVersion: s.level.planVersion, overCap: s.overCap)
    }
}
