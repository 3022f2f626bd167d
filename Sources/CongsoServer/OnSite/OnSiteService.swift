import CongsoCore
import Fluent
import Vapor

/// On-site requests: filed by staff (or their leads), approved or rejected by unit leads
/// and heads. The cap is enforced inside the approving transaction.
enum OnSiteService {
    struct Input: Sendable {
        var staffID: UUID?
        var date: String?
        var shift: String?
        var reason: String?
        var justification: String?
        var testTakenOn: String?
        var testKind: String?
        var testOutcome: String?
    }

    static func refusal(_ r: OnSiteRefusal) -> AppError {
        switch r {
        case .capReached(let cap): AppError.conflict(r.code, String(cap))
        case .reasonNotAllowed(let reason): AppError.invalid(r.code, reason.rawValue)
        case .testExpired(let hours): AppError.invalid(r.code, String(hours))
        default: AppError.invalid(r.code, "")
        }
    }

    static func create(_ input: Input, actor: Actor, on db: any Database) async throws -> OnSiteRequest {
        try await createMany([input], actor: actor, on: db)[0]
    }

    /// Several days and shifts at once: every one is checked first, then all are written
    /// in one transaction, so a refused day leaves nothing half-filed.
    static func createMany(_ inputs: [Input], actor: Actor, on db: any Database) async throws -> [OnSiteRequest] {
        try actor.require(.requestOnSite)
        guard !inputs.isEmpty, inputs.count <= 62 else { throw AppError.invalid("onsite.too_many", "62") }
        var checked: [(OnSiteRequest, StaffMember)] = []
        for input in inputs { checked.append(try await prepare(input, actor: actor, on: db)) }
        let prepared = checked
        let person = prepared[0].1
        let approvers = try await NotificationService.usersCovering(person.org.orgPath, roles: [.unitLead, .head], on: db)
        // Two requests racing past the read below meet the unique index; the loser is told
        // the same as someone who asked twice in turn.
        return try await DatabaseFailure.duplicate(as: { try await duplicateRefusal(prepared.map(\.0), on: db) }) {
          try await db.writeTransaction { tx in
            var seen = Set<String>()
            for (request, person) in prepared {
                let key = "\(request.staffID)|\(request.date)|\(request.shift)"
                let date = LocalDate(request.date)!
                if try await isTaken(request, on: tx) || !seen.insert(key).inserted { throw AppError.conflict("onsite.duplicate", date.vietnamese) }
                try await request.create(on: tx)
                try await AuditService.record(on: tx, actor: actor, action: "onsite.request", entityType: "onsiteRequest", entityID: request.id,
                                              orgPath: request.orgPath, summary: "\(person.fullName) \(request.date) \(request.shift)",
                                              after: request.auditSnapshot)
            }
            let days = prepared.map { LocalDate($0.0.date)!.vietnamese + " (" + $0.0.shift.rawValue + ")" }
            try await NotificationService.notify(approvers.compactMap(\.id).filter { $0 != actor.userID }, kind: "notif.onsite_requested",
                                                 detail: "\(person.fullName) — \(days.prefix(4).joined(separator: ", "))\(days.count > 4 ? "…" : "")",
                                                 link: "/onsite?org=\(person.org.id!)&date=\(prepared[0].0.date)", on: tx)
            return prepared.map(\.0)
          }
        }
    }

    /// Someone already holds a live request for this person, day and shift (the unique index's rule).
    private static func isTaken(_ r: OnSiteRequest, on db: any Database) async throws -> Bool {
        try await OnSiteRequest.query(on: db).filter(\.$staffID == r.staffID).filter(\.$date == r.date)
            .filter(\.$shift == r.shift).filter(\.$status ~~ OnSiteRequest.Status.live).first() != nil
    }

    /// The refusal for a batch that met the unique index: the first day already asked for.
    private static func duplicateRefusal(_ requests: [OnSiteRequest], on db: any Database) async throws -> AppError {
        for r in requests where try await isTaken(r, on: db) {
            return AppError.conflict("onsite.duplicate", LocalDate(r.date)?.vietnamese ?? r.date)
        }
        return AppError.conflict("onsite.duplicate", LocalDate(requests[0].date)?.vietnamese ?? requests[0].date)
    }

    /// Validates one request against the rules in force on its day.
    private static func prepare(_ input: Input, actor: Actor, on db: any Database) async throws -> (OnSiteRequest, StaffMember) {
        guard let staffID = input.staffID ?? actor.staffID else { throw AppError.invalid("onsite.staff_missing", "") }
        let person = try await StaffService.find(staffID, actor: actor, on: db)
        // Staff file for themselves; leads and heads for the people they manage.
        if staffID != actor.staffID { try actor.require(.approveOnSite, on: person.org.orgPath) }
        guard let date = input.date.flatMap(LocalDate.init) else { throw AppError.invalid("date_invalid", input.date ?? "") }
        guard date >= LocalDate.of(Date()).adding(days: -1) else { throw AppError.invalid("onsite.date_past", date.vietnamese) }
        guard let shift = input.shift.flatMap(Shift.init(rawValue:)) else { throw AppError.invalid("onsite.shift_invalid", input.shift ?? "") }
        guard let reason = input.reason.flatMap(ExemptionReason.init(rawValue:)) else { throw AppError.invalid("onsite.reason_invalid", input.reason ?? "") }
        let justification = VietnameseText.normalize(input.justification ?? "")
        guard justification.count <= 2000 else { throw AppError.invalid("onsite.justification_long", "") }
        var test: TestResult?
        if let taken = input.testTakenOn, !taken.isEmpty {
            guard let on = LocalDate(taken), let kind = TestResult.Kind(rawValue: input.testKind ?? ""),
                  let outcome = TestResult.Outcome(rawValue: input.testOutcome ?? "") else {
                throw AppError.invalid("onsite.test_invalid", "")
            }
            test = TestResult(takenOn: on, kind: kind, outcome: outcome)
        }
        try await HealthService.requireFree(staffID, on: date, db: db)
        let effective = try await PolicyService.effective(for: person.org, on: date, db: db)
        do {
            try OnSiteRules.check(reason: reason, justification: justification, test: test, date: date, shift: shift, policy: effective.policy)
        } catch { throw refusal(error) }

        let request = OnSiteRequest()
        request.id = UUID()
        request.staffID = staffID
        request.orgID = person.org.id!
        request.orgPath = person.org.path
        request.date = date.value
        request.shift = shift
        request.reason = reason
        request.justification = justification
        request.testTakenOn = test?.takenOn.value
        request.testKind = test?.kind.rawValue
        request.testOutcome = test?.outcome.rawValue
        request.status = .pending
        request.requestedBy = actor.userID
        request.decisionComment = ""
        return (request, person)
    }

    static func find(_ id: UUID, actor: Actor, on db: any Database) async throws -> OnSiteRequest {
        guard let r = try await OnSiteRequest.find(id, on: db) else { throw AppError.notFound(id.uuidString) }
        if r.staffID == actor.staffID, actor.staffID != nil { return r }
        try actor.require(.readStaff, on: OrgPath(r.orgPath))
        return r
    }

    /// Approves inside one transaction that takes a numbered on-site place ≤ cap. A lost
    /// race for a number fails the unique index; the transaction is retried and sees
    /// the winner, so the cap holds however many approvals run at once.
    static func approve(_ request: OnSiteRequest, comment: String, actor: Actor, on db: any Database) async throws -> OnSiteRequest {
        try actor.require(.approveOnSite, on: OrgPath(request.orgPath))
        guard request.status == .pending else { throw AppError.conflict("onsite.not_pending", request.status.rawValue) }
        guard let org = try await Organization.find(request.orgID, on: db), let date = LocalDate(request.date),
              let shift = Shift(rawValue: request.shift.rawValue), let reason = ExemptionReason(rawValue: request.reason.rawValue) else {
            throw AppError.notFound("")
        }
        try await HealthService.requireFree(request.staffID, on: date, db: db)
        let effective = try await PolicyService.effective(for: org, on: date, db: db)
        do {
            try OnSiteRules.check(reason: reason, justification: request.justification, test: request.test, date: date, shift: shift, policy: effective.policy)
        } catch { throw refusal(error) }
        let cap = effective.cap.value
        let before = request.auditSnapshot
        let note = VietnameseText.normalize(comment)
        for attempt in 1...(cap + 10) {
            do {
                return try await db.writeTransaction { tx in
                    guard let fresh = try await OnSiteRequest.lockedForUpdate(request.id!, on: tx),
                          fresh.status == .pending else {
                        throw AppError.conflict("onsite.not_pending", "")
                    }
                    let slots = try await OnSiteSlot.query(on: tx).filter(\.$orgID == request.orgID)
                        .filter(\.$date == request.date).filter(\.$shift == request.shift).all()
                    // A published roster's people count too, unless their own approved request already holds a place.
                    let rostered = try await rosteredWithoutRequest(org: request.orgID, date: request.date, shift: request.shift, on: tx)
                    let taken = slots.count + rostered
                    guard taken < cap else { throw refusal(.capReached(cap: cap)) }
                    // The next number after the highest: unique under racing approvals, whatever was freed before.
                    try await OnSiteSlot(orgID: request.orgID, date: request.date, shift: request.shift, slot: (slots.map(\.slot).max() ?? 0) + 1,
                                         requestID: request.id!).create(on: tx)
                    fresh.status = .approved
                    fresh.decidedBy = actor.label
                    fresh.decidedAt = Date()
                    fresh.decisionComment = note
                    try await fresh.save(on: tx)
                    try await AuditService.record(on: tx, actor: actor, action: "onsite.approve", entityType: "onsiteRequest",
                                                  entityID: fresh.id, orgPath: fresh.orgPath,
                                                  summary: "\(fresh.date) \(fresh.shift): \(taken + 1)/\(cap)",
                                                  before: before, after: fresh.auditSnapshot)
                    try await notifyRequester(fresh, kind: "notif.onsite_approved", on: tx)
                    return fresh
                }
            } catch let e as AppError {
                throw e
            } catch {
                // A lost race on the slot index (or SQLite's busy writer): try again.
                if attempt == cap + 10 { throw error }
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...15)))
            }
        }
        throw AppError.conflict("conflict", "")
    }

    /// People a published roster puts on site in this unit and shift who hold no approved request of their own there.
    static func rosteredWithoutRequest(org: UUID, date: String, shift: Shift, on db: any Database) async throws -> Int {
        let rostered = try await RosterPublishedCell.query(on: db).filter(\.$unitID == org).filter(\.$date == date)
            .filter(\.$shift == shift).all().map(\.staffID)
        guard !rostered.isEmpty else { return 0 }
        let requested = try await OnSiteRequest.query(on: db).filter(\.$orgID == org).filter(\.$date == date).filter(\.$shift == shift)
            .filter(\.$status == .approved).all().map(\.staffID)
        return Set(rostered).subtracting(requested).count
    }

    static func reject(_ request: OnSiteRequest, comment: String, actor: Actor, on db: any Database) async throws -> OnSiteRequest {
        try actor.require(.approveOnSite, on: OrgPath(request.orgPath))
        guard request.status == .pending else { throw AppError.conflict("onsite.not_pending", request.status.rawValue) }
        let note = VietnameseText.normalize(comment)
        guard !note.isEmpty else { throw AppError.invalid("onsite.comment_missing", "") }
        return try await db.writeTransaction { tx in
            // Decided by someone else meanwhile (an approval holds a place): refuse, do not overwrite.
            guard let fresh = try await OnSiteRequest.lockedForUpdate(request.id!, on: tx) else { throw AppError.notFound("") }
            guard fresh.status == .pending else { throw AppError.conflict("onsite.not_pending", fresh.status.rawValue) }
            let before = fresh.auditSnapshot
            fresh.status = .rejected
            fresh.decidedBy = actor.label
            fresh.decidedAt = Date()
            fresh.decisionComment = note
            try await fresh.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "onsite.reject", entityType: "onsiteRequest", entityID: fresh.id,
                                          orgPath: fresh.orgPath, summary: "\(fresh.date) \(fresh.shift)",
                                          before: before, after: fresh.auditSnapshot)
            try await notifyRequester(fresh, kind: "notif.onsite_rejected", on: tx)
            return fresh
        }
    }

    private static func notifyRequester(_ r: OnSiteRequest, kind: String, on db: any Database) async throws {
        var ids = r.requestedBy.map { [$0] } ?? []
        ids += try await User.query(on: db).filter(\.$staffID == r.staffID).all().compactMap(\.id)
        let date = LocalDate(r.date)?.vietnamese ?? r.date
        try await NotificationService.notify(ids, kind: kind, detail: "\(date) (\(r.shift))\(r.decisionComment.isEmpty ? "" : ": " + r.decisionComment)",
                                             link: "/onsite", on: db)
    }

    struct Filter: Sendable {
        var under: Organization?
        var date: LocalDate?
        var status: String?
        var mineOnly = false
    }

    static func list(_ filter: Filter, actor: Actor, page: PageRequest, on db: any Database) async throws -> Paged<OnSiteRequest> {
        let query = OnSiteRequest.query(on: db)
        if filter.mineOnly {
            guard let staffID = actor.staffID else { return Paged(items: [], total: 0, page: page) }
            query.filter(\.$staffID == staffID)
        } else {
            try actor.require(.readStaff)
            if let under = filter.under { try actor.require(.readStaff, on: under.orgPath) }
            query.filter(\.$orgPath =~ (filter.under?.path ?? actor.visiblePrefix))
        }
        if let d = filter.date { query.filter(\.$date == d.value) }
        if let s = filter.status, !s.isEmpty {
            guard let wanted = OnSiteRequest.Status(rawValue: s) else { throw AppError.invalid("onsite.status_invalid", s) }
            query.filter(\.$status == wanted)
        }
        let total = try await query.count()
        let items = try await query.sort(\.$date, .descending).sort(\.$shift).sort(\.$createdAt)
            .range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }
}

/// Health states (issue 16) take a person off site at once: their pending and approved
/// requests over the state's days are withdrawn and their places freed, in the transaction
/// that starts the state.
extension OnSiteService {
    @discardableResult
    static func withdraw(staffID: UUID, from: LocalDate, through last: LocalDate, reason: String, actor: Actor, on tx: any Database) async throws -> Int {
        let live = try await OnSiteRequest.query(on: tx).filter(\.$staffID == staffID).filter(\.$status ~~ OnSiteRequest.Status.live)
            .filter(\.$date >= from.value).filter(\.$date <= last.value).all()
        for r in live {
            let before = r.auditSnapshot
            try await OnSiteSlot.query(on: tx).filter(\.$requestID == r.id!).delete()
            r.status = .withdrawn
            r.decidedBy = actor.label
            r.decidedAt = Date()
            r.decisionComment = reason
            try await r.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "onsite.withdraw", entityType: "onsiteRequest", entityID: r.id,
                                          orgPath: r.orgPath, summary: "\(r.date) \(r.shift.rawValue): \(reason)", before: before, after: r.auditSnapshot)
        }
        return live.count
    }
}
