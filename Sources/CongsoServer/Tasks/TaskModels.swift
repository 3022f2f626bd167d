import CongsoCore
import Fluent
import SQLKit
import Vapor

/// A piece of work a leader gives to a person, or to a unit whose lead then dispatches it.
final class WorkTask: Model, @unchecked Sendable {
    static let schema = "tasks"

    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "description") var details: String
    /// The unit the task belongs to: the assigned unit, or the assignee's unit.
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    /// nil while a unit task waits for its lead to dispatch it.
    @OptionalField(key: "assignee_staff_id") var assigneeStaffID: UUID?
    @OptionalField(key: "assigner_user_id") var assignerUserID: UUID?
    @Field(key: "assigner_label") var assignerLabel: String
    /// Due at the end of this Hanoi day ("yyyy-MM-dd").
    @Field(key: "deadline") var deadline: String
    @Field(key: "priority") var priority: TaskPriority
    /// 0 = urgent … 3 = low, so lists sort by importance.
    @Field(key: "priority_rank") var priorityRank: Int
    @Field(key: "status") var status: TaskStatus
    @Field(key: "progress") var progress: Int
    @OptionalField(key: "done_at") var doneAt: Date?
    /// When a finished task was finished on or before its deadline.
    @OptionalField(key: "done_on_time") var doneOnTime: Bool?
    @Field(key: "search_text") var searchText: String
    /// The Hanoi day of the last overdue reminder, so each tick only looks at the rest.
    @OptionalField(key: "overdue_notified_on") var overdueNotifiedOn: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    func isOverdue(today: LocalDate) -> Bool { status.isOpen && deadline < today.value }

    var auditSnapshot: [String: String] {
        ["title": title, "orgID": orgID.uuidString, "assignee": assigneeStaffID?.uuidString ?? "", "deadline": deadline,
         "priority": priority.rawValue, "status": status.rawValue, "progress": String(progress)]
    }
}

/// One line of a task's history: creation, dispatch, progress, status, comments,
/// attachments and watchers. Comments are history lines with text.
final class TaskEvent: Model, @unchecked Sendable {
    static let schema = "task_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "task_id") var taskID: UUID
    @Field(key: "kind") var kind: Kind
    @Field(key: "actor_label") var actorLabel: String
    @Field(key: "actor_name") var actorName: String
    @Field(key: "text") var text: String
    /// A name the event is about (the assignee, a watcher, a file), or a count.
    @Field(key: "detail") var detail: String
    /// A status move: from and to. Progress and moves: the percent after it.
    @OptionalField(key: "from_status") var fromStatus: TaskStatus?
    @OptionalField(key: "to_status") var toStatus: TaskStatus?
    @OptionalField(key: "percent") var percent: Int?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(taskID: UUID, kind: Kind, actor: Actor, text: String = "", detail: String = "",
         from: TaskStatus? = nil, to: TaskStatus? = nil, percent: Int? = nil) {
        self.id = UUID(); self.taskID = taskID; self.kind = kind; self.actorLabel = actor.label
        self.actorName = actor.displayName; self.text = text; self.detail = detail
        self.fromStatus = from; self.toStatus = to; self.percent = percent
    }

    /// What happened to the task (also the key of its wording, `task_event_<kind>`).
    enum Kind: String, Codable, CaseIterable, Sendable {
        case created, dispatched, status, progress, comment, attachment, overdue
        case watcherAdded = "watcher_added", watcherRemoved = "watcher_removed"
    }
}

extension TaskEvent {
    /// The history line as one plain statement (what `create` writes, without Fluent's
    /// reflection over the model): used where tasks are made by the hundred.
    func insert(on db: any Database) async throws {
        createdAt = Date()
        try await db.sql.raw("""
            INSERT INTO task_events (id, task_id, kind, actor_label, actor_name, text, detail, from_status, to_status, percent, created_at)
            VALUES (\(bind: id ?? UUID()), \(bind: taskID), \(bind: kind.rawValue), \(bind: actorLabel), \(bind: actorName), \(bind: text),
                    \(bind: detail), \(bind: fromStatus?.rawValue), \(bind: toStatus?.rawValue), \(bind: percent), \(bind: createdAt))
            """).run()
    }
}

final class TaskWatcher: Model, @unchecked Sendable {
    static let schema = "task_watchers"

    @ID(key: .id) var id: UUID?
    @Field(key: "task_id") var taskID: UUID
    @Field(key: "user_id") var userID: UUID

    init() {}
    init(taskID: UUID, userID: UUID) { self.id = UUID(); self.taskID = taskID; self.userID = userID }
}

final class TaskAttachment: Model, @unchecked Sendable {
    static let schema = "task_attachments"

    @ID(key: .id) var id: UUID?
    @Field(key: "task_id") var taskID: UUID
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    /// Where the bytes are, relative to the attachments directory.
    @Field(key: "stored_name") var storedName: String
    @Field(key: "uploaded_by") var uploadedBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

struct CreateTasks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(WorkTask.schema)
            .id()
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("assignee_staff_id", .uuid, .references(StaffMember.schema, "id"))
            .field("assigner_user_id", .uuid)
            .field("assigner_label", .string, .required)
            .field("deadline", .string, .required)
            .field("priority", .string, .required)
            .field("priority_rank", .int, .required)
            .field("status", .string, .required)
            .field("progress", .int, .required)
            .field("done_at", .datetime)
            .field("done_on_time", .bool)
            .field("search_text", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: WorkTask.schema, columns: ["assignee_staff_id", "status", "deadline"])
        try await SQLIndex.create(on: database, table: WorkTask.schema, columns: ["org_path", "deadline"])
        try await SQLIndex.create(on: database, table: WorkTask.schema, columns: ["status", "deadline"])
        try await SQLIndex.create(on: database, table: WorkTask.schema, columns: ["assigner_user_id"])
        try await database.schema(TaskEvent.schema)
            .id()
            .field("task_id", .uuid, .required, .references(WorkTask.schema, "id"))
            .field("kind", .string, .required)
            .field("actor_label", .string, .required)
            .field("actor_name", .string, .required)
            .field("text", .string, .required)
            .field("detail", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: TaskEvent.schema, columns: ["task_id", "created_at"])
        try await database.schema(TaskWatcher.schema)
            .id()
            .field("task_id", .uuid, .required, .references(WorkTask.schema, "id"))
            .field("user_id", .uuid, .required, .references(User.schema, "id"))
            .unique(on: "task_id", "user_id")
            .create()
        try await SQLIndex.create(on: database, table: TaskWatcher.schema, columns: ["user_id"])
        try await database.schema(TaskAttachment.schema)
            .id()
            .field("task_id", .uuid, .required, .references(WorkTask.schema, "id"))
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("stored_name", .string, .required)
            .field("uploaded_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: TaskAttachment.schema, columns: ["task_id"])
    }

    func revert(on database: any Database) async throws {
        for s in [TaskAttachment.schema, TaskWatcher.schema, TaskEvent.schema, WorkTask.schema] {
            try await database.schema(s).delete()
        }
    }
}

/// The day of a task's last overdue reminder. It was first written into `CreateTasks` after
/// that migration had shipped, so a database made before then never got the column; this
/// adds it where it is missing and leaves it where `CreateTasks` already made it.
struct AddTaskOverdueReminderDay: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard try await !SQLSchema.hasColumn("overdue_notified_on", in: WorkTask.schema, on: database) else { return }
        try await database.schema(WorkTask.schema).field("overdue_notified_on", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(WorkTask.schema).deleteField("overdue_notified_on").update()
    }
}

/// Task history kept a status move as the text "old→new|percent", parsed back by the page.
/// The move and the percent get columns of their own; rows written before are converted.
struct AddTaskEventFields: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per ALTER: SQLite adds only one at a time.
        try await database.schema(TaskEvent.schema).field("from_status", .string).update()
        try await database.schema(TaskEvent.schema).field("to_status", .string).update()
        try await database.schema(TaskEvent.schema).field("percent", .int).update()
        try await database.writeTransaction { tx in
            let sql = try tx.sql
            for row in try await sql.raw("SELECT id, kind, detail FROM task_events WHERE kind IN ('status', 'progress')").all() {
                let id = try row.decode(column: "id", as: UUID.self)
                let kind = try row.decode(column: "kind", as: String.self)
                let old = Self.parse(kind: kind, detail: try row.decode(column: "detail", as: String.self))
                try await sql.raw("""
                    UPDATE task_events SET from_status = \(bind: old.from), to_status = \(bind: old.to), percent = \(bind: old.percent), detail = ''
                    WHERE id = \(bind: id)
                    """).run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        for column in ["from_status", "to_status", "percent"] {
            try await database.schema(TaskEvent.schema).deleteField(FieldKey(stringLiteral: column)).update()
        }
    }

    /// "inProgress→done|100" (a move) or "40" (progress), as the earlier builds wrote them.
    static func parse(kind: String, detail: String) -> (from: String?, to: String?, percent: Int?) {
        guard kind == TaskEvent.Kind.status.rawValue else { return (nil, nil, Int(detail)) }
        let parts = detail.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let move = parts[0].components(separatedBy: "→")
        let known = { (s: String) in TaskStatus(rawValue: s)?.rawValue }
        return (move.count == 2 ? known(move[0]) : nil, move.count == 2 ? known(move[1]) : nil, parts.count > 1 ? Int(parts[1]) : nil)
    }
}
