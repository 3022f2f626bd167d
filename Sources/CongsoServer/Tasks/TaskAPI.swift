import CongsoCore
import Fluent
import Vapor

struct TaskDTO: Content {
    let id: UUID
    let title: String
    let description: String
    let orgId: UUID
    let orgName: String?
    let assigneeStaffId: UUID?
    let assigneeName: String?
    let assigner: String
    let deadline: String
    let priority: TaskPriority
    let status: TaskStatus
    let progress: Int
    let overdue: Bool
    let doneAt: Date?
    let doneOnTime: Bool?
    let createdAt: Date?
    let updatedAt: Date?

    init(_ t: TaskRow, people: [UUID: String], units: [UUID: String], today: LocalDate = .of(Date())) {
        id = t.id; title = t.title; description = t.details; orgId = t.orgID; orgName = units[t.orgID]
        assigneeStaffId = t.assigneeStaffID; assigneeName = t.assigneeStaffID.flatMap { people[$0] }; assigner = t.assignerLabel
        deadline = t.deadline; priority = t.priority; status = t.status; progress = t.progress; overdue = t.isOverdue(today: today)
        doneAt = t.doneAt; doneOnTime = t.doneOnTime; createdAt = t.createdAt; updatedAt = t.updatedAt
    }

    static func one(_ t: WorkTask, on db: any Database) async throws -> TaskDTO {
        let row = TaskRow(t)
        let (people, units) = try await TaskList.labels([row], on: db)
        return TaskDTO(row, people: people, units: units)
    }
}

struct TaskEventDTO: Content {
    let kind: TaskEvent.Kind
    let actor: String
    let text: String
    let detail: String
    let fromStatus: TaskStatus?
    let toStatus: TaskStatus?
    let percent: Int?
    let at: Date?
    init(_ e: TaskEvent) {
        kind = e.kind; actor = e.actorName; text = e.text; detail = e.detail
        fromStatus = e.fromStatus; toStatus = e.toStatus; percent = e.percent; at = e.createdAt
    }
}

struct TaskAttachmentDTO: Content {
    let id: UUID
    let fileName: String
    let contentType: String
    let size: Int
    let uploadedBy: String
    let url: String
    init(_ a: TaskAttachment) {
        id = a.id!; fileName = a.fileName; contentType = a.contentType; size = a.size; uploadedBy = a.uploadedBy
        url = "/api/v1/tasks/\(a.taskID)/attachments/\(a.id!)"
    }
}

struct TaskDetailDTO: Content {
    let task: TaskDTO
    let history: [TaskEventDTO]
    let watchers: [String]
    let attachments: [TaskAttachmentDTO]
}

enum TaskAPI {
    struct DispatchInput: Content { var staffId: UUID? }
    struct CommentInput: Content { var text: String? }
    struct WatchInput: Content { var email: String? }

    static func register(_ api: any RoutesBuilder) {
        api.get("tasks", use: list)
        api.post("tasks", use: create)
        api.get("tasks", "export", use: export)
        api.get("tasks", ":id", use: show)
        api.post("tasks", ":id", "dispatch", use: dispatch)
        api.post("tasks", ":id", "progress", use: progress)
        api.post("tasks", ":id", "comments", use: comment)
        api.post("tasks", ":id", "watch", use: watch)
        api.post("tasks", ":id", "unwatch", use: unwatch)
        api.on(.POST, "tasks", ":id", "attachments", body: .collect(maxSize: "12mb"), use: attach)
        api.get("tasks", ":id", "attachments", ":file", use: download)
    }

    @Sendable static func list(req: Request) async throws -> ListResponse<TaskDTO> {
        let actor = try req.requireActor()
        let paged = try await TaskList.list(try await TaskList.Filter(req, actor: actor), actor: actor, page: try PageRequest(req), on: req.db)
        let (people, units) = try await TaskList.labels(paged.items, on: req.db)
        let today = LocalDate.of(Date())
        return ListResponse(paged.map { TaskDTO($0, people: people, units: units, today: today) })
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let task = try await TaskService.create(try req.content.decode(TaskService.Input.self), actor: actor, on: req.db)
        return try await TaskDTO.one(task, on: req.db).encodeResponse(status: .created, for: req)
    }

    @Sendable static func export(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let csv = try await TaskList.csv(try await TaskList.Filter(req, actor: actor), actor: actor, on: req.db) { req.t($0) }
        return Response.csv(csv, filename: "congso-tasks.csv")
    }

    static func task(_ req: Request) async throws -> (Actor, WorkTask) {
        let actor = try req.requireActor()
        return (actor, try await TaskService.find(try req.idParameter(), actor: actor, on: req.db))
    }

    @Sendable static func show(req: Request) async throws -> TaskDetailDTO {
        let (_, task) = try await task(req)
        return TaskDetailDTO(task: try await TaskDTO.one(task, on: req.db),
                             history: try await TaskService.history(task, on: req.db).map(TaskEventDTO.init),
                             watchers: try await TaskService.watchers(task, on: req.db).map(\.email),
                             attachments: try await TaskAttachments.list(task, on: req.db).map(TaskAttachmentDTO.init))
    }

    @Sendable static func dispatch(req: Request) async throws -> TaskDTO {
        let (actor, task) = try await task(req)
        let input = try req.content.decode(DispatchInput.self)
        return try await TaskDTO.one(try await TaskService.dispatch(task, to: input.staffId, actor: actor, on: req.db), on: req.db)
    }

    @Sendable static func progress(req: Request) async throws -> TaskDTO {
        let (actor, task) = try await task(req)
        let input = try req.content.decode(TaskService.Progress.self)
        return try await TaskDTO.one(try await TaskService.progress(task, input, actor: actor, on: req.db), on: req.db)
    }

    @Sendable static func comment(req: Request) async throws -> Response {
        let (actor, task) = try await task(req)
        let e = try await TaskService.comment(task, text: try req.content.decode(CommentInput.self).text, actor: actor, on: req.db)
        return try await TaskEventDTO(e).encodeResponse(status: .created, for: req)
    }

    @Sendable static func watch(req: Request) async throws -> HTTPStatus {
        let (actor, task) = try await task(req)
        let email = req.body.data == nil ? nil : try req.content.decode(WatchInput.self).email
        try await TaskService.watch(task, email: email, add: true, actor: actor, on: req.db)
        return .noContent
    }

    @Sendable static func unwatch(req: Request) async throws -> HTTPStatus {
        let (actor, task) = try await task(req)
        let email = req.body.data == nil ? nil : try req.content.decode(WatchInput.self).email
        try await TaskService.watch(task, email: email, add: false, actor: actor, on: req.db)
        return .noContent
    }

    @Sendable static func attach(req: Request) async throws -> Response {
        let (actor, task) = try await task(req)
        guard let upload = try? req.content.decode(TaskAttachments.Upload.self) else { throw AppError.invalid("task.file_missing", "") }
        let a = try await TaskAttachments.add(task, file: upload.file, actor: actor, app: req.application, on: req.db)
        return try await TaskAttachmentDTO(a).encodeResponse(status: .created, for: req)
    }

    @Sendable static func download(req: Request) async throws -> Response {
        let (_, task) = try await task(req)
        guard let id = req.parameters.get("file").flatMap(UUID.init(uuidString:)) else { throw AppError.notFound("") }
        return try await TaskAttachments.download(task, id: id, req: req)
    }
}
