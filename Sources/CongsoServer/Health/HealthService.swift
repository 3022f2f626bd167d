import CongsoCore
import Fluent
import Vapor

/// Monitoring and isolation as dated states, and what they do everywhere at once: a state
/// takes the person off site (their on-site requests withdrawn, new ones refused), holds
/// their travel permits on the revocation list, marks published rosters that had them on
/// site for replanning, and tells the person, their unit's lead and head. Ending it (a
/// negative test, the end date, the head) gives the permits back.
enum HealthService {
    /// Who may read a person's health data at `path`: the head (by role), or whom a head delegated.
    static func mayRead(_ actor: Actor, at path: OrgPath, on db: any Database) async throws -> Bool {
        if actor.may(.readHealth, on: path) { return true }
        guard let user = actor.userID else { return false }
        let grants = try await HealthDelegate.query(on: db).filter(\.$userID == user).all(\.$orgPath)
        return grants.contains { OrgPath($0).contains(path) }
    }

    /// The subtrees whose health data the actor reads (nil: none), for list queries.
    static func readablePrefixes(_ actor: Actor, on db: any Database) async throws -> [String] {
        var out: [String] = []
        if actor.has(.readHealth) { out.append(actor.visiblePrefix) }
        if let user = actor.userID { out += try await HealthDelegate.query(on: db).filter(\.$userID == user).all(\.$orgPath) }
        return out
    }

    static func requireRead(_ actor: Actor, at path: OrgPath, on db: any Database) async throws {
        guard try await mayRead(actor, at: path, on: db) else { throw AppError.forbidden }
    }

    // MARK: - What a state restricts

    /// The state keeping a person off site on a day, if any (isolation before monitoring).
    static func restriction(_ staffID: UUID, on day: LocalDate, db: any Database) async throws -> HealthState? {
        let rows = try await HealthState.query(on: db).filter(\.$staffID == staffID).filter(\.$lastDay >= day.value)
            .filter(\.$startsOn <= day.value).all()
        return rows.filter { $0.active(on: day) }.sorted { $0.kind == .isolating && $1.kind != .isolating }.first
    }

    /// The refusal other rooms give for a person off site on a day.
    static func refusal(_ s: HealthState) -> AppError {
        AppError.conflict("health.restricted." + s.kind.rawValue, LocalDate(s.lastDay)?.vietnamese ?? s.lastDay)
    }

    /// Refuses (409) when the person is isolating or under monitoring on the day.
    static func requireFree(_ staffID: UUID, on day: LocalDate, db: any Database) async throws {
        if let s = try await restriction(staffID, on: day, db: db) { throw refusal(s) }
    }

    /// Every day in [start, end] each person is off site, as roster unavailability.
    static func restrictedDays(staff: [UUID], start: LocalDate, end: LocalDate, on db: any Database) async throws -> [UUID: [RosterInput.When]] {
        guard !staff.isEmpty else { return [:] }
        var out: [UUID: [RosterInput.When]] = [:]
        for chunk in stride(from: 0, to: staff.count, by: 500) {
            let ids = Array(staff[chunk..<min(chunk + 500, staff.count)])
            let rows = try await HealthState.query(on: db).filter(\.$staffID ~~ ids)
                .filter(\.$startsOn <= end.value).filter(\.$lastDay >= start.value).all()
            for s in rows {
                var d = max(LocalDate(s.startsOn)!, start)
                let last = min(LocalDate(s.lastDay)!, end)
                while d <= last {
                    if s.active(on: d) { out[s.staffID, default: []].append(.init(date: d.value, shift: nil)) }
                    d = d.adding(days: 1)
                }
            }
        }
        return out
    }

    // MARK: - Starting and ending

    struct Start: Sendable {
        var staffID: UUID
        var basis: HealthBasis
        var from: LocalDate
        /// Nil: the directive's number of days.
        var lastDay: LocalDate?
        var detail: String
        var sourceID: UUID?
    }

    /// Starts a state inside the caller's transaction and applies its effects. A person
    /// already isolating is not also put under monitoring; a stronger or longer state
    /// replaces the one in force. Returns nil when nothing changed.
    @discardableResult
    static func start(_ s: Start, actor: Actor, on tx: any Database) async throws -> HealthState? {
        // The person's row is locked first: two states starting at once for one person queue
        // here, and the second sees the first (one state in force, never two).
        guard try await StaffMember.lockedForUpdate(s.staffID, on: tx) != nil,
              let person = try await StaffMember.query(on: tx).filter(\.$id == s.staffID).with(\.$org).first() else {
            throw AppError.notFound(s.staffID.uuidString)
        }
        let kind = s.basis.kind
        let policy = try await PolicyService.effective(for: person.org, on: s.from, db: tx).policy
        let last = s.lastDay ?? HealthRules.lastDay(of: kind, from: s.from, policy: policy)
        guard last >= s.from else { throw AppError.invalid("health.dates_invalid", "") }
        // A state that would already be over changes nothing.
        guard last >= LocalDate.of(Date()) else { return nil }
        var previous = person.status
        // Every state still in force that covers some day of the new one (not only its first
        // day: an isolation from today overlaps monitoring from the day someone met the case).
        let overlapping = try await HealthState.query(on: tx).filter(\.$staffID == s.staffID)
            .filter(\.$lastDay >= s.from.value).filter(\.$startsOn <= last.value).all()
            .filter { $0.endedOn == nil }
        if overlapping.contains(where: { $0.kind == .isolating && kind == .monitoring || $0.kind == kind && $0.lastDay >= last.value }) {
            return nil
        }
        for current in overlapping {
            // The new state takes over from its first day (or the old one's, if that is later).
            current.endedOn = max(s.from.value, current.startsOn)
            current.endReason = "superseded"
            try await current.save(on: tx)
            previous = current.previousStatus
        }
        let state = HealthState()
        state.id = UUID()
        state.staffID = s.staffID
        state.orgID = person.org.id!
        state.orgPath = person.org.path
        state.kind = kind
        state.basis = s.basis
        state.startsOn = s.from.value
        state.lastDay = last.value
        state.detail = String(VietnameseText.normalize(s.detail).prefix(1000))
        state.sourceID = s.sourceID
        state.previousStatus = previous == .isolating ? .remote : previous
        state.createdBy = actor.label
        try await state.create(on: tx)
        if kind == .isolating && s.from <= LocalDate.of(Date()) {
            person.status = .isolating
            try await person.save(on: tx)
        }
        let why = "health." + kind.rawValue
        let offFrom = max(s.from, LocalDate.of(Date()))
        let withdrawn = try await OnSiteService.withdraw(staffID: s.staffID, from: offFrom, through: last, reason: why, actor: actor, on: tx)
        let suspended = try await PermitService.suspend(holder: s.staffID, reason: why, actor: actor, on: tx)
        let rosters = try await RosterService.markForReplan(staffID: s.staffID, from: offFrom, through: last,
                                                           note: "\(person.fullName) — \(kind.rawValue) \(offFrom.vietnamese)–\(last.vietnamese)", on: tx)
        try await AuditService.record(on: tx, actor: actor, action: "health.start", entityType: "healthState", entityID: state.id,
                                      orgPath: state.orgPath,
                                      summary: "\(person.fullName): \(kind.rawValue) \(s.from.value)…\(last.value); \(withdrawn) on-site, \(suspended) permits, \(rosters) rosters",
                                      after: state.auditSnapshot)
        let leads = try await NotificationService.usersCovering(person.org.orgPath, roles: [.unitLead, .head], on: tx)
        let own = try await TaskService.userIDsOfStaff(s.staffID, on: tx)
        try await NotificationService.notify((leads.compactMap(\.id) + own).filter { $0 != actor.userID },
                                             kind: "notif.health_" + kind.rawValue,
                                             detail: "\(person.fullName) — \(s.from.vietnamese)–\(last.vietnamese)",
                                             link: "/health/unit?org=\(person.org.code)", on: tx)
        return state
    }

    /// Ends a state (in the caller's transaction) and, when nothing else holds the person,
    /// restores their status and their permits.
    static func end(_ state: HealthState, reason: HealthEnd, on day: LocalDate, actor: Actor, on tx: any Database) async throws {
        guard state.endedOn == nil else { throw AppError.conflict("health.already_ended", "") }
        let before = state.auditSnapshot
        state.endedOn = min(day, LocalDate(state.lastDay)!.adding(days: 1)).value
        state.endReason = reason.rawValue
        try await state.save(on: tx)
        let person = try await StaffMember.find(state.staffID, on: tx)
        let stillHeld = try await restriction(state.staffID, on: day, db: tx)
        if stillHeld == nil {
            try await PermitService.reinstate(holder: state.staffID, actor: actor, on: tx)
            if let person, person.status == .isolating {
                person.status = state.previousStatus
                try await person.save(on: tx)
            }
        }
        try await AuditService.record(on: tx, actor: actor, action: "health.end", entityType: "healthState", entityID: state.id,
                                      orgPath: state.orgPath, summary: "\(person?.fullName ?? ""): \(reason.rawValue)",
                                      before: before, after: state.auditSnapshot)
        let own = try await TaskService.userIDsOfStaff(state.staffID, on: tx)
        let leads = try await NotificationService.usersCovering(OrgPath(state.orgPath), roles: [.unitLead, .head], on: tx)
        try await NotificationService.notify((own + leads.compactMap(\.id)).filter { $0 != actor.userID }, kind: "notif.health_ended",
                                             detail: person?.fullName ?? "", link: "/health", on: tx)
    }

    // MARK: - The head's decisions

    struct DecisionInput: Content {
        var staffId: UUID?
        var kind: String?
        var from: String?
        var lastDay: String?
        var note: String?
    }

    /// A head's decision to isolate (or monitor) someone in their subtree.
    static func decide(_ input: DecisionInput, actor: Actor, on db: any Database) async throws -> HealthState {
        guard let staffID = input.staffId else { throw AppError.invalid("health.staff_missing", "") }
        let person = try await StaffService.find(staffID, actor: actor, on: db)
        try actor.require(.manageHealth, on: person.org.orgPath)
        guard let kind = HealthStateKind(rawValue: input.kind ?? "isolating") else { throw AppError.invalid("health.kind_invalid", input.kind ?? "") }
        let today = LocalDate.of(Date())
        let from = try DayParameter.optional(input.from) ?? today
        guard from >= today.adding(days: -30), from <= today.adding(days: 30) else { throw AppError.invalid("health.dates_invalid", from.vietnamese) }
        let last = try DayParameter.optional(input.lastDay)
        if let last, last < from || last > from.adding(days: 60) { throw AppError.invalid("health.dates_invalid", last.vietnamese) }
        let note = VietnameseText.normalize(input.note ?? "")
        guard note.count <= 1000 else { throw AppError.invalid("too_long", "1000") }
        let basis: HealthBasis = kind == .isolating ? .headDecision : .contactTracing
        let started = try await db.writeTransaction { tx in
            try await start(Start(staffID: staffID, basis: basis, from: from, lastDay: last, detail: note), actor: actor, on: tx)
        }
        guard let started else { throw AppError.conflict("health.already_" + kind.rawValue, "") }
        return started
    }

    static func findState(_ id: UUID, actor: Actor, on db: any Database) async throws -> HealthState {
        guard let s = try await HealthState.find(id, on: db) else { throw AppError.notFound(id.uuidString) }
        if s.staffID == actor.staffID, actor.staffID != nil { return s }
        try await requireRead(actor, at: OrgPath(s.orgPath), on: db)
        return s
    }

    static func endByHead(_ id: UUID, actor: Actor, on db: any Database) async throws -> HealthState {
        let s = try await findState(id, actor: actor, on: db)
        try actor.require(.manageHealth, on: OrgPath(s.orgPath))
        try await db.writeTransaction { tx in
            guard let fresh = try await HealthState.lockedForUpdate(id, on: tx) else { throw AppError.notFound("") }
            try await end(fresh, reason: .headDecision, on: LocalDate.of(Date()), actor: actor, on: tx)
        }
        return try await HealthState.find(id, on: db) ?? s
    }

    /// States in force today under a subtree, isolation first.
    /// `limit`: the lists a person reads; counts pass nil and see every one.
    static func active(under prefix: String, on day: LocalDate, limit: Int? = 2_000, db: any Database) async throws -> [HealthState] {
        let q = HealthState.query(on: db).filter(\.$lastDay >= day.value).filter(\.$startsOn <= day.value).filter(\.$endedOn == nil)
        if prefix != "/" { q.filter(\.$orgPath =~ prefix) }
        if let limit { q.limit(limit) }
        return try await q.sort(\.$kind).sort(\.$lastDay).all().filter { $0.active(on: day) }
    }
}

/// The end date passing ends a state: its permits come back and its status is restored,
/// once, by whichever server claims it.
enum HealthExpiry {
    static func run(at now: Date, on db: any Database, into r: inout Scheduler.Report) async throws {
        let today = LocalDate.of(now)
        let due = try await HealthState.query(on: db).filter(\.$endedOn == nil).filter(\.$lastDay < today.value).limit(200).all()
        for s in due {
            let id = s.id!
            let done = try await Scheduler.once("health-end:\(id)", on: db) { tx in
                guard let fresh = try await HealthState.lockedForUpdate(id, on: tx), fresh.endedOn == nil else { return false }
                try await HealthService.end(fresh, reason: .endDate, on: today, actor: .commandLine("scheduler"), on: tx)
                return true
            }
            if done == true { r.healthEnded += 1 }
        }
    }
}
