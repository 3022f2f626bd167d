import CongsoCore
import Fluent
import Vapor

/// A travel permit: listed by a unit lead, approved by the head, then issued as a
/// signed VNP1 string.
final class Permit: Model, @unchecked Sendable {
    static let schema = "permits"

    @ID(key: .id) var id: UUID?
    @Field(key: "number") var number: String
    @Field(key: "staff_id") var staffID: UUID
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "holder_name") var holderName: String
    @Field(key: "id_number") var idNumber: String
    @Field(key: "position") var position: String
    @Field(key: "purpose") var purpose: String
    @Field(key: "from_address") var fromAddress: String
    @Field(key: "to_address") var toAddress: String
    @Field(key: "plate") var plate: String
    @Field(key: "valid_from") var validFrom: String
    @Field(key: "valid_until") var validUntil: String
    @Field(key: "status") var status: Status
    @OptionalField(key: "token") var token: String?
    @OptionalField(key: "kid") var kid: String?
    @OptionalField(key: "requested_by") var requestedBy: String?
    @OptionalField(key: "approved_by") var approvedBy: String?
    @OptionalField(key: "approved_at") var approvedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @Field(key: "revoke_reason") var revokeReason: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    enum Status: String, Codable, CaseIterable, Sendable {
        case requested, approved, revoked
        /// Held while its holder is isolating or under monitoring: on the revocation list, and
        /// approved again when the state ends (issue 16).
        case suspended
    }

    var content: PermitContent {
        PermitContent(id: number, name: holderName, idNumber: idNumber, org: "", purpose: purpose, from: fromAddress, to: toAddress,
                      plate: plate.isEmpty ? nil : plate, validFrom: LocalDate(validFrom)!, validUntil: LocalDate(validUntil)!)
    }

    var auditSnapshot: [String: String] {
        ["number": number, "staffID": staffID.uuidString, "holderName": holderName, "idNumber": PermitContent.mask(idNumber),
         "purpose": purpose, "from": fromAddress, "to": toAddress, "plate": plate, "validFrom": validFrom,
         "validUntil": validUntil, "status": status.rawValue, "kid": kid ?? "", "revokeReason": revokeReason]
    }
}

/// A signing key's public half and life; the private half lives in a 0600 file.
final class PermitKey: Model, @unchecked Sendable {
    static let schema = "permit_keys"

    @ID(key: .id) var id: UUID?
    @Field(key: "kid") var kid: String
    @Field(key: "public_der") var publicDER: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "retired_at") var retiredAt: Date?

    init() {}
}

struct CreatePermits: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Permit.schema)
            .id()
            .field("number", .string, .required)
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("holder_name", .string, .required)
            .field("id_number", .string, .required)
            .field("position", .string, .required)
            .field("purpose", .string, .required)
            .field("from_address", .string, .required)
            .field("to_address", .string, .required)
            .field("plate", .string, .required)
            .field("valid_from", .string, .required)
            .field("valid_until", .string, .required)
            .field("status", .string, .required)
            .field("token", .string)
            .field("kid", .string)
            .field("requested_by", .string)
            .field("approved_by", .string)
            .field("approved_at", .datetime)
            .field("revoked_at", .datetime)
            .field("revoke_reason", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "number")
            .create()
        try await SQLIndex.create(on: database, table: Permit.schema, columns: ["org_path"])
        try await database.schema(PermitKey.schema)
            .id()
            .field("kid", .string, .required)
            .field("public_der", .string, .required)
            .field("created_at", .datetime)
            .field("retired_at", .datetime)
            .unique(on: "kid")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PermitKey.schema).delete()
        try await database.schema(Permit.schema).delete()
    }
}
