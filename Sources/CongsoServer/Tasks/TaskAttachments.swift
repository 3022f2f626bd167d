import CongsoCore
import Fluent
import Vapor

/// Files attached to tasks, kept under the data directory (`attachments/<task>/<id>`),
/// with a size limit and a type allow-list. The type served back comes from the
/// allow-list, never from the uploader, so a file cannot turn into a page.
enum TaskAttachments {
    static let maxBytes = 10 * 1024 * 1024
    static let types: [String: String] = [
        "pdf": "application/pdf", "doc": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls": "application/vnd.ms-excel", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt": "application/vnd.ms-powerpoint", "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt": "application/vnd.oasis.opendocument.text", "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "txt": "text/plain", "csv": "text/csv", "zip": "application/zip",
    ]
    static var allowedList: String { types.keys.sorted().joined(separator: ", ") }

    struct Upload: Content {
        var file: File
    }

    static func directory(_ app: Application) -> String { app.dataDirectory + "/attachments" }

    static func add(_ task: WorkTask, file: File, actor: Actor, app: Application, on db: any Database) async throws -> TaskAttachment {
        guard TaskService.mayWork(task, actor: actor) || TaskService.mayManage(task, actor: actor) else { throw AppError.forbidden }
        let name = (file.filename as NSString).lastPathComponent.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 200 else { throw AppError.invalid("task.file_name_invalid", name) }
        let ext = (name as NSString).pathExtension.lowercased()
        guard let type = types[ext] else { throw AppError.invalid("task.file_type", allowedList) }
        let size = file.data.readableBytes
        guard size > 0 else { throw AppError.invalid("task.file_empty", name) }
        guard size <= maxBytes else { throw AppError(status: .payloadTooLarge, code: "task.file_too_large", detail: "10 MB") }
        let a = TaskAttachment()
        a.id = UUID()
        a.taskID = task.id!
        a.fileName = name
        a.contentType = type
        a.size = size
        a.storedName = "\(task.id!.uuidString)/\(a.id!.uuidString)"
        a.uploadedBy = actor.displayName
        let dir = directory(app) + "/" + task.id!.uuidString
        let path = directory(app) + "/" + a.storedName
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // The file is written first and removed again if the row cannot be saved, so a
        // listed attachment always has its bytes.
        guard FileManager.default.createFile(atPath: path, contents: Data(buffer: file.data)) else {
            throw AppError(status: .internalServerError, code: "internal", detail: "cannot store the file")
        }
        do {
            try await db.writeTransaction { tx in
                try await a.create(on: tx)
                try await TaskEvent(taskID: task.id!, kind: .attachment, actor: actor, detail: name).create(on: tx)
                try await AuditService.record(on: tx, actor: actor, action: "task.attach", entityType: "task", entityID: task.id,
                                              orgPath: task.orgPath, summary: "\(task.title): \(name)")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return a
    }

    static func list(_ task: WorkTask, on db: any Database) async throws -> [TaskAttachment] {
        try await TaskAttachment.query(on: db).filter(\.$taskID == task.id!).sort(\.$createdAt).all()
    }

    static func download(_ task: WorkTask, id: UUID, req: Request) async throws -> Response {
        guard let a = try await TaskAttachment.find(id, on: req.db), a.taskID == task.id else { throw AppError.notFound(id.uuidString) }
        guard let data = FileManager.default.contents(atPath: directory(req.application) + "/" + a.storedName) else {
            throw AppError.notFound(a.fileName)
        }
        let response = Response(status: .ok, body: .init(data: data))
        let parts = a.contentType.split(separator: "/")
        response.headers.contentType = HTTPMediaType(type: String(parts[0]), subType: String(parts[1]))
        response.headers.contentDisposition = .init(.attachment, filename: a.fileName)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return response
    }
}
