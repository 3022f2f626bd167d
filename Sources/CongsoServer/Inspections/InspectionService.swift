import CongsoCore
import Fluent
import Vapor

/// Inspections: teams, checklists per directive, a stratified sample drawn again from its
/// seed, visits with findings and photos, violations charged to the unit's head with a
/// deadline, the head's answer and the team's closure. Every write is audited.
enum InspectionService {
    static let photosArea = "inspections"

    static func mayWorkIn(_ team: InspectionTeam, actor: Actor, on db: any Database) async throws -> Bool {
        guard actor.may(.inspect, on: OrgPath(team.orgPath)) else { return false }
        if actor.role == .admin || actor.role == .steering { return true }
        guard let uid = actor.userID else { return false }
        return try await InspectionTeamMember.query(on: db).filter(\.$teamID == team.id!).filter(\.$userID == uid).first() != nil
    }

    static func requireTeamWork(_ team: InspectionTeam, actor: Actor, on db: any Database) async throws {
        guard try await mayWorkIn(team, actor: actor, on: db) else {
            throw actor.may(.readOrgs, on: OrgPath(team.orgPath)) ? AppError.forbidden : AppError.notFound("")
        }
    }

    // MARK: Teams and checklists

    static func createTeam(name raw: String, org: Organization, members: [UUID], actor: Actor, on db: any Database) async throws -> InspectionTeam {
        try actor.require(.inspect, on: org.orgPath)
        let name = VietnameseText.normalize(raw)
        guard !name.isEmpty else { throw AppError.invalid("inspection.team_name_missing", "") }
        guard name.count <= 200 else { throw AppError.invalid("too_long", "name") }
        guard !members.isEmpty, members.count <= 50 else { throw AppError.invalid("inspection.members_missing", "") }
        let users = try await User.query(on: db).filter(\.$id ~~ members).filter(\.$active == true).all()
        let orgs = Dictionary(uniqueKeysWithValues: try await Organization.query(on: db).filter(\.$id ~~ users.compactMap(\.orgID)).all().map { ($0.id!, $0) })
        for id in Set(members) {
            guard let u = users.first(where: { $0.id == id }), [.inspector, .steering].contains(u.role),
                  let scope = u.orgID.flatMap({ orgs[$0] }), scope.orgPath.contains(org.orgPath) || org.orgPath.contains(scope.orgPath) else {
                throw AppError.invalid("inspection.member_invalid", id.uuidString)
            }
        }
        let team = InspectionTeam()
        team.id = UUID(); team.orgID = org.id!; team.orgPath = org.path; team.name = name; team.createdBy = actor.label
        return try await db.writeTransaction { tx in
            try await team.create(on: tx)
            for m in Set(members) { try await InspectionTeamMember(team: team.id!, user: m).create(on: tx) }
            try await AuditService.record(on: tx, actor: actor, action: "inspection.team", entityType: "inspectionTeam", entityID: team.id,
                                          orgPath: org.path, summary: "\(name): \(members.count)")
            return team
        }
    }

    static func createChecklist(directiveID: UUID?, title raw: String, items rawItems: [String], org: Organization, actor: Actor, on db: any Database) async throws -> InspectionChecklist {
        try actor.require(.inspect, on: org.orgPath)
        guard let directiveID, let directive = try await Directive.find(directiveID, on: db) else {
            throw AppError.invalid("inspection.directive_missing", directiveID?.uuidString ?? "")
        }
        let title = VietnameseText.normalize(raw)
        guard !title.isEmpty else { throw AppError.invalid("inspection.title_missing", "") }
        guard title.count <= 200 else { throw AppError.invalid("too_long", "title") }
        let items = rawItems.map(VietnameseText.normalize).filter { !$0.isEmpty }
        guard !items.isEmpty else { throw AppError.invalid("inspection.items_missing", "") }
        guard items.count <= 60, items.allSatisfy({ $0.count <= 300 }) else { throw AppError.invalid("too_long", "items") }
        let c = InspectionChecklist()
        c.id = UUID(); c.orgID = org.id!; c.orgPath = org.path; c.directiveID = directive.id!; c.title = title
        c.itemsJSON = String(decoding: try JSONEncoder().encode(items), as: UTF8.self); c.createdBy = actor.label
        return try await db.writeTransaction { tx in
            try await c.create(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "inspection.checklist", entityType: "inspectionChecklist", entityID: c.id,
                                          orgPath: org.path, summary: "\(directive.number): \(title) (\(items.count))")
            return c
        }
    }

    // MARK: Sampling

    /// Units with staff under `org`, each with its stratum: the child of `org` it lies in
    /// (the district, for a city) and its last inspection's result.
    static func population(under org: Organization, on db: any Database) async throws -> (candidates: [InspectionSample.Candidate], names: [String: String]) {
        struct Row: Decodable { let id: UUID; let path: String }
        let units = try await db.sql.raw("""
            SELECT o.id AS id, o.path AS path FROM organizations o
            WHERE o.path LIKE \(bind: org.path + "%") AND EXISTS (SELECT 1 FROM staff s WHERE s.org_id = o.id)
            """).all(decoding: Row.self)
        let done = try await InspectionVisit.query(on: db).filter(\.$orgPath =~ org.path).filter(\.$status == .done).all()
        let charged = Set(try await InspectionViolation.query(on: db).filter(\.$orgPath =~ org.path).all().map(\.visitID))
        var last: [UUID: InspectionVisit] = [:]
        for v in done where (last[v.orgID]?.visitedOn ?? "") <= (v.visitedOn ?? "") { last[v.orgID] = v }
        let children = try await OrgService.children(of: org, on: db)
        let rollup = SubtreeRollup(scope: org.orgPath, children: children.map(\.orgPath))
        var names: [String: String] = [org.id!.uuidString: org.name]
        for c in children { names[c.id!.uuidString] = c.name }
        let candidates = units.map { u -> InspectionSample.Candidate in
            let district = rollup.bucket(of: u.path).map { children[$0].id!.uuidString } ?? org.id!.uuidString
            let result: InspectionSample.LastResult = last[u.id].map { charged.contains($0.id!) ? .violation : .passed } ?? .never
            return .init(id: u.id.uuidString, district: district, lastResult: result)
        }
        return (candidates, names)
    }

    struct StratumDTO: Content { let district: String; let districtName: String; let lastResult: String; let population: Int; let drawn: Int }

    static func draw(team: InspectionTeam, checklist: InspectionChecklist, org: Organization, size: Int, seed: UInt64?,
                     actor: Actor, on db: any Database) async throws -> InspectionSampleRecord {
        try await requireTeamWork(team, actor: actor, on: db)
        guard OrgPath(team.orgPath).contains(org.orgPath) else { throw AppError.invalid("inspection.outside_team", org.code) }
        guard OrgPath(checklist.orgPath).contains(org.orgPath) || org.orgPath.contains(OrgPath(checklist.orgPath)) else {
            throw AppError.invalid("inspection.checklist_elsewhere", checklist.title)
        }
        guard (1...InspectionSample.maxSize).contains(size) else { throw AppError.invalid("inspection.size_invalid", String(size)) }
        let seed = seed ?? UInt64.random(in: 1...UInt64(9_007_199_254_740_991))
        let (candidates, names) = try await population(under: org, on: db)
        guard !candidates.isEmpty else { throw AppError.invalid("inspection.no_units", org.code) }
        let drawn = InspectionSample.draw(candidates, size: size, seed: seed)
        let strata = drawn.strata.map { StratumDTO(district: $0.district, districtName: names[$0.district] ?? $0.district,
                                                   lastResult: $0.lastResult.rawValue, population: $0.population, drawn: $0.drawn) }
        let s = InspectionSampleRecord()
        s.id = UUID(); s.teamID = team.id!; s.checklistID = checklist.id!; s.orgID = org.id!; s.orgPath = org.path
        s.seed = String(seed); s.size = drawn.size; s.population = candidates.count
        s.strataJSON = String(decoding: try JSONEncoder().encode(strata), as: UTF8.self); s.createdBy = actor.label
        let paths = Dictionary(uniqueKeysWithValues: try await Organization.query(on: db)
            .filter(\.$id ~~ drawn.picked.compactMap { UUID(uuidString: $0.id) }).all().map { ($0.id!, $0.path) })
        return try await db.writeTransaction { tx in
            try await s.create(on: tx)
            for c in drawn.picked {
                guard let id = UUID(uuidString: c.id), let path = paths[id] else { continue }
                let v = InspectionVisit()
                v.id = UUID(); v.sampleID = s.id!; v.teamID = team.id!; v.orgID = id; v.orgPath = path
                v.stratum = "\(names[c.district] ?? c.district) · \(c.lastResult.rawValue)"; v.status = .planned; v.findingsJSON = "[]"; v.summary = ""
                try await v.create(on: tx)
            }
            try await AuditService.record(on: tx, actor: actor, action: "inspection.sample", entityType: "inspectionSample", entityID: s.id,
                                          orgPath: org.path, summary: "\(org.code): \(drawn.size)/\(candidates.count), seed \(seed)")
            return s
        }
    }

    // MARK: Visits

    struct FindingInput: Content { var result: String; var note: String? }

    static func record(visit: InspectionVisit, findings: [FindingInput], summary raw: String, visitedOn: LocalDate?, photos: [FileStore.Checked],
                       actor: Actor, app: Application?, on db: any Database, now: Date = Date()) async throws -> InspectionVisit {
        guard let team = try await InspectionTeam.find(visit.teamID, on: db),
              let sample = try await InspectionSampleRecord.find(visit.sampleID, on: db),
              let checklist = try await InspectionChecklist.find(sample.checklistID, on: db) else { throw AppError.notFound("visit") }
        try await requireTeamWork(team, actor: actor, on: db)
        let items = checklist.items
        guard findings.count == items.count else { throw AppError.invalid("inspection.findings_incomplete", "\(findings.count)/\(items.count)") }
        var out: [InspectionVisit.Finding] = []
        for (i, f) in findings.enumerated() {
            guard let r = FindingResult(rawValue: f.result) else { throw AppError.invalid("inspection.finding_invalid", "\(i + 1): \(f.result)") }
            let note = VietnameseText.normalize(f.note ?? "")
            guard note.count <= 1_000 else { throw AppError.invalid("too_long", "note \(i + 1)") }
            if r == .fail && note.isEmpty { throw AppError.invalid("inspection.fail_needs_note", items[i]) }
            out.append(.init(item: items[i], result: r, note: note))
        }
        let summary = VietnameseText.normalize(raw)
        guard summary.count <= 4_000 else { throw AppError.invalid("too_long", "summary") }
        let day = visitedOn ?? LocalDate.of(now)
        guard day <= LocalDate.of(now) else { throw AppError.invalid("inspection.visit_future", day.vietnamese) }
        guard photos.count <= 10 else { throw AppError.invalid("too_long", "photos") }
        guard photos.allSatisfy({ $0.kind == .jpeg || $0.kind == .png }) else { throw AppError.invalid("inspection.photo_type", "PNG, JPEG") }
        let findingsOut = out
        var written: [String] = []
        if let app { for p in photos where try FileStore.write(p, area: photosArea, app: app) { written.append(p.sha) } }
        do {
            return try await db.writeTransaction { tx in
                guard let v = try await InspectionVisit.lockedForUpdate(visit.id!, on: tx) else { throw AppError.notFound("visit") }
                v.findingsJSON = String(decoding: try JSONEncoder().encode(findingsOut), as: UTF8.self)
                v.summary = summary; v.visitedOn = day.value; v.status = .done; v.recordedBy = actor.label
                try await v.update(on: tx)
                _ = try await photoRows(photos, visit: v.id!, actor: actor, on: tx)
                try await AuditService.record(on: tx, actor: actor, action: "inspection.visit", entityType: "inspectionVisit", entityID: v.id,
                                              orgPath: v.orgPath, summary: "\(findingsOut.filter { $0.result == .fail }.count) fail / \(findingsOut.count), \(photos.count) photos")
                return v
            }
        } catch {
            if let app { for sha in written { FileStore.remove(sha: sha, area: photosArea, app: app) } }
            throw error
        }
    }

    static func photoRows(_ photos: [FileStore.Checked], visit: UUID, actor: Actor, on tx: any Database) async throws -> [InspectionPhoto] {
        var rows: [InspectionPhoto] = []
        for p in photos {
            let row = InspectionPhoto()
            row.id = UUID(); row.visitID = visit; row.sha256 = p.sha; row.fileName = p.name; row.kind = p.kind; row.size = p.bytes.count
            row.uploadedBy = actor.label
            try await row.create(on: tx)
            rows.append(row)
        }
        return rows
    }

    /// Photos added after the findings (the API's separate upload).
    static func addPhotos(_ photos: [FileStore.Checked], to visit: InspectionVisit, actor: Actor, app: Application?, on db: any Database) async throws -> [InspectionPhoto] {
        guard let team = try await InspectionTeam.find(visit.teamID, on: db) else { throw AppError.notFound("visit") }
        try await requireTeamWork(team, actor: actor, on: db)
        guard !photos.isEmpty else { throw AppError.invalid("inspection.photos_missing", "") }
        let existing = try await InspectionPhoto.query(on: db).filter(\.$visitID == visit.id!).count()
        guard existing + photos.count <= 20 else { throw AppError.invalid("too_long", "photos") }
        guard photos.allSatisfy({ $0.kind == .jpeg || $0.kind == .png }) else { throw AppError.invalid("inspection.photo_type", "PNG, JPEG") }
        var written: [String] = []
        if let app { for p in photos where try FileStore.write(p, area: photosArea, app: app) { written.append(p.sha) } }
        do {
            return try await db.writeTransaction { tx in
                let rows = try await photoRows(photos, visit: visit.id!, actor: actor, on: tx)
                try await AuditService.record(on: tx, actor: actor, action: "inspection.photos", entityType: "inspectionVisit", entityID: visit.id,
                                              orgPath: visit.orgPath, summary: "\(photos.count) photos")
                return rows
            }
        } catch {
            if let app { for sha in written { FileStore.remove(sha: sha, area: photosArea, app: app) } }
            throw error
        }
    }

    // MARK: Violations

    static func charge(visit: InspectionVisit, description raw: String, deadline: LocalDate?, actor: Actor, on db: any Database, now: Date = Date()) async throws -> InspectionViolation {
        guard let team = try await InspectionTeam.find(visit.teamID, on: db) else { throw AppError.notFound("visit") }
        try await requireTeamWork(team, actor: actor, on: db)
        guard visit.status == .done else { throw AppError.conflict("inspection.visit_not_done", "") }
        let text = VietnameseText.normalize(raw)
        guard !text.isEmpty else { throw AppError.invalid("inspection.violation_missing", "") }
        guard text.count <= 4_000 else { throw AppError.invalid("too_long", "description") }
        guard let deadline else { throw AppError.invalid("date_invalid", "deadline") }
        guard deadline > LocalDate.of(now) else { throw AppError.invalid("inspection.deadline_past", deadline.vietnamese) }
        guard let org = try await Organization.find(visit.orgID, on: db) else { throw AppError.notFound("org") }
        let head: StaffMember? = if let id = org.headStaffID { try await StaffMember.find(id, on: db) } else { nil }
        let v = InspectionViolation()
        v.id = UUID(); v.visitID = visit.id!; v.orgID = org.id!; v.orgPath = org.path; v.headStaffID = head?.id; v.headName = head?.fullName ?? ""
        v.details = text; v.deadline = deadline.value; v.status = .open; v.answer = ""; v.closingNote = ""; v.chargedBy = actor.label
        return try await db.writeTransaction { tx in
            try await v.create(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "inspection.charge", entityType: "inspectionViolation", entityID: v.id,
                                          orgPath: org.path, summary: "\(org.code): \(text.prefix(120)) → \(deadline.value)", after: v.auditSnapshot)
            let heads = try await NotificationService.usersCovering(org.orgPath, roles: [.head], on: tx)
            let own = try await TaskService.userIDsOfStaff(head?.id, on: tx)
            try await NotificationService.notify(heads.compactMap(\.id) + own, kind: "notif.violation_charged",
                                                 detail: "\(org.name) — \(deadline.vietnamese)", link: "/inspections/violations/\(v.id!)", on: tx)
            return v
        }
    }

    static func mayAnswer(_ v: InspectionViolation, actor: Actor) -> Bool { actor.may(.answerViolations, on: OrgPath(v.orgPath)) }

    /// The head answers (what was done); the team closes it or sends it back.
    static func act(_ action: ViolationStatus.Action, on id: UUID, text raw: String, actor: Actor, on db: any Database, now: Date = Date()) async throws -> InspectionViolation {
        let text = VietnameseText.normalize(raw)
        guard text.count <= 4_000 else { throw AppError.invalid("too_long", "text") }
        return try await db.writeTransaction { tx in
            guard let v = try await InspectionViolation.lockedForUpdate(id, on: tx) else { throw AppError.notFound("violation") }
            let visit = try await InspectionVisit.find(v.visitID, on: tx)
            let team: InspectionTeam? = if let visit { try await InspectionTeam.find(visit.teamID, on: tx) } else { nil }
            switch action {
            case .answer:
                guard mayAnswer(v, actor: actor) else { throw actor.may(.readOrgs, on: OrgPath(v.orgPath)) ? AppError.forbidden : AppError.notFound("") }
                guard !text.isEmpty else { throw AppError.invalid("inspection.answer_missing", "") }
            case .close, .reopen:
                guard let team, try await mayWorkIn(team, actor: actor, on: tx) else {
                    throw actor.may(.readOrgs, on: OrgPath(v.orgPath)) ? AppError.forbidden : AppError.notFound("")
                }
                if action == .reopen && text.isEmpty { throw AppError.invalid("inspection.reopen_needs_reason", "") }
            }
            guard let next = v.status.after(action) else { throw AppError.conflict("inspection.violation_move", "\(v.status.rawValue) → \(action.rawValue)") }
            let before = v.auditSnapshot
            v.status = next
            switch action {
            case .answer: v.answer = text; v.answeredAt = now; v.answeredBy = actor.label
            case .close: v.closingNote = text; v.closedAt = now; v.closedBy = actor.label
            case .reopen: v.closingNote = text; v.closedAt = nil; v.closedBy = nil
            }
            try await v.update(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "inspection.\(action.rawValue)", entityType: "inspectionViolation", entityID: v.id,
                                          orgPath: v.orgPath, summary: "\(before["status"] ?? "") → \(next.rawValue)", before: before, after: v.auditSnapshot)
            var to: [UUID] = []
            if action == .answer, let team {
                to = try await InspectionTeamMember.query(on: tx).filter(\.$teamID == team.id!).all().map(\.userID)
            } else {
                to = try await NotificationService.usersCovering(OrgPath(v.orgPath), roles: [.head], on: tx).compactMap(\.id)
            }
            try await NotificationService.notify(to.filter { $0 != actor.userID }, kind: "notif.violation_" + action.rawValue,
                                                 detail: v.details.prefix(120).description, link: "/inspections/violations/\(v.id!)", on: tx)
            return v
        }
    }

    /// Violations under a node, newest first; `open` keeps those not closed.
    static func violations(under path: String, openOnly: Bool, page: PageRequest, on db: any Database) async throws -> Paged<InspectionViolation> {
        let q = InspectionViolation.query(on: db)
        if path != "/" { q.filter(\.$orgPath =~ path) }
        if openOnly { q.filter(\.$status ~~ [.open, .answered]) }
        let total = try await q.count()
        let items = try await q.sort(\.$deadline).sort(\.$id).range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }

    static func mayRead(_ path: OrgPath, actor: Actor) -> Bool {
        actor.may(.inspect, on: path) || actor.may(.answerViolations, on: path) || actor.may(.readDashboard, on: path)
    }
}
