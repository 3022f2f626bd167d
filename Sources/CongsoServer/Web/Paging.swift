import Vapor

/// `page` (from 1) and `per` (1…200, default 25) from the query string.
struct PageRequest: Sendable {
    let page: Int
    let per: Int
    var offset: Int { (page - 1) * per }

    init(page: Int = 1, per: Int = 25) {
        self.page = max(1, min(page, 1_000_000))
        self.per = max(1, min(per, 200))
    }

    /// Every row on one page, for an export.
    private init(export: Void) {
        page = 1
        per = TableCSVMiddleware.maxRows
    }

    init(_ req: Request) throws {
        func int(_ name: String) throws -> Int? {
            guard let raw = req.query[String.self, at: name], !raw.isEmpty else { return nil }
            guard let v = Int(raw), v >= 1 else { throw AppError.badRequest("\(name) must be a positive whole number") }
            return v
        }
        if req.isExport {
            // An export is every row on one page (bounded).
            self.init(export: ())
            return
        }
        self.init(page: try int("page") ?? 1, per: try int("per") ?? 25)
    }
}

struct Paged<T> {
    let items: [T]
    let total: Int
    let page: PageRequest

    var pageCount: Int { max(1, (total + page.per - 1) / page.per) }

    func map<U>(_ f: (T) throws -> U) rethrows -> Paged<U> {
        Paged<U>(items: try items.map(f), total: total, page: page)
    }
}

/// The API's list shape: {"items": [...], "total": N, "page": P, "per": K}.
struct ListResponse<T: Content>: Content {
    let items: [T]
    let total: Int
    let page: Int
    let per: Int

    init(_ paged: Paged<T>) {
        items = paged.items
        total = paged.total
        page = paged.page.page
        per = paged.page.per
    }
}

/// One link of a list's page bar.
struct PageLink: Encodable { let label: String; let href: String; let current: Bool }

/// The page bar under a list: the first, the last and two either side of the current
/// page, keeping the list's other filters in each link.
enum PageLinks {
    static func make(base: [String: String], page: Int, pageCount: Int) -> (links: [PageLink], prev: String?, next: String?) {
        func href(_ p: Int) -> String {
            var q = base.filter { !$0.value.isEmpty }
            q["page"] = String(p)
            return "?" + q.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                .joined(separator: "&")
        }
        let window = Array(Set([1, pageCount] + Array(max(1, page - 2)...min(pageCount, page + 2)))).sorted()
        let links = window.map { PageLink(label: String($0), href: href($0), current: $0 == page) }
        return (links, page > 1 ? href(page - 1) : nil, page < pageCount ? href(page + 1) : nil)
    }
}
