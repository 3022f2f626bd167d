import CongsoCore
import Fluent
import Vapor

/// A request to work on site for one day and shift, with its exemption reason.
final class OnSiteRequest: Model, @unchecked Sendable {
    static let schema = "onsite_requests"

    @ID(key: .id) var id: UUID?
    @Field(key: "staff_id") var staffID: UUID
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "date") var date: String
    @Field(key: "shift") var shift: Shift
    @Field(key: "reason") var reason: ExemptionReason
    @Field(key: "justification") var justification: String
    @OptionalField(key: "test_taken_on") var testTakenOn: String?
    @OptionalField(key: "test_kind") var testKind: String?
    @OptionalField(key: "test_outcome") var testOutcome: String?
    @Field(key: "status") var status: Status
    @OptionalField(key: "requested_by") var requestedBy: UUID?
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @Field(key: "decision_comment") var decisionComment: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    enum Status: String, Codable, CaseIterable, Sendable {
        case pending, approved, rejected
        /// Set aside without a decision: a duplicate found when the unique index came in.
        case withdrawn

        /// The requests that count: one of these per person, day and shift (a unique index says so).
        static let live: [Status] = [.pending, .approved]
    }

    var test: TestResult? {
        guard let on = testTakenOn.flatMap(LocalDate.init), let k = testKind.flatMap(TestResult.Kind.init(rawValue:)),
              let o = testOutcome.flatMap(TestResult.Outcome.init(rawValue:)) else { return nil }
        return TestResult(takenOn: on, kind: k, outcome: o)
    }

    var auditSnapshot: [String: String] {
        ["staffID": staffID.uuidString, "orgID": orgID.uuidString, "date": date, "shift": shift.rawValue, "reason": reason.rawValue,
         "justification": justification, "test": [testTakenOn, testKind, testOutcome].compactMap { $0 }.joined(separator: " "),
         "status": status.rawValue, "decisionComment": decisionComment]
    }
}

/// One numbered on-site place of a unit, day and shift. Approving a request takes a
/// free number ≤ cap; the unique index makes two racing approvals unable to take the
/// same one, on SQLite and PostgreSQL alike, so the cap holds inside the transaction.
final class OnSiteSlot: Model, @unchecked Sendable {
    static let schema = "onsite_slots"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "date") var date: String
    @Field(key: "shift") var shift: Shift
    @Field(key: "slot") var slot: Int
    @Field(key: "request_id") var requestID: UUID

    init() {}

    init(orgID: UUID, date: String, shift: Shift, slot: Int, requestID: UUID) {
        id = UUID()
        self.orgID = orgID
        self.date = date
        self.shift = shift
        self.slot = slot
        self.requestID = requestID
    }
}

/// A check-in at the office, closed by a check-out.
final class PresenceEntry: Model, @unchecked Sendable {
    static let schema = "presence_entries"

    @ID(key: .id) var id: UUID?
    @Field(key: "staff_id") var staffID: UUID
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "date") var date: String
    @Field(key: "shift") var shift: Shift
    @Field(key: "checked_in_at") var checkedInAt: Date
    @OptionalField(key: "checked_out_at") var checkedOutAt: Date?

    init() {}
}

/// A special unit's request for a higher cap: unit → Home Affairs (opinion) → steering.
final class CapException: Model, @unchecked Sendable {
    static let schema = "cap_exceptions"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "requested_max") var requestedMax: Int
    @Field(key: "justification") var justification: String
    @Field(key: "valid_from") var validFrom: String
    @Field(key: "valid_until") var validUntil: String
    @Field(key: "status") var status: Status
    @Field(key: "filed_by") var filedBy: UUID
    @Field(key: "home_affairs_opinion") var homeAffairsOpinion: String
    @OptionalField(key: "forwarded_by") var forwardedBy: String?
    @OptionalField(key: "forwarded_at") var forwardedAt: Date?
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @Field(key: "decision_comment") var decisionComment: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    enum Status: String, Codable, CaseIterable, Sendable { case submitted, forwarded, approved, rejected }

    var auditSnapshot: [String: String] {
        ["orgID": orgID.uuidString, "requestedMax": String(requestedMax), "justification": justification,
         "validFrom": validFrom, "validUntil": validUntil, "status": status.rawValue, "homeAffairsOpinion": homeAffairsOpinion,
         "decisionComment": decisionComment]
    }

    var override: CapOverride? {
        guard status == .approved, let from = LocalDate(validFrom), let until = LocalDate(validUntil) else { return nil }
        return CapOverride(id: id!.uuidString, unit: OrgPath(orgPath), maxOnSite: requestedMax, from: from, until: until)
    }
}

struct CreateOnSite: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OnSiteRequest.schema)
            .id()
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("date", .string, .required)
            .field("shift", .string, .required)
            .field("reason", .string, .required)
            .field("justification", .string, .required)
            .field("test_taken_on", .string)
            .field("test_kind", .string)
            .field("test_outcome", .string)
            .field("status", .string, .required)
            .field("requested_by", .uuid)
            .field("decided_by", .string)
            .field("decided_at", .datetime)
            .field("decision_comment", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: OnSiteRequest.schema, columns: ["org_id", "date", "shift"])
        try await database.schema(OnSiteSlot.schema)
            .id()
            .field("org_id", .uuid, .required)
            .field("date", .string, .required)
            .field("shift", .string, .required)
            .field("slot", .int, .required)
            .field("request_id", .uuid, .required, .references(OnSiteRequest.schema, "id"))
            .unique(on: "org_id", "date", "shift", "slot")
            .unique(on: "request_id")
            .create()
        try await database.schema(PresenceEntry.schema)
            .id()
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("org_id", .uuid, .required)
            .field("org_path", .string, .required)
            .field("date", .string, .required)
            .field("shift", .string, .required)
            .field("checked_in_at", .datetime, .required)
            .field("checked_out_at", .datetime)
            .unique(on: "staff_id", "date", "shift")
            .create()
        try await SQLIndex.create(on: database, table: PresenceEntry.schema, columns: ["date", "org_path"])
        try await database.schema(CapException.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("requested_max", .int, .required)
            .field("justification", .string, .required)
            .field("valid_from", .string, .required)
            .field("valid_until", .string, .required)
            .field("status", .string, .required)
            .field("filed_by", .uuid, .required)
            .field("home_affairs_opinion", .string, .required)
            .field("forwarded_by", .string)
            .field("forwarded_at", .datetime)
            .field("decided_by", .string)
            .field("decided_at", .datetime)
            .field("decision_comment", .string, .required)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        for s in [CapException.schema, PresenceEntry.schema, OnSiteSlot.schema, OnSiteRequest.schema] {
            try await database.schema(s).delete()
        }
    }
}
