import Foundation

/// Which video engine meetings use, read from the environment (README, "Settings").
/// Nothing configured: meetings have no video room, and pages say so.
public enum VideoEngineSettings: Equatable, Sendable {
    case jitsi(Jitsi)
    case bigBlueButton(BigBlueButton)

    public struct Jitsi: Equatable, Sendable {
        /// e.g. https://meet.example.org (rooms are https://meet.example.org/ROOM).
        public var base: String
        public var appID: String
        public var secret: String
        public var audience: String
        /// The `sub` claim: the Jitsi domain.
        public var domain: String
        public var tokenMinutes: Int

        public init(base: String, appID: String, secret: String, audience: String, domain: String, tokenMinutes: Int) {
            self.base = base; self.appID = appID; self.secret = secret; self.audience = audience; self.domain = domain
            self.tokenMinutes = tokenMinutes
        }
    }

    public struct BigBlueButton: Equatable, Sendable {
        public var api: String
        public var secret: String
        public var digest: BigBlueButtonCall.Digest

        public init(api: String, secret: String, digest: BigBlueButtonCall.Digest) {
            self.api = api; self.secret = secret; self.digest = digest
        }
    }

    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// nil when CONGSO_VIDEO_ENGINE is unset or empty; an error names what is missing or wrong.
    public static func from(environment env: [String: String]) throws -> VideoEngineSettings? {
        func value(_ key: String) -> String? {
            guard let v = env[key]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        func required(_ key: String) throws -> String {
            guard let v = value(key) else { throw Problem(description: "\(key) is required with CONGSO_VIDEO_ENGINE=\(env["CONGSO_VIDEO_ENGINE"] ?? "")") }
            return v
        }
        func httpsBase(_ key: String) throws -> (String, String) {
            let raw = try required(key)
            guard let url = URL(string: raw), let scheme = url.scheme, ["https", "http"].contains(scheme), let host = url.host, !host.isEmpty else {
                throw Problem(description: "\(key) must be an http(s) address, got \(raw)")
            }
            var base = raw
            while base.hasSuffix("/") { base.removeLast() }
            return (base, host)
        }
        switch value("CONGSO_VIDEO_ENGINE")?.lowercased() {
        case nil:
            return nil
        case "jitsi":
            let (base, host) = try httpsBase("CONGSO_JITSI_URL")
            let minutes = value("CONGSO_JITSI_TOKEN_MINUTES").map { Int($0) } ?? 5
            guard let minutes, (1...1440).contains(minutes) else {
                throw Problem(description: "CONGSO_JITSI_TOKEN_MINUTES must be a number of minutes from 1 to 1440")
            }
            // RFC 7518 §3.2: an HS256 key has at least 256 bits.
            let secret = try required("CONGSO_JITSI_SECRET")
            guard secret.utf8.count >= 32 else { throw Problem(description: "CONGSO_JITSI_SECRET must be at least 32 bytes (RFC 7518, HS256)") }
            return .jitsi(Jitsi(base: base, appID: try required("CONGSO_JITSI_APP_ID"), secret: secret,
                                audience: value("CONGSO_JITSI_AUDIENCE") ?? "jitsi", domain: value("CONGSO_JITSI_DOMAIN") ?? host,
                                tokenMinutes: minutes))
        case "bigbluebutton", "bbb":
            let (base, _) = try httpsBase("CONGSO_BBB_URL")
            let raw = value("CONGSO_BBB_CHECKSUM")?.lowercased() ?? "sha256"
            guard let digest = BigBlueButtonCall.Digest(rawValue: raw) else {
                throw Problem(description: "CONGSO_BBB_CHECKSUM must be sha256 or sha1, got \(raw)")
            }
            return .bigBlueButton(BigBlueButton(api: BigBlueButtonCall(api: base, secret: "", digest: digest).api,
                                                secret: try required("CONGSO_BBB_SECRET"), digest: digest))
        case let other?:
            throw Problem(description: "CONGSO_VIDEO_ENGINE must be jitsi or bigbluebutton, got \(other)")
        }
    }
}
