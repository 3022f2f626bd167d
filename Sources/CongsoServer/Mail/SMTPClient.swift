import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A small SMTP client (RFC 5321) on SwiftNIO, with STARTTLS (RFC 3207, through NIOSSL) and
/// AUTH PLAIN (RFC 4954). Written here because the package mirror has no SMTP library; it
/// does one thing: hand one message to one relay, and say exactly what went wrong if not.
struct SMTPClient: Sendable {
    enum Security: String, Sendable { case startTLS = "starttls", none }

    struct Settings: Sendable, Equatable {
        var host: String
        var port: Int
        var security: Security
        var user: String?
        var password: String?
        var from: String
        /// A PEM file of certificates to trust besides the system's (e.g. a self-signed relay).
        var trustRoots: String?
        var timeout: TimeAmount = .seconds(20)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        /// A 4xx answer or a broken connection: worth trying again later.
        let transient: Bool
    }

    let settings: Settings
    let group: any EventLoopGroup

    /// Sends `data` (a rendered message, CRLF lines) from `settings.from` to `to`.
    func send(_ data: String, to: [String]) async throws {
        let handler = ResponseHandler()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(settings.timeout)
                .channelInitializer { ch in
                    ch.eventLoop.makeCompletedFuture {
                        try ch.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineDecoder()))
                        try ch.pipeline.syncOperations.addHandler(handler)
                    }
                }
                .connect(host: settings.host, port: settings.port).get()
        } catch {
            throw Failure(description: "cannot connect to \(settings.host):\(settings.port): \(error)", transient: true)
        }
        defer { channel.close(promise: nil) }
        func expect(_ codes: ClosedRange<Int>, after command: String?, shown: String? = nil) async throws -> [String] {
            let reply = handler.next(on: channel.eventLoop, timeout: settings.timeout)
            if let command { try await channel.writeAndFlush(ByteBuffer(string: command + "\r\n")).get() }
            let (code, lines): (Int, [String])
            do { (code, lines) = try await reply.get() } catch {
                throw Failure(description: "\(shown ?? command ?? "greeting"): \(error)", transient: true)
            }
            guard codes.contains(code) else {
                throw Failure(description: "\(shown ?? command ?? "greeting") answered \(code) \(lines.joined(separator: " / "))",
                              transient: (400..<500).contains(code))
            }
            return lines
        }
        let helo = "EHLO congso"
        _ = try await expect(220...220, after: nil)
        var features = try await expect(250...250, after: helo)
        if settings.security == .startTLS {
            guard features.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                throw Failure(description: "\(settings.host) does not offer STARTTLS", transient: false)
            }
            _ = try await expect(220...220, after: "STARTTLS")
            var tls = TLSConfiguration.makeClientConfiguration()
            if let roots = settings.trustRoots { tls.additionalTrustRoots = [.file(roots)] }
            do {
                let context = try NIOSSLContext(configuration: tls)
                let ssl = try NIOSSLClientHandler(context: context, serverHostname: settings.host.first?.isNumber == true ? nil : settings.host)
                try await channel.pipeline.addHandler(ssl, position: .first).get()
            } catch {
                throw Failure(description: "TLS: \(error)", transient: false)
            }
            features = try await expect(250...250, after: helo)
        }
        if let user = settings.user, let password = settings.password {
            guard features.contains(where: { $0.uppercased().hasPrefix("AUTH") && $0.uppercased().contains("PLAIN") }) else {
                throw Failure(description: "\(settings.host) offers no AUTH PLAIN", transient: false)
            }
            let token = Data("\0\(user)\0\(password)".utf8).base64EncodedString()
            _ = try await expect(235...235, after: "AUTH PLAIN " + token, shown: "AUTH PLAIN")
        }
        _ = try await expect(250...250, after: "MAIL FROM:<\(settings.from)> BODY=8BITMIME")
        for rcpt in to { _ = try await expect(250...251, after: "RCPT TO:<\(rcpt)>") }
        _ = try await expect(354...354, after: "DATA")
        // Dot-stuffing (RFC 5321 §4.5.2), then the end-of-data line.
        let body = data.components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
        _ = try await expect(250...250, after: body + (body.hasSuffix("\r\n") ? "" : "\r\n") + ".", shown: "end of DATA")
        _ = try? await expect(221...221, after: "QUIT")
    }
}

/// Splits the byte stream into CRLF-terminated lines.
private struct LineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String
    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let i = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return .needMoreData }
        let length = i - buffer.readerIndex + 1
        var line = buffer.readString(length: length) ?? ""
        while line.hasSuffix("\n") || line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }
}

/// Collects reply lines ("250-…" continues, "250 …" ends) and hands each whole reply to the
/// one waiting for it.
private final class ResponseHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = String
    private var lines: [String] = []
    private var waiting: [EventLoopPromise<(Int, [String])>] = []
    private var ready: [(Int, [String])] = []

    /// The next reply; must be called on or before the command that causes it is written.
    func next(on loop: any EventLoop, timeout: TimeAmount) -> EventLoopFuture<(Int, [String])> {
        loop.flatSubmit {
            let promise = loop.makePromise(of: (Int, [String]).self)
            if !self.ready.isEmpty {
                promise.succeed(self.ready.removeFirst())
            } else {
                self.waiting.append(promise)
                loop.scheduleTask(in: timeout) { promise.fail(SMTPClient.Failure(description: "no answer in time", transient: true)) }
            }
            return promise.futureResult
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = unwrapInboundIn(data)
        lines.append(line.count > 4 ? String(line.dropFirst(4)) : "")
        let chars = Array(line)
        guard chars.count >= 3, let code = Int(String(chars[0..<3])) else { return }
        if chars.count > 3 && chars[3] == "-" { return }
        let reply = (code, lines)
        lines = []
        if waiting.isEmpty { ready.append(reply) } else { waiting.removeFirst().succeed(reply) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        for p in waiting { p.fail(SMTPClient.Failure(description: "connection closed", transient: true)) }
        waiting = []
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        for p in waiting { p.fail(error) }
        waiting = []
        context.close(promise: nil)
    }
}
