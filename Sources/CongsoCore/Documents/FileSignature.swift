import Foundation

/// What a file is by its first bytes, not by its name: a PDF, a Word document (DOCX), a PNG
/// or a JPEG. A name that says one thing over bytes that are another is refused.
public enum FileKind: String, CaseIterable, Codable, Sendable {
    case pdf, docx, png, jpeg

    public var contentType: String {
        switch self {
        case .pdf: "application/pdf"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        }
    }

    public var extensions: [String] {
        switch self {
        case .pdf: ["pdf"]
        case .docx: ["docx"]
        case .png: ["png"]
        case .jpeg: ["jpg", "jpeg"]
        }
    }

    public static var allowedExtensions: [String] { allCases.flatMap(\.extensions) }

    public enum Problem: Error, Equatable, Sendable {
        /// The name's extension is not one of the allowed kinds.
        case extensionNotAllowed(String)
        /// The bytes are not what the name says.
        case contentMismatch(expected: FileKind)
    }

    /// The kind the bytes are, if any.
    public static func sniff(_ bytes: some Collection<UInt8>) -> FileKind? {
        let head = Array(bytes.prefix(8))
        if head.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        // A DOCX is a ZIP whose entries name the Word part; an .xlsx or any other ZIP is not one.
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            let all = Array(bytes)
            if contains(all, Array("[Content_Types].xml".utf8)) && contains(all, Array("word/".utf8)) { return .docx }
        }
        return nil
    }

    /// The kind of an upload, checked twice: the name's extension is allowed and the bytes agree.
    public static func check(fileName: String, bytes: some Collection<UInt8>) -> Result<FileKind, Problem> {
        let ext = (fileName as NSString).pathExtension.lowercased()
        guard let expected = allCases.first(where: { $0.extensions.contains(ext) }) else { return .failure(.extensionNotAllowed(ext)) }
        guard sniff(bytes) == expected else { return .failure(.contentMismatch(expected: expected)) }
        return .success(expected)
    }

    private static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, hay.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        while i <= hay.count - needle.count {
            if hay[i] == first && Array(hay[i..<(i + needle.count)]) == needle { return true }
            i += 1
        }
        return false
    }
}
