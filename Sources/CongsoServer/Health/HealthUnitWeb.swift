import CongsoCore
import Fluent
import Vapor

/// The head's health page for a unit: who is isolating or under monitoring and until when
/// (end early), a decision to isolate, contact tracing in one step, trips waiting for a
/// decision and late ones, the declarations (each read audited, CSV of what the reader may
/// see), the delegates; and the counts page Home Affairs reads.
enum HealthUnitWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("health", "unit", use: unit)
        web.post("health", "states", use: decide)
        web.post("health", "states", ":id", "end", use: end)
        web.post("health", "trips", ":id", "decision", use: decideTrip)
        web.get("health", "trace", use: trace)
        web.post("health", "trace", use: applyTrace)
        web.get("health", "counts", use: counts)
        web.get("health", "declarations.csv", use: csv)
        web.post("health", "delegates", use: delegate)
        web.post("health", "delegates", ":id", "delete", use: undelegate)
    }

    struct StateRow: Encodable { let id: String; let name: String; let kind: String; let kindKey: String; let basis: String; let until: String; let detail: String? }
    struct TripRow: Encodable { let id: String; let name: String; let row: HealthWeb.TripRow; let waiting: Bool }
    struct DeclRow: Encodable { let id: String; let name: String; let at: String; let summary: String; let outcome: String? }
    struct DelegateRow: Encodable { let id: String; let email: String; let org: String }
    struct UnitData: Encodable {
        let org: String
        let orgName: String
        let orgs: [FormOption]
        let states: [StateRow]
        let hasStates: Bool
        let people: [FormOption]
        let canManage: Bool
        let canDecideTrips: Bool
        let trips: [TripRow]
        let hasTrips: Bool
        let declarations: [DeclRow]
        let hasDeclarations: Bool
        let declarationTotal: Int
        let delegates: [DelegateRow]
        let hasDelegates: Bool
        let users: [FormOption]
        let today: String
        /// The pager's count: the declarations.
        let total: Int
        let pages: [PageLink]
        let prev: String?
        let next: String?
    }

    static func scope(_ req: Request, _ actor: Actor) async throws -> Organization {
        let (org, _) = try await req.orgAndDay(actor)
        return org
    }

    @Sendable static func unit(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let org = try await scope(req, actor)
        try await HealthService.requireRead(actor, at: org.orgPath, on: req.db)
        let today = LocalDate.of(Date())
        let active = try await HealthService.active(under: org.path, on: today, db: req.db)
        let names = try await StaffMember.query(on: req.db).filter(\.$id ~~ active.map(\.staffID)).all()
        let nameOf = Dictionary(uniqueKeysWithValues: names.map { ($0.id!, $0.fullName) })
        let states = active.map {
            StateRow(id: $0.id!.uuidString, name: nameOf[$0.staffID] ?? "", kind: req.t("health_state." + $0.kind.rawValue), kindKey: $0.kind.rawValue,
                     basis: req.t("health_basis." + $0.basis.rawValue), until: LocalDate($0.lastDay)?.vietnamese ?? $0.lastDay, detail: $0.detail.isEmpty ? nil : $0.detail)
        }
        let canDecideTrips = actor.may(.approveTrips, on: org.orgPath)
        var trips: [TripRow] = []
        if canDecideTrips || actor.may(.readHealth, on: org.orgPath) {
            let now = Date()
            let rows = try await CityTrip.query(on: req.db).filter(\.$orgPath =~ org.path)
                .group(.or) { g in
                    g.filter(\.$status == .requested)
                    g.group(.and) { a in a.filter(\.$status == .approved).filter(\.$returnOn < today.value) }
                    g.group(.and) { a in a.filter(\.$status == .returned).filter(\.$declarationID == nil).filter(\.$declarationDueAt < now) }
                }.sort(\.$leaveOn).limit(200).all()
            let people = Dictionary(uniqueKeysWithValues: try await StaffMember.query(on: req.db).filter(\.$id ~~ rows.map(\.staffID)).all().map { ($0.id!, $0.fullName) })
            trips = rows.map { TripRow(id: $0.id!.uuidString, name: people[$0.staffID] ?? "", row: HealthWeb.tripRow($0, req), waiting: $0.status == .requested) }
        }
        let page = try await DeclarationService.list(staffID: nil, under: org, actor: actor, page: try PageRequest(req), on: req.db)
        let bar = PageLinks.make(base: ["org": org.code], page: page.page.page, pageCount: page.pageCount)
        let declNames = Dictionary(uniqueKeysWithValues: try await StaffMember.query(on: req.db).filter(\.$id ~~ page.items.compactMap(\.staffID)).all().map { ($0.id!, $0.fullName) })
        let decls = page.items.map {
            DeclRow(id: $0.id!.uuidString, name: $0.staffID.flatMap { declNames[$0] } ?? "", at: DisplayDate.format($0.declaredAt),
                    summary: HealthWeb.summary($0, req), outcome: $0.outcome.map { req.t("health_basis." + $0.rawValue) })
        }
        let canManage = actor.may(.manageHealth, on: org.orgPath)
        var delegates: [DelegateRow] = [], users: [FormOption] = []
        if canManage {
            let grants = try await HealthDelegates.list(under: org.path, on: req.db)
            let accounts = try await User.query(on: req.db).filter(\.$id ~~ grants.map(\.userID)).all()
            let emails = Dictionary(uniqueKeysWithValues: accounts.map { ($0.id!, $0.email) })
            let orgNames = try await OrgService.names(grants.map(\.orgID), on: req.db)
            delegates = grants.map { DelegateRow(id: $0.id!.uuidString, email: emails[$0.userID] ?? "", org: orgNames[$0.orgID] ?? "") }
            let orgIDs = try await Organization.query(on: req.db).filter(\.$path =~ org.path).limit(2_000).all(\.$id)
            users = try await User.query(on: req.db).filter(\.$orgID ~~ orgIDs).filter(\.$role != .head).sort(\.$email).limit(500).all()
                .map { FormOption(value: $0.id!.uuidString, label: "\($0.displayName) — \($0.email)", selected: false) }
        }
        let data = UnitData(org: org.code, orgName: org.name, orgs: try await OrgOptions.tree(actor: actor, selected: org.code, on: req.db),
                            states: states, hasStates: !states.isEmpty,
                            people: canManage ? try await PeopleOptions.under(org.path, selected: nil, on: req.db) : [],
                            canManage: canManage, canDecideTrips: canDecideTrips, trips: trips, hasTrips: !trips.isEmpty,
                            declarations: decls, hasDeclarations: !decls.isEmpty, declarationTotal: page.total,
                            delegates: delegates, hasDelegates: !delegates.isEmpty, users: users, today: today.value,
                            total: page.total, pages: bar.links, prev: bar.prev, next: bar.next)
        return try await WebPage.render(req, "health/unit", title: req.t("health_unit_title"), nav: "health-unit", data: data)
    }

    static func back(_ req: Request) -> String {
        let org = req.orgCodeForRedirect
        return org.isEmpty ? "/health/unit" : "/health/unit?org=\(org)"
    }

    @Sendable static func decide(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let input = try req.content.decode(HealthService.DecisionInput.self)
        return try await FormAction.run(req, back: back(req), flash: "flash.health_decided") {
            _ = try await HealthService.decide(input, actor: actor, on: req.db)
        }
    }

    @Sendable static func end(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        return try await FormAction.run(req, back: back(req), flash: "flash.health_ended") {
            _ = try await HealthService.endByHead(id, actor: actor, on: req.db)
        }
    }

    struct TripForm: Content { var decision: String?; var comment: String? }

    @Sendable static func decideTrip(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        let form = try req.content.decode(TripForm.self)
        return try await FormAction.run(req, back: back(req), flash: form.decision == "approve" ? "flash.trip_approved" : "flash.trip_rejected") {
            let approve: Bool? = form.decision == "approve" ? true : form.decision == "reject" ? false : nil
            _ = try await TripService.decide(id, .init(approve: approve, comment: form.comment), actor: actor, on: req.db)
        }
    }

    struct ContactRow: Encodable { let name: String; let unit: String; let date: String; let via: String; let overlap: String; let state: String? }
    struct VisitorRow: Encodable { let name: String; let phone: String; let unit: String; let date: String; let overlap: String }
    struct TraceData: Encodable {
        let staff: String
        let days: Int
        let people: [FormOption]
        let traced: Bool
        let caseName: String
        let from: String
        let to: String
        let stays: Int
        let contacts: [ContactRow]
        let hasContacts: Bool
        let visitors: [VisitorRow]
        let hasVisitors: Bool
        let millis: String
        let monitored: Int?
        let applied: Bool
        let contactCount: Int
        let error: String?
    }

    static func tracePage(_ req: Request, actor: Actor, staff: UUID?, days: Int, result: TracingService.Result?, error: String?) async throws -> Response {
        let people = try await PeopleOptions.under(actor.visiblePrefix, selected: staff, limit: 2_000, on: req.db)
        let contacts = (result?.contacts ?? []).map {
            ContactRow(name: $0.name, unit: $0.unit, date: (LocalDate($0.date)?.vietnamese ?? $0.date) + ($0.shift.map { " · " + req.t("shift." + $0.rawValue) } ?? ""),
                       via: $0.via == "shift" ? req.t("trace_same_shift") : $0.via, overlap: "\($0.overlapMinutes) \(req.t("minutes"))",
                       state: $0.state.map { req.t("health_state." + $0.rawValue) })
        }
        let visitors = (result?.visitors ?? []).map {
            VisitorRow(name: $0.name, phone: $0.phone, unit: $0.unit, date: (LocalDate($0.date)?.vietnamese ?? $0.date) + " · " + req.t("shift." + $0.shift.rawValue),
                       overlap: "\($0.overlapMinutes) \(req.t("minutes"))")
        }
        let data = TraceData(staff: staff?.uuidString ?? "", days: days, people: people, traced: result != nil, caseName: result?.caseName ?? "",
                             from: result.flatMap { LocalDate($0.from)?.vietnamese } ?? "", to: result.flatMap { LocalDate($0.to)?.vietnamese } ?? "",
                             stays: result?.stays ?? 0, contacts: contacts, hasContacts: !contacts.isEmpty, visitors: visitors, hasVisitors: !visitors.isEmpty,
                             millis: String(format: "%.0f", result?.millis ?? 0), monitored: result?.monitored, applied: result?.monitored != nil,
                             contactCount: Set((result?.contacts ?? []).map(\.staffId)).count, error: error)
        let response = try await WebPage.render(req, "health/trace", title: req.t("trace_title"), nav: "health-unit", data: data)
        if error != nil { response.status = .unprocessableEntity }
        return response
    }

    @Sendable static func trace(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.manageHealth)
        let staff = req.query[String.self, at: "staff"].flatMap(UUID.init(uuidString:))
        let days = try FormNumber.parse(req.query[String.self, at: "days"], code: "health.trace_days_invalid") ?? 4
        guard let staff else { return try await tracePage(req, actor: actor, staff: nil, days: days, result: nil, error: nil) }
        do {
            let r = try await TracingService.trace(staff, days: days, actor: actor, on: req.db)
            return try await tracePage(req, actor: actor, staff: staff, days: days, result: r, error: nil)
        } catch let e as AppError where e.status == .unprocessableEntity {
            return try await tracePage(req, actor: actor, staff: staff, days: days, result: nil, error: req.t("err." + e.code, detail: e.detail))
        }
    }

    struct TraceForm: Content { var staffId: String?; var days: String? }

    @Sendable static func applyTrace(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let form = try req.content.decode(TraceForm.self)
        let staff = form.staffId.flatMap(UUID.init(uuidString:))
        let days = try FormNumber.parse(form.days, code: "health.trace_days_invalid") ?? 4
        do {
            let r = try await TracingService.apply(staff, days: days, actor: actor, on: req.db)
            return try await tracePage(req, actor: actor, staff: staff, days: days, result: r, error: nil)
        } catch let e as AppError where e.status == .unprocessableEntity {
            return try await tracePage(req, actor: actor, staff: staff, days: days, result: nil, error: req.t("err." + e.code, detail: e.detail))
        }
    }

    struct CountRow: Encodable { let name: String; let href: String; let row: HealthCounts.Row }
    struct CountsData: Encodable { let orgName: String; let total: HealthCounts.Row; let rows: [CountRow]; let hasRows: Bool; let up: String? }

    @Sendable static func counts(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let org = try await scope(req, actor)
        let r = try await HealthCounts.counts(under: org, actor: actor, on: req.db)
        var up: String?
        if let parent = org.parentID, let p = try await Organization.find(parent, on: req.db), actor.may(.readOrgs, on: p.orgPath) {
            up = "/health/counts?org=\(p.code)"
        }
        let data = CountsData(orgName: org.name, total: r.total, rows: r.rows.map { CountRow(name: $0.name, href: "/health/counts?org=\($0.code)", row: $0) },
                              hasRows: !r.rows.isEmpty, up: up)
        return try await WebPage.render(req, "health/counts", title: req.t("health_counts_title"), nav: "health-unit", data: data)
    }

    /// Only what the reader may see: their own declarations, or those of the subtrees they read.
    @Sendable static func csv(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let org = try await req.orgFilter(actor)
        var rows: [[String]] = [["declared_at", "name", "unit", "symptoms", "contact", "test_on", "test_outcome", "temperature", "places", "outcome"]]
        var page = 1
        while true {
            let p = try await DeclarationService.list(staffID: org == nil && !actor.has(.readHealth) ? actor.staffID : nil, under: org, actor: actor,
                                                      page: PageRequest(page: page, per: 200), on: req.db)
            let people = try await StaffMember.query(on: req.db).filter(\.$id ~~ p.items.compactMap(\.staffID)).with(\.$org).all()
            let byID = Dictionary(uniqueKeysWithValues: people.map { ($0.id!, $0) })
            for d in p.items {
                let person = d.staffID.flatMap { byID[$0] }
                rows.append([ISO8601DateFormatter().string(from: d.declaredAt), person?.fullName ?? "", person?.org.name ?? "",
                             d.symptoms.map(\.rawValue).joined(separator: ";"), d.contactWithCase.map { $0 ? "yes" : "no" } ?? "",
                             d.testTakenOn ?? "", d.testOutcome ?? "", d.temperature.map { String(format: "%.1f", $0) } ?? "",
                             d.places.map { $0.place + ($0.address.isEmpty ? "" : ", " + $0.address) }.joined(separator: " | "), d.outcome?.rawValue ?? ""])
            }
            if page >= p.pageCount || page >= 50 { break }
            page += 1
        }
        return .csv(rows.map(CSVTable.line).joined(), filename: "health-declarations.csv")
    }

    @Sendable static func delegate(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        struct Form: Content { var org: String?; var userId: String? }
        let form = try req.content.decode(Form.self)
        return try await FormAction.run(req, back: back(req), flash: "flash.health_delegated") {
            _ = try await HealthDelegates.grant(.init(org: form.org, userId: form.userId.flatMap(UUID.init(uuidString:))), actor: actor, on: req.db)
        }
    }

    @Sendable static func undelegate(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        return try await FormAction.run(req, back: back(req), flash: "flash.health_undelegated") {
            try await HealthDelegates.revoke(id, actor: actor, on: req.db)
        }
    }
}
