import CongsoCore
import Fluent
import Vapor

/// A node of the administration tree. `path` is the materialised path of ids from the
/// root ("/<city>/<district>/<self>/"), so subtree checks are prefix tests.
final class Organization: Model, @unchecked Sendable {
    static let schema = "organizations"

    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "sort_key") var sortKey: String
    @Field(key: "search_text") var searchText: String
    @Field(key: "kind") var kind: OrgKind
    @OptionalField(key: "parent_id") var parentID: UUID?
    @Field(key: "path") var path: String
    @OptionalField(key: "head_staff_id") var headStaffID: UUID?
    @OptionalField(key: "contact_staff_id") var contactStaffID: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(id: UUID = UUID(), code: String, name: String, kind: OrgKind, parent: Organization?) {
        self.id = id
        self.code = code
        self.kind = kind
        self.parentID = parent?.id
        self.path = (parent.map { OrgPath($0.path).child(id.uuidString) } ?? OrgPath.root(id.uuidString)).value
        setName(name)
    }

    func setName(_ raw: String) {
        name = VietnameseText.normalize(raw)
        sortKey = VietnameseText.sortKey(name)
        searchText = VietnameseText.searchable(name + " " + code)
    }

    var orgPath: OrgPath { OrgPath(path) }

    /// What the audit log keeps of an org.
    var auditSnapshot: [String: String] {
        ["code": code, "name": name, "kind": kind.rawValue, "parentID": parentID?.uuidString ?? "",
         "path": path, "headStaffID": headStaffID?.uuidString ?? "", "contactStaffID": contactStaffID?.uuidString ?? ""]
    }
}

struct CreateOrganization: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Organization.schema)
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("sort_key", .string, .required)
            .field("search_text", .string, .required)
            .field("kind", .string, .required)
            .field("parent_id", .uuid, .references(Organization.schema, "id"))
            .field("path", .string, .required)
            .field("head_staff_id", .uuid)
            .field("contact_staff_id", .uuid)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "code")
            .create()
        try await SQLIndex.create(on: database, table: Organization.schema, columns: ["path"])
        try await SQLIndex.create(on: database, table: Organization.schema, columns: ["parent_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Organization.schema).delete()
    }
}
