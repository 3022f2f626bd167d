import CongsoCore
import Fluent
import Vapor

/// "My health": the state I am in and until when, the declaration form with the fields the
/// directive in force requires, my declarations, and my trips out of the city (ask, report
/// back). Works without JavaScript.
enum HealthWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("health", use: me)
        web.post("health", "declarations", use: declare)
        web.get("health", "declarations", ":id", use: declaration)
        web.post("health", "trips", use: requestTrip)
        web.post("health", "trips", ":id", "return", use: tripReturn)
    }

    struct StateRow: Encodable { let kind: String; let kindKey: String; let basis: String; let from: String; let until: String; let detail: String?; let ended: String? }
    struct DeclRow: Encodable { let id: String; let at: String; let summary: String; let outcome: String? }
    struct TripRow: Encodable {
        let id: String; let destination: String; let dates: String; let status: String; let statusKey: String
        let canReturn: Bool; let late: Bool; let due: String?; let declared: Bool; let comment: String?
    }
    struct MeData: Encodable {
        let hasStaff: Bool
        let current: StateRow?
        let history: [StateRow]
        let required: [String: Bool]
        let requiredNames: String
        let symptoms: [FormOption]
        let declarations: [DeclRow]
        let trips: [TripRow]
        let hasTrips: Bool
        let hasDeclarations: Bool
        let hasHistory: Bool
        let tripApproval: Bool
        let declarationHours: Int
        let today: String
        let placeRows: [Int]
    }

    static func stateRow(_ s: HealthState, _ req: Request) -> StateRow {
        StateRow(kind: req.t("health_state." + s.kind.rawValue), kindKey: s.kind.rawValue, basis: req.t("health_basis." + s.basis.rawValue),
                 from: LocalDate(s.startsOn)?.vietnamese ?? s.startsOn, until: LocalDate(s.lastDay)?.vietnamese ?? s.lastDay, detail: s.detail.isEmpty ? nil : s.detail,
                 ended: s.endedOn.map { (LocalDate($0)?.vietnamese ?? $0) + " · " + req.t("health_end." + (s.endReason ?? "")) })
    }

    static func summary(_ d: HealthDeclaration, _ req: Request) -> String {
        var parts: [String] = []
        parts.append(d.symptoms.isEmpty ? req.t("health_no_symptoms") : d.symptoms.map { req.t("symptom." + $0.rawValue) }.joined(separator: ", "))
        if d.contactWithCase == true { parts.append(req.t("health_contact_yes")) }
        if let t = d.test { parts.append("\(req.t("health_test")) \(t.takenOn.vietnamese): \(req.t("test_outcome." + t.outcome.rawValue))") }
        if let t = d.temperature { parts.append(String(format: "%.1f °C", t)) }
        if !d.places.isEmpty { parts.append("\(d.places.count) \(req.t("health_places_count"))") }
        return parts.joined(separator: " · ")
    }

    static func tripRow(_ t: CityTrip, _ req: Request, now: Date = Date()) -> TripRow {
        TripRow(id: t.id!.uuidString, destination: t.destination,
                dates: "\(LocalDate(t.leaveOn)!.vietnamese) – \(LocalDate(t.returnOn)!.vietnamese)",
                status: req.t("trip_status." + t.status.rawValue), statusKey: t.status.rawValue,
                canReturn: t.status == .approved && LocalDate.of(now) >= LocalDate(t.leaveOn)!,
                late: TripService.lateReturn(t, now: now) || TripService.lateDeclaration(t, now: now),
                due: t.status == .returned && t.declarationID == nil ? t.declarationDueAt.map(DisplayDate.format) : nil,
                declared: t.declarationID != nil,
                comment: t.decisionComment == "auto" ? req.t("trip_auto") : t.decisionComment.isEmpty ? nil : t.decisionComment)
    }

    @Sendable static func me(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let today = LocalDate.of(Date())
        var current: StateRow?, history: [StateRow] = [], decls: [DeclRow] = [], trips: [TripRow] = []
        var required = HealthRules.alwaysAsked
        var approval = false, hours = TripService.defaultDeclarationHours
        if let staffID = actor.staffID, let person = try await StaffMember.query(on: req.db).filter(\.$id == staffID).with(\.$org).first() {
            let policy = try await PolicyService.effective(for: person.org, on: today, db: req.db).policy
            required = HealthRules.requiredFields(policy)
            approval = policy.leaveCityNeedsApproval?.value == true
            hours = policy.healthDeclarationWithinHours?.value ?? hours
            current = try await HealthService.restriction(staffID, on: today, db: req.db).map { stateRow($0, req) }
            history = try await HealthState.query(on: req.db).filter(\.$staffID == staffID).sort(\.$startsOn, .descending).limit(10).all().map { stateRow($0, req) }
            decls = try await HealthDeclaration.query(on: req.db).filter(\.$staffID == staffID).sort(\.$declaredAt, .descending).limit(10).all().map {
                DeclRow(id: $0.id!.uuidString, at: DisplayDate.format($0.declaredAt), summary: summary($0, req),
                        outcome: $0.outcome.map { req.t("health_basis." + $0.rawValue) })
            }
            trips = try await TripService.mine(actor, on: req.db).map { tripRow($0, req) }
        }
        let names = DeclarationField.allCases.filter(required.contains).map { req.t("health_field." + $0.rawValue) }.joined(separator: ", ")
        let data = MeData(hasStaff: actor.staffID != nil, current: current, history: history,
                          required: Dictionary(uniqueKeysWithValues: DeclarationField.allCases.map { ($0.rawValue, required.contains($0)) }),
                          requiredNames: names,
                          symptoms: Symptom.allCases.map { FormOption(value: $0.rawValue, label: req.t("symptom." + $0.rawValue), selected: false) },
                          declarations: decls, trips: trips, hasTrips: !trips.isEmpty, hasDeclarations: !decls.isEmpty, hasHistory: !history.isEmpty, tripApproval: approval, declarationHours: hours, today: today.value, placeRows: [0, 1, 2])
        return try await WebPage.render(req, "health/me", title: req.t("health_title"), nav: "health", data: data)
    }

    /// The form as a browser sends it: checkboxes, radio buttons, three rows of places.
    struct DeclarationForm: Content {
        var symptoms: [String]?
        var noSymptoms: String?
        var contact: String?
        var testTakenOn: String?
        var testKind: String?
        var testOutcome: String?
        var place0: String?; var address0: String?; var from0: String?; var to0: String?
        var place1: String?; var address1: String?; var from1: String?; var to1: String?
        var place2: String?; var address2: String?; var from2: String?; var to2: String?
        var noPlaces: String?
        var temperature: String?

        func input() throws -> DeclarationService.Input {
            var places: [DeclarationService.PlaceInput] = []
            for (i, row) in [(place0, address0, from0, to0), (place1, address1, from1, to1), (place2, address2, from2, to2)].enumerated() {
                let empty = [row.0, row.1, row.2, row.3].allSatisfy { ($0 ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
                if empty { continue }
                guard let from = OutbreakService.instant(row.2), let to = OutbreakService.instant(row.3) else {
                    throw AppError.invalid("health.place_invalid", String(i + 1))
                }
                places.append(.init(place: row.0, address: row.1, from: from, to: to))
            }
            var temp: Double?
            if let raw = temperature?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
                guard let t = Double(raw.replacingOccurrences(of: ",", with: ".")) else { throw AppError.invalid("health.temperature_invalid", "") }
                temp = t
            }
            return .init(symptoms: symptoms, noSymptoms: noSymptoms == "true", contactWithCase: contact.flatMap { $0 == "yes" ? true : $0 == "no" ? false : nil },
                         testTakenOn: testTakenOn, testKind: testKind, testOutcome: testOutcome, places: places, noPlaces: noPlaces == "true", temperature: temp)
        }
    }

    @Sendable static func declare(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let form = try req.content.decode(DeclarationForm.self)
        var flash = "flash.health_declared"
        let response = try await FormAction.run(req, back: "/health", flash: flash) {
            let r = try await DeclarationService.declare(try form.input(), actor: actor, on: req.db)
            if let s = r.state { flash = "flash.health_" + s.kind.rawValue }
            else if r.ended { flash = "flash.health_isolation_ended" }
        }
        if flash != "flash.health_declared" { WebPage.flash(req, flash) }
        return response
    }

    struct DeclarationData: Encodable {
        let at: String; let person: String; let summary: String; let outcome: String?
        let places: [String]; let hasPlaces: Bool; let test: String?; let contact: String; let temperature: String?
    }

    @Sendable static func declaration(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let d = try await DeclarationService.read(try req.idParameter(), actor: actor, on: req.db)
        var person: StaffMember?
        if let id = d.staffID { person = try await StaffMember.find(id, on: req.db) }
        let data = DeclarationData(at: DisplayDate.format(d.declaredAt), person: person?.fullName ?? "", summary: summary(d, req),
                                   outcome: d.outcome.map { req.t("health_basis." + $0.rawValue) },
                                   places: d.places.map { "\($0.place)\($0.address.isEmpty ? "" : ", " + $0.address) — \(DisplayDate.format($0.from)) → \(DisplayDate.format($0.to))" },
                                   hasPlaces: !d.places.isEmpty,
                                   test: d.test.map { "\($0.takenOn.vietnamese) · \(req.t("test_kind." + $0.kind.rawValue)) · \(req.t("test_outcome." + $0.outcome.rawValue))" },
                                   contact: d.contactWithCase.map { req.t($0 ? "yes" : "no") } ?? "—",
                                   temperature: d.temperature.map { String(format: "%.1f °C", $0) })
        return try await WebPage.render(req, "health/declaration", title: req.t("health_declaration"), nav: "health", data: data)
    }

    @Sendable static func requestTrip(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let input = try req.content.decode(TripService.Input.self)
        return try await FormAction.run(req, back: "/health", flash: "flash.trip_requested") {
            _ = try await TripService.request(input, actor: actor, on: req.db)
        }
    }

    @Sendable static func tripReturn(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        return try await FormAction.run(req, back: "/health", flash: "flash.trip_returned") {
            _ = try await TripService.reportReturn(id, actor: actor, on: req.db)
        }
    }
}
