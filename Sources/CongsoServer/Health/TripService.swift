import CongsoCore
import Fluent
import Vapor

/// Leaving the city on weekends and holidays (Hanoi 1557/UBND-KGVX): asked before, approved
/// by the head where the directive in force requires it (recorded as approved where it does
/// not), reported on return, and a declaration due within the directive's hours of the return.
enum TripService {
    struct Input: Content {
        var leaveOn: String?
        var returnOn: String?
        var destination: String?
        var purpose: String?
    }

    static let defaultDeclarationHours = 24

    static func request(_ input: Input, actor: Actor, on db: any Database, now: Date = Date()) async throws -> CityTrip {
        guard let staffID = actor.staffID else { throw AppError.invalid("health.no_staff_record", "") }
        guard let person = try await StaffMember.query(on: db).filter(\.$id == staffID).with(\.$org).first() else { throw AppError.notFound("") }
        guard let leave = input.leaveOn.flatMap(LocalDate.init), let back = input.returnOn.flatMap(LocalDate.init) else {
            throw AppError.invalid("date_invalid", input.leaveOn ?? "")
        }
        let today = LocalDate.of(now)
        guard leave >= today else { throw AppError.invalid("health.trip_past", leave.vietnamese) }
        guard leave <= back, back <= leave.adding(days: 15) else { throw AppError.invalid("health.trip_dates_invalid", "15") }
        let destination = VietnameseText.normalize(input.destination ?? "")
        guard !destination.isEmpty, destination.count <= 300 else { throw AppError.invalid("health.trip_destination_missing", "") }
        let purpose = VietnameseText.normalize(input.purpose ?? "")
        guard purpose.count <= 1000 else { throw AppError.invalid("too_long", "1000") }
        try await HealthService.requireFree(staffID, on: leave, db: db)
        let policy = try await PolicyService.effective(for: person.org, on: leave, db: db).policy
        let needsApproval = policy.leaveCityNeedsApproval?.value == true
        let t = CityTrip()
        t.id = UUID()
        t.staffID = staffID
        t.orgID = person.org.id!
        t.orgPath = person.org.path
        t.leaveOn = leave.value
        t.returnOn = back.value
        t.destination = destination
        t.purpose = purpose
        t.status = needsApproval ? .requested : .approved
        t.decisionComment = needsApproval ? "" : "auto"
        let heads = needsApproval ? try await TicketEscalation.headUsers(of: person.org.id!, on: db) : []
        try await db.writeTransaction { tx in
            try await t.create(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "trip.request", entityType: "cityTrip", entityID: t.id,
                                          orgPath: t.orgPath, summary: "\(person.fullName) → \(destination) \(leave.value)…\(back.value)",
                                          after: t.auditSnapshot)
            try await NotificationService.notify(heads.filter { $0 != actor.userID }, kind: "notif.trip_requested",
                                                 detail: "\(person.fullName) → \(destination), \(leave.vietnamese)–\(back.vietnamese)",
                                                 link: "/health/unit?org=\(person.org.code)", on: tx)
        }
        return t
    }

    static func find(_ id: UUID, actor: Actor, on db: any Database) async throws -> CityTrip {
        guard let t = try await CityTrip.find(id, on: db) else { throw AppError.notFound(id.uuidString) }
        if t.staffID == actor.staffID, actor.staffID != nil { return t }
        let reads = try await HealthService.mayRead(actor, at: OrgPath(t.orgPath), on: db)
        guard actor.may(.approveTrips, on: OrgPath(t.orgPath)) || reads else {
            throw AppError.notFound(id.uuidString)
        }
        return t
    }

    struct Decision: Content { var approve: Bool?; var comment: String? }

    static func decide(_ id: UUID, _ d: Decision, actor: Actor, on db: any Database) async throws -> CityTrip {
        let t = try await find(id, actor: actor, on: db)
        try actor.require(.approveTrips, on: OrgPath(t.orgPath))
        guard let approve = d.approve else { throw AppError.invalid("health.trip_decision_missing", "") }
        let comment = VietnameseText.normalize(d.comment ?? "")
        guard approve || !comment.isEmpty else { throw AppError.invalid("health.trip_reason_missing", "") }
        guard comment.count <= 1000 else { throw AppError.invalid("too_long", "1000") }
        return try await db.writeTransaction { tx in
            guard let fresh = try await CityTrip.lockedForUpdate(id, on: tx) else { throw AppError.notFound("") }
            guard fresh.status == .requested else { throw AppError.conflict("health.trip_not_requested", fresh.status.rawValue) }
            let before = fresh.auditSnapshot
            fresh.status = approve ? .approved : .rejected
            fresh.decidedBy = actor.label
            fresh.decidedAt = Date()
            fresh.decisionComment = comment
            try await fresh.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: approve ? "trip.approve" : "trip.reject", entityType: "cityTrip",
                                          entityID: fresh.id, orgPath: fresh.orgPath, summary: fresh.destination, before: before, after: fresh.auditSnapshot)
            let users = try await TaskService.userIDsOfStaff(fresh.staffID, on: tx)
            try await NotificationService.notify(users, kind: approve ? "notif.trip_approved" : "notif.trip_rejected",
                                                 detail: "\(fresh.destination) \(LocalDate(fresh.leaveOn)!.vietnamese)", link: "/health", on: tx)
            return fresh
        }
    }

    /// The traveller reports being back; the declaration is due within the directive's hours.
    static func reportReturn(_ id: UUID, actor: Actor, on db: any Database, now: Date = Date()) async throws -> CityTrip {
        let t = try await find(id, actor: actor, on: db)
        guard t.staffID == actor.staffID else { throw AppError.forbidden }
        guard t.status == .approved else { throw AppError.conflict("health.trip_not_approved", t.status.rawValue) }
        guard LocalDate.of(now) >= LocalDate(t.leaveOn)! else { throw AppError.invalid("health.trip_not_left", LocalDate(t.leaveOn)!.vietnamese) }
        var hours = defaultDeclarationHours
        if let org = try await Organization.find(t.orgID, on: db) {
            hours = try await PolicyService.effective(for: org, on: LocalDate.of(now), db: db).policy.healthDeclarationWithinHours?.value ?? hours
        }
        let due = now.addingTimeInterval(TimeInterval(hours) * 3600)
        return try await db.writeTransaction { tx in
            guard let fresh = try await CityTrip.lockedForUpdate(id, on: tx), fresh.status == .approved else {
                throw AppError.conflict("health.trip_not_approved", "")
            }
            let before = fresh.auditSnapshot
            fresh.status = .returned
            fresh.returnedAt = now
            fresh.declarationDueAt = due
            try await fresh.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "trip.return", entityType: "cityTrip", entityID: fresh.id,
                                          orgPath: fresh.orgPath, summary: fresh.destination, before: before, after: fresh.auditSnapshot)
            return fresh
        }
    }

    static func mine(_ actor: Actor, on db: any Database) async throws -> [CityTrip] {
        guard let staffID = actor.staffID else { return [] }
        return try await CityTrip.query(on: db).filter(\.$staffID == staffID).sort(\.$leaveOn, .descending).limit(20).all()
    }

    /// Trips of a subtree: waiting for a decision, or late (not back, or no declaration).
    static func list(under prefix: String, waiting: Bool, page: PageRequest, on db: any Database) async throws -> Paged<CityTrip> {
        let q = CityTrip.query(on: db)
        if prefix != "/" { q.filter(\.$orgPath =~ prefix) }
        if waiting { q.filter(\.$status == .requested) }
        let total = try await q.count()
        let items = try await q.sort(\.$leaveOn, .descending).range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }

    /// Late: approved and not reported back the day after the return date; returned and the
    /// declaration not made by its deadline.
    static func lateReturn(_ t: CityTrip, now: Date) -> Bool {
        t.status == .approved && LocalDate(t.returnOn)! < LocalDate.of(now)
    }

    static func lateDeclaration(_ t: CityTrip, now: Date) -> Bool {
        t.status == .returned && t.declarationID == nil && (t.declarationDueAt.map { $0 < now } ?? false)
    }
}

/// Tells the head once about each late return report and each late declaration.
enum TripReminders {
    static func run(at now: Date, on db: any Database, into r: inout Scheduler.Report) async throws {
        let today = LocalDate.of(now)
        let notBack = try await CityTrip.query(on: db).filter(\.$status == .approved).filter(\.$returnOn < today.value)
            .filter(\.$returnFlaggedAt == nil).limit(200).all()
        let noDeclaration = try await CityTrip.query(on: db).filter(\.$status == .returned).filter(\.$declarationID == nil)
            .filter(\.$declarationDueAt < now).filter(\.$declarationFlaggedAt == nil).limit(200).all()
        for (trip, isReturn) in notBack.map({ ($0, true) }) + noDeclaration.map({ ($0, false) }) {
            let heads = try await TicketEscalation.headUsers(of: trip.orgID, on: db)
            let name = try await StaffMember.find(trip.staffID, on: db)?.fullName ?? ""
            let (id, path) = (trip.id!, trip.orgPath)
            let sent = try await Scheduler.once("trip-late:\(isReturn ? "return" : "declaration"):\(id)", on: db) { tx in
                if isReturn {
                    try await CityTrip.query(on: tx).filter(\.$id == id).set(\.$returnFlaggedAt, to: now).update()
                } else {
                    try await CityTrip.query(on: tx).filter(\.$id == id).set(\.$declarationFlaggedAt, to: now).update()
                }
                try await NotificationService.notify(heads, kind: isReturn ? "notif.trip_return_late" : "notif.trip_declaration_late",
                                                     detail: name, link: "/health/unit", on: tx)
                try await AuditService.record(on: tx, actor: .commandLine("scheduler"), action: "trip.late", entityType: "cityTrip",
                                              entityID: id, orgPath: path, summary: isReturn ? "return" : "declaration")
                return heads.count
            }
            if let sent { r.tripsFlagged += 1; r.notified += sent }
        }
    }
}
