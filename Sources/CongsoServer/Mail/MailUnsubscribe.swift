import CongsoCore
import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// Unsubscribe links that work without signing in (RFC 8058 one-click): the user's id and an
/// HMAC-SHA256 of it under the key every server shares (table mail_secret).
enum MailUnsubscribe {
    static func key(on db: any Database) async throws -> SymmetricKey {
        guard let raw = try await db.sql.raw("SELECT key FROM mail_secret WHERE id = 1").first()?.decode(column: "key", as: String.self),
              let data = Data(base64Encoded: raw) else { throw Abort(.internalServerError, reason: "mail_secret missing") }
        return SymmetricKey(data: data)
    }

    static func token(for user: UUID, key: SymmetricKey) -> String {
        let id = user.uuidString.lowercased()
        let mac = HMAC<SHA256>.authenticationCode(for: Data(("unsubscribe:" + id).utf8), using: key)
        return id + "." + Data(mac).prefix(20).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The user a token names, when its signature holds.
    static func user(from token: String, key: SymmetricKey) -> UUID? {
        let parts = token.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let id = UUID(uuidString: String(parts[0])) else { return nil }
        let expected = Self.token(for: id, key: key)
        // Compared in constant time.
        guard expected.utf8.count == token.utf8.count else { return nil }
        return zip(expected.utf8, token.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0 ? id : nil
    }

    static func set(_ user: UUID, to preference: MailPreference, on db: any Database) async throws {
        try await db.writeTransaction { tx in
            if let row = try await MailSetting.query(on: tx).filter(\.$userID == user).first() {
                row.preference = preference
                try await row.save(on: tx)
            } else {
                let row = MailSetting()
                row.userID = user; row.preference = preference
                try await row.create(on: tx)
            }
        }
    }

    static func register(_ app: Application) {
        // Outside the CSRF group on purpose: mail clients POST here with no session (RFC 8058);
        // the signed token is the authority.
        app.get("mail", "unsubscribe", use: page)
        app.post("mail", "unsubscribe", use: unsubscribe)
    }

    struct PageData: Encodable { let token: String; let done: Bool; let invalid: Bool }

    @Sendable static func page(req: Request) async throws -> Response {
        let token = req.query[String.self, at: "u"] ?? ""
        let valid = MailUnsubscribe.user(from: token, key: try await key(on: req.db)) != nil
        let response = try await WebPage.render(req, "mail/unsubscribe", title: req.t("mail_unsubscribe_title"),
                                                data: PageData(token: token, done: false, invalid: !valid))
        if !valid { response.status = .notFound }
        return response
    }

    @Sendable static func unsubscribe(req: Request) async throws -> Response {
        let token = req.query[String.self, at: "u"] ?? ""
        guard let user = MailUnsubscribe.user(from: token, key: try await key(on: req.db)),
              try await User.find(user, on: req.db) != nil else {
            let response = try await WebPage.render(req, "mail/unsubscribe", title: req.t("mail_unsubscribe_title"),
                                                    data: PageData(token: token, done: false, invalid: true))
            response.status = .notFound
            return response
        }
        try await set(user, to: .none, on: req.db)
        return try await WebPage.render(req, "mail/unsubscribe", title: req.t("mail_unsubscribe_title"), data: PageData(token: token, done: true, invalid: false))
    }
}
