import CongsoCore
import Fluent
import Vapor

/// A health declaration (tờ khai y tế) by a staff member, or by a visitor at the front desk.
final class HealthDeclaration: Model, @unchecked Sendable {
    static let schema = "health_declarations"

    @ID(key: .id) var id: UUID?
    @OptionalField(key: "staff_id") var staffID: UUID?
    @OptionalField(key: "visit_id") var visitID: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "declared_at") var declaredAt: Date
    /// Symptom raw values joined by ";".
    @Field(key: "symptoms") var symptomsText: String
    @Field(key: "no_symptoms") var noSymptoms: Bool
    @OptionalField(key: "contact_with_case") var contactWithCase: Bool?
    @OptionalField(key: "test_taken_on") var testTakenOn: String?
    @OptionalField(key: "test_kind") var testKind: String?
    @OptionalField(key: "test_outcome") var testOutcome: String?
    /// The visited places as JSON ([VisitedPlace]).
    @Field(key: "places") var placesJSON: String
    @Field(key: "no_places") var noPlaces: Bool
    @OptionalField(key: "temperature") var temperature: Double?
    /// What it started, if anything (a HealthBasis).
    @OptionalField(key: "outcome") var outcome: HealthBasis?
    @OptionalField(key: "trip_id") var tripID: UUID?
    @Field(key: "declared_by") var declaredBy: String

    init() {}

    var symptoms: [Symptom] { symptomsText.split(separator: ";").compactMap { Symptom(rawValue: String($0)) } }

    var places: [VisitedPlace] {
        (try? HealthCodec.decoder.decode([VisitedPlace].self, from: Data(placesJSON.utf8))) ?? []
    }

    var test: TestResult? {
        guard let on = testTakenOn.flatMap(LocalDate.init), let k = testKind.flatMap(TestResult.Kind.init(rawValue:)),
              let o = testOutcome.flatMap(TestResult.Outcome.init(rawValue:)) else { return nil }
        return TestResult(takenOn: on, kind: k, outcome: o)
    }

    var input: HealthDeclarationInput {
        HealthDeclarationInput(symptoms: symptoms, noSymptoms: noSymptoms, contactWithCase: contactWithCase, test: test,
                               places: places, noPlaces: noPlaces, temperature: temperature)
    }
}

enum HealthCodec {
    static let encoder: JSONEncoder = { let e = JSONEncoder(); e.dateEncodingStrategy = .iso8601; e.outputFormatting = .sortedKeys; return e }()
    static let decoder: JSONDecoder = { let d = JSONDecoder(); d.dateDecodingStrategy = .iso8601; return d }()
}

/// Monitoring or isolation of one person over dates. Active on a day from `startsOn` to
/// `lastDay` unless ended before: `endedOn` is the first day free again.
final class HealthState: Model, @unchecked Sendable {
    static let schema = "health_states"

    @ID(key: .id) var id: UUID?
    @Field(key: "staff_id") var staffID: UUID
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "kind") var kind: HealthStateKind
    @Field(key: "basis") var basis: HealthBasis
    @Field(key: "starts_on") var startsOn: String
    @Field(key: "last_day") var lastDay: String
    /// What caused it, in words: the matched outbreak place, the traced case and shift.
    @Field(key: "detail") var detail: String
    @OptionalField(key: "source_id") var sourceID: UUID?
    @OptionalField(key: "ended_on") var endedOn: String?
    @OptionalField(key: "end_reason") var endReason: String?
    /// The staff status before isolation set it to `isolating`, restored at the end.
    @Field(key: "previous_status") var previousStatus: StaffStatus
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    func active(on day: LocalDate) -> Bool {
        startsOn <= day.value && day.value <= lastDay && (endedOn.map { day.value < $0 } ?? true)
    }

    var auditSnapshot: [String: String] {
        ["staffID": staffID.uuidString, "kind": kind.rawValue, "basis": basis.rawValue, "startsOn": startsOn, "lastDay": lastDay,
         "endedOn": endedOn ?? "", "endReason": endReason ?? ""]
    }
}

/// A place and time announced as visited by a case; declarations that overlap it monitor.
final class OutbreakPlaceRecord: Model, @unchecked Sendable {
    static let schema = "outbreak_places"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "place") var place: String
    @Field(key: "address") var address: String
    @Field(key: "from_at") var fromAt: Date
    @Field(key: "to_at") var toAt: Date
    @Field(key: "source") var source: String
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var core: OutbreakPlace { OutbreakPlace(id: id!.uuidString, place: place, address: address, from: fromAt, to: toAt) }
}

/// Leaving the city on a weekend or holiday: asked before, approved by the head, reported on
/// return, with a declaration due within the directive's hours of the return.
final class CityTrip: Model, @unchecked Sendable {
    static let schema = "city_trips"

    @ID(key: .id) var id: UUID?
    @Field(key: "staff_id") var staffID: UUID
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "leave_on") var leaveOn: String
    @Field(key: "return_on") var returnOn: String
    @Field(key: "destination") var destination: String
    @Field(key: "purpose") var purpose: String
    @Field(key: "status") var status: Status
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @Field(key: "decision_comment") var decisionComment: String
    @OptionalField(key: "returned_at") var returnedAt: Date?
    @OptionalField(key: "declaration_due_at") var declarationDueAt: Date?
    @OptionalField(key: "declaration_id") var declarationID: UUID?
    /// When the head was told the return report, or the declaration, was late.
    @OptionalField(key: "return_flagged_at") var returnFlaggedAt: Date?
    @OptionalField(key: "declaration_flagged_at") var declarationFlaggedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    enum Status: String, Codable, CaseIterable, Sendable { case requested, approved, rejected, returned }

    var auditSnapshot: [String: String] {
        ["staffID": staffID.uuidString, "leaveOn": leaveOn, "returnOn": returnOn, "destination": destination, "status": status.rawValue,
         "decisionComment": decisionComment]
    }
}

/// A visitor at a unit's front desk, admitted or refused at the door.
final class VisitorVisit: Model, @unchecked Sendable {
    static let schema = "visitor_visits"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "name") var name: String
    @Field(key: "phone") var phone: String
    @OptionalField(key: "host_staff_id") var hostStaffID: UUID?
    @Field(key: "host_name") var hostName: String
    @Field(key: "temperature") var temperature: Double
    @Field(key: "admitted") var admitted: Bool
    @Field(key: "refusal") var refusal: String
    @Field(key: "date") var date: String
    @Field(key: "shift") var shift: Shift
    @Field(key: "arrived_at") var arrivedAt: Date
    @OptionalField(key: "left_at") var leftAt: Date?
    @Field(key: "recorded_by") var recordedBy: String

    init() {}
}

/// Someone a head lets read the health data of their subtree.
final class HealthDelegate: Model, @unchecked Sendable {
    static let schema = "health_delegates"

    @ID(key: .id) var id: UUID?
    @Field(key: "org_id") var orgID: UUID
    @Field(key: "org_path") var orgPath: String
    @Field(key: "user_id") var userID: UUID
    @Field(key: "granted_by") var grantedBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

struct CreateHealth: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(HealthDeclaration.schema)
            .id()
            .field("staff_id", .uuid, .references(StaffMember.schema, "id"))
            .field("visit_id", .uuid)
            .field("org_id", .uuid, .required)
            .field("org_path", .string, .required)
            .field("declared_at", .datetime, .required)
            .field("symptoms", .string, .required)
            .field("no_symptoms", .bool, .required)
            .field("contact_with_case", .bool)
            .field("test_taken_on", .string)
            .field("test_kind", .string)
            .field("test_outcome", .string)
            .field("places", .string, .required)
            .field("no_places", .bool, .required)
            .field("temperature", .double)
            .field("outcome", .string)
            .field("trip_id", .uuid)
            .field("declared_by", .string, .required)
            .create()
        try await SQLIndex.create(on: database, table: HealthDeclaration.schema, columns: ["staff_id", "declared_at"])
        try await SQLIndex.create(on: database, table: HealthDeclaration.schema, columns: ["org_path", "declared_at"])
        try await database.schema(HealthState.schema)
            .id()
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("org_id", .uuid, .required)
            .field("org_path", .string, .required)
            .field("kind", .string, .required)
            .field("basis", .string, .required)
            .field("starts_on", .string, .required)
            .field("last_day", .string, .required)
            .field("detail", .string, .required)
            .field("source_id", .uuid)
            .field("ended_on", .string)
            .field("end_reason", .string)
            .field("previous_status", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: HealthState.schema, columns: ["staff_id", "last_day"])
        try await SQLIndex.create(on: database, table: HealthState.schema, columns: ["org_path"])
        try await database.schema(OutbreakPlaceRecord.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("place", .string, .required)
            .field("address", .string, .required)
            .field("from_at", .datetime, .required)
            .field("to_at", .datetime, .required)
            .field("source", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: OutbreakPlaceRecord.schema, columns: ["to_at"])
        try await database.schema(CityTrip.schema)
            .id()
            .field("staff_id", .uuid, .required, .references(StaffMember.schema, "id"))
            .field("org_id", .uuid, .required)
            .field("org_path", .string, .required)
            .field("leave_on", .string, .required)
            .field("return_on", .string, .required)
            .field("destination", .string, .required)
            .field("purpose", .string, .required)
            .field("status", .string, .required)
            .field("decided_by", .string)
            .field("decided_at", .datetime)
            .field("decision_comment", .string, .required)
            .field("returned_at", .datetime)
            .field("declaration_due_at", .datetime)
            .field("declaration_id", .uuid)
            .field("return_flagged_at", .datetime)
            .field("declaration_flagged_at", .datetime)
            .field("created_at", .datetime)
            .create()
        try await SQLIndex.create(on: database, table: CityTrip.schema, columns: ["org_path", "status"])
        try await SQLIndex.create(on: database, table: CityTrip.schema, columns: ["staff_id"])
        try await database.schema(VisitorVisit.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("name", .string, .required)
            .field("phone", .string, .required)
            .field("host_staff_id", .uuid)
            .field("host_name", .string, .required)
            .field("temperature", .double, .required)
            .field("admitted", .bool, .required)
            .field("refusal", .string, .required)
            .field("date", .string, .required)
            .field("shift", .string, .required)
            .field("arrived_at", .datetime, .required)
            .field("left_at", .datetime)
            .field("recorded_by", .string, .required)
            .create()
        try await SQLIndex.create(on: database, table: VisitorVisit.schema, columns: ["org_id", "date", "shift"])
        try await database.schema(HealthDelegate.schema)
            .id()
            .field("org_id", .uuid, .required, .references(Organization.schema, "id"))
            .field("org_path", .string, .required)
            .field("user_id", .uuid, .required)
            .field("granted_by", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "org_id", "user_id")
            .create()
        // Contact tracing reads everyone in a unit's shift: the register needs this index.
        try await SQLIndex.create(on: database, table: PresenceEntry.schema, columns: ["org_id", "date", "shift"])
    }

    func revert(on database: any Database) async throws {
        for s in [HealthDelegate.schema, VisitorVisit.schema, CityTrip.schema, OutbreakPlaceRecord.schema, HealthState.schema, HealthDeclaration.schema] {
            try await database.schema(s).delete()
        }
    }
}
