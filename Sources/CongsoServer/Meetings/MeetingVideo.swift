import CongsoCore
import Foundation
import JWTKit
import Vapor

/// The way into a meeting's room on the configured video engine (docs/meetings.md):
/// Jitsi Meet with a short-lived HS256 token per person, or BigBlueButton with signed
/// `create` and `join` calls. Nothing configured: no link at all.
enum MeetingVideo {
    /// Jitsi's token claims (jitsi-meet's tokens.md): the app id as issuer, the domain as
    /// subject, the room, the person, and moderator rights for the chair only.
    struct JitsiClaims: JWTPayload {
        struct User: Codable, Sendable { let id: String; let name: String; let email: String }
        struct Context: Codable, Sendable { let user: User }
        let iss: IssuerClaim
        let aud: AudienceClaim
        let sub: SubjectClaim
        let room: String
        let exp: ExpirationClaim
        let nbf: NotBeforeClaim
        let context: Context
        let moderator: Bool

        func verify(using algorithm: some JWTAlgorithm) async throws { try exp.verifyNotExpired() }
    }

    struct Person { let id: String; let name: String; let email: String }

    static func jitsiToken(_ s: VideoEngineSettings.Jitsi, room: String, person: Person, moderator: Bool, now: Date = Date()) async throws -> String {
        let claims = JitsiClaims(iss: .init(value: s.appID), aud: .init(value: s.audience), sub: .init(value: s.domain), room: room,
                                 exp: .init(value: now.addingTimeInterval(TimeInterval(s.tokenMinutes * 60))),
                                 nbf: .init(value: now.addingTimeInterval(-30)),
                                 context: .init(user: .init(id: person.id, name: person.name, email: person.email)), moderator: moderator)
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: s.secret), digestAlgorithm: .sha256)
        return try await keys.sign(claims)
    }

    /// Where to send this person: the engine's address for them, after opening the room
    /// where the engine needs it (BigBlueButton's `create`, which is idempotent).
    static func joinURL(_ m: Meeting, person: Person, moderator: Bool, settings: VideoEngineSettings, client: any Client) async throws -> String {
        switch settings {
        case .jitsi(let s):
            let token = try await jitsiToken(s, room: m.videoRoom, person: person, moderator: moderator)
            return "\(s.base)/\(m.videoRoom)?jwt=\(token)"
        case .bigBlueButton(let s):
            let bbb = BigBlueButtonCall(api: s.api, secret: s.secret, digest: s.digest)
            let create = bbb.create(meetingID: m.videoRoom, name: m.title, attendeePW: m.attendeeSecret, moderatorPW: m.moderatorSecret)
            let answer: ClientResponse
            do {
                answer = try await client.get(URI(string: create)) { $0.timeout = .seconds(10) }
            } catch {
                throw AppError(status: .badGateway, code: "meeting.video_unreachable", detail: error.localizedDescription)
            }
            let body = answer.body.map { String(buffer: $0) } ?? ""
            guard answer.status == .ok, body.contains("<returncode>SUCCESS</returncode>") else {
                throw AppError(status: .badGateway, code: "meeting.video_refused", detail: "HTTP \(answer.status.code)")
            }
            return bbb.join(meetingID: m.videoRoom, fullName: person.name, userID: person.id, role: moderator ? .moderator : .viewer)
        }
    }
}

extension Application {
    private struct VideoEngineKey: StorageKey { typealias Value = VideoEngineSettings }
    /// Read from the environment at start-up (configure); tests set it directly.
    var videoEngine: VideoEngineSettings? {
        get { storage[VideoEngineKey.self] }
        set { storage[VideoEngineKey.self] = newValue }
    }
}
