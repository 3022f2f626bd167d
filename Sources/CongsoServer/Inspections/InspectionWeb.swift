import CongsoCore
import Fluent
import Vapor

/// Inspection pages: the office (teams, checklists, samples), a sample with its method and
/// strata, a visit with findings, photos and charges, and violations for heads and teams.
enum InspectionWeb {
    static func register(_ web: any RoutesBuilder) {
        web.get("inspections", use: office)
        web.post("inspections", "teams", use: createTeam)
        web.post("inspections", "checklists", use: createChecklist)
        web.post("inspections", "samples", use: draw)
        web.get("inspections", "samples", ":id", use: sample)
        web.get("inspections", "visits", ":id", use: visit)
        web.on(.POST, "inspections", "visits", ":id", body: .collect(maxSize: "12mb"), use: record)
        web.post("inspections", "visits", ":id", "violations", use: charge)
        web.get("inspections", "photos", ":id", use: photo)
        web.get("inspections", "violations", use: violations)
        web.get("inspections", "violations", ":id", use: violation)
        web.post("inspections", "violations", ":id", ":action", use: act)
    }

    struct TeamRow: Encodable { let id: String; let name: String; let unit: String; let members: String }
    struct ChecklistRow: Encodable { let id: String; let title: String; let directive: String; let items: Int }
    struct SampleRow: Encodable { let id: String; let unit: String; let team: String; let size: Int; let population: Int; let seed: String; let at: String; let done: Int }
    struct OfficeData: Encodable {
        let org: String; let orgName: String; let orgs: [FormOption]; let canInspect: Bool
        let teams: [TeamRow]; let checklists: [ChecklistRow]; let samples: [SampleRow]
        let inspectors: [FormOption]; let directives: [FormOption]; let teamOptions: [FormOption]; let checklistOptions: [FormOption]
        let hasTeams: Bool; let hasChecklists: Bool; let hasSamples: Bool; let openViolations: Int
    }

    @Sendable static func office(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let (org, _) = try await req.orgAndDay(actor)
        guard InspectionService.mayRead(org.orgPath, actor: actor) else { throw AppError.notFound("") }
        let canInspect = actor.may(.inspect, on: org.orgPath)
        // Teams and checklists that reach this node: made above it or below it.
        let ancestors = org.orgPath.ancestorsAndSelf.map(\.value)
        let teams = try await InspectionTeam.query(on: req.db).group(.or) { $0.filter(\.$orgPath ~~ ancestors).filter(\.$orgPath =~ org.path) }
            .sort(\.$name).limit(200).all()
        let members = try await InspectionTeamMember.query(on: req.db).filter(\.$teamID ~~ teams.compactMap(\.id)).all()
        let users = try await User.query(on: req.db).filter(\.$id ~~ members.map(\.userID)).all()
        let userName = Dictionary(uniqueKeysWithValues: users.map { ($0.id!, $0.displayName.isEmpty ? $0.email : $0.displayName) })
        let checklists = try await InspectionChecklist.query(on: req.db).group(.or) { $0.filter(\.$orgPath ~~ ancestors).filter(\.$orgPath =~ org.path) }
            .sort(\.$title).limit(200).all()
        let directives = try await Directive.query(on: req.db).sort(\.$effectiveFrom, .descending).limit(100).all()
        let dirName = Dictionary(uniqueKeysWithValues: directives.map { ($0.id!, $0.number) })
        let samples = try await InspectionSampleRecord.query(on: req.db).filter(\.$orgPath =~ org.path).sort(\.$createdAt, .descending).limit(50).all()
        let orgNames = try await OrgService.names(Set(teams.map(\.orgID) + samples.map(\.orgID)), on: req.db)
        let teamName = Dictionary(uniqueKeysWithValues: teams.map { ($0.id!, $0.name) })
        var done: [UUID: Int] = [:]
        for v in try await InspectionVisit.query(on: req.db).filter(\.$sampleID ~~ samples.compactMap(\.id)).filter(\.$status == .done).all() { done[v.sampleID, default: 0] += 1 }
        let inspectorUsers = try await NotificationService.usersCovering(org.orgPath, roles: [.inspector, .steering], on: req.db)
        let open = try await InspectionService.violations(under: org.path, openOnly: true, page: PageRequest(page: 1, per: 1), on: req.db).total
        let data = OfficeData(
            org: org.code, orgName: org.name, orgs: try await OrgOptions.tree(actor: actor, selected: org.code, on: req.db), canInspect: canInspect,
            teams: teams.map { t in TeamRow(id: t.id!.uuidString, name: t.name, unit: orgNames[t.orgID] ?? "",
                                            members: members.filter { $0.teamID == t.id }.compactMap { userName[$0.userID] }.joined(separator: ", ")) },
            checklists: checklists.map { ChecklistRow(id: $0.id!.uuidString, title: $0.title, directive: dirName[$0.directiveID] ?? "", items: $0.items.count) },
            samples: samples.map { SampleRow(id: $0.id!.uuidString, unit: orgNames[$0.orgID] ?? "", team: teamName[$0.teamID] ?? "", size: $0.size,
                                             population: $0.population, seed: $0.seed, at: DisplayDate.format($0.createdAt), done: done[$0.id!] ?? 0) },
            inspectors: inspectorUsers.map { FormOption(value: $0.id!.uuidString, label: ($0.displayName.isEmpty ? $0.email : $0.displayName) + " · " + $0.email, selected: $0.id == actor.userID) },
            directives: directives.map { FormOption(value: $0.id!.uuidString, label: $0.number + " · " + $0.title, selected: false) },
            teamOptions: teams.map { FormOption(value: $0.id!.uuidString, label: $0.name, selected: false) },
            checklistOptions: checklists.map { FormOption(value: $0.id!.uuidString, label: $0.title, selected: false) },
            hasTeams: !teams.isEmpty, hasChecklists: !checklists.isEmpty, hasSamples: !samples.isEmpty, openViolations: open)
        return try await WebPage.render(req, "inspections/index", title: req.t("inspections_title"), nav: "inspections", data: data)
    }

    static func orgFromForm(_ req: Request, _ actor: Actor, _ code: String?) async throws -> Organization {
        guard let code, !code.isEmpty else { throw AppError.notFound("org") }
        return try await OrgService.find(code, actor: actor, on: req.db)
    }

    struct TeamForm: Content { var org: String?; var name: String?; var members: [String]? }
    @Sendable static func createTeam(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(TeamForm.self)
        let org = try await orgFromForm(req, actor, f.org)
        return try await FormAction.run(req, back: "/inspections?org=\(org.code)", flash: "flash.inspection_team") {
            _ = try await InspectionService.createTeam(name: f.name ?? "", org: org, members: (f.members ?? []).compactMap(UUID.init(uuidString:)), actor: actor, on: req.db)
        }
    }

    struct ChecklistForm: Content { var org: String?; var directiveId: String?; var title: String?; var items: String? }
    @Sendable static func createChecklist(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(ChecklistForm.self)
        let org = try await orgFromForm(req, actor, f.org)
        return try await FormAction.run(req, back: "/inspections?org=\(org.code)", flash: "flash.inspection_checklist") {
            _ = try await InspectionService.createChecklist(directiveID: f.directiveId.flatMap(UUID.init(uuidString:)), title: f.title ?? "",
                                                            items: (f.items ?? "").components(separatedBy: .newlines), org: org, actor: actor, on: req.db)
        }
    }

    struct DrawForm: Content { var org: String?; var teamId: String?; var checklistId: String?; var size: String?; var seed: String? }
    @Sendable static func draw(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(DrawForm.self)
        let org = try await orgFromForm(req, actor, f.org)
        var made: UUID?
        let r = try await FormAction.run(req, back: "/inspections?org=\(org.code)", flash: "flash.inspection_sample") {
            made = try await drawFrom(teamID: f.teamId, checklistID: f.checklistId, size: f.size, seed: f.seed, org: org, actor: actor, req: req).id
        }
        return made.map { req.redirect(to: "/inspections/samples/\($0)") } ?? r
    }

    static func drawFrom(teamID: String?, checklistID: String?, size: String?, seed: String?, org: Organization, actor: Actor, req: Request) async throws -> InspectionSampleRecord {
        guard let team = try await teamID.flatMap(UUID.init(uuidString:)).asyncMap({ try await InspectionTeam.find($0, on: req.db) }) ?? nil else {
            throw AppError.invalid("inspection.team_missing", "")
        }
        guard let checklist = try await checklistID.flatMap(UUID.init(uuidString:)).asyncMap({ try await InspectionChecklist.find($0, on: req.db) }) ?? nil else {
            throw AppError.invalid("inspection.checklist_missing", "")
        }
        guard let n = Int((size ?? "").trimmingCharacters(in: .whitespaces)) else { throw AppError.invalid("inspection.size_invalid", size ?? "") }
        let rawSeed = (seed ?? "").trimmingCharacters(in: .whitespaces)
        var parsed: UInt64?
        if !rawSeed.isEmpty {
            guard let s = UInt64(rawSeed), s > 0 else { throw AppError.invalid("inspection.seed_invalid", rawSeed) }
            parsed = s
        }
        return try await InspectionService.draw(team: team, checklist: checklist, org: org, size: n, seed: parsed, actor: actor, on: req.db)
    }

    struct StratumRow: Encodable { let district: String; let lastResult: String; let population: Int; let drawn: Int }
    struct VisitRow: Encodable { let id: String; let unit: String; let code: String; let stratum: String; let status: String; let statusKey: String; let visitedOn: String }
    struct SampleData: Encodable {
        let id: String; let org: String; let orgName: String; let team: String; let checklist: String; let seed: String; let size: Int
        let population: Int; let method: String; let at: String; let by: String; let strata: [StratumRow]; let visits: [VisitRow]
    }

    static func sampleAndScope(_ req: Request, _ actor: Actor) async throws -> InspectionSampleRecord {
        guard let s = try await InspectionSampleRecord.find(try req.idParameter(), on: req.db),
              InspectionService.mayRead(OrgPath(s.orgPath), actor: actor) else { throw AppError.notFound("sample") }
        return s
    }

    @Sendable static func sample(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let s = try await sampleAndScope(req, actor)
        guard let org = try await Organization.find(s.orgID, on: req.db) else { throw AppError.notFound("org") }
        let team = try await InspectionTeam.find(s.teamID, on: req.db)
        let checklist = try await InspectionChecklist.find(s.checklistID, on: req.db)
        let strata = (try? JSONDecoder().decode([InspectionService.StratumDTO].self, from: Foundation.Data(s.strataJSON.utf8))) ?? []
        let visits = try await InspectionVisit.query(on: req.db).filter(\.$sampleID == s.id!).all()
        let orgs = try await Organization.query(on: req.db).filter(\.$id ~~ visits.map(\.orgID)).all()
        let byID = Dictionary(uniqueKeysWithValues: orgs.map { ($0.id!, $0) })
        let rows = visits.map { v in
            VisitRow(id: v.id!.uuidString, unit: byID[v.orgID]?.name ?? "", code: byID[v.orgID]?.code ?? "", stratum: v.stratum,
                     status: req.t("inspection_visit_" + v.status.rawValue), statusKey: v.status.rawValue, visitedOn: v.visitedOn.flatMap { LocalDate($0)?.vietnamese } ?? "")
        }.sorted { ($0.stratum, VietnameseText.sortKey($0.unit)) < ($1.stratum, VietnameseText.sortKey($1.unit)) }
        let data = SampleData(id: s.id!.uuidString, org: org.code, orgName: org.name, team: team?.name ?? "", checklist: checklist?.title ?? "",
                              seed: s.seed, size: s.size, population: s.population, method: req.t("inspection_method", detail: s.seed),
                              at: DisplayDate.format(s.createdAt), by: s.createdBy,
                              strata: strata.map { StratumRow(district: $0.districtName, lastResult: req.t("inspection_last_" + $0.lastResult), population: $0.population, drawn: $0.drawn) },
                              visits: rows)
        if req.query[String.self, at: "format"] == "csv" {
            var out = CSVTable.reportLine(["unit", "code", "stratum", "status", "visited_on"])
            for r in rows { out += CSVTable.reportLine([r.unit, r.code, r.stratum, r.statusKey, r.visitedOn]) }
            return Response.csv(out, filename: "sample-\(org.code)-\(s.seed).csv")
        }
        return try await WebPage.render(req, "inspections/sample", title: req.t("inspection_sample_title"), nav: "inspections", data: data)
    }

    struct FindingRow: Encodable { let index: Int; let item: String; let result: String; let note: String }
    struct PhotoRow: Encodable { let id: String; let name: String }
    struct ViolationRow: Encodable { let id: String; let unit: String; let details: String; let deadline: String; let status: String; let statusKey: String; let late: Bool; let head: String }
    struct VisitData: Encodable {
        let id: String; let sampleID: String; let unit: String; let code: String; let status: String; let statusKey: String; let visitedOn: String
        let summary: String; let findings: [FindingRow]; let photos: [PhotoRow]; let violations: [ViolationRow]; let canWork: Bool; let done: Bool
        let today: String; let minDeadline: String; let hasViolations: Bool
    }

    static func visitAndScope(_ req: Request, _ actor: Actor) async throws -> InspectionVisit {
        guard let v = try await InspectionVisit.find(try req.idParameter(), on: req.db),
              InspectionService.mayRead(OrgPath(v.orgPath), actor: actor) else { throw AppError.notFound("visit") }
        return v
    }

    static func violationRow(_ v: InspectionViolation, unit: String, today: LocalDate, req: Request) -> ViolationRow {
        ViolationRow(id: v.id!.uuidString, unit: unit, details: v.details, deadline: LocalDate(v.deadline)?.vietnamese ?? v.deadline,
                     status: req.t("violation_" + v.status.rawValue), statusKey: v.status.rawValue,
                     late: v.status.isOpen && v.deadline < today.value, head: v.headName)
    }

    @Sendable static func visit(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let v = try await visitAndScope(req, actor)
        let sample = try await InspectionSampleRecord.find(v.sampleID, on: req.db)
        let checklist = try await sample.asyncMap { try await InspectionChecklist.find($0.checklistID, on: req.db) } ?? nil
        let team = try await InspectionTeam.find(v.teamID, on: req.db)
        let org = try await Organization.find(v.orgID, on: req.db)
        let canWork = try await team.asyncMap { try await InspectionService.mayWorkIn($0, actor: actor, on: req.db) } ?? false
        let saved = v.findings
        let items = checklist?.items ?? []
        let findings = items.enumerated().map { i, item in
            FindingRow(index: i, item: item, result: saved.indices.contains(i) ? saved[i].result.rawValue : "", note: saved.indices.contains(i) ? saved[i].note : "")
        }
        let photos = try await InspectionPhoto.query(on: req.db).filter(\.$visitID == v.id!).all().map { PhotoRow(id: $0.id!.uuidString, name: $0.fileName) }
        let today = LocalDate.of(Date())
        let violations = try await InspectionViolation.query(on: req.db).filter(\.$visitID == v.id!).sort(\.$createdAt).all()
            .map { violationRow($0, unit: org?.name ?? "", today: today, req: req) }
        let data = VisitData(id: v.id!.uuidString, sampleID: v.sampleID.uuidString, unit: org?.name ?? "", code: org?.code ?? "",
                             status: req.t("inspection_visit_" + v.status.rawValue), statusKey: v.status.rawValue,
                             visitedOn: v.visitedOn ?? today.value, summary: v.summary, findings: findings, photos: photos, violations: violations,
                             canWork: canWork, done: v.status == .done, today: today.value, minDeadline: today.adding(days: 1).value, hasViolations: !violations.isEmpty)
        return try await WebPage.render(req, "inspections/visit", title: req.t("inspection_visit_title") + " · " + (org?.name ?? ""), nav: "inspections", data: data)
    }

    @Sendable static func record(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let v = try await visitAndScope(req, actor)
        struct Form: Content { var visitedOn: String?; var summary: String?; var photos: [File]? }
        let f = try req.content.decode(Form.self)
        // One radio group per checklist line: result_0, note_0, result_1, …
        var findings: [InspectionService.FindingInput] = []
        for i in 0..<100 {
            guard let r = try? req.content.get(String.self, at: "result_\(i)") else { break }
            findings.append(.init(result: r, note: (try? req.content.get(String.self, at: "note_\(i)")) ?? ""))
        }
        return try await FormAction.run(req, back: "/inspections/visits/\(v.id!)", flash: "flash.inspection_visit") {
            let photos = try (f.photos ?? []).filter { $0.data.readableBytes > 0 }.map { try FileStore.check($0, codes: "inspection") }
            let day = try (f.visitedOn ?? "").isEmpty ? nil : DayParameter.parse(f.visitedOn)
            _ = try await InspectionService.record(visit: v, findings: findings, summary: f.summary ?? "", visitedOn: day, photos: photos,
                                                   actor: actor, app: req.application, on: req.db)
        }
    }

    @Sendable static func charge(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let v = try await visitAndScope(req, actor)
        struct Form: Content { var description: String?; var deadline: String? }
        let f = try req.content.decode(Form.self)
        return try await FormAction.run(req, back: "/inspections/visits/\(v.id!)", flash: "flash.inspection_charged") {
            _ = try await InspectionService.charge(visit: v, description: f.description ?? "", deadline: f.deadline.flatMap(LocalDate.init), actor: actor, on: req.db)
        }
    }

    @Sendable static func photo(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard let p = try await InspectionPhoto.find(try req.idParameter(), on: req.db),
              let v = try await InspectionVisit.find(p.visitID, on: req.db),
              InspectionService.mayRead(OrgPath(v.orgPath), actor: actor) else { throw AppError.notFound("photo") }
        return try FileStore.download(req.application, area: InspectionService.photosArea, sha: p.sha256, kind: p.kind, name: p.fileName)
    }

    struct ViolationsData: Encodable {
        let org: String; let orgName: String; let status: String; let rows: [ViolationRow]; let hasRows: Bool; let total: Int
        let pages: [PageLink]; let prev: String?; let next: String?; let csvURL: String
    }

    @Sendable static func violations(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let (org, _) = try await req.orgAndDay(actor)
        guard InspectionService.mayRead(org.orgPath, actor: actor) else { throw AppError.notFound("") }
        let status = req.query[String.self, at: "status"] ?? "open"
        guard status == "open" || status == "all" else { throw AppError.invalid("inspection.status_invalid", status) }
        let csv = req.query[String.self, at: "format"] == "csv"
        let page = csv ? PageRequest(page: 1, per: 200) : try PageRequest(req)
        let today = LocalDate.of(Date())
        if csv {
            var out = CSVTable.reportLine(["unit", "head", "description", "deadline", "status", "answer", "closing_note"])
            var p = 1
            while true {
                let chunk = try await InspectionService.violations(under: org.path, openOnly: status == "open", page: PageRequest(page: p, per: 200), on: req.db)
                let names = try await OrgService.names(Set(chunk.items.map(\.orgID)), on: req.db)
                for v in chunk.items { out += CSVTable.reportLine([names[v.orgID] ?? "", v.headName, v.details, v.deadline, v.status.rawValue, v.answer, v.closingNote]) }
                if p >= chunk.pageCount || p >= 500 { break }
                p += 1
            }
            return Response.csv(out, filename: "violations-\(org.code).csv")
        }
        let paged = try await InspectionService.violations(under: org.path, openOnly: status == "open", page: page, on: req.db)
        let names = try await OrgService.names(Set(paged.items.map(\.orgID)), on: req.db)
        let bar = PageLinks.make(base: ["org": org.code, "status": status], page: page.page, pageCount: paged.pageCount)
        let rows = paged.items.map { violationRow($0, unit: names[$0.orgID] ?? "", today: today, req: req) }
        let data = ViolationsData(org: org.code, orgName: org.name, status: status, rows: rows, hasRows: !rows.isEmpty, total: paged.total,
                                  pages: bar.links, prev: bar.prev, next: bar.next, csvURL: "/inspections/violations?org=\(org.code)&status=\(status)&format=csv")
        return try await WebPage.render(req, "inspections/violations", title: req.t("violations_title"), nav: "inspections", data: data)
    }

    struct ViolationData: Encodable {
        let row: ViolationRow; let answer: String; let answeredBy: String; let answeredAt: String; let closingNote: String; let closedBy: String
        let visitID: String; let canAnswer: Bool; let canClose: Bool; let canReopen: Bool; let chargedBy: String; let at: String
    }

    @Sendable static func violation(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard let v = try await InspectionViolation.find(try req.idParameter(), on: req.db),
              InspectionService.mayRead(OrgPath(v.orgPath), actor: actor) else { throw AppError.notFound("violation") }
        let org = try await Organization.find(v.orgID, on: req.db)
        let visit = try await InspectionVisit.find(v.visitID, on: req.db)
        let team = try await visit.asyncMap { try await InspectionTeam.find($0.teamID, on: req.db) } ?? nil
        let works = try await team.asyncMap { try await InspectionService.mayWorkIn($0, actor: actor, on: req.db) } ?? false
        let data = ViolationData(row: violationRow(v, unit: org?.name ?? "", today: LocalDate.of(Date()), req: req), answer: v.answer,
                                 answeredBy: v.answeredBy ?? "", answeredAt: DisplayDate.format(v.answeredAt), closingNote: v.closingNote, closedBy: v.closedBy ?? "",
                                 visitID: v.visitID.uuidString, canAnswer: InspectionService.mayAnswer(v, actor: actor) && v.status.after(.answer) != nil,
                                 canClose: works && v.status.after(.close) != nil, canReopen: works && v.status.after(.reopen) != nil,
                                 chargedBy: v.chargedBy, at: DisplayDate.format(v.createdAt))
        return try await WebPage.render(req, "inspections/violation", title: req.t("violation_title"), nav: "inspections", data: data)
    }

    @Sendable static func act(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        guard let action = req.parameters.get("action").flatMap(ViolationStatus.Action.init(rawValue:)) else { throw AppError.notFound("action") }
        struct Form: Content { var text: String? }
        let f = try req.content.decode(Form.self)
        return try await FormAction.run(req, back: "/inspections/violations/\(id)", flash: "flash.violation_" + action.rawValue) {
            _ = try await InspectionService.act(action, on: id, text: f.text ?? "", actor: actor, on: req.db)
        }
    }
}
