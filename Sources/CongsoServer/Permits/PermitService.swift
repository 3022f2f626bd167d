import CongsoCore
import Crypto
import Fluent
import Vapor

/// Travel permits: listed by unit leads, approved (and so issued) by heads in bulk,
/// revoked with a reason. Verification needs only the public keys.
enum PermitService {
    struct Input: Sendable, Codable {
        var staffId: UUID?
        var idNumber: String?
        var purpose: String?
        var from: String?
        var to: String?
        var plate: String?
        var validFrom: String?
        var validUntil: String?
    }

    static let issuerPrefix = "VN"

    /// All or nothing: every line is checked before any is written.
    static func request(_ inputs: [Input], actor: Actor, on db: any Database) async throws -> [Permit] {
        try actor.require(.requestPermits)
        guard !inputs.isEmpty, inputs.count <= 1_000 else { throw AppError.invalid("permit.count_invalid", "1000") }
        var permits: [Permit] = []
        for (i, input) in inputs.enumerated() {
            do { permits.append(try await prepare(input, actor: actor, on: db)) } catch let e as AppError {
                throw AppError(status: e.status, code: e.code, detail: inputs.count > 1 ? "#\(i + 1): \(e.detail)" : e.detail)
            }
        }
        let ready = permits
        return try await db.writeTransaction { tx in
            for p in ready {
                try await p.create(on: tx)
                try await AuditService.record(on: tx, actor: actor, action: "permit.request", entityType: "permit", entityID: p.id,
                                              orgPath: p.orgPath, summary: "\(p.number) \(p.holderName)", after: p.auditSnapshot)
            }
            return ready
        }
    }

    private static func prepare(_ input: Input, actor: Actor, on db: any Database) async throws -> Permit {
        guard let staffID = input.staffId else { throw AppError.invalid("permit.staff_missing", "") }
        let person = try await StaffService.find(staffID, actor: actor, on: db)
        try actor.require(.requestPermits, on: person.org.orgPath)
        func text(_ v: String?, _ code: String, max: Int = 300, optional: Bool = false) throws -> String {
            let t = VietnameseText.normalize(v ?? "")
            guard (optional || !t.isEmpty) && t.count <= max else { throw AppError.invalid(code, "") }
            return t
        }
        let idNumber = (input.idNumber ?? "").filter(\.isNumber)
        guard (9...12).contains(idNumber.count) else { throw AppError.invalid("permit.id_number_invalid", "") }
        guard let from = input.validFrom.flatMap(LocalDate.init), let until = input.validUntil.flatMap(LocalDate.init) else {
            throw AppError.invalid("date_invalid", input.validFrom ?? "")
        }
        guard from <= until, until <= from.adding(days: 31) else { throw AppError.invalid("permit.dates_invalid", "31") }
        let p = Permit()
        p.id = UUID()
        p.number = "\(person.org.code)-\(from.value.prefix(4))-\(UUID().uuidString.prefix(8))"
        p.staffID = staffID
        p.orgID = person.org.id!
        p.orgPath = person.org.path
        p.holderName = person.fullName
        p.idNumber = idNumber
        p.position = person.position
        p.purpose = try text(input.purpose, "permit.purpose_missing")
        p.fromAddress = try text(input.from, "permit.from_missing")
        p.toAddress = try text(input.to, "permit.to_missing")
        p.plate = try text(input.plate, "permit.plate_invalid", max: 20, optional: true).uppercased()
        p.validFrom = from.value
        p.validUntil = until.value
        p.status = .requested
        p.requestedBy = actor.label
        p.revokeReason = ""
        return p
    }

    static func find(_ id: UUID, actor: Actor, on db: any Database) async throws -> Permit {
        guard let p = try await Permit.find(id, on: db) else { throw AppError.notFound(id.uuidString) }
        try actor.require(.readStaff, on: OrgPath(p.orgPath))
        return p
    }

    static func list(under: Organization?, status: String?, actor: Actor, page: PageRequest, on db: any Database) async throws -> Paged<Permit> {
        try actor.require(.readStaff)
        if let under { try actor.require(.readStaff, on: under.orgPath) }
        let query = Permit.query(on: db).filter(\.$orgPath =~ (under?.path ?? actor.visiblePrefix))
        if let s = status, !s.isEmpty {
            guard let wanted = Permit.Status(rawValue: s) else { throw AppError.invalid("permit.status_invalid", s) }
            query.filter(\.$status == wanted)
        }
        let total = try await query.count()
        let items = try await query.sort(\.$createdAt, .descending).sort(\.$number).range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }

    /// Approves and issues many permits in one action and one transaction.
    static func approve(_ ids: [UUID], actor: Actor, dataDirectory: String, on db: any Database) async throws -> [Permit] {
        try actor.require(.approvePermits)
        guard !ids.isEmpty, ids.count <= 1_000 else { throw AppError.invalid("permit.count_invalid", "1000") }
        let permits = try await Permit.query(on: db).filter(\.$id ~~ ids).all()
        guard permits.count == Set(ids).count else { throw AppError.notFound("") }
        for p in permits {
            try actor.require(.approvePermits, on: OrgPath(p.orgPath))
            guard p.status == .requested else { throw AppError.conflict("permit.not_requested", p.number) }
            // No permit is issued to someone isolating or under monitoring (issue 16).
            try await HealthService.requireFree(p.staffID, on: max(LocalDate.of(Date()), LocalDate(p.validFrom) ?? LocalDate.of(Date())), db: db)
        }
        let key = try await PermitKeys.signingKey(in: dataDirectory, on: db)
        let kid = PermitKeys.kidText(key.publicKey)
        let now = Date()
        // The agency as a checkpoint reads it: the unit and the body it belongs to.
        let agencies = try await OrgService.names(permits.map(\.orgID), withParent: true, separator: " - ", on: db)
        var orgNames: [UUID: (String, String)] = [:]
        for o in try await Organization.query(on: db).filter(\.$id ~~ Array(agencies.keys)).all() { orgNames[o.id!] = (agencies[o.id!] ?? o.name, o.code) }
        let names = orgNames
        // Issued under a lock on the rows: of two heads approving one permit at once, one
        // issues it and the other is told it is no longer waiting (never two tokens).
        return try await db.writeTransaction { tx in
            let fresh = try await Permit.lockedForUpdate(permits.map { $0.id! }, on: tx)
            guard fresh.count == permits.count else { throw AppError.notFound("") }
            for p in fresh where p.status != .requested { throw AppError.conflict("permit.not_requested", p.number) }
            for p in fresh.sorted(by: { $0.number < $1.number }) {
                let before = p.auditSnapshot
                var content = p.content
                content.org = names[p.orgID]?.0 ?? ""
                p.token = try PermitCodec.issue(content, issuer: issuerPrefix + "-" + (names[p.orgID]?.1 ?? ""), at: now, key: key)
                p.kid = kid
                p.status = .approved
                p.approvedBy = actor.label
                p.approvedAt = now
                try await p.save(on: tx)
                try await AuditService.record(on: tx, actor: actor, action: "permit.approve", entityType: "permit", entityID: p.id,
                                              orgPath: p.orgPath, summary: p.number, before: before, after: p.auditSnapshot)
            }
            let order = Dictionary(uniqueKeysWithValues: permits.enumerated().map { ($1.id!, $0) })
            return fresh.sorted { order[$0.id!]! < order[$1.id!]! }
        }
    }

    static func revoke(_ p: Permit, reason: String, actor: Actor, on db: any Database) async throws -> Permit {
        try actor.require(.approvePermits)
        guard actor.may(.approvePermits, on: OrgPath(p.orgPath)) else { throw AppError.forbidden }
        guard p.status == .approved || p.status == .suspended else { throw AppError.conflict("permit.not_approved", p.status.rawValue) }
        let why = VietnameseText.normalize(reason)
        guard !why.isEmpty else { throw AppError.invalid("permit.reason_missing", "") }
        return try await db.writeTransaction { tx in
            guard let p = try await Permit.lockedForUpdate(p.id!, on: tx) else { throw AppError.notFound("") }
            guard p.status == .approved || p.status == .suspended else { throw AppError.conflict("permit.not_approved", p.status.rawValue) }
            let before = p.auditSnapshot
            p.status = .revoked
            p.revokedAt = Date()
            p.revokeReason = why
            try await p.save(on: tx)
            try await PermitTrust.changed(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "permit.revoke", entityType: "permit", entityID: p.id,
                                          orgPath: p.orgPath, summary: "\(p.number): \(why)", before: before, after: p.auditSnapshot)
            return p
        }
    }

    /// The signed list checkpoints download: the same revoked-id hashes the server's own checks use.
    static func revocations(dataDirectory: String, trust: PermitTrust, on db: any Database) async throws -> RevocationList.Document {
        let revoked = try await trust.current(on: db).revoked
        return try RevocationList.sign(revoked.sorted(), at: Date(), key: try await PermitKeys.signingKey(in: dataDirectory, on: db))
    }

    /// Verification as a checkpoint does it, with the keys and revocations we publish.
    static func verify(_ token: String, at now: Date = Date(), trust: PermitTrust, on db: any Database) async throws
        -> Result<PermitCodec.Claims, PermitCodec.Failure> {
        let current = try await trust.current(on: db)
        return PermitCodec.verify(token.trimmingCharacters(in: .whitespacesAndNewlines), trust: current.keys, revokedIDHashes: current.revoked, at: now)
    }
}

/// Health states hold a person's permits (issue 16): suspended on the revocation list while
/// they are isolating or under monitoring, approved again when it ends. Called inside the
/// transaction that starts or ends the state.
extension PermitService {
    @discardableResult
    static func suspend(holder staffID: UUID, reason: String, actor: Actor, on tx: any Database) async throws -> Int {
        let held = try await Permit.query(on: tx).filter(\.$staffID == staffID).filter(\.$status == .approved)
            .filter(\.$validUntil >= LocalDate.of(Date()).value).all()
        guard !held.isEmpty else { return 0 }
        for p in held {
            let before = p.auditSnapshot
            p.status = .suspended
            p.revokedAt = Date()
            p.revokeReason = reason
            try await p.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "permit.suspend", entityType: "permit", entityID: p.id,
                                          orgPath: p.orgPath, summary: "\(p.number): \(reason)", before: before, after: p.auditSnapshot)
        }
        try await PermitTrust.changed(on: tx)
        return held.count
    }

    @discardableResult
    static func reinstate(holder staffID: UUID, actor: Actor, on tx: any Database) async throws -> Int {
        let held = try await Permit.query(on: tx).filter(\.$staffID == staffID).filter(\.$status == .suspended).all()
        guard !held.isEmpty else { return 0 }
        for p in held {
            let before = p.auditSnapshot
            p.status = .approved
            p.revokedAt = nil
            p.revokeReason = ""
            try await p.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "permit.reinstate", entityType: "permit", entityID: p.id,
                                          orgPath: p.orgPath, summary: p.number, before: before, after: p.auditSnapshot)
        }
        try await PermitTrust.changed(on: tx)
        return held.count
    }
}
