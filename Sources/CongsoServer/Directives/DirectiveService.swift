import CongsoCore
import Fluent
import Vapor

/// Directives: created and edited by admin and steering within their subtree; every
/// edit keeps the earlier version; everybody reads those that cover them.
enum DirectiveService {
    struct Input: Sendable {
        var number: String?
        var issuer: String?
        var title: String?
        var scopeOrg: String?
        var effectiveFrom: String?
        var effectiveTo: String??
        var rules: DirectiveRules?
    }

    static func list(on db: any Database, actor: Actor, q: String?, under: Organization?, page: PageRequest) async throws -> Paged<Directive> {
        try actor.require(.readOrgs)
        var all = try await Directive.query(on: db).sort(\.$effectiveFrom, .descending).sort(\.$number).all()
        // A directive concerns you when it covers your subtree or lies inside it.
        let mine = under.map(\.orgPath) ?? actor.scope
        if let under { try actor.require(.readOrgs, on: under.orgPath) }
        if let mine {
            all = all.filter { OrgPath($0.scopePath).contains(mine) || mine.contains(OrgPath($0.scopePath)) }
        }
        for term in VietnameseText.searchTerms(q ?? "") {
            all = all.filter { VietnameseText.searchable($0.number + " " + $0.title + " " + $0.issuer).contains(term) }
        }
        let items = Array(all.dropFirst(page.offset).prefix(page.per))
        return Paged(items: items, total: all.count, page: page)
    }

    static func find(_ id: UUID, actor: Actor, on db: any Database) async throws -> Directive {
        guard let d = try await Directive.find(id, on: db) else { throw AppError.notFound(id.uuidString) }
        try actor.require(.readOrgs)
        if let scope = actor.scope, !(OrgPath(d.scopePath).contains(scope) || scope.contains(OrgPath(d.scopePath))) {
            throw AppError.notFound(id.uuidString)
        }
        return d
    }

    static func versions(of d: Directive, on db: any Database) async throws -> [DirectiveVersion] {
        try await DirectiveVersion.query(on: db).filter(\.$directiveID == d.id!).sort(\.$version, .descending).all()
    }

    static func create(_ input: Input, actor: Actor, on db: any Database) async throws -> Directive {
        try actor.require(.manageDirectives)
        let d = Directive()
        d.id = UUID()
        d.version = 1
        try await apply(input, to: d, actor: actor, creating: true, on: db)
        return try await db.writeTransaction { tx in
            try await d.create(on: tx)
            try await DirectiveVersion(of: d, by: actor.label).create(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "directive.create", entityType: "directive", entityID: d.id,
                                          orgPath: d.scopePath, summary: "\(d.number) \(d.title)", after: d.auditSnapshot)
            return d
        }
    }

    static func update(_ d: Directive, _ input: Input, actor: Actor, on db: any Database) async throws -> Directive {
        try actor.require(.manageDirectives)
        guard actor.may(.manageDirectives, on: OrgPath(d.scopePath)) else { throw AppError.forbidden }
        let before = d.auditSnapshot
        let oldPath = d.scopePath
        try await apply(input, to: d, actor: actor, creating: false, on: db)
        guard d.auditSnapshot != before else { return d }
        d.version += 1
        return try await db.writeTransaction { tx in
            try await d.save(on: tx)
            try await DirectiveVersion(of: d, by: actor.label).create(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "directive.update", entityType: "directive", entityID: d.id,
                                          orgPath: d.scopePath, prevOrgPath: oldPath, summary: "\(d.number) v\(d.version)",
                                          before: before, after: d.auditSnapshot)
            return d
        }
    }

    private static func apply(_ input: Input, to d: Directive, actor: Actor, creating: Bool, on db: any Database) async throws {
        func text(_ v: String?, _ current: String?, code: String, max: Int) throws -> String {
            let t = VietnameseText.normalize(v ?? current ?? "")
            guard !t.isEmpty, t.count <= max else { throw AppError.invalid(code, "") }
            return t
        }
        d.number = try text(input.number, creating ? nil : d.number, code: "directive.number_invalid", max: 60)
        d.issuer = try text(input.issuer, creating ? nil : d.issuer, code: "directive.issuer_invalid", max: 200)
        d.title = try text(input.title, creating ? nil : d.title, code: "directive.title_invalid", max: 500)
        if let ref = input.scopeOrg ?? (creating ? nil : d.scopeOrgID.uuidString) {
            let org = try await OrgService.find(ref, actor: actor, on: db)
            try actor.require(.manageDirectives, on: org.orgPath)
            d.scopeOrgID = org.id!
            d.scopePath = org.path
        } else {
            throw AppError.invalid("directive.scope_missing", "")
        }
        let fromText = input.effectiveFrom ?? (creating ? nil : d.effectiveFrom)
        guard let from = fromText.flatMap(LocalDate.init) else { throw AppError.invalid("directive.date_invalid", fromText ?? "") }
        d.effectiveFrom = from.value
        if let to = input.effectiveTo {
            if let t = to, !t.isEmpty {
                guard let date = LocalDate(t) else { throw AppError.invalid("directive.date_invalid", t) }
                d.effectiveTo = date.value
            } else {
                d.effectiveTo = nil
            }
        }
        if let end = d.effectiveTo, end < d.effectiveFrom { throw AppError.invalid("directive.dates_reversed", "") }
        if let rules = input.rules {
            do { d.rules = try rules.validated() } catch { throw AppError.invalid(error.code, "") }
        } else if creating {
            d.rules = DirectiveRules()
        }
    }

    /// Every directive in force on `date` (a small table: read whole, resolved in Core).
    /// The directives in force on a day, and the contingency plans of units at an alert
    /// level (their rules meet the directives' under strictest-wins).
    static func inForce(on date: LocalDate, db: any Database) async throws -> [DirectiveInForce] {
        try await Directive.query(on: db).filter(\.$effectiveFrom <= date.value).all()
            .filter { $0.effectiveTo.map { $0 >= date.value } ?? true }.map(\.inForce)
            + ContingencyService.inForce(on: date, db: db)
    }
}
