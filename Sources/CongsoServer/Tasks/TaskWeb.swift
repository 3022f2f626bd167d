import CongsoCore
import Fluent
import Vapor

/// "Công việc": the task list, the assignment form and one task's page.
enum TaskWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("tasks", use: index)
        web.get("tasks", "new", use: newForm)
        web.post("tasks", use: create)
        web.get("tasks", "export.csv", use: export)
        web.get("tasks", ":id", use: show)
        web.post("tasks", ":id", "dispatch", use: dispatch)
        web.post("tasks", ":id", "progress", use: progress)
        web.post("tasks", ":id", "comments", use: comment)
        web.post("tasks", ":id", "watch", use: watch)
        web.post("tasks", ":id", "unwatch", use: unwatch)
        web.on(.POST, "tasks", ":id", "attachments", body: .collect(maxSize: "12mb"), use: attach)
        web.get("tasks", ":id", "attachments", ":file", use: download)
    }

    struct Row: Encodable {
        let id: String; let title: String; let unit: String; let assignee: String; let deadline: String
        let priority: String; let priorityKey: String; let status: String; let statusKey: String; let progress: Int; let overdue: Bool
    }
    struct Choice: Encodable { let value: String; let label: String; let selected: Bool }
    struct IndexData: Encodable {
        let rows: [Row]
        let hasRows: Bool
        let total: Int
        let scopes: [Choice]
        let statuses: [Choice]
        let sorts: [Choice]
        let overdue: Bool
        let week: Bool
        let q: String
        let canAssign: Bool
        let exportHref: String
        let pages: [PageLink]
        let prev: String?
        let next: String?
    }

    static func rows(_ tasks: [TaskRow], _ req: Request) async throws -> [Row] {
        let (people, units) = try await TaskList.labels(tasks, on: req.db)
        let today = LocalDate.of(Date())
        return tasks.map { t in
            Row(id: t.id.uuidString, title: t.title, unit: units[t.orgID] ?? "",
                assignee: t.assigneeStaffID.flatMap { people[$0] } ?? req.t("task_awaiting_dispatch"),
                deadline: LocalDate(t.deadline)?.vietnamese ?? t.deadline, priority: req.t("task.priority." + t.priority.rawValue), priorityKey: t.priority.rawValue,
                status: req.t("task.status." + t.status.rawValue), statusKey: t.status.rawValue, progress: t.progress, overdue: t.isOverdue(today: today))
        }
    }

    @Sendable static func index(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let filter = try await TaskList.Filter(req, actor: actor)
        let page = try PageRequest(req)
        let paged = try await TaskList.list(filter, actor: actor, page: page, on: req.db)
        let base = filter.query
        let nav = PageLinks.make(base: base, page: page.page, pageCount: paged.pageCount)
        let exportQuery = base.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        var scopes = TaskList.Scope.allCases
        if actor.staffID == nil { scopes.removeAll { $0 == .mine } }
        if !actor.has(.readStaff) { scopes.removeAll { $0 == .unit } }
        let data = IndexData(
            rows: try await rows(paged.items, req), hasRows: !paged.items.isEmpty, total: paged.total,
            scopes: scopes.map { Choice(value: $0.rawValue, label: req.t("task_scope_" + $0.rawValue), selected: $0 == filter.scope) },
            statuses: [Choice(value: "", label: req.t("task_any_status"), selected: filter.status == nil)]
                + TaskStatus.allCases.map { Choice(value: $0.rawValue, label: req.t("task.status." + $0.rawValue), selected: $0 == filter.status) },
            sorts: TaskList.Sort.allCases.map { Choice(value: $0.rawValue, label: req.t("task_sort_" + $0.rawValue), selected: $0 == filter.sort) },
            overdue: filter.overdue, week: filter.week, q: filter.q ?? "", canAssign: actor.has(.assignTasks),
            exportHref: "/tasks/export.csv?" + exportQuery, pages: nav.links, prev: nav.prev, next: nav.next)
        return try await WebPage.render(req, "tasks/index", title: req.t("tasks_title"), nav: "tasks", data: data)
    }

    @Sendable static func export(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let csv = try await TaskList.csv(try await TaskList.Filter(req, actor: actor), actor: actor, on: req.db) { req.t($0) }
        return Response.csv(csv, filename: "congso-tasks.csv")
    }

    // MARK: - Assigning

    struct Form: Content {
        var title: String?
        var description: String?
        var deadline: String?
        var priority: String?
        var unit: String?
        var assigneeStaffId: String?
        var watchers: String?
    }
    struct NewData: Encodable {
        let form: Form
        let units: [FormOption]
        let people: [FormOption]
        let priorities: [Choice]
        let today: String
        let error: String?
    }

    static func newPage(_ req: Request, form: Form, error: String?) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.assignTasks)
        let units = try await OrgOptions.tree(actor: actor, selected: form.unit, on: req.db)
        let options = try await PeopleOptions.under(actor.visiblePrefix, selected: form.assigneeStaffId.flatMap(UUID.init(uuidString:)), on: req.db)
        let today = LocalDate.of(Date())
        let data = NewData(form: form, units: units, people: options,
                           priorities: TaskPriority.allCases.map { Choice(value: $0.rawValue, label: req.t("task.priority." + $0.rawValue),
                                                                          selected: $0.rawValue == (form.priority ?? "normal")) },
                           today: today.value, error: error)
        let response = try await WebPage.render(req, "tasks/new", title: req.t("tasks_new"), nav: "tasks", data: data)
        if error != nil { response.status = .unprocessableEntity }
        return response
    }

    @Sendable static func newForm(req: Request) async throws -> Response {
        let today = LocalDate.of(Date())
        return try await newPage(req, form: Form(deadline: today.adding(days: 7).value, priority: "normal"), error: nil)
    }

    static let refusals: [HTTPResponseStatus] = [.unprocessableEntity, .forbidden, .notFound, .conflict, .payloadTooLarge]

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(Form.self)
        let person = f.assigneeStaffId.flatMap { $0.isEmpty ? nil : UUID(uuidString: $0) }
        let input = TaskService.Input(title: f.title, description: f.description, deadline: f.deadline, priority: f.priority,
                                      assigneeStaffId: person, unit: person == nil ? f.unit : nil,
                                      watchers: (f.watchers ?? "").split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " }).map(String.init))
        do {
            let task = try await TaskService.create(input, actor: actor, on: req.db)
            WebPage.flash(req, "flash.task_created")
            return req.redirect(to: "/tasks/\(task.id!)")
        } catch let e as AppError where refusals.contains(e.status) {
            return try await newPage(req, form: f, error: req.t("err." + e.code, detail: e.detail))
        }
    }

    // MARK: - One task

    struct Event: Encodable { let at: String; let who: String; let what: String; let text: String; let isComment: Bool }
    struct File: Encodable { let id: String; let name: String; let size: String; let by: String }
    struct ShowData: Encodable {
        let task: Row
        let description: String
        let assigner: String
        let assigned: Bool
        let canDispatch: Bool
        let canWork: Bool
        let people: [FormOption]
        let statuses: [Choice]
        let events: [Event]
        let files: [File]
        let hasFiles: Bool
        let watchers: String
        let watching: Bool
        let canAddWatchers: Bool
        let allowedTypes: String
        let error: String?
    }

    static func showPage(_ req: Request, error: String?) async throws -> Response {
        let (actor, task) = try await TaskAPI.task(req)
        let row = try await rows([TaskRow(task)], req)[0]
        let canDispatch = task.status.isOpen && actor.may(.assignTasks, on: OrgPath(task.orgPath))
        var people: [FormOption] = []
        if canDispatch {
            people = try await PeopleOptions.under(task.orgPath, selected: task.assigneeStaffID, on: req.db)
        }
        let canWork = TaskService.mayWork(task, actor: actor) && task.assigneeStaffID != nil
        let moves = TaskStatus.allCases.filter { $0 == task.status || task.status.canMove(to: $0) }
            .filter { $0 != .cancelled || TaskService.mayManage(task, actor: actor) }
        let events = try await TaskService.history(task, on: req.db).map { e in
            Event(at: DisplayDate.format(e.createdAt), who: e.actorName, what: describe(e, req), text: e.text, isComment: e.kind == .comment)
        }
        let files = try await TaskAttachments.list(task, on: req.db).map {
            File(id: $0.id!.uuidString, name: $0.fileName, size: ByteCountFormatter.string(fromByteCount: Int64($0.size), countStyle: .file),
                 by: $0.uploadedBy)
        }
        let watchers = try await TaskService.watchers(task, on: req.db)
        let data = ShowData(task: row, description: task.details, assigner: task.assignerLabel, assigned: task.assigneeStaffID != nil,
                            canDispatch: canDispatch, canWork: canWork, people: people,
                            statuses: moves.map { Choice(value: $0.rawValue, label: req.t("task.status." + $0.rawValue), selected: $0 == task.status) },
                            events: events, files: files, hasFiles: !files.isEmpty,
                            watchers: watchers.isEmpty ? "—" : watchers.map(\.displayName).joined(separator: ", "),
                            watching: watchers.contains { $0.id == actor.userID }, canAddWatchers: TaskService.mayManage(task, actor: actor),
                            allowedTypes: TaskAttachments.allowedList, error: error)
        let response = try await WebPage.render(req, "tasks/show", title: task.title, nav: "tasks", data: data)
        if error != nil { response.status = .unprocessableEntity }
        return response
    }

    static func describe(_ e: TaskEvent, _ req: Request) -> String {
        switch e.kind {
        case .status:
            let moved = [e.fromStatus, e.toStatus].compactMap { $0.map { req.t("task.status." + $0.rawValue) } }.joined(separator: " → ")
            return req.t("task_event_status", detail: e.percent.map { "\(moved) (\($0)%)" } ?? moved)
        case .progress:
            return req.t("task_event_progress", detail: e.percent.map(String.init) ?? "")
        default:
            return req.t("task_event_" + e.kind.rawValue, detail: e.detail)
        }
    }

    @Sendable static func show(req: Request) async throws -> Response { try await showPage(req, error: nil) }

    /// Runs a change and comes back to the task, or shows the task with the refusal.
    static func act(_ req: Request, flash: String, _ body: (Actor, WorkTask) async throws -> Void) async throws -> Response {
        let (actor, task) = try await TaskAPI.task(req)
        do {
            try await body(actor, task)
            WebPage.flash(req, flash)
            return req.redirect(to: "/tasks/\(task.id!)")
        } catch let e as AppError where refusals.contains(e.status) && e.code != "not_found" {
            return try await showPage(req, error: req.t("err." + e.code, detail: e.detail))
        }
    }

    struct DispatchForm: Content { var staffId: String? }
    struct ProgressForm: Content { var percent: String?; var status: String?; var note: String? }
    struct CommentForm: Content { var text: String? }
    struct WatchForm: Content { var email: String? }

    @Sendable static func dispatch(req: Request) async throws -> Response {
        let f = try req.content.decode(DispatchForm.self)
        return try await act(req, flash: "flash.task_dispatched") { actor, task in
            _ = try await TaskService.dispatch(task, to: f.staffId.flatMap(UUID.init(uuidString:)), actor: actor, on: req.db)
        }
    }

    @Sendable static func progress(req: Request) async throws -> Response {
        let f = try req.content.decode(ProgressForm.self)
        return try await act(req, flash: "flash.task_updated") { actor, task in
            var percent: Int?
            if let raw = f.percent?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
                guard let p = Int(raw) else { throw AppError.invalid("task.percent_invalid", raw) }
                percent = p == task.progress ? nil : p
            }
            _ = try await TaskService.progress(task, .init(percent: percent, note: f.note, status: f.status), actor: actor, on: req.db)
        }
    }

    @Sendable static func comment(req: Request) async throws -> Response {
        let f = try req.content.decode(CommentForm.self)
        return try await act(req, flash: "flash.task_commented") { actor, task in
            _ = try await TaskService.comment(task, text: f.text, actor: actor, on: req.db)
        }
    }

    @Sendable static func watch(req: Request) async throws -> Response {
        let f = try req.content.decode(WatchForm.self)
        return try await act(req, flash: "flash.task_watchers") { actor, task in
            try await TaskService.watch(task, email: f.email, add: true, actor: actor, on: req.db)
        }
    }

    @Sendable static func unwatch(req: Request) async throws -> Response {
        let f = try req.content.decode(WatchForm.self)
        return try await act(req, flash: "flash.task_watchers") { actor, task in
            try await TaskService.watch(task, email: f.email, add: false, actor: actor, on: req.db)
        }
    }

    @Sendable static func attach(req: Request) async throws -> Response {
        try await act(req, flash: "flash.task_attached") { actor, task in
            guard let upload = try? req.content.decode(TaskAttachments.Upload.self), upload.file.data.readableBytes > 0 else {
                throw AppError.invalid("task.file_missing", "")
            }
            _ = try await TaskAttachments.add(task, file: upload.file, actor: actor, app: req.application, on: req.db)
        }
    }

    @Sendable static func download(req: Request) async throws -> Response { try await TaskAPI.download(req: req) }
}
