import CongsoCore
import SQLKit
import Fluent
import Foundation

/// An inspection team (đoàn kiểm tra): inspectors working over a subtree.
final class InspectionTeam: Model, @unchecked Sendable {
    static let schema = "inspection_teams"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "name") var name: String
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

final class InspectionTeamMember: Model, @unchecked Sendable {
    static let schema = "inspection_team_members"

    @ID(key: .id) var id: UUID?
    @Field(key: "team_id") var teamID: UUID
    @Field(key: "user_id") var userID: UUID

    init() {}
    init(team: UUID, user: UUID) { id = UUID(); teamID = team; userID = user }
}

/// What a team checks, tied to the directive it enforces.
final class InspectionChecklist: Model, @unchecked Sendable {
    static let schema = "inspection_checklists"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "directive_id") var directiveID: UUID
    @Field(key: "title") var title: String
    /// The lines to check, as a JSON array of strings.
    @Field(key: "items") var itemsJSON: String
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var items: [String] { (try? JSONDecoder().decode([String].self, from: Data(itemsJSON.utf8))) ?? [] }
}

/// A drawn sample: its method, seed and strata are kept so anyone can draw it again.
final class InspectionSampleRecord: Model, @unchecked Sendable {
    static let schema = "inspection_samples"

    @ID(key: .id) var id: UUID?
    @Field(key: "team_id") var teamID: UUID
    @Field(key: "checklist_id") var checklistID: UUID
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "seed") var seed: String
    @Field(key: "size") var size: Int
    @Field(key: "population") var population: Int
    /// The strata as JSON: district id, last result, population, drawn.
    @Field(key: "strata") var strataJSON: String
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// A unit of a sample, visited or still to visit.
final class InspectionVisit: Model, @unchecked Sendable {
    static let schema = "inspection_visits"

    @ID(key: .id) var id: UUID?
    @Field(key: "sample_id") var sampleID: UUID
    @Field(key: "team_id") var teamID: UUID
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "stratum") var stratum: String
    @Field(key: "status") var status: InspectionVisitStatus
    @OptionalField(key: "visited_on") var visitedOn: String?
    /// One finding per checklist line: {"item", "result", "note"} as JSON.
    @Field(key: "findings") var findingsJSON: String
    @Field(key: "summary") var summary: String
    @OptionalField(key: "recorded_by") var recordedBy: String?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    struct Finding: Codable, Sendable, Equatable { var item: String; var result: FindingResult; var note: String }
    var findings: [Finding] { (try? JSONDecoder().decode([Finding].self, from: Data(findingsJSON.utf8))) ?? [] }
}

/// A photo taken on a visit, kept by SHA-256 like every other upload.
final class InspectionPhoto: Model, @unchecked Sendable {
    static let schema = "inspection_photos"

    @ID(key: .id) var id: UUID?
    @Field(key: "visit_id") var visitID: UUID
    @Field(key: "sha256") var sha256: String
    @Field(key: "file_name") var fileName: String
    @Field(key: "kind") var kind: FileKind
    @Field(key: "size") var size: Int
    @Field(key: "uploaded_by") var uploadedBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// A violation charged to the head of the visited unit, with a deadline to put it right.
final class InspectionViolation: Model, @unchecked Sendable {
    static let schema = "inspection_violations"

    @ID(key: .id) var id: UUID?
    @Field(key: "visit_id") var visitID: UUID
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @OptionalField(key: "head_staff_id") var headStaffID: UUID?
    @Field(key: "head_name") var headName: String
    @Field(key: "description") var details: String
    @Field(key: "deadline") var deadline: String
    @Field(key: "status") var status: ViolationStatus
    @Field(key: "answer") var answer: String
    @OptionalField(key: "answered_at") var answeredAt: Date?
    @OptionalField(key: "answered_by") var answeredBy: String?
    @Field(key: "closing_note") var closingNote: String
    @OptionalField(key: "closed_at") var closedAt: Date?
    @OptionalField(key: "closed_by") var closedBy: String?
    @Field(key: "charged_by") var chargedBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var auditSnapshot: [String: String] {
        ["status": status.rawValue, "deadline": deadline, "description": details, "answer": answer, "closingNote": closingNote]
    }
}

struct CreateInspections: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(InspectionTeam.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("name", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(InspectionTeamMember.schema)
            .id()
            .field("team_id", .uuid, .required, .references(InspectionTeam.schema, "id"))
            .field("user_id", .uuid, .required, .references(User.schema, "id"))
            .unique(on: "team_id", "user_id")
            .create()
        try await database.schema(InspectionChecklist.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("directive_id", .uuid, .required, .references(Directive.schema, "id"))
            .field("title", .string, .required)
            .field("items", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(InspectionSampleRecord.schema)
            .id()
            .field("team_id", .uuid, .required, .references(InspectionTeam.schema, "id"))
            .field("checklist_id", .uuid, .required, .references(InspectionChecklist.schema, "id"))
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("seed", .string, .required)
            .field("size", .int, .required)
            .field("population", .int, .required)
            .field("strata", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(InspectionVisit.schema)
            .id()
            .field("sample_id", .uuid, .required, .references(InspectionSampleRecord.schema, "id"))
            .field("team_id", .uuid, .required, .references(InspectionTeam.schema, "id"))
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("stratum", .string, .required)
            .field("status", .string, .required)
            .field("visited_on", .string)
            .field("findings", .string, .required)
            .field("summary", .string, .required)
            .field("recorded_by", .string)
            .field("updated_at", .datetime)
            .unique(on: "sample_id", "org_id")
            .create()
        try await SQLIndex.create(on: database, table: InspectionVisit.schema, columns: ["org_id", "status"])
        try await database.schema(InspectionPhoto.schema)
            .id()
            .field("visit_id", .uuid, .required, .references(InspectionVisit.schema, "id"))
            .field("sha256", .string, .required)
            .field("file_name", .string, .required)
            .field("kind", .string, .required)
            .field("size", .int, .required)
            .field("uploaded_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(InspectionViolation.schema)
            .id()
            .field("visit_id", .uuid, .required, .references(InspectionVisit.schema, "id"))
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("head_staff_id", .uuid)
            .field("head_name", .string, .required)
            .field("description", .string, .required)
            .field("deadline", .string, .required)
            .field("status", .string, .required)
            .field("answer", .string, .required)
            .field("answered_at", .datetime)
            .field("answered_by", .string)
            .field("closing_note", .string, .required)
            .field("closed_at", .datetime)
            .field("closed_by", .string)
            .field("charged_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: InspectionViolation.schema, columns: ["status", "org_path"])
    }

    func revert(on database: any Database) async throws {
        for s in [InspectionViolation.schema, InspectionPhoto.schema, InspectionVisit.schema, InspectionSampleRecord.schema,
                  InspectionChecklist.schema, InspectionTeamMember.schema, InspectionTeam.schema] {
            try await database.schema(s).delete()
        }
    }
}

/// Open violations per unit path, for the dashboard.
enum InspectionFigures {
    struct Row: Decodable, Sendable { let path: String; let n: Int; let late: Int }

    /// `cut`: the length the paths are cut to (the node's children), as digits.
    static func openViolations(under like: String, cut: String, today: LocalDate, sql: any SQLDatabase) async throws -> [Row] {
        precondition(cut.allSatisfy(\.isNumber))
        return try await sql.raw("""
            SELECT substr(org_path, 1, \(unsafeRaw: cut)) AS path, COUNT(*) AS n, SUM(CASE WHEN deadline < \(bind: today.value) THEN 1 ELSE 0 END) AS late
            FROM inspection_violations WHERE status IN ('open', 'answered') AND org_path LIKE \(bind: like) GROUP BY substr(org_path, 1, \(unsafeRaw: cut))
            """).all(decoding: Row.self)
    }
}
