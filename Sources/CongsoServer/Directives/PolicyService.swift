import CongsoCore
import Fluent
import SQLKit
import Vapor

/// "What applies here today": the effective rules over one unit on one day, its cap,
/// and where each value came from.
enum PolicyService {
    struct Effective: Sendable {
        let org: Organization
        let date: LocalDate
        let staffCount: Int
        let policy: EffectivePolicy
        let cap: Sourced<Int>
        let directives: [UUID: Directive]
        let exceptions: [UUID: CapException]
    }

    static func staffCount(of orgID: UUID, on db: any Database) async throws -> Int {
        try await StaffMember.query(on: db).filter(\.$org.$id == orgID).count()
    }

    static func overrides(on date: LocalDate, db: any Database) async throws -> [CapException] {
        try await CapException.query(on: db).filter(\.$status == .approved)
            .filter(\.$validFrom <= date.value).filter(\.$validUntil >= date.value).all()
    }

    static func effective(for org: Organization, on date: LocalDate, db: any Database) async throws -> Effective {
        let directives = try await Directive.query(on: db).filter(\.$effectiveFrom <= date.value).all()
            .filter { $0.effectiveTo.map { $0 >= date.value } ?? true }
        let exceptions = try await overrides(on: date, db: db).filter { $0.orgID == org.id }
        let plans = try await ContingencyService.inForce(on: date, db: db)
        let resolver = PolicyResolver(directives: directives.map(\.inForce) + plans, overrides: exceptions.compactMap(\.override))
        let policy = resolver.resolve(org.orgPath, on: date)
        let n = try await staffCount(of: org.id!, on: db)
        return Effective(org: org, date: date, staffCount: n, policy: policy, cap: policy.cap(staffCount: n),
                         directives: Dictionary(uniqueKeysWithValues: directives.map { ($0.id!, $0) }),
                         exceptions: Dictionary(uniqueKeysWithValues: exceptions.map { ($0.id!, $0) }))
    }

    struct UnitCap: Sendable {
        let org: Organization
        let staffCount: Int
        let cap: Sourced<Int>
    }

    /// The cap of every unit with staff in the subtree (first `limit` by name): what a
    /// head of a district or department needs to see at once.
    static func unitCaps(under org: Organization, on date: LocalDate, limit: Int = 300, db: any Database) async throws -> [UnitCap] {
        let sql = try db.sql
        struct Row: Decodable { let org_id: UUID; let n: Int }
        let rows = try await sql.raw("""
            SELECT s.org_id AS org_id, COUNT(*) AS n FROM staff s JOIN organizations o ON o.id = s.org_id
            WHERE o.path LIKE \(bind: org.path + "%") GROUP BY s.org_id
            """).all(decoding: Row.self)
        let counts = Dictionary(uniqueKeysWithValues: rows.map { ($0.org_id, $0.n) })
        guard !counts.isEmpty else { return [] }
        let orgs = try await Organization.query(on: db).filter(\.$id ~~ Array(counts.keys)).sort(\.$sortKey).limit(limit).all()
        let directives = try await DirectiveService.inForce(on: date, db: db)
        let resolver = PolicyResolver(directives: directives, overrides: try await overrides(on: date, db: db).compactMap(\.override))
        return orgs.map { o in
            let n = counts[o.id!] ?? 0
            return UnitCap(org: o, staffCount: n, cap: resolver.resolve(o.orgPath, on: date).cap(staffCount: n))
        }
    }
}

// MARK: - JSON

struct SourceDTO: Content {
    let type: String
    let directiveId: UUID?
    let number: String?
    let title: String?
    let exceptionId: UUID?
    let until: String?
}

struct SourcedDTO<V: Content>: Content {
    let value: V
    let source: SourceDTO
}

struct PolicyDTO: Content {
    let org: OrgDTO
    let date: String
    let staffCount: Int
    let cap: SourcedDTO<Int>
    let maxOnSiteShare: SourcedDTO<String>?
    let minOnDuty: SourcedDTO<Int>
    let allowedReasons: SourcedDTO<[String]>?
    let negativeTestRequired: SourcedDTO<Bool>?
    let testValidityHours: SourcedDTO<Int>?
    let meetingMaxInPerson: SourcedDTO<Int>?
    let meetingSpacingMeters: SourcedDTO<Double>?
    let leaveCityNeedsApproval: SourcedDTO<Bool>?
    let healthDeclarationWithinHours: SourcedDTO<Int>?
    let monitoringDays: SourcedDTO<Int>?
    let isolationDays: SourcedDTO<Int>?
    let feverThreshold: SourcedDTO<Double>?
    let declarationFields: SourcedDTO<[String]>?
    let summary: String
}

enum PolicyPresenter {
    static func source(_ p: Provenance, _ e: PolicyService.Effective) -> SourceDTO {
        switch p {
        case .directive(let id, let number):
            let d = UUID(uuidString: id).flatMap { e.directives[$0] }
            return SourceDTO(type: "directive", directiveId: UUID(uuidString: id), number: number, title: d?.title, exceptionId: nil, until: nil)
        case .exception(let id, let until):
            return SourceDTO(type: "exception", directiveId: nil, number: nil, title: nil, exceptionId: UUID(uuidString: id), until: until.value)
        case .builtIn:
            return SourceDTO(type: "default", directiveId: nil, number: nil, title: nil, exceptionId: nil, until: nil)
        }
    }

    static func sourced<V, W: Content>(_ s: Sourced<V>?, _ e: PolicyService.Effective, _ f: (V) -> W) -> SourcedDTO<W>? {
        s.map { SourcedDTO(value: f($0.value), source: source($0.source, e)) }
    }

    /// Who gave the value, in words: "Chỉ thị 17/CT-UBND", "ngoại lệ được duyệt đến 31/07/2021".
    static func sourceText(_ p: Provenance, _ req: Request) -> String {
        switch p {
        case .directive(_, let number): req.t("policy_source_directive", detail: number)
        case .exception(_, let until): req.t("policy_source_exception", detail: until.vietnamese)
        case .builtIn: req.t("policy_source_default")
        }
    }

    /// "Đơn vị được tối đa 3/7 người tại trụ sở mỗi ca, theo Chỉ thị 17/CT-UBND." A node
    /// with no staff of its own (a district, a department) gets the rule for its units.
    static func summary(_ e: PolicyService.Effective, _ req: Request) -> String {
        if e.staffCount == 0 {
            let share = e.policy.maxOnSiteShare.map { $0.value.description + " (" + sourceText($0.source, req) + ")" } ?? req.t("policy_no_share")
            return req.t("policy_summary_branch", detail: share) + " " + req.t("policy_min_duty_text", detail: String(e.policy.minOnDuty.value)) + "."
        }
        return req.t("policy_summary", detail: "\(e.cap.value)/\(e.staffCount)") + " " + sourceText(e.cap.source, req) + "."
    }

    static func dto(_ e: PolicyService.Effective, _ req: Request) async throws -> PolicyDTO {
        let p = e.policy
        return PolicyDTO(
            org: try await OrgPresenter.dtos([e.org], on: req.db)[0], date: e.date.value, staffCount: e.staffCount,
            cap: SourcedDTO(value: e.cap.value, source: source(e.cap.source, e)),
            maxOnSiteShare: sourced(p.maxOnSiteShare, e) { $0.description },
            minOnDuty: SourcedDTO(value: p.minOnDuty.value, source: source(p.minOnDuty.source, e)),
            allowedReasons: sourced(p.allowedReasons, e) { $0.map(\.rawValue) },
            negativeTestRequired: sourced(p.negativeTestRequired, e) { $0 },
            testValidityHours: sourced(p.testValidityHours, e) { $0 },
            meetingMaxInPerson: sourced(p.meetingMaxInPerson, e) { $0 },
            meetingSpacingMeters: sourced(p.meetingSpacingMeters, e) { $0 },
            leaveCityNeedsApproval: sourced(p.leaveCityNeedsApproval, e) { $0 },
            healthDeclarationWithinHours: sourced(p.healthDeclarationWithinHours, e) { $0 },
            monitoringDays: sourced(p.monitoringDays, e) { $0 },
            isolationDays: sourced(p.isolationDays, e) { $0 },
            feverThreshold: sourced(p.feverThreshold, e) { $0 },
            declarationFields: sourced(p.declarationFields, e) { $0.map(\.rawValue) },
            summary: summary(e, req))
    }

    /// The rules as lines of plain language for the page.
    struct Line: Encodable { let label: String; let value: String; let source: String; let link: String? }

    static func lines(_ e: PolicyService.Effective, _ req: Request) -> [Line] {
        let p = e.policy
        func link(_ s: Provenance) -> String? {
            if case .directive(let id, _) = s {
                // A unit's contingency plan stands in for a directive while its level is set.
                if id.hasPrefix("plan:") { return "/contingency?org=" + id.dropFirst(5) }
                return "/directives/\(id)"
            }
            return nil
        }
        var out: [Line] = []
        func add<V>(_ key: String, _ s: Sourced<V>?, _ text: (V) -> String) {
            guard let s else { return }
            out.append(Line(label: req.t(key), value: text(s.value), source: sourceText(s.source, req), link: link(s.source)))
        }
        if e.staffCount > 0 { add("policy_cap", e.cap) { "\($0)/\(e.staffCount)" } }
        add("policy_share", p.maxOnSiteShare) { $0.description }
        add("policy_min_duty", p.minOnDuty) { String($0) }
        add("policy_reasons", p.allowedReasons) { $0.map { req.t("reason." + $0.rawValue) }.joined(separator: "; ") }
        add("policy_test", p.negativeTestRequired) { req.t($0 ? "yes" : "no") }
        add("policy_test_hours", p.testValidityHours) { "\($0) h" }
        add("policy_meeting_max", p.meetingMaxInPerson) { String($0) }
        add("policy_meeting_spacing", p.meetingSpacingMeters) { String(format: "%.0f m", $0) }
        add("policy_leave_city", p.leaveCityNeedsApproval) { req.t($0 ? "yes" : "no") }
        add("policy_declaration", p.healthDeclarationWithinHours) { "\($0) h" }
        add("policy_monitoring_days", p.monitoringDays) { String($0) }
        add("policy_isolation_days", p.isolationDays) { String($0) }
        add("policy_fever", p.feverThreshold) { String(format: "%.1f °C", $0) }
        add("policy_declaration_fields", p.declarationFields) { $0.map { req.t("health_field." + $0.rawValue) }.joined(separator: "; ") }
        return out
    }
}
