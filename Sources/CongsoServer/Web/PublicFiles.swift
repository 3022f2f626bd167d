import Vapor

/// Styles, scripts and images from Public/, for every path but the API's: Vapor's file
/// middleware looks on disk for each request's path, and the API has no files (a system
/// call per report in the 07:00 burst).
struct PublicFiles: Middleware {
    let files: FileMiddleware

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        request.url.path.hasPrefix("/api/") ? next.respond(to: request) : files.respond(to: request, chainingTo: next)
    }
}
