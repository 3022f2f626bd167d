import CongsoCore
import Fluent
import Vapor

/// What every room reads from a request the same way.
extension Request {
    /// The `:id` of the route; a malformed one is "not found", as an unknown one is.
    func idParameter() throws -> UUID {
        guard let raw = parameters.get("id"), let id = UUID(uuidString: raw) else { throw AppError.notFound(parameters.get("id") ?? "") }
        return id
    }

    /// `?org=` (id or code) as an org the actor may see; nil when absent. Lists use it to
    /// keep to a subtree, and it refuses an org outside the actor's scope as not found.
    func orgFilter(_ actor: Actor) async throws -> Organization? {
        guard let ref = query[String.self, at: "org"], !ref.isEmpty else { return nil }
        return try await OrgService.find(ref, actor: actor, on: db)
    }
}

extension Request {
    /// The org (default: the actor's own) and day (default: today in Hanoi) asked for.
    func orgAndDay(_ actor: Actor) async throws -> (Organization, LocalDate) {
        let org: Organization
        if let under = try await orgFilter(actor) {
            org = under
        } else if let id = actor.orgID, let o = try await Organization.find(id, on: db) {
            org = o
        } else if let root = try await Organization.query(on: db).filter(\.$parentID == nil).sort(\.$sortKey).first() {
            org = root
        } else {
            throw AppError.notFound("org")
        }
        let raw = query[String.self, at: "date"] ?? ""
        guard let date = raw.isEmpty ? LocalDate.of(Date()) : LocalDate(raw) else { throw AppError.invalid("date_invalid", raw) }
        return (org, date)
    }
}

/// Where to go back after a sign-in or a form: a path on this site, never another site.
enum SafeRedirect {
    static func path(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), !raw.contains("\\") else { return "/" }
        return raw
    }
}

/// An id typed in a form field; anything else is nil.
enum FormID {
    static func parse(_ raw: String?) -> UUID? { raw.flatMap { UUID(uuidString: $0) } }
}

/// A Hanoi day typed in a query or a form: empty means today, anything else must be a date.
enum DayParameter {
    static func parse(_ raw: String?) throws -> LocalDate {
        guard let raw, !raw.isEmpty else { return LocalDate.of(Date()) }
        guard let d = LocalDate(raw) else { throw AppError.invalid("date_invalid", raw) }
        return d
    }

    /// Empty is nil; anything else must be a day.
    static func optional(_ raw: String?) throws -> LocalDate? {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        guard let d = LocalDate(raw) else { throw AppError.invalid("date_invalid", raw) }
        return d
    }
}

/// An optional whole number from a form: empty is nil, anything else must be a number
/// (a browser sends every field as text).
enum FormNumber {
    static func parse(_ raw: String?, code: String) throws -> Int? {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        guard let n = Int(raw) else { throw AppError.invalid(code, raw) }
        return n
    }
}

/// One choice of a `<select>` or a filter.
struct FormOption: Encodable { let value: String; let label: String; let selected: Bool }

extension Response {
    /// A CSV download (UTF-8, named for the browser's save dialog).
    static func csv(_ csv: String, filename: String) -> Response {
        let response = Response(status: .ok, body: .init(string: csv))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: filename)
        return response
    }
}

extension Request {
    /// `?org=` as the code a redirect may carry back (letters, digits, - and _ only).
    var orgCodeForRedirect: String {
        (query[String.self, at: "org"] ?? "").filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    }
}
