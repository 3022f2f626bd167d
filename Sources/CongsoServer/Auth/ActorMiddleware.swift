import Fluent
import Vapor

/// Finds the acting user: a bearer token for the API, the session cookie for the web.
/// Anonymous requests pass through; routes that need a user call `requireActor()`.
struct ActorMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let bearer = req.headers.bearerAuthorization?.token {
            guard let actor = try await req.application.tokenChecks.submit(bearer) else { throw AppError.unauthorized }
            req.actor = actor
        } else if req.cookies["congso_session"] != nil, let raw = req.session.data["uid"], let id = UUID(uuidString: raw),
                  !(req.url.path.hasPrefix("/api/") && req.method != .GET && req.method != .HEAD) {
            // The cookie signs in the web and read-only API calls; API writes need a
            // bearer token, so a cross-site form can never write through the API.
            if let user = try await User.find(id, on: req.db), user.active {
                req.actor = try await Actor.load(user: user, via: req.url.path.hasPrefix("/api/") ? "api" : "web", on: req.db)
            } else {
                req.session.data["uid"] = nil
            }
        }
        return try await next.respond(to: req)
    }
}

/// Forms carry a per-session token; a POST without the matching one is refused.
/// Bearer-token API calls are exempt: a cross-site page cannot attach that header.
struct CSRFMiddleware: AsyncMiddleware {
    static func token(for req: Request) -> String {
        if let t = req.session.data["csrf"] { return t }
        let t = UserToken.generate()
        req.session.data["csrf"] = t
        return t
    }

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if req.method != .GET && req.method != .HEAD && req.headers.bearerAuthorization == nil {
            // Read the (bounded) body now, so the token in a form or upload can be checked.
            if req.body.data == nil { _ = try await req.body.collect(max: 12 * 1024 * 1024).get() }
            let sent = (try? req.content.get(String.self, at: "_csrf")) ?? req.headers.first(name: "X-CSRF-Token")
            guard let expected = req.session.data["csrf"], let sent, sent == expected else { throw AppError.csrf }
        }
        return try await next.respond(to: req)
    }
}
