import CongsoCore
import Fluent
import Vapor

/// One entry of an org's register (Decree 30/2020): incoming (sổ văn bản đến), outgoing
/// (sổ văn bản đi) or classified (metadata only). `serial` is the number in the register's
/// yearly series: the arrival number for incoming and classified ones, the document's own
/// number for outgoing ones.
final class OfficialDocument: Model, @unchecked Sendable {
    static let schema = "documents"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "register") var register: DocumentRegister
    @Field(key: "year") var year: Int
    @Field(key: "serial") var serial: Int
    /// Số, ký hiệu as written on the document.
    @Field(key: "number_symbol") var numberSymbol: String
    /// DocumentNumber.duplicateKey plus the folded issuer, for the duplicate warning.
    @Field(key: "duplicate_key") var duplicateKey: String
    /// Arrival date (incoming, classified) or issue date (outgoing), yyyy-MM-dd.
    @Field(key: "registered_on") var registeredOn: String
    @Field(key: "document_date") var documentDate: String
    /// Tác giả: the issuing body (for an outgoing one, the org itself).
    @Field(key: "issuer") var issuer: String
    @OptionalField(key: "type") var type: DocumentType?
    /// Trích yếu; empty for classified documents, whose content stays on paper.
    @Field(key: "summary") var summary: String
    @Field(key: "urgency") var urgency: DocumentUrgency
    @OptionalField(key: "classification") var classification: Classification?
    @OptionalField(key: "recipient_org_id") var recipientOrgID: UUID?
    @OptionalField(key: "recipient_staff_id") var recipientStaffID: UUID?
    @OptionalField(key: "transfer_date") var transferDate: String?
    @OptionalField(key: "acknowledged_at") var acknowledgedAt: Date?
    @OptionalField(key: "acknowledged_by") var acknowledgedBy: String?
    @Field(key: "notes") var notes: String
    // Outgoing only.
    @OptionalField(key: "signer") var signer: String?
    /// Nơi nhận: internal units' names and outside bodies, one per line.
    @OptionalField(key: "recipients") var recipients: String?
    @OptionalField(key: "copies") var copies: Int?
    @OptionalField(key: "file_keeper_org_id") var fileKeeperOrgID: UUID?
    /// The incoming document this one answers.
    @OptionalField(key: "reply_to_id") var replyToID: UUID?
    // Classified only: who holds the paper and where it is kept.
    @OptionalField(key: "holder_staff_id") var holderStaffID: UUID?
    @OptionalField(key: "storage_location") var storageLocation: String?
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var path: OrgPath { OrgPath(orgPath) }
}

/// The last number given in a register's yearly series; raised inside the registering
/// transaction, so two clerks never get one number.
final class DocumentSeries: Model, @unchecked Sendable {
    static let schema = "document_series"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "register") var register: DocumentRegister
    @Field(key: "year") var year: Int
    @Field(key: "last") var last: Int

    init() {}
}

/// Phiếu giải quyết: one line of a routing, the task it created and who it went to.
final class DocumentRoute: Model, @unchecked Sendable {
    static let schema = "document_routes"

    @ID(key: .id) var id: UUID?
    @Field(key: "document_id") var documentID: UUID
    @Field(key: "task_id") var taskID: UUID
    @Field(key: "role") var role: Role
    @OptionalField(key: "org_id") var orgID: UUID?
    @OptionalField(key: "staff_id") var staffID: UUID?
    @Field(key: "deadline") var deadline: String
    @Field(key: "instruction") var instruction: String
    @Field(key: "routed_by") var routedBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    /// The unit or person in charge, or one that co-operates.
    enum Role: String, Codable, Sendable { case lead, cooperate }
}

/// An attachment: the bytes live once under the data directory by their SHA-256.
final class DocumentFile: Model, @unchecked Sendable {
    static let schema = "document_files"

    @ID(key: .id) var id: UUID?
    @Field(key: "document_id") var documentID: UUID
    @Field(key: "sha256") var sha256: String
    @Field(key: "file_name") var fileName: String
    @Field(key: "kind") var kind: FileKind
    @Field(key: "size") var size: Int
    @Field(key: "uploaded_by") var uploadedBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// The document's access history: every file read, and every view of a classified entry.
final class DocumentAccessEntry: Model, @unchecked Sendable {
    static let schema = "document_access"

    @ID(key: .id) var id: UUID?
    @Field(key: "document_id") var documentID: UUID
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "actor_name") var actorName: String
    @Field(key: "action") var action: Action
    @Field(key: "detail") var detail: String
    @Timestamp(key: "at", on: .create) var at: Date?

    init() {}

    enum Action: String, Codable, Sendable { case view, download }
}

struct CreateDocuments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OfficialDocument.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("register", .string, .required)
            .field("year", .int, .required)
            .field("serial", .int, .required)
            .field("number_symbol", .string, .required)
            .field("duplicate_key", .string, .required)
            .field("registered_on", .string, .required)
            .field("document_date", .string, .required)
            .field("issuer", .string, .required)
            .field("type", .string)
            .field("summary", .string, .required)
            .field("urgency", .string, .required)
            .field("classification", .string)
            .field("recipient_org_id", .uuid, .references(Organization.schema, "id"))
            .field("recipient_staff_id", .uuid, .references(StaffMember.schema, "id"))
            .field("transfer_date", .string)
            .field("acknowledged_at", .datetime)
            .field("acknowledged_by", .string)
            .field("notes", .string, .required)
            .field("signer", .string)
            .field("recipients", .string)
            .field("copies", .int)
            .field("file_keeper_org_id", .uuid, .references(Organization.schema, "id"))
            .field("reply_to_id", .uuid, .references(OfficialDocument.schema, "id"))
            .field("holder_staff_id", .uuid, .references(StaffMember.schema, "id"))
            .field("storage_location", .string)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "org_id", "register", "year", "serial")
            .create()
        try await SQLIndex.create(on: database, table: OfficialDocument.schema, columns: ["org_path", "register", "year"])
        try await SQLIndex.create(on: database, table: OfficialDocument.schema, columns: ["duplicate_key"])
        try await SQLIndex.create(on: database, table: OfficialDocument.schema, columns: ["reply_to_id"])
        try await database.schema(DocumentSeries.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("register", .string, .required)
            .field("year", .int, .required)
            .field("last", .int, .required)
            .unique(on: "org_id", "register", "year")
            .create()
        try await database.schema(DocumentRoute.schema)
            .id()
            .field("document_id", .uuid, .required, .references(OfficialDocument.schema, "id"))
            .field("task_id", .uuid, .required, .references(WorkTask.schema, "id"))
            .field("role", .string, .required)
            .field("org_id", .uuid, .references(Organization.schema, "id"))
            .field("staff_id", .uuid, .references(StaffMember.schema, "id"))
            .field("deadline", .string, .required)
            .field("instruction", .string, .required)
            .field("routed_by", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "task_id")
            .create()
        try await SQLIndex.create(on: database, table: DocumentRoute.schema, columns: ["document_id"])
        try await database.schema(DocumentFile.schema)
            .id()
            .field("document_id", .uuid, .required, .references(OfficialDocument.schema, "id"))
            .field("sha256", .string, .required)
            .field("file_name", .string, .required)
            .field("kind", .string, .required)
            .field("size", .int, .required)
            .field("uploaded_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: DocumentFile.schema, columns: ["document_id"])
        try await database.schema(DocumentAccessEntry.schema)
            .id()
            .field("document_id", .uuid, .required, .references(OfficialDocument.schema, "id"))
            .field("user_id", .uuid)
            .field("actor_name", .string, .required)
            .field("action", .string, .required)
            .field("detail", .string, .required)
            .field("at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: DocumentAccessEntry.schema, columns: ["document_id", "at"])
    }

    func revert(on database: any Database) async throws {
        for schema in [DocumentAccessEntry.schema, DocumentFile.schema, DocumentRoute.schema, DocumentSeries.schema, OfficialDocument.schema] {
            try await database.schema(schema).delete()
        }
    }
}
