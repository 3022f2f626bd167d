import CongsoCore
import Fluent
import SQLKit
import Vapor

/// Reachability: a leader sends a check-in to a unit, everyone available there is asked
/// to confirm with one tap, and after the set minutes the leader sees who has not.
enum CheckInService {
    struct Input: Content {
        var org: String?
        var message: String?
        var minutes: Int?
    }

    static func send(_ input: Input, actor: Actor, on db: any Database, now: Date = Date()) async throws -> CheckIn {
        guard let code = input.org, !code.isEmpty else { throw AppError.invalid("org_missing", "") }
        let org = try await OrgService.find(code, actor: actor, on: db)
        try actor.require(.manageReports, on: org.orgPath)
        let minutes = input.minutes ?? 30
        guard (5...1440).contains(minutes) else { throw AppError.invalid("checkin.minutes_invalid", String(minutes)) }
        let typed = (input.message ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard typed.count <= 300 else { throw AppError.invalid("too_long", "300") }
        let message = typed.isEmpty ? "Kiểm tra liên lạc" : typed
        let people = try await ReportRates.people(under: org, on: LocalDate.of(now), db: db).filter(\.available)
        guard !people.isEmpty else { throw AppError.invalid("checkin.nobody", org.name) }
        let c = CheckIn()
        c.id = UUID()
        c.orgID = org.id!
        c.orgPath = org.path
        c.message = message
        c.minutes = minutes
        c.sentByUser = actor.userID
        c.sentBy = actor.displayName
        c.dueAt = now.addingTimeInterval(Double(minutes) * 60)
        try await db.writeTransaction { tx in
            try await c.create(on: tx)
            let rows = people.map { p -> CheckInAnswer in
                let a = CheckInAnswer(); a.id = UUID(); a.checkInID = c.id!; a.staffID = p.id; return a
            }
            for chunk in stride(from: 0, to: rows.count, by: 500) { try await Array(rows[chunk..<min(chunk + 500, rows.count)]).create(on: tx) }
            try await AuditService.record(on: tx, actor: actor, action: "checkin.send", entityType: "checkin", entityID: c.id,
                                          orgPath: org.path, summary: "\(org.name): \(message) (\(people.count))")
            let users = try await ReportReminders.staffUsers(under: org.path, excluding: [], on: tx)
            try await NotificationService.notify(users.map(\.userID).filter { $0 != actor.userID }, kind: "notif.checkin",
                                                 detail: "\(message) — \(minutes)′", link: "/checkins", on: tx)
        }
        return c
    }

    /// One tap: "I am here". Late answers still count, and show as late.
    static func answer(_ id: UUID, actor: Actor, on db: any Database, now: Date = Date()) async throws -> CheckInAnswer {
        guard let staff = actor.staffID else { throw AppError.notFound(id.uuidString) }
        // Under a lock, so the first tap's time is the one kept however many arrive at once.
        return try await db.writeTransaction { tx in
            guard let found = try await CheckInAnswer.query(on: tx).filter(\.$checkInID == id).filter(\.$staffID == staff).first(),
                  let row = try await CheckInAnswer.lockedForUpdate(found.id!, on: tx) else {
                throw AppError.notFound(id.uuidString)
            }
            if row.answeredAt == nil {
                row.answeredAt = now
                try await row.save(on: tx)
            }
            return row
        }
    }

    static func find(_ id: UUID, actor: Actor, on db: any Database) async throws -> CheckIn {
        guard let c = try await CheckIn.find(id, on: db) else { throw AppError.notFound(id.uuidString) }
        try actor.require(.readReports, on: OrgPath(c.orgPath))
        return c
    }

    /// Leaders: the check-ins sent in their subtree, newest first.
    static func sent(_ actor: Actor, page: PageRequest, on db: any Database) async throws -> Paged<CheckIn> {
        guard actor.has(.readReports) else { return Paged(items: [], total: 0, page: page) }
        let q = CheckIn.query(on: db).filter(\.$orgPath =~ actor.visiblePrefix)
        let total = try await q.count()
        return Paged(items: try await q.sort(\.$createdAt, .descending).sort(\.$id).range(page.offset..<(page.offset + page.per)).all(),
                     total: total, page: page)
    }

    /// Staff: the check-ins addressed to me in the last two days.
    static func mine(_ actor: Actor, now: Date = Date(), on db: any Database) async throws -> [(CheckIn, CheckInAnswer)] {
        guard let staff = actor.staffID else { return [] }
        let rows = try await CheckInAnswer.query(on: db).filter(\.$staffID == staff).all()
        guard !rows.isEmpty else { return [] }
        let checks = try await CheckIn.query(on: db).filter(\.$id ~~ rows.map(\.checkInID))
            .filter(\.$createdAt >= now.addingTimeInterval(-2 * 86_400)).sort(\.$createdAt, .descending).all()
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.checkInID, $0) })
        return checks.map { ($0, byID[$0.id!]!) }
    }

    /// Asked and answered per check-in, in one grouped query.
    static func counts(_ ids: [UUID], on db: any Database) async throws -> [UUID: (asked: Int, answered: Int)] {
        guard !ids.isEmpty else { return [:] }
        let sql = try db.sql
        var out: [UUID: (asked: Int, answered: Int)] = [:]
        for row in try await sql.select().column("checkin_id")
            .column(SQLFunction("count", args: SQLLiteral.all), as: "asked")
            .column(SQLFunction("count", args: SQLColumn("answered_at")), as: "answered")
            .from(CheckInAnswer.schema).where("checkin_id", .in, ids).groupBy("checkin_id").all() {
            out[try row.decode(column: "checkin_id", as: UUID.self)] = (try row.decode(column: "asked", as: Int.self),
                                                                        try row.decode(column: "answered", as: Int.self))
        }
        return out
    }

    struct StatusDTO: Content {
        struct Person: Content { let staffId: UUID; let name: String; let unit: String; let phone: String; let answeredAt: Date? }
        let id: UUID
        let orgId: UUID
        let message: String
        let sentBy: String
        let sentAt: Date?
        let dueAt: Date
        let due: Bool
        let asked: Int
        let answered: Int
        let answeredLate: Int
        /// Not answered yet; once `due`, these are the people to call.
        let unanswered: [Person]
    }

    static func status(_ c: CheckIn, on db: any Database, now: Date = Date()) async throws -> StatusDTO {
        let rows = try await CheckInAnswer.query(on: db).filter(\.$checkInID == c.id!).all()
        let people = try await StaffMember.query(on: db).filter(\.$id ~~ rows.map(\.staffID)).all()
        let byID = Dictionary(uniqueKeysWithValues: people.map { ($0.id!, $0) })
        let units = try await OrgService.names(Set(people.map { $0.$org.id }), on: db)
        let open = rows.filter { $0.answeredAt == nil }.compactMap { r in byID[r.staffID] }
            .sorted { $0.sortKey < $1.sortKey }
            .map { StatusDTO.Person(staffId: $0.id!, name: $0.fullName, unit: units[$0.$org.id] ?? "", phone: $0.phone, answeredAt: nil) }
        let answered = rows.compactMap(\.answeredAt)
        return StatusDTO(id: c.id!, orgId: c.orgID, message: c.message, sentBy: c.sentBy, sentAt: c.createdAt, dueAt: c.dueAt,
                         due: now >= c.dueAt, asked: rows.count, answered: answered.count,
                         answeredLate: answered.filter { $0 > c.dueAt }.count, unanswered: open)
    }
}

/// The scheduler's check-in job: when the minutes are up, the sender learns how many
/// have not answered, once.
enum CheckInReminders {
    static func run(at now: Date, on db: any Database, into r: inout Scheduler.Report) async throws {
        // Only check-ins that fell due in the last day: older ones are stale.
        let due = try await CheckIn.query(on: db).filter(\.$dueAt <= now).filter(\.$dueAt > now.addingTimeInterval(-86_400)).all()
        for c in due {
            guard let sender = c.sentByUser else { continue }
            let (id, message) = (c.id!, c.message)
            let sent = try await Scheduler.once("checkin-due:\(id)", on: db) { tx in
                let open = try await CheckInAnswer.query(on: tx).filter(\.$checkInID == id).filter(\.$answeredAt == nil).count()
                let all = try await CheckInAnswer.query(on: tx).filter(\.$checkInID == id).count()
                try await NotificationService.notify([sender], kind: "notif.checkin_due", detail: "\(open)/\(all) — \(message)",
                                                     link: "/checkins/\(id)", on: tx)
                return 1
            }
            if let sent { r.checkInsDue += 1; r.notified += sent }
        }
    }
}
