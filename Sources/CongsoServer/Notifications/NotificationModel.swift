import Fluent
import Vapor

/// An in-app notification for one user: a line of text and where to go.
final class AppNotification: Model, @unchecked Sendable {
    static let schema = "notifications"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "text") var text: String
    @Field(key: "link") var link: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "read_at") var readAt: Date?

    init() {}

    init(userID: UUID, kind: String, text: String, link: String) {
        id = UUID()
        self.userID = userID
        self.kind = kind
        self.text = text
        self.link = link
    }
}

struct CreateNotifications: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AppNotification.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("text", .string, .required)
            .field("link", .string, .required)
            .field("created_at", .datetime)
            .field("read_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: AppNotification.schema, columns: ["user_id", "read_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AppNotification.schema).delete()
    }
}
