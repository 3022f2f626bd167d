import CongsoCore
import Fluent
import Vapor

/// Contingency plans per unit and the unit's alert level. The level in force adds its
/// plan's rules (share on site, people on duty) to the directives for the unit's subtree,
/// strictest wins, so switching a level changes every cap at once — on-site approvals,
/// rosters, the register and the dashboard all read the same resolver.
enum ContingencyService {
    struct PlanInput: Content {
        struct Level: Content {
            var level: Int
            var maxOnSiteShare: String
            var minOnDuty: Int
            var essentialStaffIds: [UUID]?
            var workplace: String
        }
        var levels: [Level]
        var note: String?
    }

    static func latest(of orgID: UUID, on db: any Database) async throws -> ContingencyPlanVersion? {
        try await ContingencyPlanVersion.query(on: db).filter(\.$orgID == orgID).sort(\.$version, .descending).first()
    }

    static func versions(of orgID: UUID, on db: any Database) async throws -> [ContingencyPlanVersion] {
        try await ContingencyPlanVersion.query(on: db).filter(\.$orgID == orgID).sort(\.$version, .descending).limit(100).all()
    }

    static func current(of orgID: UUID, on db: any Database) async throws -> UnitAlertLevel? {
        try await UnitAlertLevel.query(on: db).filter(\.$orgID == orgID).first()
    }

    static func history(of orgID: UUID, on db: any Database) async throws -> [AlertLevelChange] {
        try await AlertLevelChange.query(on: db).filter(\.$orgID == orgID).sort(\.$createdAt, .descending).limit(50).all()
    }

    static func requireRead(_ actor: Actor, _ org: Organization) throws {
        guard actor.may(.manageContingency, on: org.orgPath) || actor.may(.readDashboard, on: org.orgPath) else {
            throw AppError.notFound("")
        }
    }

    /// Checks and saves a new version of the plan; the unit's level, if set, now applies it.
    static func save(_ input: PlanInput, org: Organization, actor: Actor, on db: any Database) async throws -> ContingencyPlanVersion {
        try actor.require(.manageContingency, on: org.orgPath)
        guard input.levels.count <= 8 else { throw AppError.invalid("too_long", "levels") }
        var levels: [LevelPlan] = []
        for l in input.levels {
            guard let level = AlertLevel(rawValue: l.level) else { throw AppError.invalid("contingency.level_invalid", String(l.level)) }
            guard let share = Fraction(parsing: l.maxOnSiteShare) else { throw AppError.invalid("contingency.share_invalid", l.maxOnSiteShare) }
            levels.append(LevelPlan(level: level, maxOnSiteShare: share, minOnDuty: l.minOnDuty,
                                    essential: (l.essentialStaffIds ?? []).map(\.uuidString), workplace: l.workplace))
        }
        let checked: [LevelPlan]
        do { checked = try ContingencyRules.validate(levels) } catch {
            throw AppError.invalid(error.code, String(error.level.rawValue))
        }
        let note = VietnameseText.normalize(input.note ?? "")
        guard note.count <= 1_000 else { throw AppError.invalid("too_long", "note") }
        // Essential people belong to the unit's subtree.
        let wanted = Set(checked.flatMap(\.essential).compactMap(UUID.init(uuidString:)))
        if !wanted.isEmpty {
            let found = try await StaffMember.query(on: db).filter(\.$id ~~ Array(wanted)).join(Organization.self, on: \StaffMember.$org.$id == \Organization.$id)
                .filter(Organization.self, \.$path =~ org.path).all()
            guard found.count == wanted.count else {
                let missing = wanted.subtracting(found.compactMap(\.id)).first!.uuidString
                throw AppError.invalid("contingency.essential_outside", missing)
            }
        }
        return try await db.writeTransaction { tx in
            _ = try await Organization.lockedForUpdate(org.id!, on: tx)
            let next = (try await latest(of: org.id!, on: tx)?.version ?? 0) + 1
            let plan = try ContingencyPlanVersion(org: org, version: next, levels: checked, note: note, by: actor.label)
            try await plan.create(on: tx)
            if let current = try await current(of: org.id!, on: tx) {
                current.planID = plan.id!
                current.planVersion = next
                try await current.update(on: tx)
            }
            try await AuditService.record(on: tx, actor: actor, action: "contingency.plan", entityType: "contingencyPlan", entityID: plan.id,
                                          orgPath: org.path, summary: "\(org.code) v\(next)",
                                          after: ["levels": plan.levelsJSON, "note": note])
            return plan
        }
    }

    struct Switched: Sendable {
        let level: UnitAlertLevel
        let previous: AlertLevel?
        /// Approved on site today above the new cap (the head decides who goes home).
        let overCap: Int
    }

    /// One click: the unit goes to `level`, its plan applies from today, and the unit's
    /// heads, leads, staff and essential people are told what it means for them.
    static func switchLevel(_ level: AlertLevel, org: Organization, note: String?, actor: Actor, on db: any Database, now: Date = Date()) async throws -> Switched {
        try actor.require(.manageContingency, on: org.orgPath)
        let note = VietnameseText.normalize(note ?? "")
        guard note.count <= 1_000 else { throw AppError.invalid("too_long", "note") }
        let today = LocalDate.of(now)
        let result = try await db.writeTransaction { tx -> (UnitAlertLevel, AlertLevel?, LevelPlan) in
            _ = try await Organization.lockedForUpdate(org.id!, on: tx)
            guard let plan = try await latest(of: org.id!, on: tx), let levelPlan = plan.plan(at: level) else {
                throw AppError.invalid("contingency.no_plan", org.code)
            }
            let row = try await current(of: org.id!, on: tx) ?? UnitAlertLevel()
            let previous = row.id == nil ? nil : row.level
            if previous == level { throw AppError.conflict("contingency.same_level", String(level.rawValue)) }
            if row.id == nil { row.id = UUID(); row.orgID = org.id!; row.orgPath = org.path }
            row.level = level
            row.planID = plan.id!
            row.planVersion = plan.version
            row.since = today.value
            row.setBy = actor.label
            try await row.save(on: tx)
            let change = AlertLevelChange()
            change.id = UUID(); change.orgID = org.id!; change.orgPath = org.path; change.fromLevel = previous; change.toLevel = level
            change.planVersion = plan.version; change.note = note; change.setBy = actor.label
            try await change.create(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "contingency.level", entityType: "organization", entityID: org.id,
                                          orgPath: org.path, summary: "\(org.code): \(previous.map { String($0.rawValue) } ?? "–") → \(level.rawValue) (v\(plan.version))",
                                          before: previous.map { ["level": String($0.rawValue)] }, after: ["level": String(level.rawValue), "note": note])
            // Everyone of the unit with an account, its heads and leads above, and the essential people.
            let leads = try await NotificationService.usersCovering(org.orgPath, roles: [.unitLead, .head], on: tx)
            let essential = levelPlan.essential.compactMap(UUID.init(uuidString:))
            let ownStaff = try await StaffMember.query(on: tx).filter(\.$org.$id == org.id!).limit(2_000).all().compactMap(\.id)
            let people = try await User.query(on: tx).filter(\.$staffID ~~ (ownStaff + essential)).filter(\.$active == true).all()
            let detail = "\(org.name) — \(level.rawValue): \(levelPlan.maxOnSiteShare), \(levelPlan.workplace)"
            try await NotificationService.notify((leads + people).compactMap(\.id).filter { $0 != actor.userID }, kind: "notif.alert_level",
                                                 detail: detail, link: "/contingency?org=\(org.code)", on: tx)
            return (row, previous, levelPlan)
        }
        let units = try await DashboardService.unitsOnSite(under: org, on: today, db: db)
        return Switched(level: result.0, previous: result.1, overCap: units.reduce(0) { $0 + max(0, $1.onSite - $1.cap) })
    }

    /// The plans in force as rules for the resolver: one per unit with a level.
    static func inForce(on day: LocalDate, db: any Database) async throws -> [DirectiveInForce] {
        let levels = try await UnitAlertLevel.query(on: db).filter(\.$since <= day.value).all()
        guard !levels.isEmpty else { return [] }
        let plans = try await ContingencyPlanVersion.query(on: db).filter(\.$id ~~ levels.map(\.planID)).all()
        let byID = Dictionary(uniqueKeysWithValues: plans.map { ($0.id!, $0) })
        return levels.compactMap { l in
            guard let plan = byID[l.planID], let lp = plan.plan(at: l.level) else { return nil }
            return DirectiveInForce(id: "plan:" + l.orgID.uuidString, number: "PA v\(plan.version) · cấp \(l.level.rawValue)",
                                    scope: OrgPath(l.orgPath), effectiveFrom: LocalDate(l.since) ?? day, effectiveTo: nil, rules: lp.rules)
        }
    }

    /// Each unit's level under a node (for the dashboard's rows and map of levels).
    static func levels(under path: String, db: any Database) async throws -> [UUID: AlertLevel] {
        let q = UnitAlertLevel.query(on: db)
        if path != "/" { q.filter(\.$orgPath =~ path) }
        return Dictionary(try await q.all().map { ($0.orgID, $0.level) }, uniquingKeysWith: { a, _ in a })
    }
}
