import Vapor

/// Every failure a user can cause, with a stable code. The message shown is looked up
/// in the translation files as "err.<code>", with "{detail}" filled in.
struct AppError: AbortError, Sendable {
    let status: HTTPResponseStatus
    let code: String
    let detail: String

    var reason: String { detail.isEmpty ? code : detail }

    static func notFound(_ what: String) -> AppError { .init(status: .notFound, code: "not_found", detail: what) }
    static let unauthorized = AppError(status: .unauthorized, code: "auth.required", detail: "")
    static let badCredentials = AppError(status: .unauthorized, code: "auth.bad_credentials", detail: "")
    static let forbidden = AppError(status: .forbidden, code: "forbidden", detail: "")
    static let csrf = AppError(status: .forbidden, code: "csrf", detail: "")
    static func invalid(_ code: String, _ detail: String) -> AppError { .init(status: .unprocessableEntity, code: code, detail: detail) }
    static func badRequest(_ detail: String) -> AppError { .init(status: .badRequest, code: "bad_request", detail: detail) }
    static func conflict(_ code: String, _ detail: String) -> AppError { .init(status: .conflict, code: code, detail: detail) }
}
