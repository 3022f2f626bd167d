import CongsoCore
import Foundation
import Vapor

/// Headers every response carries. The Content-Security-Policy allows no inline script or
/// style (every script and stylesheet is a file under Public/, charts colour themselves with
/// SVG attributes), no framing (clickjacking), and forms that post only here — or to the
/// meeting engine, since joining a meeting is a form whose answer redirects there. HSTS is
/// sent only when cookies are marked Secure, i.e. when TLS ends at the proxy in front.
struct SecurityHeadersMiddleware: Middleware {
    let policy: String
    let hsts: Bool

    init(videoEngine: VideoEngineSettings?, cookieSecure: Bool) {
        var formAction = "'self'"
        if let origin = videoEngine.flatMap(Self.engineOrigin) { formAction += " " + origin }
        policy = [
            "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:", "connect-src 'self'",
            "media-src 'self' blob:", "font-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action \(formAction)",
            "frame-ancestors 'none'",
        ].joined(separator: "; ")
        hsts = cookieSecure
    }

    /// scheme://host[:port] of the engine the join form redirects to.
    static func engineOrigin(_ engine: VideoEngineSettings) -> String? {
        let base: String
        switch engine {
        case .jitsi(let j): base = j.base
        case .bigBlueButton(let b): base = b.api
        }
        guard let url = URL(string: base), let scheme = url.scheme, let host = url.host else { return nil }
        return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
    }

    /// Future-based, as the other global middleware that need not wait: an async one starts a
    /// task for every request.
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).map { response in self.add(to: response) }
    }

    private func add(to response: Response) -> Response {
        var headers = response.headers
        if !headers.contains(name: "Content-Security-Policy") { headers.replaceOrAdd(name: "Content-Security-Policy", value: policy) }
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        if hsts { headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains") }
        response.headers = headers
        return response
    }
}
