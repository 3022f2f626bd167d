import CongsoCore
import Fluent
import Vapor

/// Higher caps for special units (docs/sources.md, seeds 001 and 004): the unit files, Home Affairs gives
/// its opinion and forwards, the steering committee decides. Each step is audited and
/// notifies the next person.
enum ExceptionService {
    struct Input: Sendable {
        var org: String?
        var requestedMax: Int?
        var justification: String?
        var validFrom: String?
        var validUntil: String?
    }

    static func file(_ input: Input, actor: Actor, on db: any Database) async throws -> CapException {
        try actor.require(.fileExceptions)
        let org = try await OrgService.find(input.org ?? actor.orgID?.uuidString ?? "", actor: actor, on: db)
        try actor.require(.fileExceptions, on: org.orgPath)
        guard let from = input.validFrom.flatMap(LocalDate.init), let until = input.validUntil.flatMap(LocalDate.init) else {
            throw AppError.invalid("date_invalid", input.validFrom ?? "")
        }
        guard from <= until else { throw AppError.invalid("exception.dates_reversed", "") }
        let justification = VietnameseText.normalize(input.justification ?? "")
        guard justification.count >= 10, justification.count <= 4000 else { throw AppError.invalid("exception.justification_missing", "") }
        let effective = try await PolicyService.effective(for: org, on: from, db: db)
        guard let wanted = input.requestedMax, wanted > effective.cap.value, wanted <= max(effective.staffCount, 1) else {
            throw AppError.invalid("exception.max_invalid", "\(effective.cap.value + 1)–\(max(effective.staffCount, 1))")
        }
        let ex = CapException()
        ex.id = UUID()
        ex.orgID = org.id!
        ex.orgPath = org.path
        ex.requestedMax = wanted
        ex.justification = justification
        ex.validFrom = from.value
        ex.validUntil = until.value
        ex.status = .submitted
        ex.filedBy = actor.userID ?? UUID()
        ex.homeAffairsOpinion = ""
        ex.decisionComment = ""
        let reviewers = try await NotificationService.usersCovering(org.orgPath, roles: [.homeAffairs], on: db)
        return try await db.writeTransaction { tx in
            try await ex.create(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "exception.file", entityType: "exception", entityID: ex.id,
                                          orgPath: ex.orgPath, summary: "\(org.name): \(wanted)", after: ex.auditSnapshot)
            try await NotificationService.notify(reviewers.compactMap(\.id), kind: "notif.exception_filed",
                                                 detail: "\(org.name) — \(wanted)", link: "/exceptions/\(ex.id!)", on: tx)
            return ex
        }
    }

    static func find(_ id: UUID, actor: Actor, on db: any Database) async throws -> CapException {
        guard let ex = try await CapException.find(id, on: db) else { throw AppError.notFound(id.uuidString) }
        try actor.require(.readOrgs, on: OrgPath(ex.orgPath))
        guard actor.has(.fileExceptions) || actor.has(.reviewExceptions) || actor.has(.decideExceptions) else { throw AppError.forbidden }
        return ex
    }

    static func list(status: String?, actor: Actor, page: PageRequest, on db: any Database) async throws -> Paged<CapException> {
        guard actor.has(.fileExceptions) || actor.has(.reviewExceptions) || actor.has(.decideExceptions) else { throw AppError.forbidden }
        let query = CapException.query(on: db).filter(\.$orgPath =~ actor.visiblePrefix)
        if let s = status, !s.isEmpty {
            guard let wanted = CapException.Status(rawValue: s) else { throw AppError.invalid("exception.status_invalid", s) }
            query.filter(\.$status == wanted)
        }
        let total = try await query.count()
        let items = try await query.sort(\.$createdAt, .descending).range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }

    /// Home Affairs adds its opinion and forwards to the steering committee.
    static func forward(_ ex: CapException, opinion: String, actor: Actor, on db: any Database) async throws -> CapException {
        try actor.require(.reviewExceptions, on: OrgPath(ex.orgPath))
        guard ex.status == .submitted else { throw AppError.conflict("exception.wrong_step", ex.status.rawValue) }
        let text = VietnameseText.normalize(opinion)
        guard !text.isEmpty else { throw AppError.invalid("exception.opinion_missing", "") }
        let deciders = try await NotificationService.usersCovering(OrgPath(ex.orgPath), roles: [.steering], on: db)
        let name = try await Organization.find(ex.orgID, on: db)?.name ?? ""
        return try await db.writeTransaction { tx in
            guard let ex = try await CapException.lockedForUpdate(ex.id!, on: tx) else { throw AppError.notFound("") }
            guard ex.status == .submitted else { throw AppError.conflict("exception.wrong_step", ex.status.rawValue) }
            let before = ex.auditSnapshot
            ex.homeAffairsOpinion = text
            ex.status = .forwarded
            ex.forwardedBy = actor.label
            ex.forwardedAt = Date()
            try await ex.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "exception.forward", entityType: "exception", entityID: ex.id,
                                          orgPath: ex.orgPath, summary: name, before: before, after: ex.auditSnapshot)
            try await NotificationService.notify(deciders.compactMap(\.id), kind: "notif.exception_forwarded",
                                                 detail: "\(name) — \(ex.requestedMax)", link: "/exceptions/\(ex.id!)", on: tx)
            return ex
        }
    }

    /// The steering committee approves (the override applies at once) or rejects.
    static func decide(_ ex: CapException, approve: Bool, comment: String, actor: Actor, on db: any Database) async throws -> CapException {
        try actor.require(.decideExceptions, on: OrgPath(ex.orgPath))
        guard ex.status == .forwarded else { throw AppError.conflict("exception.wrong_step", ex.status.rawValue) }
        let heads = try await NotificationService.usersCovering(OrgPath(ex.orgPath), roles: [.head, .unitLead, .homeAffairs], on: db)
        let name = try await Organization.find(ex.orgID, on: db)?.name ?? ""
        return try await db.writeTransaction { tx in
            guard let ex = try await CapException.lockedForUpdate(ex.id!, on: tx) else { throw AppError.notFound("") }
            guard ex.status == .forwarded else { throw AppError.conflict("exception.wrong_step", ex.status.rawValue) }
            let before = ex.auditSnapshot
            ex.status = approve ? .approved : .rejected
            ex.decidedBy = actor.label
            ex.decidedAt = Date()
            ex.decisionComment = VietnameseText.normalize(comment)
            try await ex.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: approve ? "exception.approve" : "exception.reject",
                                          entityType: "exception", entityID: ex.id, orgPath: ex.orgPath, summary: name,
                                          before: before, after: ex.auditSnapshot)
            try await NotificationService.notify([ex.filedBy] + heads.compactMap(\.id), kind: approve ? "notif.exception_approved" : "notif.exception_rejected",
                                                 detail: "\(name) — \(ex.requestedMax)", link: "/exceptions/\(ex.id!)", on: tx)
            return ex
        }
    }
}
