import CongsoCore
import Fluent
import Vapor

/// Mail to people without an account — a citizen who gave an e-mail address with a dossier:
/// the receipt, and a letter of apology with its new date. Its own outbox (accounts' mail is
/// keyed by user and preferences), sent by the same dispatcher with the same claims and backoff.
final class CitizenMailEntry: Model, @unchecked Sendable {
    static let schema = "mail_outbox_citizens"

    @ID(key: .id) var id: UUID?
    @Field(key: "to_address") var toAddress: String
    @Field(key: "to_name") var toName: String
    /// A translation key and its detail, rendered in Vietnamese with the English below.
    @Field(key: "kind") var kind: String
    @Field(key: "detail") var detail: String
    /// The public page the message points to (a lookup by code).
    @Field(key: "link") var link: String
    @Field(key: "status") var status: MailOutboxEntry.Status
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "claimed_by") var claimedBy: String?
    @OptionalField(key: "claimed_until") var claimedUntil: Date?
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "sent_at") var sentAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

struct CreateCitizenMail: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CitizenMailEntry.schema)
            .id()
            .field("to_address", .string, .required)
            .field("to_name", .string, .required)
            .field("kind", .string, .required)
            .field("detail", .string, .required)
            .field("link", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("claimed_by", .string)
            .field("claimed_until", .datetime)
            .field("last_error", .string)
            .field("sent_at", .datetime)
            .field("created_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: CitizenMailEntry.schema, columns: ["status", "next_attempt_at"])
    }

    func revert(on database: any Database) async throws { try await database.schema(CitizenMailEntry.schema).delete() }
}

enum CitizenMail {
    /// Queues a message in the caller's transaction; nothing when no relay is configured or no address was given.
    static func enqueue(to address: String, name: String, kind: String, detail: String, link: String, on db: any Database, now: Date = Date()) async throws {
        guard MailQueue.isEnabled, !address.isEmpty else { return }
        let e = CitizenMailEntry()
        e.toAddress = address; e.toName = name; e.kind = kind; e.detail = detail; e.link = link
        e.status = .queued; e.attempts = 0; e.nextAttemptAt = now
        try await e.create(on: db)
    }

    /// Takes up to `batch` due messages for this process, as MailDispatcher.claim does.
    static func claim(at now: Date, batch: Int, on db: any Database) async throws -> [CitizenMailEntry] {
        let due = try await CitizenMailEntry.query(on: db).filter(\.$status == .queued).filter(\.$nextAttemptAt <= now)
            .group(.or) { $0.filter(\.$claimedUntil == nil).filter(\.$claimedUntil < now) }.sort(\.$nextAttemptAt).limit(batch).all()
        var mine: [CitizenMailEntry] = []
        for e in due {
            let token = "\(Scheduler.processLabel):\(UUID().uuidString)"
            try await CitizenMailEntry.query(on: db).filter(\.$id == e.id!).filter(\.$status == .queued)
                .group(.or) { $0.filter(\.$claimedUntil == nil).filter(\.$claimedUntil < now) }
                .set(\.$claimedBy, to: token).set(\.$claimedUntil, to: now.addingTimeInterval(MailDispatcher.claimFor)).update()
            if let row = try await CitizenMailEntry.find(e.id, on: db), row.claimedBy == token { mine.append(row) }
        }
        return mine
    }

    /// The subject and bodies, Vietnamese first and English below.
    static func content(_ e: CitizenMailEntry, relay: MailRelay, texts t: Translations) -> (subject: String, text: String, html: String) {
        let subject = t.text(e.kind, "vi", detail: e.detail)
        let english = t.text(e.kind, "en", detail: e.detail)
        let link = relay.publicURL + e.link
        let footer = t.text("mail_citizen_footer", "vi")
        let text = "\(subject)\n\(link)\n\n\(english)\n\n-- \n\(footer)\n"
        let html = "<html lang=\"vi\"><body><p>\(MailDispatcher.escape(subject))</p><p><a href=\"\(MailDispatcher.escape(link))\">\(MailDispatcher.escape(link))</a></p>"
            + "<p lang=\"en\">\(MailDispatcher.escape(english))</p><hr><p style=\"font-size:small\">\(MailDispatcher.escape(footer))</p></body></html>"
        return (subject, text, html)
    }

    static func compose(_ e: CitizenMailEntry, relay: MailRelay, texts t: Translations, now: Date) -> MailDispatcher.Composed {
        let c = content(e, relay: relay, texts: t)
        let message = MailMessage(from: .init(name: relay.fromName, email: relay.smtp.from), to: .init(name: e.toName, email: e.toAddress),
                                  subject: c.subject, text: c.text, html: c.html, headers: [("Auto-Submitted", "auto-generated")],
                                  messageID: "\(e.id!.uuidString.lowercased())@\(relay.smtp.from.split(separator: "@").last ?? "congso")", date: now)
        return .init(to: e.toAddress, text: message.render())
    }
}
