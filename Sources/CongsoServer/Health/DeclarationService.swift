import CongsoCore
import Fluent
import Vapor

/// Staff declare their own health; the directive in force says which fields are required.
/// What a declaration says starts a state in the same transaction: symptoms or a positive
/// test isolate, contact with a case or a visit to an announced place monitors, and a
/// negative test taken since isolation began ends it. Every read by someone else is audited.
enum DeclarationService {
    struct PlaceInput: Content { var place: String?; var address: String?; var from: Date?; var to: Date? }

    struct Input: Content {
        var symptoms: [String]?
        var noSymptoms: Bool?
        var contactWithCase: Bool?
        var testTakenOn: String?
        var testKind: String?
        var testOutcome: String?
        var places: [PlaceInput]?
        var noPlaces: Bool?
        var temperature: Double?
    }

    static func refusal(_ p: DeclarationProblem) -> AppError {
        switch p {
        case .placeInvalid(let i): AppError.invalid(p.code, String(i + 1))
        default: AppError.invalid(p.code, "")
        }
    }

    /// The typed declaration, or the first thing wrong with the input.
    static func parse(_ input: Input, policy: EffectivePolicy, now: Date) throws -> HealthDeclarationInput {
        var symptoms: [Symptom] = []
        for raw in input.symptoms ?? [] where !raw.isEmpty {
            guard let s = Symptom(rawValue: raw) else { throw AppError.invalid("health.symptom_invalid", String(raw.prefix(40))) }
            if !symptoms.contains(s) { symptoms.append(s) }
        }
        var test: TestResult?
        if let taken = input.testTakenOn, !taken.isEmpty {
            guard let on = LocalDate(taken), let kind = TestResult.Kind(rawValue: input.testKind ?? ""),
                  let outcome = TestResult.Outcome(rawValue: input.testOutcome ?? "") else { throw AppError.invalid("health.test_invalid", "") }
            test = TestResult(takenOn: on, kind: kind, outcome: outcome)
        }
        var places: [VisitedPlace] = []
        for (i, p) in (input.places ?? []).enumerated() {
            let name = VietnameseText.normalize(p.place ?? ""), address = VietnameseText.normalize(p.address ?? "")
            if name.isEmpty && address.isEmpty && p.from == nil && p.to == nil { continue }
            guard let from = p.from, let to = p.to else { throw AppError.invalid("health.place_invalid", String(i + 1)) }
            places.append(VisitedPlace(place: name, address: address, from: from, to: to))
        }
        let d = HealthDeclarationInput(symptoms: symptoms, noSymptoms: input.noSymptoms ?? false, contactWithCase: input.contactWithCase,
                                       test: test, places: places, noPlaces: input.noPlaces ?? false, temperature: input.temperature)
        do { try HealthRules.validate(d, policy: policy, now: now) } catch { throw refusal(error) }
        return d
    }

    struct Result: Sendable {
        let declaration: HealthDeclaration
        let state: HealthState?
        let ended: Bool
        let matches: [OutbreakPlace]
    }

    /// A staff member's own declaration.
    static func declare(_ input: Input, actor: Actor, on db: any Database, now: Date = Date()) async throws -> Result {
        guard let staffID = actor.staffID else { throw AppError.invalid("health.no_staff_record", "") }
        guard let person = try await StaffMember.query(on: db).filter(\.$id == staffID).with(\.$org).first() else { throw AppError.notFound("") }
        let today = LocalDate.of(now)
        let policy = try await PolicyService.effective(for: person.org, on: today, db: db).policy
        let d = try parse(input, policy: policy, now: now)
        let matches = try await OutbreakService.matching(d.places, on: db)
        let trip = try await CityTrip.query(on: db).filter(\.$staffID == staffID).filter(\.$status == .returned)
            .filter(\.$declarationID == nil).sort(\.$returnedAt, .descending).first()
        return try await db.writeTransaction { tx in
            // The person's row first: inserting the declaration takes a key-share lock on it, and
            // two declarations each holding one while asking for the update lock that starting a
            // state takes would deadlock on PostgreSQL.
            _ = try await StaffMember.lockedForUpdate(staffID, on: tx)
            let row = make(d, orgID: person.org.id!, orgPath: person.org.path, by: actor.label, at: now)
            row.staffID = staffID
            row.tripID = trip?.id
            var basis = HealthRules.outcome(of: d, policy: policy)
            if basis == nil, !matches.isEmpty { basis = .outbreakPlace }
            row.outcome = basis
            try await row.create(on: tx)
            if let trip {
                trip.declarationID = row.id
                try await trip.save(on: tx)
            }
            try await AuditService.record(on: tx, actor: actor, action: "health.declare", entityType: "healthDeclaration", entityID: row.id,
                                          orgPath: row.orgPath, summary: "\(person.fullName): \(basis?.rawValue ?? "ok")")
            var ended = false
            if basis == nil, let test = d.test, let current = try await HealthService.restriction(staffID, on: today, db: tx),
               current.kind == .isolating, HealthRules.endsIsolation(test, isolationFrom: LocalDate(current.startsOn)!) {
                try await HealthService.end(current, reason: .negativeTest, on: today, actor: actor, on: tx)
                ended = true
            }
            var state: HealthState?
            if let basis {
                let detail = basis == .outbreakPlace
                    ? matches.map { "\($0.place) (\(DisplayDate.format($0.from))–\(DisplayDate.time($0.to)))" }.joined(separator: "; ")
                    : ""
                state = try await HealthService.start(.init(staffID: staffID, basis: basis, from: today, lastDay: nil, detail: detail,
                                                            sourceID: row.id), actor: actor, on: tx)
            }
            return Result(declaration: row, state: state, ended: ended, matches: matches)
        }
    }

    static func make(_ d: HealthDeclarationInput, orgID: UUID, orgPath: String, by: String, at now: Date) -> HealthDeclaration {
        let row = HealthDeclaration()
        row.id = UUID()
        row.orgID = orgID
        row.orgPath = orgPath
        row.declaredAt = now
        row.symptomsText = d.symptoms.map(\.rawValue).joined(separator: ";")
        row.noSymptoms = d.noSymptoms
        row.contactWithCase = d.contactWithCase
        row.testTakenOn = d.test?.takenOn.value
        row.testKind = d.test?.kind.rawValue
        row.testOutcome = d.test?.outcome.rawValue
        row.placesJSON = String(decoding: (try? HealthCodec.encoder.encode(d.places)) ?? Data("[]".utf8), as: UTF8.self)
        row.noPlaces = d.noPlaces
        row.temperature = d.temperature
        row.declaredBy = by
        return row
    }

    /// One declaration, for its owner or whoever may read the health data of its unit. A
    /// read by anyone but the owner is an audit line.
    static func read(_ id: UUID, actor: Actor, on db: any Database) async throws -> HealthDeclaration {
        guard let d = try await HealthDeclaration.find(id, on: db) else { throw AppError.notFound(id.uuidString) }
        if let own = actor.staffID, d.staffID == own { return d }
        guard try await HealthService.mayRead(actor, at: OrgPath(d.orgPath), on: db) else { throw AppError.notFound(id.uuidString) }
        try await AuditService.record(on: db, actor: actor, action: "health.read", entityType: "healthDeclaration", entityID: d.id,
                                      orgPath: d.orgPath, summary: "read")
        return d
    }

    /// Declarations the actor may read: their own, and those under the subtrees they read
    /// health data for. Each list read by someone else is one audit line naming what it showed.
    static func list(staffID: UUID?, under: Organization?, actor: Actor, page: PageRequest, on db: any Database) async throws -> Paged<HealthDeclaration> {
        let q = HealthDeclaration.query(on: db).filter(\.$staffID != nil)
        var others = false
        if let staffID, staffID == actor.staffID {
            q.filter(\.$staffID == staffID)
        } else {
            var prefixes = try await HealthService.readablePrefixes(actor, on: db)
            if let under {
                guard try await HealthService.mayRead(actor, at: under.orgPath, on: db) else { throw AppError.forbidden }
                prefixes = [under.path]
            }
            if let staffID {
                guard let person = try await StaffMember.query(on: db).filter(\.$id == staffID).with(\.$org).first(),
                      try await HealthService.mayRead(actor, at: person.org.orgPath, on: db) else { throw AppError.forbidden }
                q.filter(\.$staffID == staffID)
            }
            if prefixes.isEmpty {
                guard let own = actor.staffID else { return Paged(items: [], total: 0, page: page) }
                q.filter(\.$staffID == own)
            } else if !prefixes.contains("/") {
                q.group(.or) { g in for p in prefixes { g.filter(\.$orgPath =~ p) } }
                others = true
            } else { others = true }
        }
        let total = try await q.count()
        let items = try await q.sort(\.$declaredAt, .descending).range(page.offset..<(page.offset + page.per)).all()
        let foreign = items.filter { $0.staffID != actor.staffID }
        if others && !foreign.isEmpty {
            try await AuditService.record(on: db, actor: actor, action: "health.read", entityType: "healthDeclaration", entityID: nil,
                                          orgPath: under?.path ?? actor.visiblePrefix,
                                          summary: "\(foreign.count): " + foreign.prefix(50).map { $0.id!.uuidString.prefix(8) }.joined(separator: " "))
        }
        return Paged(items: items, total: total, page: page)
    }
}
