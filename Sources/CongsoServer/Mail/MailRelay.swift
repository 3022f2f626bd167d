import CongsoCore
import Foundation
import Vapor

/// The SMTP relay and the public address links in mail point to, from the environment
/// (README, "Settings"). No CONGSO_SMTP_HOST: no e-mail, and nothing is queued.
struct MailRelay: Sendable {
    let smtp: SMTPClient.Settings
    let fromName: String
    /// e.g. https://congso.hanoi.gov.vn (links and unsubscribe addresses in mail).
    let publicURL: String
    /// The first retry's wait (CONGSO_MAIL_RETRY_SECONDS, default 60); it doubles after each.
    var retryBase: TimeInterval = 60

    struct Problem: Error, CustomStringConvertible { let description: String }

    static func from(environment env: [String: String], port: Int) throws -> MailRelay? {
        func value(_ k: String) -> String? { env[k].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 } }
        guard let host = value("CONGSO_SMTP_HOST") else { return nil }
        guard let from = value("CONGSO_SMTP_FROM"), from.contains("@") else {
            throw Problem(description: "CONGSO_SMTP_FROM (an e-mail address) is required with CONGSO_SMTP_HOST")
        }
        let smtpPort = value("CONGSO_SMTP_PORT").map { Int($0) } ?? 587
        guard let smtpPort, (1...65535).contains(smtpPort) else { throw Problem(description: "CONGSO_SMTP_PORT must be a port number") }
        let rawSecurity = value("CONGSO_SMTP_SECURITY")?.lowercased() ?? "starttls"
        guard let security = SMTPClient.Security(rawValue: rawSecurity) else {
            throw Problem(description: "CONGSO_SMTP_SECURITY must be starttls or none, got \(rawSecurity)")
        }
        let user = value("CONGSO_SMTP_USER"), password = env["CONGSO_SMTP_PASSWORD"]
        if (user == nil) != (password == nil || password == "") {
            throw Problem(description: "CONGSO_SMTP_USER and CONGSO_SMTP_PASSWORD go together")
        }
        if user != nil && security == .none {
            throw Problem(description: "CONGSO_SMTP_USER needs CONGSO_SMTP_SECURITY=starttls: credentials are never sent in clear")
        }
        if let ca = value("CONGSO_SMTP_CA_FILE"), !FileManager.default.isReadableFile(atPath: ca) {
            throw Problem(description: "CONGSO_SMTP_CA_FILE cannot be read: \(ca)")
        }
        var publicURL = value("CONGSO_PUBLIC_URL") ?? "http://127.0.0.1:\(port)"
        while publicURL.hasSuffix("/") { publicURL.removeLast() }
        let retry = value("CONGSO_MAIL_RETRY_SECONDS").map { Double($0) } ?? 60
        guard let retry, retry >= 1, retry <= 3600 else { throw Problem(description: "CONGSO_MAIL_RETRY_SECONDS must be 1 to 3600") }
        return MailRelay(smtp: .init(host: host, port: smtpPort, security: security, user: user, password: user == nil ? nil : password,
                                     from: from, trustRoots: value("CONGSO_SMTP_CA_FILE")),
                         fromName: value("CONGSO_SMTP_FROM_NAME") ?? "Công sở số", publicURL: publicURL, retryBase: retry)
    }
}

extension Application {
    private struct MailRelayKey: StorageKey { typealias Value = MailRelay }
    /// Setting a relay also turns on queueing for the process; clearing it does not turn it off,
    /// so an application started without a relay (a test's, a command's) never stops another
    /// application of the same process from queueing. Without a relay nothing is sent.
    var mailRelay: MailRelay? {
        get { storage[MailRelayKey.self] }
        set {
            storage[MailRelayKey.self] = newValue
            if newValue != nil { MailQueue.isEnabled = true }
        }
    }
}
