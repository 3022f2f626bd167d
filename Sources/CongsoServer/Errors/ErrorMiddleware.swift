import FluentPostgresDriver
import FluentSQLiteDriver
import Vapor

/// Turns every error into `{"error":{"code","message"}}` for the API, or a readable
/// page in the user's language for the web. Unknown errors are logged and shown as
/// "internal" without their details. A future-based middleware: an async one starts a task
/// for every request, and only a failed one needs it here.
struct AppErrorMiddleware: Middleware {
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: req).flatMapError { error in
            let (status, code, detail) = Self.classify(error, req)
            let message = req.t("err." + code, detail: detail)
            let wantsJSON = req.url.path.hasPrefix("/api/") || req.url.path == "/openapi.json"
                || req.headers.accept.first.map { $0.mediaType.type == "application" && $0.mediaType.subType == "json" } == true
            if wantsJSON {
                return req.eventLoop.makeCompletedFuture(withResultOf: {
                    let response = try JSONBody.response(["error": ["code": code, "message": message]], status: status)
                    if status == .unauthorized { response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer") }
                    if status == .serviceUnavailable { response.headers.replaceOrAdd(name: .retryAfter, value: "2") }
                    return response
                })
            }
            if status == .unauthorized {
                let back = req.url.path + (req.url.query.map { "?" + $0 } ?? "")
                return req.eventLoop.makeSucceededFuture(
                    req.redirect(to: "/login?next=" + (back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")))
            }
            return req.eventLoop.makeFutureWithTask {
                let page = try await WebPage.render(req, "error", title: req.t("err.title"),
                                                    data: ErrorPage(status: Int(status.code), code: code, message: message))
                page.status = status
                return page
            }
        }
    }

    struct ErrorPage: Encodable { let status: Int; let code: String; let message: String }

    static func classify(_ error: any Error, _ req: Request) -> (HTTPResponseStatus, String, String) {
        switch error {
        case let e as AppError:
            return (e.status, e.code, e.detail)
        case let e as DecodingError:
            return (.badRequest, "bad_request", describe(e))
        case let e as any AbortError:
            let code = switch e.status {
            case .notFound: "not_found"
            case .methodNotAllowed: "method_not_allowed"
            case .payloadTooLarge: "too_large"
            case .unsupportedMediaType: "unsupported_media_type"
            default: e.status.code < 500 ? "bad_request" : "internal"
            }
            return (e.status.code < 500 ? e.status : .internalServerError, code, e.status.code < 500 ? e.reason : "")
        case let e as SQLiteError where isBusy(e):
            // Another process held the write lock longer than the busy timeout: a wait, not a fault.
            req.logger.warning("database busy", metadata: ["error": .string(e.message)])
            return (.serviceUnavailable, "busy", "")
        case let e as PSQLError:
            // Bad bytes or values the database refused are the caller's fault, not ours.
            switch e.serverInfo?[.sqlState] {
            case "23505": return (.conflict, "conflict", "")
            case let state? where state.hasPrefix("22"): return (.badRequest, "bad_request", "invalid characters or value")
            default:
                req.logger.error("database error", metadata: ["sqlState": .string(e.serverInfo?[.sqlState] ?? "-"), "error": .string(String(reflecting: e))])
                return (.internalServerError, "internal", "")
            }
        default:
            let text = String(describing: error)
            // A race past our own uniqueness checks still must not look like a crash.
            if text.localizedCaseInsensitiveContains("unique") || text.contains("23505") {
                return (.conflict, "conflict", "")
            }
            req.logger.error("unhandled error", metadata: ["error": .string(text)])
            return (.internalServerError, "internal", "")
        }
    }

    static func isBusy(_ e: SQLiteError) -> Bool {
        switch e.reason {
        case .busy, .busyTimeout, .busyInSnapshot, .busyInRecovery, .locked: true
        default: false
        }
    }

    static func describe(_ e: DecodingError) -> String {
        switch e {
        case .keyNotFound(let key, _): "missing field \(key.stringValue)"
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx):
            "wrong type at \(ctx.codingPath.map(\.stringValue).joined(separator: "."))"
        case .dataCorrupted(let ctx):
            ctx.codingPath.isEmpty ? "malformed body" : "invalid value at \(ctx.codingPath.map(\.stringValue).joined(separator: "."))"
        @unknown default: "malformed body"
        }
    }
}
