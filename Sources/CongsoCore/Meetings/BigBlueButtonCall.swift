import Crypto
import Foundation

/// BigBlueButton's API calls, signed with the server's shared secret: each call carries
/// `checksum` = hex(SHA-256 or SHA-1 of call name + query string + secret).
public struct BigBlueButtonCall: Sendable {
    public enum Digest: String, Sendable, CaseIterable { case sha256, sha1 }
    public enum Role: String, Sendable { case moderator = "MODERATOR", viewer = "VIEWER" }

    /// The API's base, e.g. `https://bbb.example.org/bigbluebutton/api` (no trailing slash).
    public let api: String
    public let secret: String
    public let digest: Digest

    public init(api: String, secret: String, digest: Digest) {
        var base = api
        while base.hasSuffix("/") { base.removeLast() }
        if !base.hasSuffix("/api") { base += "/api" }
        self.api = base; self.secret = secret; self.digest = digest
    }

    /// Parameters form-encoded as BigBlueButton's own clients do (Java's URLEncoder, Python's
    /// quote_plus): letters, digits and `-._~` as they are, a space as `+`, the rest as %XX.
    /// The server checks the checksum against the query string exactly as sent.
    public static func query(_ parameters: [(String, String)]) -> String {
        var allowed = CharacterSet()
        allowed.insert(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~ ")
        func enc(_ s: String) -> String {
            (s.addingPercentEncoding(withAllowedCharacters: allowed) ?? "").replacingOccurrences(of: " ", with: "+")
        }
        return parameters.map { "\(enc($0.0))=\(enc($0.1))" }.joined(separator: "&")
    }

    public func checksum(call: String, query: String) -> String {
        let data = Data((call + query + secret).utf8)
        switch digest {
        case .sha256: return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        case .sha1: return Insecure.SHA1.hash(data: data).map { String(format: "%02x", $0) }.joined()
        }
    }

    public func url(_ call: String, _ parameters: [(String, String)]) -> String {
        let q = Self.query(parameters)
        return "\(api)/\(call)?\(q)\(q.isEmpty ? "" : "&")checksum=\(checksum(call: call, query: q))"
    }

    /// `create` is idempotent on BigBlueButton: calling it before each join opens the room
    /// when it is not running yet. The passwords stay between Congso and the server.
    public func create(meetingID: String, name: String, attendeePW: String, moderatorPW: String) -> String {
        url("create", [("name", name), ("meetingID", meetingID), ("attendeePW", attendeePW), ("moderatorPW", moderatorPW)])
    }

    /// Joins by role (BigBlueButton 2.4 and later), so no password reaches the browser.
    public func join(meetingID: String, fullName: String, userID: String, role: Role) -> String {
        url("join", [("fullName", fullName), ("meetingID", meetingID), ("role", role.rawValue), ("userID", userID), ("redirect", "true")])
    }
}
