import CongsoCore
import Fluent
import Vapor

/// Tasks: leaders assign to a person or a unit, unit leads dispatch, assignees report
/// progress; everyone involved is notified and every step is kept in the history.
enum TaskService {
    struct Input: Content {
        var title: String?
        var description: String?
        var deadline: String?
        var priority: String?
        /// A person, or…
        var assigneeStaffId: UUID?
        /// …a unit (id or code) whose lead dispatches it.
        var unit: String?
        /// E-mails of users who follow the task.
        var watchers: [String]?
    }

    static let maxTitle = 200, maxDescription = 5000, maxComment = 2000

    static func create(_ input: Input, actor: Actor, on db: any Database) async throws -> WorkTask {
        try actor.require(.assignTasks)
        let title = (input.title ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw AppError.invalid("task.title_missing", "") }
        guard title.count <= maxTitle else { throw AppError.invalid("task.title_too_long", String(maxTitle)) }
        let details = (input.description ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard details.count <= maxDescription else { throw AppError.invalid("task.description_too_long", String(maxDescription)) }
        guard let deadline = input.deadline.flatMap(LocalDate.init) else { throw AppError.invalid("date_invalid", input.deadline ?? "") }
        guard deadline >= LocalDate.of(Date()) else { throw AppError.invalid("task.deadline_past", deadline.vietnamese) }
        let priority = try parsePriority(input.priority)
        let task = WorkTask()
        task.id = UUID()
        let unitCode = input.unit.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        let assigneeName: String
        switch (input.assigneeStaffId, unitCode) {
        case (let id?, nil):
            let person = try await StaffService.place(id, actor: actor, on: db)
            try actor.require(.assignTasks, on: OrgPath(person.orgPath))
            task.orgID = person.orgID
            task.orgPath = person.orgPath
            task.assigneeStaffID = id
            assigneeName = person.name
        case (nil, let code?):
            let org = try await OrgService.find(code, actor: actor, on: db)
            try actor.require(.assignTasks, on: org.orgPath)
            task.orgID = org.id!
            task.orgPath = org.path
            assigneeName = ""
        default:
            throw AppError.invalid("task.assignee_missing", "")
        }
        task.title = title
        task.details = details
        task.deadline = deadline.value
        task.priority = priority
        task.priorityRank = priority.rank
        task.status = .new
        task.progress = 0
        task.assignerUserID = actor.userID
        task.assignerLabel = actor.displayName
        task.searchText = VietnameseText.searchable(title + " " + details)
        let watchers = try await watcherUsers(input.watchers ?? [], task: task, on: db)
        let now = Date()
        task.createdAt = now
        task.updatedAt = now
        try await db.writeTransaction { tx in
            // Plain statements: assigning tasks is a hot path, and Fluent's model reflection
            // cost more CPU than the database work (bench/tasks/compare.py). The search entry
            // is what SearchIndexMiddleware would have written for the model.
            try await insert(task, on: tx)
            task.$id.exists = true
            try await SearchIndex.put(SearchIndex.entry(task), on: tx)
            try await TaskEvent(taskID: task.id!, kind: .created, actor: actor, detail: assigneeName).insert(on: tx)
            for u in watchers { try await TaskWatcher(taskID: task.id!, userID: u.id!).create(on: tx) }
            try await AuditService.record(on: tx, actor: actor, action: "task.create", entityType: "task", entityID: task.id,
                                          orgPath: task.orgPath, summary: title, after: task.auditSnapshot)
            // The assignee, or for a unit task the unit's leads, learn of it at once.
            var notify = try await userIDsOfStaff(task.assigneeStaffID, on: tx)
            if task.assigneeStaffID == nil {
                notify += try await NotificationService.usersCovering(OrgPath(task.orgPath), roles: [.unitLead], on: tx).map { $0.id! }
            }
            try await NotificationService.notify((notify + watchers.map { $0.id! }).filter { $0 != actor.userID },
                                                 kind: task.assigneeStaffID == nil ? "notif.task_unit" : "notif.task_assigned",
                                                 detail: title, link: "/tasks/\(task.id!)", on: tx)
        }
        return task
    }

    static func parsePriority(_ raw: String?) throws -> TaskPriority {
        guard let raw, !raw.isEmpty else { return .normal }
        guard let p = TaskPriority(rawValue: raw) else { throw AppError.invalid("task.priority_invalid", raw) }
        return p
    }

    /// A new task's row, as `WorkTask.create` would write it (created and updated set).
    private static func insert(_ t: WorkTask, on db: any Database) async throws {
        try await db.sql.raw("""
            INSERT INTO tasks (id, title, description, org_id, org_path, assignee_staff_id, assigner_user_id, assigner_label, deadline,
                               priority, priority_rank, status, progress, done_at, done_on_time, search_text, overdue_notified_on,
                               created_at, updated_at)
            VALUES (\(bind: t.id!), \(bind: t.title), \(bind: t.details), \(bind: t.orgID), \(bind: t.orgPath), \(bind: t.assigneeStaffID),
                    \(bind: t.assignerUserID), \(bind: t.assignerLabel), \(bind: t.deadline), \(bind: t.priority.rawValue), \(bind: t.priorityRank),
                    \(bind: t.status.rawValue), \(bind: t.progress), \(bind: t.doneAt), \(bind: t.doneOnTime), \(bind: t.searchText),
                    \(bind: t.overdueNotifiedOn), \(bind: t.createdAt), \(bind: t.updatedAt))
            """).run()
    }

    /// The active accounts of a staff member, as ids (who gets their notifications).
    static func userIDsOfStaff(_ staffID: UUID?, on db: any Database) async throws -> [UUID] {
        guard let staffID else { return [] }
        return try await db.sql.raw("SELECT id FROM users WHERE staff_id = \(bind: staffID) AND active = \(bind: true)").all()
            .map { try $0.decode(column: "id", as: UUID.self) }
    }


    /// Watchers named by e-mail must be able to see the task.
    static func watcherUsers(_ emails: [String], task: WorkTask, on db: any Database) async throws -> [User] {
        var out: [User] = []
        for raw in emails {
            let email = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard !email.isEmpty else { continue }
            guard let u = try await User.query(on: db).filter(\.$email == email).filter(\.$active == true).first(),
                  try await mayView(task, user: u, on: db) else { throw AppError.invalid("task.watcher_unknown", email) }
            if !out.contains(where: { $0.id == u.id }) { out.append(u) }
        }
        return out
    }

    static func mayView(_ task: WorkTask, user: User, on db: any Database) async throws -> Bool {
        let actor = try await Actor.load(user: user, via: "check", on: db)
        return actor.may(.readStaff, on: OrgPath(task.orgPath)) || (user.staffID != nil && user.staffID == task.assigneeStaffID)
    }

    // MARK: - Reading

    /// Readable by whoever reads staff of its unit, its assignee, its assigner and its watchers.
    static func find(_ id: UUID, actor: Actor, on db: any Database) async throws -> WorkTask {
        guard let task = try await WorkTask.find(id, on: db) else { throw AppError.notFound(id.uuidString) }
        if actor.may(.readStaff, on: OrgPath(task.orgPath)) { return task }
        if let s = actor.staffID, s == task.assigneeStaffID { return task }
        if let u = actor.userID {
            if u == task.assignerUserID { return task }
            if try await TaskWatcher.query(on: db).filter(\.$taskID == id).filter(\.$userID == u).count() > 0 { return task }
        }
        throw AppError.notFound(id.uuidString)
    }

    static func mayManage(_ task: WorkTask, actor: Actor) -> Bool {
        actor.may(.assignTasks, on: OrgPath(task.orgPath)) || (actor.userID != nil && actor.userID == task.assignerUserID)
    }

    static func mayWork(_ task: WorkTask, actor: Actor) -> Bool {
        mayManage(task, actor: actor) || (actor.staffID != nil && actor.staffID == task.assigneeStaffID)
    }

    // MARK: - Changes

    /// A unit lead (or any leader over the unit) gives a unit task — or reassigns any
    /// task — to a person of the unit's subtree.
    static func dispatch(_ task: WorkTask, to staffID: UUID?, actor: Actor, on db: any Database) async throws -> WorkTask {
        guard actor.may(.assignTasks, on: OrgPath(task.orgPath)) else { throw AppError.forbidden }
        guard task.status.isOpen else { throw AppError.conflict("task.closed", task.title) }
        guard let staffID else { throw AppError.invalid("task.assignee_missing", "") }
        let person = try await StaffService.find(staffID, actor: actor, on: db)
        guard OrgPath(task.orgPath).contains(person.org.orgPath) else { throw AppError.invalid("task.assignee_outside", person.fullName) }
        guard person.id != task.assigneeStaffID else { throw AppError.conflict("task.same_assignee", person.fullName) }
        let before = task.auditSnapshot
        task.assigneeStaffID = staffID
        // The task follows the person into their own unit, so that unit's lead sees it.
        task.orgID = person.org.id!
        task.orgPath = person.org.path
        try await db.writeTransaction { tx in
            try await task.save(on: tx)
            try await TaskEvent(taskID: task.id!, kind: .dispatched, actor: actor, detail: person.fullName).create(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "task.dispatch", entityType: "task", entityID: task.id,
                                          orgPath: task.orgPath, summary: "\(task.title) → \(person.fullName)", before: before, after: task.auditSnapshot)
            try await NotificationService.notify(try await userIDsOfStaff(staffID, on: tx).filter { $0 != actor.userID },
                                                 kind: "notif.task_assigned", detail: task.title, link: "/tasks/\(task.id!)", on: tx)
        }
        return task
    }

    struct Progress: Content {
        var percent: Int?
        var note: String?
        var status: String?
    }

    static func progress(_ loaded: WorkTask, _ input: Progress, actor: Actor, on db: any Database) async throws -> WorkTask {
        guard mayWork(loaded, actor: actor) else { throw AppError.forbidden }
        let note = (input.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= maxComment else { throw AppError.invalid("task.note_too_long", String(maxComment)) }
        var requested: TaskStatus?
        if let raw = input.status, !raw.isEmpty {
            guard let s = TaskStatus(rawValue: raw) else { throw AppError.invalid("task.status_invalid", raw) }
            requested = s
        }
        if let p = input.percent, !(0...100).contains(p) { throw AppError.invalid("task.percent_invalid", String(p)) }
        let wanted = requested
        // The task's state is read again under a lock: two people reporting at once each
        // move it from what the other left, and a move that is no longer allowed is refused.
        return try await db.writeTransaction { tx in
            guard let task = try await WorkTask.lockedForUpdate(loaded.id!, on: tx) else { throw AppError.notFound("") }
            guard mayWork(task, actor: actor) else { throw AppError.forbidden }
            var nextStatus = task.status
            if let s = wanted, s != task.status {
                guard task.status.canMove(to: s) else { throw AppError.conflict("task.move_invalid", "\(task.status) → \(s.rawValue)") }
                // Cancelling belongs to whoever manages the task, not to the assignee.
                if s == .cancelled, !mayManage(task, actor: actor) { throw AppError.forbidden }
                nextStatus = s
            }
            // A unit task is worked on once its lead has given it to someone; it can still be cancelled.
            if task.assigneeStaffID == nil, nextStatus != .cancelled { throw AppError.conflict("task.not_dispatched", task.title) }
            var nextPercent = task.progress
            if let p = input.percent {
                guard task.status.isOpen || nextStatus.isOpen else { throw AppError.conflict("task.closed", task.title) }
                nextPercent = p
            }
            if nextStatus == .done { nextPercent = 100 }
            // Reporting progress on a new task starts it.
            if nextStatus == .new, nextPercent > 0 { nextStatus = .inProgress }
            guard nextStatus != task.status || nextPercent != task.progress || !note.isEmpty else {
                throw AppError.invalid("task.nothing_changed", "")
            }
            let before = task.auditSnapshot
            let oldStatus = task.status
            let (newStatus, percent) = (nextStatus, nextPercent)
            task.status = newStatus
            task.progress = percent
            if newStatus == .done {
                let now = Date()
                task.doneAt = now
                task.doneOnTime = LocalDate.of(now).value <= task.deadline
            } else if !newStatus.isOpen || oldStatus == .done {
                task.doneAt = nil
                task.doneOnTime = nil
            }
            try await task.save(on: tx)
            if newStatus != oldStatus {
                try await TaskEvent(taskID: task.id!, kind: .status, actor: actor, text: note, from: oldStatus, to: newStatus, percent: percent).create(on: tx)
            } else {
                try await TaskEvent(taskID: task.id!, kind: .progress, actor: actor, text: note, percent: percent).create(on: tx)
            }
            try await AuditService.record(on: tx, actor: actor, action: "task.progress", entityType: "task", entityID: task.id,
                                          orgPath: task.orgPath, summary: "\(task.title): \(percent)% \(newStatus.rawValue)",
                                          before: before, after: task.auditSnapshot)
            try await notifyFollowers(task, actor: actor, kind: newStatus == .done ? "notif.task_done" : "notif.task_progress",
                                      detail: "\(task.title) (\(percent)%)", on: tx)
            return task
        }
    }

    static func comment(_ task: WorkTask, text raw: String?, actor: Actor, on db: any Database) async throws -> TaskEvent {
        let text = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw AppError.invalid("task.comment_missing", "") }
        guard text.count <= maxComment else { throw AppError.invalid("task.comment_too_long", String(maxComment)) }
        let event = TaskEvent(taskID: task.id!, kind: .comment, actor: actor, text: text)
        // @mentions reach users who can see the task; others are not told it exists.
        var mentioned: [UUID] = []
        for handle in Mentions.handles(in: text) {
            for u in try await User.query(on: db).filter(\.$email =~ (handle + "@")).filter(\.$active == true).all()
            where u.email.lowercased().hasPrefix(handle + "@") {
                if try await mayView(task, user: u, on: db) { mentioned.append(u.id!) }
            }
        }
        let notified = mentioned
        try await db.writeTransaction { tx in
            try await event.create(on: tx)
            try await NotificationService.notify(notified.filter { $0 != actor.userID }, kind: "notif.task_mention",
                                                 detail: task.title, link: "/tasks/\(task.id!)", on: tx)
            try await notifyFollowers(task, actor: actor, kind: "notif.task_comment", detail: task.title, except: notified, on: tx)
        }
        return event
    }

    static func watch(_ task: WorkTask, email: String?, add: Bool, actor: Actor, on db: any Database) async throws {
        let user: User
        if let email, !email.isEmpty, email.lowercased() != actor.label.lowercased() {
            // Adding someone else is for whoever manages the task.
            guard mayManage(task, actor: actor) else { throw AppError.forbidden }
            if add {
                user = try await watcherUsers([email], task: task, on: db)[0]
            } else {
                guard let u = try await User.query(on: db).filter(\.$email == email.lowercased()).first() else { throw AppError.notFound(email) }
                user = u
            }
        } else {
            guard let id = actor.userID, let u = try await User.find(id, on: db) else { throw AppError.unauthorized }
            user = u
        }
        // Watching twice at once: the unique index keeps one row and the second call is a no-op, as in turn.
        do {
          try await db.writeTransaction { tx in
            let existing = try await TaskWatcher.query(on: tx).filter(\.$taskID == task.id!).filter(\.$userID == user.id!).first()
            if add {
                guard existing == nil else { return }
                try await TaskWatcher(taskID: task.id!, userID: user.id!).create(on: tx)
            } else {
                guard let existing else { return }
                try await existing.delete(on: tx)
            }
            try await TaskEvent(taskID: task.id!, kind: add ? .watcherAdded : .watcherRemoved, actor: actor, detail: user.displayName).create(on: tx)
          }
        } catch where DatabaseFailure.isUniqueViolation(error) && add {
            return
        }
    }

    /// Assignee, assigner and watchers, except the actor.
    static func notifyFollowers(_ task: WorkTask, actor: Actor, kind: String, detail: String, except: [UUID] = [],
                                on db: any Database) async throws {
        var ids = try await userIDsOfStaff(task.assigneeStaffID, on: db)
        if let a = task.assignerUserID { ids.append(a) }
        ids += try await TaskWatcher.query(on: db).filter(\.$taskID == task.id!).all().map(\.userID)
        try await NotificationService.notify(ids.filter { $0 != actor.userID && !except.contains($0) }, kind: kind, detail: detail,
                                             link: "/tasks/\(task.id!)", on: db)
    }

    static func history(_ task: WorkTask, on db: any Database) async throws -> [TaskEvent] {
        try await TaskEvent.query(on: db).filter(\.$taskID == task.id!).sort(\.$createdAt).sort(\.$id).all()
    }

    static func watchers(_ task: WorkTask, on db: any Database) async throws -> [User] {
        let ids = try await TaskWatcher.query(on: db).filter(\.$taskID == task.id!).all().map(\.userID)
        return ids.isEmpty ? [] : try await User.query(on: db).filter(\.$id ~~ ids).sort(\.$email).all()
    }
}
