import CongsoCore
import Foundation
import Vapor

/// Every list page also answers `?format=csv`: the page is rendered as usual with every row
/// on one page (up to `maxRows`), and its first list table (`<table class="list">`) becomes
/// the CSV — the same columns and cells a civil servant sees, so a list never exports
/// something else than it shows, and a new list gets its CSV without code of its own.
/// Routes that write their own CSV (tasks, staff, documents, …) answer first.
struct TableCSVMiddleware: AsyncMiddleware {
    static let maxRows = 5_000

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .GET, request.query[String.self, at: "format"] == "csv" else {
            return try await next.respond(to: request)
        }
        request.storage[ExportKey.self] = true
        let response = try await next.respond(to: request)
        guard response.status == .ok, response.headers.contentType?.subType == "html", let html = response.body.string else { return response }
        // A list with no row shows no table: its CSV is empty.
        let csv = TableCSV.csv(fromPage: html) ?? ""
        let name = request.url.path.split(separator: "/").joined(separator: "-")
        return Response.csv(csv, filename: (name.isEmpty ? "list" : name) + ".csv")
    }

    struct ExportKey: StorageKey { typealias Value = Bool }
}

enum TableCSV {
    /// The first list table of a page as CSV, or nil when the page has none.
    static func csv(fromPage html: String) -> String? {
        guard let start = html.range(of: "<table class=\"list"),
              let end = html.range(of: "</table>", range: start.upperBound..<html.endIndex) else { return nil }
        let table = String(html[start.lowerBound..<end.upperBound])
        var out = ""
        for row in matches(of: "<tr[^>]*>(.*?)</tr>", in: table) {
            let cells = matches(of: "<t[hd][^>]*>(.*?)</t[hd]>", in: row).map(text)
            if !cells.isEmpty { out += CSVTable.reportLine(cells) }
        }
        return out
    }

    static func matches(of pattern: String, in s: String) -> [String] {
        guard let re = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators, .caseInsensitive]) else { return [] }
        let ns = s as NSString
        return re.matches(in: s, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
    }

    /// A cell's words: forms (buttons) and tags dropped, entities decoded, spaces collapsed.
    static func text(_ cell: String) -> String {
        var s = cell.replacingOccurrences(of: "<form[^>]*>.*?</form>", with: " ", options: [.regularExpression, .caseInsensitive])
        s = s.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
        for (entity, char) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&nbsp;", " "), ("&amp;", "&")] {
            s = s.replacingOccurrences(of: entity, with: char)
        }
        return s.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

extension Request {
    /// A list rendered for `?format=csv` shows every row (up to the export's bound).
    var isExport: Bool { storage[TableCSVMiddleware.ExportKey.self] ?? false }
}
