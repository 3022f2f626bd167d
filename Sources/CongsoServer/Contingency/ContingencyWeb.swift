import CongsoCore
import Fluent
import Vapor

/// A unit's contingency plan: the level it is at, the plan for each level (versioned), the
/// one-click switch and the history of switches.
enum ContingencyWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("contingency", use: page)
        web.post("contingency", "plan", use: save)
        web.post("contingency", "level", use: switchLevel)
    }

    struct LevelRow: Encodable {
        let level: Int; let label: String; let share: String; let minOnDuty: Int; let essential: [String]; let essentialText: String
        let workplace: String; let current: Bool
    }
    struct LevelForm: Encodable { let level: Int; let label: String; let share: String; let minOnDuty: Int; let workplace: String; let people: [FormOption] }
    struct VersionRow: Encodable { let version: Int; let by: String; let at: String; let note: String; let href: String; let shown: Bool }
    struct ChangeRow: Encodable { let from: String; let to: Int; let version: Int; let by: String; let at: String; let note: String }
    struct SwitchButton: Encodable { let level: Int; let label: String; let current: Bool; let confirm: String }
    struct Data: Encodable {
        let org: String; let orgName: String; let orgs: [FormOption]
        let level: Int?; let levelText: String?; let since: String?; let appliedVersion: Int?
        let hasPlan: Bool; let shownVersion: Int?; let rows: [LevelRow]; let forms: [LevelForm]
        let versions: [VersionRow]; let changes: [ChangeRow]; let hasChanges: Bool
        let canManage: Bool; let switches: [SwitchButton]
    }

    @Sendable static func page(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let (org, _) = try await req.orgAndDay(actor)
        try ContingencyService.requireRead(actor, org)
        let versions = try await ContingencyService.versions(of: org.id!, on: req.db)
        let wanted = req.query[Int.self, at: "version"]
        let shown = wanted.flatMap { v in versions.first { $0.version == v } } ?? versions.first
        let current = try await ContingencyService.current(of: org.id!, on: req.db)
        let essentialIDs = Set((shown?.levels ?? []).flatMap(\.essential).compactMap(UUID.init(uuidString:)))
        let names = try await StaffMember.query(on: req.db).filter(\.$id ~~ Array(essentialIDs)).all()
        let nameOf = Dictionary(uniqueKeysWithValues: names.map { ($0.id!.uuidString, $0.fullName) })
        let rows = (shown?.levels ?? []).map { l in
            LevelRow(level: l.level.rawValue, label: req.t("alert_level_\(l.level.rawValue)"), share: l.maxOnSiteShare.description, minOnDuty: l.minOnDuty,
                     essential: l.essential.compactMap { nameOf[$0] }, essentialText: l.essential.compactMap { nameOf[$0] }.joined(separator: ", "),
                     workplace: l.workplace, current: current?.level == l.level)
        }
        let latest = versions.first
        let people = try await PeopleOptions.under(org.path, selected: nil, on: req.db)
        let defaults = [(1, "1/1"), (2, "1/2"), (3, "1/3"), (4, "1/4")]
        let forms = defaults.map { lvl, share -> LevelForm in
            let l = latest?.plan(at: AlertLevel(rawValue: lvl)!)
            let chosen = Set(l?.essential ?? [])
            return LevelForm(level: lvl, label: req.t("alert_level_\(lvl)"), share: l?.maxOnSiteShare.description ?? share,
                             minOnDuty: l?.minOnDuty ?? 1, workplace: l?.workplace ?? "",
                             people: people.map { FormOption(value: $0.value, label: $0.label, selected: chosen.contains($0.value)) })
        }
        let changes = try await ContingencyService.history(of: org.id!, on: req.db).map {
            ChangeRow(from: $0.fromLevel.map { String($0.rawValue) } ?? "–", to: $0.toLevel.rawValue, version: $0.planVersion, by: $0.setBy,
                      at: DisplayDate.format($0.createdAt), note: $0.note)
        }
        let canManage = actor.may(.manageContingency, on: org.orgPath)
        let data = Data(org: org.code, orgName: org.name, orgs: try await OrgOptions.tree(actor: actor, selected: org.code, on: req.db),
                        level: current?.level.rawValue, levelText: current.map { req.t("alert_level_\($0.level.rawValue)") },
                        since: current.flatMap { LocalDate($0.since)?.vietnamese }, appliedVersion: current?.planVersion,
                        hasPlan: latest != nil, shownVersion: shown?.version, rows: rows, forms: forms,
                        versions: versions.map { VersionRow(version: $0.version, by: $0.createdBy, at: DisplayDate.format($0.createdAt), note: $0.note,
                                                            href: "/contingency?org=\(org.code)&version=\($0.version)", shown: $0.version == shown?.version) },
                        changes: changes, hasChanges: !changes.isEmpty, canManage: canManage,
                        switches: AlertLevel.allCases.map { SwitchButton(level: $0.rawValue, label: req.t("alert_level_\($0.rawValue)"),
                                                                        current: current?.level == $0,
                                                                        confirm: req.t("contingency_switch_confirm", detail: req.t("alert_level_\($0.rawValue)"))) })
        return try await WebPage.render(req, "contingency/index", title: req.t("contingency_title") + " · " + org.name, nav: "contingency", data: data)
    }

    struct PlanForm: Content {
        var org: String?
        var share1: String?; var share2: String?; var share3: String?; var share4: String?
        var duty1: String?; var duty2: String?; var duty3: String?; var duty4: String?
        var essential1: [String]?; var essential2: [String]?; var essential3: [String]?; var essential4: [String]?
        var workplace1: String?; var workplace2: String?; var workplace3: String?; var workplace4: String?
        var note: String?

        func input() throws -> ContingencyService.PlanInput {
            let shares = [share1, share2, share3, share4], duties = [duty1, duty2, duty3, duty4]
            let essentials = [essential1, essential2, essential3, essential4], places = [workplace1, workplace2, workplace3, workplace4]
            return .init(levels: try (0..<4).map { i in
                let duty = (duties[i] ?? "").trimmingCharacters(in: .whitespaces)
                guard let n = Int(duty) else { throw AppError.invalid("contingency.min_on_duty_invalid", String(i + 1)) }
                return .init(level: i + 1, maxOnSiteShare: shares[i] ?? "", minOnDuty: n,
                             essentialStaffIds: (essentials[i] ?? []).compactMap(UUID.init(uuidString:)), workplace: places[i] ?? "")
            }, note: note)
        }
    }

    static func org(_ req: Request, _ actor: Actor, code: String?) async throws -> Organization {
        guard let code, !code.isEmpty else { throw AppError.notFound("org") }
        return try await OrgService.find(code, actor: actor, on: req.db)
    }

    @Sendable static func save(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(PlanForm.self)
        let org = try await org(req, actor, code: f.org)
        return try await FormAction.run(req, back: "/contingency?org=\(org.code)", flash: "flash.contingency_saved") {
            _ = try await ContingencyService.save(try f.input(), org: org, actor: actor, on: req.db)
        }
    }

    struct LevelFormInput: Content { var org: String?; var level: Int?; var note: String? }

    @Sendable static func switchLevel(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(LevelFormInput.self)
        let org = try await org(req, actor, code: f.org)
        var overCap = 0
        let response = try await FormAction.run(req, back: "/contingency?org=\(org.code)", flash: "flash.contingency_switched") {
            guard let level = f.level.flatMap(AlertLevel.init(rawValue:)) else { throw AppError.invalid("contingency.level_invalid", String(f.level ?? 0)) }
            overCap = try await ContingencyService.switchLevel(level, org: org, note: f.note, actor: actor, on: req.db).overCap
        }
        if overCap > 0 { WebPage.flash(req, "flash.contingency_over_cap", detail: String(overCap)) }
        return response
    }
}
