import CongsoCore
import Fluent
import Vapor

/// Weekly work plans: members of a unit add items (linked to tasks where there is one),
/// the unit's lead approves the plan, which then holds until reopened.
enum PlanService {
    static func monday(_ raw: String?, now: Date = Date()) throws -> LocalDate {
        guard let raw, !raw.isEmpty else { return LocalDate.of(now).monday }
        guard let d = LocalDate(raw) else { throw AppError.invalid("date_invalid", raw) }
        return d.monday
    }

    /// Who may see a unit's plan: whoever reads its staff.
    static func org(_ code: String?, actor: Actor, on db: any Database) async throws -> Organization {
        let org: Organization
        if let code, !code.isEmpty {
            org = try await OrgService.find(code, actor: actor, on: db)
        } else if let id = actor.orgID, let o = try await Organization.find(id, on: db) {
            org = o
        } else {
            throw AppError.invalid("org_missing", "")
        }
        try actor.require(.readStaff, on: org.orgPath)
        return org
    }

    static func find(_ org: Organization, week: LocalDate, on db: any Database) async throws -> WeeklyPlan? {
        try await WeeklyPlan.query(on: db).filter(\.$orgID == org.id!).filter(\.$weekStart == week.value).first()
    }

    struct ItemInput: Content {
        var org: String?
        var week: String?
        var title: String?
        var day: String?
        var taskId: UUID?
        var ownerStaffId: UUID?
    }

    static func addItem(_ input: ItemInput, actor: Actor, on db: any Database) async throws -> (WeeklyPlan, PlanItem) {
        let org = try await org(input.org, actor: actor, on: db)
        let week = try monday(input.week)
        guard week >= LocalDate.of(Date()).monday else { throw AppError.invalid("plan.week_past", week.vietnamese) }
        let title = (input.title ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw AppError.invalid("task.title_missing", "") }
        guard title.count <= 300 else { throw AppError.invalid("too_long", "300") }
        var day: String?
        if let raw = input.day, !raw.isEmpty {
            guard let d = LocalDate(raw), d >= week, d <= week.adding(days: 6) else { throw AppError.invalid("plan.day_outside", raw) }
            day = d.value
        }
        if let taskID = input.taskId {
            let task = try await TaskService.find(taskID, actor: actor, on: db)
            guard OrgPath(org.path).contains(OrgPath(task.orgPath)) else { throw AppError.invalid("plan.task_outside", task.title) }
        }
        if let owner = input.ownerStaffId {
            let p = try await StaffService.find(owner, actor: actor, on: db)
            guard OrgPath(org.path).contains(p.org.orgPath) else { throw AppError.invalid("task.assignee_outside", p.fullName) }
        }
        let itemDay = day
        // The week's plan is read (or started) inside the transaction. Two members adding the
        // first items of a week at once on PostgreSQL: the unique (unit, week) index turns one
        // away, and that one runs again and joins the plan the other started.
        for attempt in 1...2 {
            do {
                return try await db.writeTransaction { tx in
                    let existing = try await find(org, week: week, on: tx)
                    let plan = existing ?? WeeklyPlan()
                    if let existing {
                        guard let locked = try await WeeklyPlan.lockedForUpdate(existing.id!, on: tx), locked.status == .draft else {
                            throw AppError.conflict("plan.approved", week.vietnamese)
                        }
                    } else {
                        plan.id = UUID(); plan.orgID = org.id!; plan.orgPath = org.path; plan.weekStart = week.value; plan.status = .draft
                        try await plan.create(on: tx)
                    }
                    let item = PlanItem()
                    item.id = UUID(); item.planID = plan.id!; item.title = title; item.day = itemDay; item.taskID = input.taskId
                    item.ownerStaffID = input.ownerStaffId; item.createdBy = actor.displayName
                    try await item.create(on: tx)
                    try await AuditService.record(on: tx, actor: actor, action: "plan.item_add", entityType: "plan", entityID: plan.id,
                                                  orgPath: org.path, summary: "\(org.name) \(week.value): \(title)")
                    return (plan, item)
                }
            } catch where attempt == 1 && DatabaseFailure.isUniqueViolation(error) {
                continue
            }
        }
        throw AppError.conflict("conflict", "")
    }

    static func removeItem(_ id: UUID, actor: Actor, on db: any Database) async throws {
        guard let item = try await PlanItem.find(id, on: db), let plan = try await WeeklyPlan.find(item.planID, on: db) else {
            throw AppError.notFound(id.uuidString)
        }
        try actor.require(.readStaff, on: OrgPath(plan.orgPath))
        try await db.writeTransaction { tx in
            // Approved meanwhile: the item stays, as the lead approved it.
            guard let locked = try await WeeklyPlan.lockedForUpdate(plan.id!, on: tx), locked.status == .draft else {
                throw AppError.conflict("plan.approved", plan.weekStart)
            }
            try await item.delete(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "plan.item_remove", entityType: "plan", entityID: plan.id,
                                          orgPath: plan.orgPath, summary: item.title)
        }
    }

    /// The lead approves (or reopens) the plan; members are told.
    static func decide(_ planID: UUID, approve: Bool, actor: Actor, on db: any Database) async throws -> WeeklyPlan {
        guard let plan = try await WeeklyPlan.find(planID, on: db) else { throw AppError.notFound(planID.uuidString) }
        try actor.require(.readStaff, on: OrgPath(plan.orgPath))
        try actor.require(.assignTasks, on: OrgPath(plan.orgPath))
        return try await db.writeTransaction { tx in
            // Read again under a lock: an item added or a decision taken meanwhile counts.
            guard let plan = try await WeeklyPlan.lockedForUpdate(planID, on: tx) else { throw AppError.notFound(planID.uuidString) }
            guard plan.status == (approve ? .draft : .approved) else { throw AppError.conflict(approve ? "plan.approved" : "plan.not_approved", plan.weekStart) }
            if approve, try await PlanItem.query(on: tx).filter(\.$planID == planID).count() == 0 { throw AppError.invalid("plan.empty", "") }
            plan.status = approve ? .approved : .draft
            plan.approvedBy = approve ? actor.displayName : nil
            plan.approvedAt = approve ? Date() : nil
            try await plan.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: approve ? "plan.approve" : "plan.reopen", entityType: "plan",
                                          entityID: plan.id, orgPath: plan.orgPath, summary: plan.weekStart)
            if approve {
                let users = try await ReportReminders.staffUsers(under: plan.orgPath, excluding: [], on: tx)
                try await NotificationService.notify(users.map(\.userID).filter { $0 != actor.userID }, kind: "notif.plan_approved",
                                                     detail: LocalDate(plan.weekStart)?.vietnamese ?? plan.weekStart, link: "/plans?week=\(plan.weekStart)", on: tx)
            }
            return plan
        }
    }

    struct ItemDTO: Content {
        let id: UUID
        let title: String
        let day: String?
        let taskId: UUID?
        let taskTitle: String?
        let taskStatus: String?
        let ownerStaffId: UUID?
        let ownerName: String?
        let createdBy: String
    }

    struct PlanDTO: Content {
        let id: UUID?
        let orgId: UUID
        let weekStart: String
        let status: WeeklyPlan.Status
        let approvedBy: String?
        let approvedAt: Date?
        let items: [ItemDTO]
    }

    static func dto(_ org: Organization, week: LocalDate, on db: any Database) async throws -> PlanDTO {
        guard let plan = try await find(org, week: week, on: db) else {
            return PlanDTO(id: nil, orgId: org.id!, weekStart: week.value, status: .draft, approvedBy: nil, approvedAt: nil, items: [])
        }
        let items = try await PlanItem.query(on: db).filter(\.$planID == plan.id!).sort(\.$day).sort(\.$createdAt).all()
        let tasks = Dictionary(uniqueKeysWithValues: try await WorkTask.query(on: db).filter(\.$id ~~ items.compactMap(\.taskID)).all().map { ($0.id!, $0) })
        let owners = Dictionary(uniqueKeysWithValues: try await StaffMember.query(on: db).filter(\.$id ~~ items.compactMap(\.ownerStaffID)).all()
            .map { ($0.id!, $0.fullName) })
        return PlanDTO(id: plan.id, orgId: org.id!, weekStart: plan.weekStart, status: plan.status, approvedBy: plan.approvedBy,
                       approvedAt: plan.approvedAt,
                       items: items.map { i in
                           ItemDTO(id: i.id!, title: i.title, day: i.day, taskId: i.taskID, taskTitle: i.taskID.flatMap { tasks[$0]?.title },
                                   taskStatus: i.taskID.flatMap { tasks[$0]?.status.rawValue }, ownerStaffId: i.ownerStaffID,
                                   ownerName: i.ownerStaffID.flatMap { owners[$0] }, createdBy: i.createdBy)
                       })
    }
}
