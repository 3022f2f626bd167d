import CongsoCore
import Fluent
import Vapor

/// A staff member (cán bộ, công chức, viên chức, người lao động) of one org node.
final class StaffMember: Model, @unchecked Sendable {
    static let schema = "staff"

    @ID(key: .id) var id: UUID?
    @Parent(key: "org_id") var org: Organization
    @Field(key: "full_name") var fullName: String
    @Field(key: "sort_key") var sortKey: String
    @Field(key: "position") var position: String
    @Field(key: "phone") var phone: String
    @Field(key: "email") var email: String
    @Field(key: "skills") var skills: String
    @Field(key: "status") var status: StaffStatus
    @Field(key: "search_text") var searchText: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(id: UUID = UUID(), orgID: UUID, draft: StaffDraft) {
        self.id = id
        self.$org.id = orgID
        apply(draft)
    }

    /// Copies a validated draft in, with the derived search and sort columns.
    func apply(_ d: StaffDraft) {
        fullName = d.fullName
        sortKey = VietnameseText.personSortKey(d.fullName)
        position = d.position
        phone = d.phone
        email = d.email
        skills = d.skills.joined(separator: ";")
        status = d.status
        searchText = d.searchText
    }

    var draft: StaffDraft {
        StaffDraft(fullName: fullName, position: position, phone: phone, email: email,
                   skills: skills.split(separator: ";").map(String.init),
                   status: StaffStatus(rawValue: status.rawValue) ?? .remote)
    }

    var auditSnapshot: [String: String] {
        ["fullName": fullName, "orgID": $org.id.uuidString, "position": position, "phone": phone,
         "email": email, "skills": skills, "status": status.rawValue]
    }
}

struct CreateStaff: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StaffMember.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("full_name", .string, .required)
            .field("sort_key", .string, .required)
            .field("position", .string, .required)
            .field("phone", .string, .required)
            .field("email", .string, .required)
            .field("skills", .string, .required)
            .field("status", .string, .required)
            .field("search_text", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "email")
            .create()
        try await SQLIndex.create(on: database, table: StaffMember.schema, columns: ["org_id"])
        try await SQLIndex.create(on: database, table: StaffMember.schema, columns: ["sort_key"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StaffMember.schema).delete()
    }
}
