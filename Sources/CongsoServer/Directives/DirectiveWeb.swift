import CongsoCore
import Fluent
import Vapor

enum DirectiveWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("policy", use: policy)
        web.get("directives", use: index)
        web.get("directives", "new", use: newPage)
        web.post("directives", use: create)
        web.get("directives", ":id", use: show)
        web.get("directives", ":id", "edit", use: editPage)
        web.post("directives", ":id", use: update)
    }

    // MARK: - What applies here today

    struct PolicyData: Encodable {
        let orgRef: String
        let orgName: String
        let orgID: String
        let date: String
        let dateVN: String
        let summary: String
        let lines: [PolicyPresenter.Line]
        let units: [UnitRow]
        let hasUnits: Bool
    }
    struct UnitRow: Encodable { let id: String; let name: String; let cap: Int; let staff: Int; let source: String }

    @Sendable static func policy(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let ref = (req.query[String.self, at: "org"]).flatMap { $0.isEmpty ? nil : $0 } ?? actor.orgID?.uuidString
        let org: Organization
        if let ref { org = try await OrgService.find(ref, actor: actor, on: req.db) } else {
            guard let top = try await Organization.query(on: req.db).filter(\.$parentID == nil).first() else { throw AppError.notFound("") }
            org = top
        }
        let date = try DayParameter.parse(req.query[String.self, at: "date"])
        let e = try await PolicyService.effective(for: org, on: date, db: req.db)
        let caps = try await PolicyService.unitCaps(under: org, on: date, db: req.db).filter { $0.org.id != org.id }
        let names = try await OrgService.names(caps.compactMap { $0.org.id }, withParent: true, on: req.db)
        let units = caps.map {
            UnitRow(id: $0.org.id!.uuidString, name: names[$0.org.id!] ?? $0.org.name,
                    cap: $0.cap.value, staff: $0.staffCount,
                    source: PolicyPresenter.sourceText($0.cap.source, req))
        }
        let data = PolicyData(orgRef: org.code, orgName: org.name, orgID: org.id!.uuidString, date: date.value, dateVN: date.vietnamese,
                              summary: PolicyPresenter.summary(e, req), lines: PolicyPresenter.lines(e, req), units: units, hasUnits: !units.isEmpty)
        return try await WebPage.render(req, "directives/policy", title: req.t("policy_title"), nav: "policy", data: data)
    }

    // MARK: - Directives

    struct Row: Encodable {
        let id: String
        let number: String
        let issuer: String
        let title: String
        let scope: String
        let from: String
        let to: String
        let version: Int
        let share: String
        let test: Bool
    }
    struct ListData: Encodable {
        let rows: [Row]
        let total: Int
        let q: String
        let canCreate: Bool
        let pages: [PageLink]
        let prev: String?
        let next: String?
    }

    static func rows(_ ds: [Directive], on db: any Database) async throws -> [Row] {
        let names = try await OrgService.names(ds.map(\.scopeOrgID), on: db)
        return ds.map { d in
            Row(id: d.id!.uuidString, number: d.number, issuer: d.issuer, title: d.title, scope: names[d.scopeOrgID] ?? "",
                from: LocalDate(d.effectiveFrom)?.vietnamese ?? d.effectiveFrom, to: d.effectiveTo.flatMap(LocalDate.init)?.vietnamese ?? "",
                version: d.version, share: d.rules.maxOnSiteShare?.description ?? "", test: d.rules.negativeTestRequired == true)
        }
    }

    @Sendable static func index(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let q = req.query[String.self, at: "q"] ?? ""
        let page = try PageRequest(req)
        let paged = try await DirectiveService.list(on: req.db, actor: actor, q: q, under: nil, page: page)
        let nav = PageLinks.make(base: ["q": q], page: page.page, pageCount: paged.pageCount)
        let data = ListData(rows: try await rows(paged.items, on: req.db), total: paged.total, q: q, canCreate: actor.has(.manageDirectives),
                            pages: nav.links, prev: nav.prev, next: nav.next)
        return try await WebPage.render(req, "directives/index", title: req.t("directives_title"), nav: "directives", data: data)
    }

    struct VersionRow: Encodable { let version: Int; let by: String; let at: String; let changes: [AuditWeb.Change] }
    struct ShowData: Encodable {
        let row: Row
        let lines: [Line]
        let versions: [VersionRow]
        let canEdit: Bool
    }
    struct Line: Encodable { let label: String; let value: String }

    static func ruleLines(_ r: DirectiveRules, _ req: Request) -> [Line] {
        var out: [Line] = []
        func add(_ key: String, _ v: String?) { if let v { out.append(Line(label: req.t(key), value: v)) } }
        add("policy_share", r.maxOnSiteShare?.description)
        add("policy_min_duty", r.minOnDutyPerShift.map(String.init))
        add("policy_reasons", r.allowedReasons.map { $0.map { req.t("reason." + $0.rawValue) }.joined(separator: "; ") })
        add("policy_test", r.negativeTestRequired.map { req.t($0 ? "yes" : "no") })
        add("policy_test_hours", r.testValidityHours.map { "\($0) h" })
        add("policy_meeting_max", r.meetingMaxInPerson.map(String.init))
        add("policy_meeting_spacing", r.meetingSpacingMeters.map { String(format: "%.0f m", $0) })
        add("policy_leave_city", r.leaveCityNeedsApproval.map { req.t($0 ? "yes" : "no") })
        add("policy_declaration", r.healthDeclarationWithinHours.map { "\($0) h" })
        add("policy_monitoring_days", r.monitoringDays.map(String.init))
        add("policy_isolation_days", r.isolationDays.map(String.init))
        add("policy_fever", r.feverThreshold.map { String(format: "%.1f °C", $0) })
        add("policy_declaration_fields", r.declarationFields.map { $0.map { req.t("health_field." + $0.rawValue) }.joined(separator: "; ") })
        return out
    }

    @Sendable static func show(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let d = try await DirectiveService.find(try req.idParameter(), actor: actor, on: req.db)
        let versions = try await DirectiveService.versions(of: d, on: req.db)
        var rowsOut: [VersionRow] = []
        for (i, v) in versions.enumerated() {
            let after = AuditDTO.decode(v.snapshot) ?? [:]
            let before = i + 1 < versions.count ? AuditDTO.decode(versions[i + 1].snapshot) ?? [:] : [:]
            let changes = Set(after.keys).union(before.keys).sorted().filter { $0 != "version" }.compactMap { k -> AuditWeb.Change? in
                (before[k] ?? "") == (after[k] ?? "") ? nil : AuditWeb.Change(field: k, before: before[k] ?? "", after: after[k] ?? "")
            }
            rowsOut.append(VersionRow(version: v.version, by: v.editedBy, at: DisplayDate.format(v.editedAt), changes: changes))
        }
        let data = ShowData(row: try await rows([d], on: req.db)[0], lines: ruleLines(d.rules, req), versions: rowsOut,
                            canEdit: actor.may(.manageDirectives, on: OrgPath(d.scopePath)))
        return try await WebPage.render(req, "directives/show", title: d.number, nav: "directives", data: data)
    }

    struct FormValues: Codable {
        var number: String?
        var issuer: String?
        var title: String?
        var scopeOrg: String?
        var effectiveFrom: String?
        var effectiveTo: String?
        var share: String?
        var minOnDuty: String?
        var reasons: [String]?
        var testRequired: String?
        var testHours: String?
        var meetingMax: String?
        var spacing: String?
        var leaveCity: String?
        var declarationHours: String?
        var monitoringDays: String?
        var isolationDays: String?
        var feverThreshold: String?
        var declarationFields: [String]?
    }
    struct FormData: Encodable {
        let mode: String
        let id: String?
        let values: FormValues
        let reasons: [FormOption]
        let fields: [FormOption]
        let error: String?
    }

    static func values(_ d: Directive, scopeCode: String) -> FormValues {
        let r = d.rules
        return FormValues(number: d.number, issuer: d.issuer, title: d.title, scopeOrg: scopeCode, effectiveFrom: d.effectiveFrom,
                          effectiveTo: d.effectiveTo, share: r.maxOnSiteShare?.description, minOnDuty: r.minOnDutyPerShift.map(String.init),
                          reasons: r.allowedReasons?.map(\.rawValue), testRequired: r.negativeTestRequired == true ? "true" : nil,
                          testHours: r.testValidityHours.map(String.init), meetingMax: r.meetingMaxInPerson.map(String.init),
                          spacing: r.meetingSpacingMeters.map { String(format: "%g", $0) }, leaveCity: r.leaveCityNeedsApproval == true ? "true" : nil,
                          declarationHours: r.healthDeclarationWithinHours.map(String.init),
                          monitoringDays: r.monitoringDays.map(String.init), isolationDays: r.isolationDays.map(String.init),
                          feverThreshold: r.feverThreshold.map { String(format: "%g", $0) }, declarationFields: r.declarationFields?.map(\.rawValue))
    }

    /// Empty fields mean "this directive says nothing about it".
    static func rules(_ f: FormValues) throws -> DirectiveRules {
        func int(_ s: String?, _ code: String) throws -> Int? {
            guard let s = s?.trimmingCharacters(in: .whitespaces), !s.isEmpty else { return nil }
            guard let v = Int(s) else { throw AppError.invalid(code, s) }
            return v
        }
        var r = DirectiveRules()
        if let s = f.share?.trimmingCharacters(in: .whitespaces), !s.isEmpty {
            guard let share = Fraction(parsing: s) else { throw AppError.invalid("directive.share_invalid", s) }
            r.maxOnSiteShare = share
        }
        r.minOnDutyPerShift = try int(f.minOnDuty, "directive.min_on_duty_invalid")
        let reasons = (f.reasons ?? []).compactMap(ExemptionReason.init(rawValue:))
        r.allowedReasons = reasons.isEmpty ? nil : reasons
        r.negativeTestRequired = f.testRequired == "true" ? true : nil
        r.testValidityHours = try int(f.testHours, "directive.test_hours_invalid")
        r.meetingMaxInPerson = try int(f.meetingMax, "directive.meeting_invalid")
        if let s = f.spacing?.trimmingCharacters(in: .whitespaces), !s.isEmpty {
            guard let v = Double(s.replacingOccurrences(of: ",", with: ".")) else { throw AppError.invalid("directive.meeting_invalid", s) }
            r.meetingSpacingMeters = v
        }
        r.leaveCityNeedsApproval = f.leaveCity == "true" ? true : nil
        r.healthDeclarationWithinHours = try int(f.declarationHours, "directive.declaration_hours_invalid")
        r.monitoringDays = try int(f.monitoringDays, "directive.health_days_invalid")
        r.isolationDays = try int(f.isolationDays, "directive.health_days_invalid")
        if let s = f.feverThreshold?.trimmingCharacters(in: .whitespaces), !s.isEmpty {
            guard let v = Double(s.replacingOccurrences(of: ",", with: ".")) else { throw AppError.invalid("directive.fever_invalid", s) }
            r.feverThreshold = v
        }
        let fields = (f.declarationFields ?? []).compactMap(DeclarationField.init(rawValue:))
        r.declarationFields = fields.isEmpty ? nil : fields
        return r
    }

    static func form(_ req: Request, mode: String, id: String?, values: FormValues, error: String?) async throws -> Response {
        let chosen = Set(values.reasons ?? [])
        let reasons = ExemptionReason.allCases.map { FormOption(value: $0.rawValue, label: req.t("reason." + $0.rawValue), selected: chosen.contains($0.rawValue)) }
        let wanted = Set(values.declarationFields ?? [])
        let fields = DeclarationField.allCases.filter { !HealthRules.alwaysAsked.contains($0) }
            .map { FormOption(value: $0.rawValue, label: req.t("health_field." + $0.rawValue), selected: wanted.contains($0.rawValue)) }
        let page = try await WebPage.render(req, "directives/form", title: req.t(mode == "new" ? "directives_new" : "directives_edit"),
                                            nav: "directives", data: FormData(mode: mode, id: id, values: values, reasons: reasons, fields: fields, error: error))
        if error != nil { page.status = .unprocessableEntity }
        return page
    }

    static func input(_ f: FormValues) throws -> DirectiveService.Input {
        DirectiveService.Input(number: f.number, issuer: f.issuer, title: f.title, scopeOrg: f.scopeOrg, effectiveFrom: f.effectiveFrom,
                               effectiveTo: .some(f.effectiveTo), rules: try rules(f))
    }

    @Sendable static func newPage(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.manageDirectives)
        var code: String?
        if let id = actor.orgID { code = try await Organization.find(id, on: req.db)?.code }
        return try await form(req, mode: "new", id: nil, values: FormValues(scopeOrg: code, effectiveFrom: LocalDate.of(Date()).value, minOnDuty: "1"), error: nil)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(FormValues.self)
        do {
            let d = try await DirectiveService.create(try input(f), actor: actor, on: req.db)
            WebPage.flash(req, "flash.created")
            return req.redirect(to: "/directives/\(d.id!)")
        } catch let e as AppError where e.status == .unprocessableEntity || e.status == .notFound {
            return try await form(req, mode: "new", id: nil, values: f, error: req.t("err." + e.code, detail: e.detail))
        }
    }

    @Sendable static func editPage(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let d = try await DirectiveService.find(try req.idParameter(), actor: actor, on: req.db)
        try actor.require(.manageDirectives)
        guard actor.may(.manageDirectives, on: OrgPath(d.scopePath)) else { throw AppError.forbidden }
        let code = try await Organization.find(d.scopeOrgID, on: req.db)?.code ?? ""
        return try await form(req, mode: "edit", id: d.id!.uuidString, values: values(d, scopeCode: code), error: nil)
    }

    @Sendable static func update(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let d = try await DirectiveService.find(try req.idParameter(), actor: actor, on: req.db)
        let f = try req.content.decode(FormValues.self)
        do {
            _ = try await DirectiveService.update(d, try input(f), actor: actor, on: req.db)
            WebPage.flash(req, "flash.saved")
            return req.redirect(to: "/directives/\(d.id!)")
        } catch let e as AppError where e.status == .unprocessableEntity || e.status == .notFound {
            return try await form(req, mode: "edit", id: d.id!.uuidString, values: f, error: req.t("err." + e.code, detail: e.detail))
        }
    }
}
