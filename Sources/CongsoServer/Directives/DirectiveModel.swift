import CongsoCore
import Fluent
import Vapor

/// A directive (chỉ thị, công văn) as data. Every edit bumps `version` and keeps the
/// earlier state in `directive_versions`.
final class Directive: Model, @unchecked Sendable {
    static let schema = "directives"

    @ID(key: .id) var id: UUID?
    @Field(key: "number") var number: String
    @Field(key: "issuer") var issuer: String
    @Field(key: "title") var title: String
    @Field(key: "scope_org_id") var scopeOrgID: UUID
    @Field(key: "scope_path") var scopePath: String
    @Field(key: "effective_from") var effectiveFrom: String
    @OptionalField(key: "effective_to") var effectiveTo: String?
    @Field(key: "rules") var rulesJSON: String
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var rules: DirectiveRules {
        get { (try? JSONDecoder().decode(DirectiveRules.self, from: Data(rulesJSON.utf8))) ?? DirectiveRules() }
        set {
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys]
            rulesJSON = String(decoding: (try? e.encode(newValue)) ?? Data("{}".utf8), as: UTF8.self)
        }
    }

    var inForce: DirectiveInForce {
        DirectiveInForce(id: id!.uuidString, number: number, scope: OrgPath(scopePath),
                         effectiveFrom: LocalDate(effectiveFrom)!, effectiveTo: effectiveTo.flatMap(LocalDate.init), rules: rules)
    }

    var auditSnapshot: [String: String] {
        ["number": number, "issuer": issuer, "title": title, "scopeOrgID": scopeOrgID.uuidString,
         "effectiveFrom": effectiveFrom, "effectiveTo": effectiveTo ?? "", "rules": rulesJSON, "version": String(version)]
    }
}

final class DirectiveVersion: Model, @unchecked Sendable {
    static let schema = "directive_versions"

    @ID(key: .id) var id: UUID?
    @Field(key: "directive_id") var directiveID: UUID
    @Field(key: "version") var version: Int
    @Field(key: "snapshot") var snapshot: String
    @Field(key: "edited_by") var editedBy: String
    @Field(key: "edited_at") var editedAt: Date

    init() {}

    init(of d: Directive, by: String) {
        id = UUID()
        directiveID = d.id!
        version = d.version
        snapshot = AuditService.json(d.auditSnapshot)
        editedBy = by
        editedAt = Date()
    }
}

struct CreateDirectives: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Directive.schema)
            .id()
            .field("number", .string, .required)
            .field("issuer", .string, .required)
            .field("title", .string, .required)
            .field("scope_org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("scope_path", .string, .required)
            .field("effective_from", .string, .required)
            .field("effective_to", .string)
            .field("rules", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(DirectiveVersion.schema)
            .id()
            .field("directive_id", .uuid, .required, .references(Directive.schema, "id"))
            .field("version", .int, .required)
            .field("snapshot", .string, .required)
            .field("edited_by", .string, .required)
            .field("edited_at", .datetime, .required)
            .unique(on: "directive_id", "version")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DirectiveVersion.schema).delete()
        try await database.schema(Directive.schema).delete()
    }
}
