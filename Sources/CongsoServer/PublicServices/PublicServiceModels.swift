import CongsoCore
import Fluent
import Vapor

/// A procedure (thủ tục hành chính) an agency handles: its legal processing time, fee,
/// required papers and how far it is offered online.
final class ServiceProcedure: Model, @unchecked Sendable {
    static let schema = "procedures"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    /// The name folded (VietnameseText.fold), for search without accents.
    @Field(key: "name_fold") var nameFold: String
    /// ProcessingTime's text: "15d" or "8h".
    @Field(key: "processing") var processing: String
    /// Lệ phí in đồng; 0 when free.
    @Field(key: "fee") var fee: Int
    @Field(key: "online_level") var onlineLevel: OnlineLevel
    @Field(key: "by_post") var byPost: Bool
    /// The required papers as JSON: [{"name": …, "scan": true}].
    @Field(key: "papers") var papersJSON: String
    @Field(key: "active") var active: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    struct Paper: Codable, Equatable, Sendable {
        var name: String
        /// A scan is accepted (online); otherwise the original goes to the desk.
        var scan: Bool
    }

    var papers: [Paper] {
        get { (try? JSONDecoder().decode([Paper].self, from: Data(papersJSON.utf8))) ?? [] }
        set { papersJSON = String(decoding: (try? JSONEncoder().encode(newValue)) ?? Data("[]".utf8), as: UTF8.self) }
    }

    var time: ProcessingTime { ProcessingTime(processing) ?? .workingDays(0) }
}

/// A citizen's dossier (hồ sơ) and where it is at the one-stop desk.
final class ServiceApplication: Model, @unchecked Sendable {
    static let schema = "service_applications"

    @ID(key: .id) var id: UUID?
    /// Mã hồ sơ, given to the citizen; unique.
    @Field(key: "code") var code: String
    @Field(key: "procedure_id") var procedureID: UUID
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "channel") var channel: ApplicationChannel
    @Field(key: "status") var status: ApplicationStatus
    @Field(key: "applicant_name") var applicantName: String
    /// PhoneNumber.normalize'd; the second key of the public lookup.
    @Field(key: "applicant_phone") var applicantPhone: String
    @Field(key: "applicant_email") var applicantEmail: String
    @Field(key: "applicant_address") var applicantAddress: String
    @Field(key: "wants_post") var wantsPost: Bool
    @Field(key: "note") var note: String
    @Field(key: "submitted_at") var submittedAt: Date
    @OptionalField(key: "received_at") var receivedAt: Date?
    /// The promised instant (ngày hẹn trả); moves when a suspension ends or an apology sets a new one.
    @OptionalField(key: "due_at") var dueAt: Date?
    /// The promise the law makes: set at receipt, moved only by a suspension (the time spent
    /// waiting for the citizen), never by an apology; the on-time count of Decision 766 uses it.
    @OptionalField(key: "legal_due_at") var legalDueAt: Date?
    @OptionalField(key: "suspended_at") var suspendedAt: Date?
    /// ProcessingTime's text: what was left when the clock stopped.
    @OptionalField(key: "remaining") var remaining: String?
    @OptionalField(key: "finished_at") var finishedAt: Date?
    @OptionalField(key: "returned_at") var returnedAt: Date?
    @OptionalField(key: "return_method") var returnMethod: ReturnMethod?
    @OptionalField(key: "postal_tracking") var postalTracking: String?
    @OptionalField(key: "assignee_staff_id") var assigneeStaffID: UUID?
    /// The last reason given: what is missing, why refused, why suspended.
    @Field(key: "reason") var reason: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var path: OrgPath { OrgPath(orgPath) }
    /// Past the promise and not finished: an apology is owed.
    func isLate(now: Date) -> Bool {
        guard let due = dueAt, status.wasReceived, !status.isFinished, status != .suspended else { return false }
        return now > due
    }
}

/// An uploaded paper of a dossier; the bytes live in the file store by SHA-256.
final class ApplicationFile: Model, @unchecked Sendable {
    static let schema = "application_files"

    @ID(key: .id) var id: UUID?
    @Field(key: "application_id") var applicationID: UUID
    /// Which required paper (its index in the procedure's list).
    @Field(key: "paper") var paper: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "file_name") var fileName: String
    @Field(key: "kind") var kind: FileKind
    @Field(key: "size") var size: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// One step of a dossier, as the citizen sees it in the lookup: the state it led to, the
/// reason, and the promised date at that moment. An apology letter is a step too.
final class ApplicationEvent: Model, @unchecked Sendable {
    static let schema = "application_events"

    enum Kind: String, Codable, CaseIterable, Sendable {
        case submitted, received, incomplete, refused, completed, assigned, suspended, resumed, approved, returned, apology
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "application_id") var applicationID: UUID
    @Field(key: "kind") var kind: Kind
    @Field(key: "status") var status: ApplicationStatus
    @Field(key: "note") var note: String
    @OptionalField(key: "due_at") var dueAt: Date?
    /// Who did it: an officer's name, or empty for the citizen.
    @Field(key: "actor_name") var actorName: String
    @Field(key: "at") var at: Date

    init() {}
}

struct CreatePublicServices: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ServiceProcedure.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("name_fold", .string, .required)
            .field("processing", .string, .required)
            .field("fee", .int, .required)
            .field("online_level", .string, .required)
            .field("by_post", .bool, .required)
            .field("papers", .string, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "org_id", "code")
            .create()
        try await SQLIndex.create(on: database, table: ServiceProcedure.schema, columns: ["org_path"])
        try await database.schema(ServiceApplication.schema)
            .id()
            .field("code", .string, .required)
            .field("procedure_id", .uuid, .required, .references(ServiceProcedure.schema, "id"))
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("channel", .string, .required)
            .field("status", .string, .required)
            .field("applicant_name", .string, .required)
            .field("applicant_phone", .string, .required)
            .field("applicant_email", .string, .required)
            .field("applicant_address", .string, .required)
            .field("wants_post", .bool, .required)
            .field("note", .string, .required)
            .field("submitted_at", .datetime, .required)
            .field("received_at", .datetime)
            .field("due_at", .datetime)
            .field("legal_due_at", .datetime)
            .field("suspended_at", .datetime)
            .field("remaining", .string)
            .field("finished_at", .datetime)
            .field("returned_at", .datetime)
            .field("return_method", .string)
            .field("postal_tracking", .string)
            .field("assignee_staff_id", .uuid, .references(StaffMember.schema, "id"))
            .field("reason", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "code")
            .create()
        try await SQLIndex.create(on: database, table: ServiceApplication.schema, columns: ["org_path", "status"])
        try await SQLIndex.create(on: database, table: ServiceApplication.schema, columns: ["org_path", "received_at"])
        try await database.schema(ApplicationFile.schema)
            .id()
            .field("application_id", .uuid, .required, .references(ServiceApplication.schema, "id"))
            .field("paper", .int, .required)
            .field("sha256", .string, .required)
            .field("file_name", .string, .required)
            .field("kind", .string, .required)
            .field("size", .int, .required)
            .field("created_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: ApplicationFile.schema, columns: ["application_id"])
        try await database.schema(ApplicationEvent.schema)
            .id()
            .field("application_id", .uuid, .required, .references(ServiceApplication.schema, "id"))
            .field("kind", .string, .required)
            .field("status", .string, .required)
            .field("note", .string, .required)
            .field("due_at", .datetime)
            .field("actor_name", .string, .required)
            .field("at", .datetime, .required)
            .create()
        try await SQLIndex.create(on: database, table: ApplicationEvent.schema, columns: ["application_id", "at"])
    }

    func revert(on database: any Database) async throws {
        for schema in [ApplicationEvent.schema, ApplicationFile.schema, ServiceApplication.schema, ServiceProcedure.schema] {
            try await database.schema(schema).delete()
        }
    }
}
