import CongsoCore
import Fluent
import SQLKit
import Vapor

/// A notification waiting to go out by e-mail. Written in the same transaction as the change
/// that caused it; sent later by whichever server claims it first, so a dead relay never
/// slows or undoes anyone's action and two servers never send one message twice.
final class MailOutboxEntry: Model, @unchecked Sendable {
    static let schema = "mail_outbox"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "detail") var detail: String
    @Field(key: "link") var link: String
    /// `now` or `digest` (MailRouting.When).
    @Field(key: "route") var route: String
    @Field(key: "status") var status: Status
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    /// The server that holds it while sending, until `claimed_until`.
    @OptionalField(key: "claimed_by") var claimedBy: String?
    @OptionalField(key: "claimed_until") var claimedUntil: Date?
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "sent_at") var sentAt: Date?
    @OptionalField(key: "meeting_id") var meetingID: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    enum Status: String, Codable, Sendable { case queued, sent, failed, digested }
}

/// Each user's choice (MailPreference); no row means the default.
final class MailSetting: Model, @unchecked Sendable {
    static let schema = "mail_settings"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "preference") var preference: MailPreference
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

struct CreateMailOutbox: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(MailOutboxEntry.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id"))
            .field("kind", .string, .required)
            .field("detail", .string, .required)
            .field("link", .string, .required)
            .field("route", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("claimed_by", .string)
            .field("claimed_until", .datetime)
            .field("last_error", .string)
            .field("sent_at", .datetime)
            .field("meeting_id", .uuid)
            .field("created_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: MailOutboxEntry.schema, columns: ["status", "next_attempt_at"])
        try await database.schema(MailSetting.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id"))
            .field("preference", .string, .required)
            .field("updated_at", .datetime)
            .unique(on: "user_id")
            .create()
        // The key that signs unsubscribe links, shared by every server process.
        try await database.schema("mail_secret").field("id", .int, .identifier(auto: false)).field("key", .string, .required).create()
        let key = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        try await database.sql.raw("INSERT INTO mail_secret (id, key) VALUES (1, \(bind: key))").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("mail_secret").delete()
        try await database.schema(MailSetting.schema).delete()
        try await database.schema(MailOutboxEntry.schema).delete()
    }
}
