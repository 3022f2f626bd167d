import CongsoCore
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import CongsoServer

/// Every response carries the security headers, and no template needs what the policy
/// forbids: inline scripts, inline styles or event-handler attributes.
@Suite struct SecurityHeadersTests {
    func expectHeaders(_ res: TestingHTTPResponse, hsts: Bool = false, _ what: String) {
        let csp = res.headers.first(name: "Content-Security-Policy") ?? ""
        #expect(csp.contains("script-src 'self'") && csp.contains("style-src 'self'") && csp.contains("frame-ancestors 'none'"), "\(what): \(csp)")
        #expect(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "\(what)")
        #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(what)")
        #expect(res.headers.first(name: "Referrer-Policy") == "same-origin", "\(what)")
        #expect((res.headers.first(name: "Strict-Transport-Security") != nil) == hsts, "\(what)")
    }

    @Test func pagesApiErrorsAndFilesCarryTheHeaders() async throws {
        try await withApp { app in
            _ = try await Fixture.make(app)
            let token = try await app.token("admin@t.vn")
            expectHeaders(try await app.send(.GET, "/login"), "sign-in page")
            expectHeaders(try await app.send(.GET, "/api/v1/staff", headers: app.bearer(token)), "API")
            expectHeaders(try await app.send(.GET, "/api/v1/staff"), "API without sign-in (401)")
            expectHeaders(try await app.send(.GET, "/no/such/page"), "404")
            expectHeaders(try await app.send(.GET, "/css/app.css"), "a static file")
        }
    }

    @Test func hstsOnlyBehindTLS() {
        #expect(SecurityHeadersMiddleware(videoEngine: nil, cookieSecure: true).hsts)
        #expect(!SecurityHeadersMiddleware(videoEngine: nil, cookieSecure: false).hsts)
        let jitsi = VideoEngineSettings.jitsi(.init(base: "https://meet.example.vn:8443/room-prefix", appID: "a", secret: "s", audience: "a",
                                                    domain: "meet.example.vn", tokenMinutes: 5))
        #expect(SecurityHeadersMiddleware(videoEngine: jitsi, cookieSecure: false).policy.contains("form-action 'self' https://meet.example.vn:8443;"))
    }

    /// Scans every template: the policy would block an inline script, an inline style or an
    /// on…= handler, so none may be written.
    @Test func noTemplateNeedsInlineScriptOrStyle() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources/Views")
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }.filter { $0.pathExtension == "leaf" }
        #expect(files.count > 50)
        let forbidden = [#"<style"#, #"\sstyle\s*="#, #"\son[a-z]+\s*="#, #"<script(?![^>]*\bsrc=)"#, #"javascript:"#]
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for pattern in forbidden {
                #expect(text.range(of: pattern, options: [.regularExpression, .caseInsensitive]) == nil, "\(file.lastPathComponent) has \(pattern)")
            }
        }
    }
}
