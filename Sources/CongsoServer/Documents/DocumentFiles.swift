import Crypto
import CongsoCore
import Fluent
import Vapor

/// Attachments of a document: PDF, DOCX or images, checked by their bytes, at most 20 MB,
/// stored once by SHA-256 under the data directory (`documents/ab/abcdef…`), served only to
/// those who may read the document, and every read written to its access history. A
/// classified document takes no file at all: its content is handled on site, on paper.
enum DocumentFiles {
    static let maxBytes = 20 * 1024 * 1024

    struct Upload: Content { var file: File }

    static func directory(_ app: Application) -> String { app.dataDirectory + "/documents" }
    static func path(_ app: Application, sha: String) -> String { directory(app) + "/" + sha.prefix(2) + "/" + sha }

    static func add(_ id: UUID, file: File, actor: Actor, app: Application, on db: any Database) async throws -> DocumentFile {
        let doc = try await DocumentAccess.find(id, actor: actor, on: db)
        guard doc.register != .classified else { throw AppError.invalid("document.classified_no_files", doc.numberSymbol) }
        let mayRegister = try await DocumentAccess.mayRegister(doc.register, on: doc.path, actor: actor, on: db)
        let mayRoute = try await DocumentAccess.mayRoute(doc, actor: actor, on: db)
        guard mayRegister || mayRoute else { throw AppError.forbidden }
        let name = VietnameseText.normalize((file.filename as NSString).lastPathComponent)
        guard !name.isEmpty, name.count <= 200 else { throw AppError.invalid("document.file_name_invalid", name) }
        let size = file.data.readableBytes
        guard size > 0 else { throw AppError.invalid("document.file_empty", name) }
        guard size <= maxBytes else { throw AppError(status: .payloadTooLarge, code: "document.file_too_large", detail: "20 MB") }
        let bytes = Data(buffer: file.data)
        let kind: FileKind
        switch FileKind.check(fileName: name, bytes: bytes) {
        case .success(let k): kind = k
        case .failure(.extensionNotAllowed): throw AppError.invalid("document.file_type", FileKind.allowedExtensions.joined(separator: ", "))
        case .failure(.contentMismatch(let expected)): throw AppError.invalid("document.file_disguised", "\(name) ≠ \(expected.rawValue.uppercased())")
        }
        let sha = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        let target = path(app, sha: sha)
        // Same bytes, same file: a second upload of them writes nothing new. A new file is
        // written beside its place and renamed into it, so a half-written file is never served.
        var wroteNew = false
        if !FileManager.default.fileExists(atPath: target) {
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let temp = target + ".part-" + UUID().uuidString
            guard FileManager.default.createFile(atPath: temp, contents: bytes) else {
                throw AppError(status: .internalServerError, code: "internal", detail: "cannot store the file")
            }
            if rename(temp, target) != 0 { try? FileManager.default.removeItem(atPath: temp) } else { wroteNew = true }
        }
        let f = DocumentFile()
        f.id = UUID(); f.documentID = doc.id!; f.sha256 = sha; f.fileName = name; f.kind = kind; f.size = size
        f.uploadedBy = actor.displayName
        do {
            try await db.writeTransaction { tx in
                try await f.create(on: tx)
                try await AuditService.record(on: tx, actor: actor, action: "document.attach", entityType: "document", entityID: doc.id,
                                              orgPath: doc.orgPath, summary: "\(doc.numberSymbol): \(name)")
            }
        } catch {
            // Only bytes this upload brought are removed: another row may already point at them.
            if wroteNew, try await DocumentFile.query(on: db).filter(\.$sha256 == sha).count() == 0 { try? FileManager.default.removeItem(atPath: target) }
            throw error
        }
        return f
    }

    static func list(_ doc: OfficialDocument, on db: any Database) async throws -> [DocumentFile] {
        try await DocumentFile.query(on: db).filter(\.$documentID == doc.id!).sort(\.$createdAt).all()
    }

    static func download(_ id: UUID, file fileID: UUID, req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let doc = try await DocumentAccess.find(id, actor: actor, on: req.db)
        guard let f = try await DocumentFile.find(fileID, on: req.db), f.documentID == doc.id else { throw AppError.notFound(fileID.uuidString) }
        guard let data = FileManager.default.contents(atPath: path(req.application, sha: f.sha256)) else { throw AppError.notFound(f.fileName) }
        try await DocumentAccess.record(doc, .download, detail: f.fileName, actor: actor, on: req.db)
        let response = Response(status: .ok, body: .init(data: data))
        let parts = f.kind.contentType.split(separator: "/")
        response.headers.contentType = HTTPMediaType(type: String(parts[0]), subType: String(parts[1]))
        response.headers.contentDisposition = .init(.attachment, filename: f.fileName)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Cache-Control", value: "private, no-store")
        return response
    }

    static func history(_ doc: OfficialDocument, on db: any Database) async throws -> [DocumentAccessEntry] {
        try await DocumentAccessEntry.query(on: db).filter(\.$documentID == doc.id!).sort(\.$at, .descending).range(0..<200).all()
    }
}
