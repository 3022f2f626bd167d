import Vapor

/// Styles and scripts from Public/ (css/, js/), for requests that match no route: Vapor's
/// file middleware looks on disk for every path it sees, and a route's path is never a
/// file (a system call per report in the 07:00 burst). Global middleware runs after the
/// router, so `route` is already known here; reading it also spares parsing the path again.
struct PublicFiles: Middleware {
    let files: FileMiddleware

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        request.route != nil ? next.respond(to: request) : files.respond(to: request, chainingTo: next)
    }
}
