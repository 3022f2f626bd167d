import CongsoCore
import Fluent
import Vapor

/// A person who signs in. Scoped to an org subtree by `orgID` (nil only for admin).
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "role") var role: Role
    @OptionalField(key: "org_id") var orgID: UUID?
    @OptionalField(key: "staff_id") var staffID: UUID?
    @Field(key: "active") var active: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "last_login_at") var lastLoginAt: Date?

    init() {}

    init(id: UUID = UUID(), email: String, displayName: String, passwordHash: String, role: Role, orgID: UUID?, staffID: UUID?) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.role = role
        self.orgID = orgID
        self.staffID = staffID
        self.active = true
    }


    var auditSnapshot: [String: String] {
        ["email": email, "displayName": displayName, "role": role.rawValue, "orgID": orgID?.uuidString ?? "",
         "staffID": staffID?.uuidString ?? "", "active": String(active)]
    }
}

/// A personal API token. Only its SHA-256 is stored, so a database leak reveals none.
final class UserToken: Model, @unchecked Sendable {
    static let schema = "user_tokens"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "name") var name: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?

    init() {}

    init(id: UUID = UUID(), userID: UUID, tokenHash: String, name: String) {
        self.id = id
        self.$user.id = userID
        self.tokenHash = tokenHash
        self.name = name
    }

    static func hash(_ token: String) -> String {
        // Lower-case hex by table: String(format:) per byte cost more than the hash itself.
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(token.utf8)) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// 32 random bytes, URL-safe: "cgs_" marks it as ours for secret scanners.
    static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return "cgs_" + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

struct CreateUser: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema)
            .id()
            .field("email", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("role", .string, .required)
            .field("org_id", .uuid, .references(Organization.schema, "id"))
            .field("staff_id", .uuid, .references(StaffMember.schema, "id"))
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .field("last_login_at", .datetime)
            .unique(on: "email")
            .create()
        try await database.schema(UserToken.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("name", .string, .required)
            .field("created_at", .datetime)
            .field("last_used_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(UserToken.schema).delete()
        try await database.schema(User.schema).delete()
    }
}
