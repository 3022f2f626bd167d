import Crypto
import CongsoCore
import Vapor

/// Uploaded files kept once by SHA-256 under the data directory (`<area>/ab/abcdef…`), checked
/// by their bytes (PDF, DOCX, PNG, JPEG; FileKind), written beside their place and renamed, so
/// a half-written file is never served. Documents and dossiers keep their papers here; each
/// room passes its own error-code prefix ("document", "application").
enum FileStore {
    static let maxBytes = 20 * 1024 * 1024

    struct Checked {
        let name: String
        let bytes: Data
        let kind: FileKind
        let sha: String
    }

    /// The upload's name, bytes and kind, or the room's refusal.
    static func check(_ file: File, codes prefix: String) throws -> Checked {
        let name = VietnameseText.normalize((file.filename as NSString).lastPathComponent)
        guard !name.isEmpty, name.count <= 200 else { throw AppError.invalid("\(prefix).file_name_invalid", name) }
        let size = file.data.readableBytes
        guard size > 0 else { throw AppError.invalid("\(prefix).file_empty", name) }
        guard size <= maxBytes else { throw AppError(status: .payloadTooLarge, code: "\(prefix).file_too_large", detail: "20 MB") }
        let bytes = Data(buffer: file.data)
        switch FileKind.check(fileName: name, bytes: bytes) {
        case .success(let kind):
            return Checked(name: name, bytes: bytes, kind: kind, sha: SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
        case .failure(.extensionNotAllowed):
            throw AppError.invalid("\(prefix).file_type", FileKind.allowedExtensions.joined(separator: ", "))
        case .failure(.contentMismatch(let expected)):
            throw AppError.invalid("\(prefix).file_disguised", "\(name) ≠ \(expected.rawValue.uppercased())")
        }
    }

    static func path(_ app: Application, area: String, sha: String) -> String {
        app.dataDirectory + "/" + area + "/" + sha.prefix(2) + "/" + sha
    }

    /// Writes the bytes unless the same bytes are already there; true when this call wrote them
    /// (so a failed transaction removes only what it brought).
    static func write(_ file: Checked, area: String, app: Application) throws -> Bool {
        let target = path(app, area: area, sha: file.sha)
        guard !FileManager.default.fileExists(atPath: target) else { return false }
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let temp = target + ".part-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: temp, contents: file.bytes) else {
            throw AppError(status: .internalServerError, code: "internal", detail: "cannot store the file")
        }
        if rename(temp, target) != 0 { try? FileManager.default.removeItem(atPath: temp); return false }
        return true
    }

    static func remove(sha: String, area: String, app: Application) {
        try? FileManager.default.removeItem(atPath: path(app, area: area, sha: sha))
    }

    /// A download: the bytes with their type, as an attachment, never sniffed or cached.
    static func download(_ app: Application, area: String, sha: String, kind: FileKind, name: String) throws -> Response {
        guard let data = FileManager.default.contents(atPath: path(app, area: area, sha: sha)) else { throw AppError.notFound(name) }
        let response = Response(status: .ok, body: .init(data: data))
        let parts = kind.contentType.split(separator: "/")
        response.headers.contentType = HTTPMediaType(type: String(parts[0]), subType: String(parts[1]))
        response.headers.contentDisposition = .init(.attachment, filename: name)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Cache-Control", value: "private, no-store")
        return response
    }
}
