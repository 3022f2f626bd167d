import CongsoCore
import Fluent
import Vapor

/// Phiếu giải quyết: a leader hands an incoming document to a lead unit or person and
/// co-operating units with a deadline. Each line becomes a task in the work module, so its
/// progress, reminders, overdue lists and ratings count it with no extra code.
enum DocumentRouting {
    struct Input: Content {
        var leadOrg: String?
        var leadStaffId: UUID?
        var cooperateOrgs: [String]?
        /// Classified documents go to named people only.
        var cooperateStaffIds: [UUID]?
        var deadline: String?
        var instruction: String?
    }

    static func route(_ id: UUID, _ input: Input, actor: Actor, on db: any Database) async throws -> [DocumentRoute] {
        let doc = try await DocumentAccess.find(id, actor: actor, on: db)
        guard doc.register != .outgoing else { throw AppError.invalid("document.route_outgoing", doc.numberSymbol) }
        guard try await DocumentAccess.mayRoute(doc, actor: actor, on: db) else { throw AppError.forbidden }
        let leadOrg = input.leadOrg.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        let coopOrgs = (input.cooperateOrgs ?? []).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let coopStaff = input.cooperateStaffIds ?? []
        if doc.register == .classified {
            guard leadOrg == nil, coopOrgs.isEmpty else { throw AppError.invalid("document.classified_people_only", "") }
        }
        guard (leadOrg == nil) != (input.leadStaffId == nil) else { throw AppError.invalid("document.lead_missing", "") }
        guard coopOrgs.count + coopStaff.count <= 30 else { throw AppError.invalid("too_long", "30") }
        guard let deadline = input.deadline.flatMap(LocalDate.init) else { throw AppError.invalid("date_invalid", input.deadline ?? "") }
        let instruction = try DocumentService.text(input.instruction, max: 2000, code: "document.instruction")
        // The title names the document; a classified one only by number, never by content.
        let title: String = if doc.register == .classified {
            "Xử lý văn bản mật số \(doc.numberSymbol)"
        } else {
            String("Xử lý văn bản \(doc.numberSymbol) của \(doc.issuer): \(doc.summary)".prefix(TaskService.maxTitle))
        }
        var lines: [(DocumentRoute.Role, String?, UUID?)] = [(.lead, leadOrg, input.leadStaffId)]
        lines += coopOrgs.map { (.cooperate, $0, nil) } + coopStaff.map { (.cooperate, nil, $0) }
        let toRoute = lines, routedBy = actor.displayName
        return try await db.writeTransaction { tx in
            var out: [DocumentRoute] = []
            for (role, org, staff) in toRoute {
                let task = try await TaskService.create(
                    TaskService.Input(title: title, description: instruction, deadline: deadline.value,
                                      priority: priority(doc.urgency).rawValue,
                                      assigneeStaffId: staff, unit: org),
                    actor: actor, on: tx)
                let r = DocumentRoute()
                r.documentID = doc.id!; r.taskID = task.id!; r.role = role; r.deadline = deadline.value
                r.orgID = staff == nil ? task.orgID : nil; r.staffID = staff
                r.instruction = instruction; r.routedBy = routedBy
                try await r.create(on: tx)
                out.append(r)
            }
            if doc.transferDate == nil, !DocumentRegister.isClosed(year: doc.year, today: LocalDate.of(Date())) {
                doc.transferDate = LocalDate.of(Date()).value
                try await doc.save(on: tx)
            }
            try await AuditService.record(on: tx, actor: actor, action: "document.route", entityType: "document", entityID: doc.id,
                                          orgPath: doc.orgPath, summary: "\(doc.numberSymbol) → \(out.count) · \(deadline.vietnamese)")
            return out
        }
    }

    /// Khẩn is a high-priority task; thượng khẩn and hỏa tốc are urgent ones.
    static func priority(_ u: DocumentUrgency) -> TaskPriority {
        switch u {
        case .normal: .normal
        case .urgent: .high
        case .veryUrgent, .flash: .urgent
        }
    }

    /// One line of the follow-up log: who, by when, how far, and the reply if any.
    struct Line: Content {
        let taskId: UUID
        let role: DocumentRoute.Role
        let assignee: String
        let deadline: String
        let status: TaskStatus
        let progress: Int
        let overdue: Bool
    }

    static func lines(of doc: OfficialDocument, on db: any Database, today: LocalDate = .of(Date())) async throws -> [Line] {
        let routes = try await DocumentRoute.query(on: db).filter(\.$documentID == doc.id!).sort(\.$createdAt).all()
        guard !routes.isEmpty else { return [] }
        var tasks: [UUID: WorkTask] = [:]
        for t in try await WorkTask.query(on: db).filter(\.$id ~~ routes.map(\.taskID)).all() { tasks[t.id!] = t }
        let orgs = try await OrgService.names(Set(tasks.values.map(\.orgID)), on: db)
        var people: [UUID: String] = [:]
        let staffIDs = tasks.values.compactMap(\.assigneeStaffID)
        if !staffIDs.isEmpty { for p in try await StaffMember.query(on: db).filter(\.$id ~~ staffIDs).all() { people[p.id!] = p.fullName } }
        return routes.compactMap { r in
            guard let t = tasks[r.taskID] else { return nil }
            let who = t.assigneeStaffID.flatMap { people[$0] } ?? orgs[t.orgID] ?? ""
            return Line(taskId: t.id!, role: r.role, assignee: who, deadline: t.deadline, status: t.status, progress: t.progress,
                        overdue: t.status.isOpen && t.deadline < today.value)
        }
    }

    /// The outgoing documents that answer this one.
    static func replies(to doc: OfficialDocument, on db: any Database) async throws -> [OfficialDocument] {
        try await OfficialDocument.query(on: db).filter(\.$replyToID == doc.id!).sort(\.$registeredOn).sort(\.$serial).all()
    }
}
