import CongsoCore
import Fluent
import Vapor

/// Attachments of a document: PDF, DOCX or images, checked by their bytes, at most 20 MB,
/// stored once by SHA-256 under the data directory (`documents/ab/abcdef…`), served only to
/// those who may read the document, and every read written to its access history. A
/// classified document takes no file at all: its content is handled on site, on paper.
enum DocumentFiles {
    struct Upload: Content { var file: File }

    static func path(_ app: Application, sha: String) -> String { FileStore.path(app, area: "documents", sha: sha) }

    static func add(_ id: UUID, file: File, actor: Actor, app: Application, on db: any Database) async throws -> DocumentFile {
        let doc = try await DocumentAccess.find(id, actor: actor, on: db)
        guard doc.register != .classified else { throw AppError.invalid("document.classified_no_files", doc.numberSymbol) }
        let mayRegister = try await DocumentAccess.mayRegister(doc.register, on: doc.path, actor: actor, on: db)
        let mayRoute = try await DocumentAccess.mayRoute(doc, actor: actor, on: db)
        guard mayRegister || mayRoute else { throw AppError.forbidden }
        let checked = try FileStore.check(file, codes: "document")
        let wroteNew = try FileStore.write(checked, area: "documents", app: app)
        let sha = checked.sha, name = checked.name
        let f = DocumentFile()
        f.id = UUID(); f.documentID = doc.id!; f.sha256 = sha; f.fileName = name; f.kind = checked.kind; f.size = checked.bytes.count
        f.uploadedBy = actor.displayName
        do {
            try await db.writeTransaction { tx in
                try await f.create(on: tx)
                try await AuditService.record(on: tx, actor: actor, action: "document.attach", entityType: "document", entityID: doc.id,
                                              orgPath: doc.orgPath, summary: "\(doc.numberSymbol): \(name)")
            }
        } catch {
            // Only bytes this upload brought are removed: another row may already point at them.
            if wroteNew, try await DocumentFile.query(on: db).filter(\.$sha256 == sha).count() == 0 { FileStore.remove(sha: sha, area: "documents", app: app) }
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
        let response = try FileStore.download(req.application, area: "documents", sha: f.sha256, kind: f.kind, name: f.fileName)
        try await DocumentAccess.record(doc, .download, detail: f.fileName, actor: actor, on: req.db)
        return response
    }

    static func history(_ doc: OfficialDocument, on db: any Database) async throws -> [DocumentAccessEntry] {
        try await DocumentAccessEntry.query(on: db).filter(\.$documentID == doc.id!).sort(\.$at, .descending).range(0..<200).all()
    }
}
