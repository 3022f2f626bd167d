import CongsoCore
import Fluent
import Vapor

/// The front desk's visitor log: who came, whom they visit, their temperature and
/// declaration. A temperature at or above the directive's threshold, symptoms or contact
/// with a case is refused entry, and the refusal is kept. Admitted visitors count in
/// contact tracing like staff on site.
enum VisitorService {
    struct Input: Content {
        var org: String?
        var name: String?
        var phone: String?
        var hostStaffId: UUID?
        var hostName: String?
        var temperature: Double?
        var symptoms: [String]?
        var noSymptoms: Bool?
        var contactWithCase: Bool?
    }

    static func record(_ input: Input, actor: Actor, on db: any Database, now: Date = Date()) async throws -> VisitorVisit {
        let org = try await OrgService.find(input.org ?? "", actor: actor, on: db)
        try actor.require(.keepVisitorLog, on: org.orgPath)
        let name = VietnameseText.normalize(input.name ?? "")
        guard !name.isEmpty, name.count <= 200 else { throw AppError.invalid("health.visitor_name_missing", "") }
        guard let phone = PhoneNumber.normalize(input.phone ?? "") else { throw AppError.invalid("health.visitor_phone_invalid", input.phone ?? "") }
        guard let t = input.temperature else { throw AppError.invalid("health.field_missing.temperature", "") }
        let today = LocalDate.of(now)
        let policy = try await PolicyService.effective(for: org, on: today, db: db).policy
        let d = try DeclarationService.parse(.init(symptoms: input.symptoms, noSymptoms: input.noSymptoms, contactWithCase: input.contactWithCase,
                                                   temperature: t), policy: policy.visitorPolicy, now: now)
        var hostName = VietnameseText.normalize(input.hostName ?? "")
        if let host = input.hostStaffId {
            guard let person = try await StaffMember.query(on: db).filter(\.$id == host).with(\.$org).first(),
                  org.orgPath.contains(person.org.orgPath) else { throw AppError.invalid("health.visitor_host_invalid", "") }
            hostName = person.fullName
        }
        guard !hostName.isEmpty, hostName.count <= 200 else { throw AppError.invalid("health.visitor_host_invalid", "") }
        let threshold = HealthRules.feverThreshold(policy)
        var refusal = ""
        if t >= threshold { refusal = "fever" }
        else if !d.symptoms.isEmpty { refusal = "symptoms" }
        else if d.contactWithCase == true { refusal = "contact" }
        let v = VisitorVisit()
        v.id = UUID()
        v.orgID = org.id!
        v.orgPath = org.path
        v.name = name
        v.phone = phone
        v.hostStaffID = input.hostStaffId
        v.hostName = hostName
        v.temperature = t
        v.admitted = refusal.isEmpty
        v.refusal = refusal
        v.date = today.value
        v.shift = PresenceService.currentShift(now)
        v.arrivedAt = now
        v.recordedBy = actor.label
        let (who, why) = (hostName, refusal)
        let declaration = DeclarationService.make(d, orgID: org.id!, orgPath: org.path, by: actor.label, at: now)
        declaration.visitID = v.id
        declaration.outcome = HealthRules.outcome(of: d, policy: policy)
        try await db.writeTransaction { tx in
            try await v.create(on: tx)
            try await declaration.create(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: v.admitted ? "visitor.admit" : "visitor.refuse", entityType: "visit",
                                          entityID: v.id, orgPath: org.path, summary: "\(name) → \(who)\(why.isEmpty ? "" : " (\(why))")")
        }
        return v
    }

    static func leave(_ id: UUID, actor: Actor, on db: any Database, now: Date = Date()) async throws -> VisitorVisit {
        guard let v = try await VisitorVisit.find(id, on: db) else { throw AppError.notFound(id.uuidString) }
        try actor.require(.keepVisitorLog, on: OrgPath(v.orgPath))
        guard v.admitted, v.leftAt == nil else { throw AppError.conflict("health.visitor_not_in", "") }
        return try await db.writeTransaction { tx in
            guard let fresh = try await VisitorVisit.lockedForUpdate(id, on: tx), fresh.leftAt == nil else { throw AppError.conflict("health.visitor_not_in", "") }
            fresh.leftAt = now
            try await fresh.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "visitor.leave", entityType: "visit", entityID: id,
                                          orgPath: fresh.orgPath, summary: fresh.name)
            return fresh
        }
    }

    static func list(org: Organization, date: LocalDate, actor: Actor, page: PageRequest, on db: any Database) async throws -> Paged<VisitorVisit> {
        try actor.require(.keepVisitorLog, on: org.orgPath)
        let q = VisitorVisit.query(on: db).filter(\.$orgID == org.id!).filter(\.$date == date.value)
        let total = try await q.count()
        let items = try await q.sort(\.$arrivedAt, .descending).range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }
}

extension EffectivePolicy {
    /// A visitor answers symptoms, contact and temperature; the rest of a staff declaration is not asked at the door.
    var visitorPolicy: EffectivePolicy {
        var p = self
        p.declarationFields = nil
        return p
    }
}
