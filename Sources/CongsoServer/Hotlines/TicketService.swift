import CongsoCore
import Fluent
import Vapor

/// Calls and written feedback as tickets: logged by whoever answers the hotline or sent in by
/// a citizen, each with a response deadline in hours — wall-clock hours where the unit keeps
/// 24/7 duty, office hours otherwise — answered by the unit, escalated to its head when missed.
enum TicketService {
    /// Hours to answer, unless the officer sets another.
    static func defaultHours(_ c: Ticket.Channel) -> Int { c == .call ? 4 : 24 }

    struct Input: Content {
        var org: String?
        var channel: String?
        var subject: String?
        var body: String?
        var citizenName: String?
        var citizenPhone: String?
        var responseHours: Int?
    }

    static func due(_ org: Organization, received: Date, hours: Int, on db: any Database) async throws -> Date {
        if try await DutyRotaService.covered(org.path, at: received, on: db) { return received.addingTimeInterval(Double(hours) * 3600) }
        return try await WorkingDayService.deadline(on: db).due(received: received, time: .workingHours(hours))
    }

    static func validated(_ input: Input) throws -> (subject: String, body: String, name: String, phone: String) {
        let subject = VietnameseText.normalize(input.subject ?? "")
        guard !subject.isEmpty else { throw AppError.invalid("ticket.subject_missing", "") }
        guard subject.count <= 200 else { throw AppError.invalid("too_long", "200") }
        let body = (input.body ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard body.count <= 5000 else { throw AppError.invalid("too_long", "5000") }
        let name = VietnameseText.normalize(input.citizenName ?? "")
        guard name.count <= 200 else { throw AppError.invalid("too_long", "200") }
        var phone = ""
        if let raw = input.citizenPhone, !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let p = PhoneNumber.normalize(raw) else { throw AppError.invalid("ticket.phone_invalid", raw) }
            phone = p
        }
        return (subject, body, name, phone)
    }

    /// The officer on the line logs a call (or a letter).
    static func log(_ input: Input, actor: Actor, on db: any Database, now: Date = Date()) async throws -> Ticket {
        guard let ref = input.org, !ref.isEmpty else { throw AppError.invalid("org_missing", "") }
        let org = try await OrgService.find(ref, actor: actor, on: db)
        try actor.require(.handleTickets, on: org.orgPath)
        guard let channel = Ticket.Channel(rawValue: input.channel ?? "call") else { throw AppError.invalid("ticket.channel_invalid", input.channel ?? "") }
        let hours = input.responseHours ?? defaultHours(channel)
        guard (1...720).contains(hours) else { throw AppError.invalid("ticket.hours_invalid", String(hours)) }
        return try await create(org, channel: channel, validated(input), hours: hours, actor: actor, on: db, now: now)
    }

    /// A citizen writes in without an account (góp ý, phản ánh).
    static func submit(_ input: Input, on db: any Database, now: Date = Date()) async throws -> Ticket {
        guard let code = input.org, !code.isEmpty, code.count <= 40,
              let org = try await Organization.query(on: db).filter(\.$code == code.uppercased()).first() else {
            throw AppError.invalid("ticket.org_missing", input.org ?? "")
        }
        let v = try validated(input)
        guard !v.body.isEmpty else { throw AppError.invalid("ticket.body_missing", "") }
        return try await create(org, channel: .written, v, hours: defaultHours(.written), actor: .citizen("public"), on: db, now: now)
    }

    static func create(_ org: Organization, channel: Ticket.Channel, _ v: (subject: String, body: String, name: String, phone: String),
                       hours: Int, actor: Actor, on db: any Database, now: Date) async throws -> Ticket {
        let dueAt = try await due(org, received: now, hours: hours, on: db)
        for attempt in 0..<5 {
            let t = Ticket()
            t.id = UUID(); t.code = TrackingCode.make(); t.orgID = org.id!; t.orgPath = org.path; t.channel = channel
            t.subject = v.subject; t.body = v.body; t.citizenName = v.name; t.citizenPhone = v.phone; t.status = .open
            t.receivedAt = now; t.dueAt = dueAt; t.answer = ""; t.loggedBy = actor.userID == nil ? "" : actor.displayName
            do {
                return try await db.writeTransaction { tx in
                    try await t.create(on: tx)
                    try await AuditService.record(on: tx, actor: actor, action: "ticket.\(actor.userID == nil ? "submit" : "log")", entityType: "ticket",
                                                  entityID: t.id, orgPath: t.orgPath, summary: "\(t.code) · \(t.subject)")
                    return t
                }
            } catch where DatabaseFailure.isUniqueViolation(error) && attempt < 4 {
                continue
            }
        }
        throw AppError(status: .internalServerError, code: "internal", detail: "no free code")
    }

    static func find(_ id: UUID, actor: Actor, on db: any Database) async throws -> Ticket {
        guard let t = try await Ticket.find(id, on: db) else { throw AppError.notFound(id.uuidString) }
        try actor.require(.handleTickets, on: t.path)
        return t
    }

    static func answer(_ id: UUID, text raw: String?, actor: Actor, on db: any Database, now: Date = Date()) async throws -> Ticket {
        let t = try await find(id, actor: actor, on: db)
        let text = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw AppError.invalid("ticket.answer_missing", "") }
        guard text.count <= 5000 else { throw AppError.invalid("too_long", "5000") }
        let ticket = t
        return try await db.writeTransaction { tx in
            guard let current = try await Ticket.lockedForUpdate(ticket.id!, on: tx), current.status == .open else {
                throw AppError.conflict("ticket.answered", ticket.code)
            }
            ticket.status = .answered; ticket.answer = text; ticket.answeredAt = now; ticket.answeredBy = actor.displayName
            try await ticket.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "ticket.answer", entityType: "ticket", entityID: ticket.id,
                                          orgPath: ticket.orgPath, summary: "\(ticket.code)\(now > ticket.dueAt ? " (late)" : "")")
            return ticket
        }
    }

    enum Tab: String, CaseIterable, Sendable { case open, late, answered, all }

    static func list(tab: Tab, under: String?, actor: Actor, page: PageRequest, on db: any Database, now: Date = Date()) async throws -> Paged<Ticket> {
        try actor.require(.handleTickets)
        let prefix = under ?? actor.visiblePrefix
        if let under { try actor.require(.handleTickets, on: OrgPath(under)) }
        let q = Ticket.query(on: db)
        if prefix != "/" { q.filter(\.$orgPath =~ prefix) }
        switch tab {
        case .open: q.filter(\.$status == .open)
        case .late: q.filter(\.$status == .open).filter(\.$dueAt < now)
        case .answered: q.filter(\.$status == .answered)
        case .all: break
        }
        let total = try await q.count()
        let items = try await (tab == .answered || tab == .all ? q.sort(\.$receivedAt, .descending) : q.sort(\.$dueAt))
            .range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }

    static func byCode(_ raw: String, on db: any Database) async throws -> Ticket? {
        guard let code = TrackingCode.normalize(raw) else { return nil }
        return try await Ticket.query(on: db).filter(\.$code == code).first()
    }
}

/// Tickets past their response time, once each: the head of the unit (or the nearest head
/// above it) is told, and the ticket is marked escalated.
enum TicketEscalation {
    static func run(at now: Date, on db: any Database, into r: inout Scheduler.Report) async throws {
        let late = try await Ticket.query(on: db).filter(\.$status == .open).filter(\.$dueAt < now).filter(\.$escalatedAt == nil)
            .sort(\.$dueAt).limit(200).all()
        for t in late {
            let heads = try await headUsers(of: t.orgID, on: db)
            let (id, code, subject, path) = (t.id!, t.code, t.subject, t.orgPath)
            let sent = try await Scheduler.once("ticket-late:\(id)", on: db) { tx in
                try await Ticket.query(on: tx).filter(\.$id == id).set(\.$escalatedAt, to: now).update()
                try await NotificationService.notify(heads, kind: "notif.ticket_late", detail: "\(code) · \(subject)", link: "/tickets/\(id)", on: tx)
                try await AuditService.record(on: tx, actor: .commandLine("scheduler"), action: "ticket.escalate", entityType: "ticket",
                                              entityID: id, orgPath: path, summary: "\(code): \(heads.count) told")
                return heads.count
            }
            if let sent { r.ticketsEscalated += 1; r.notified += sent }
        }
    }

    /// The accounts of the head of an org (its head's accounts, or else its head-role
    /// accounts), or of the nearest org above it that has one.
    static func headUsers(of orgID: UUID, on db: any Database) async throws -> [UUID] {
        var next: UUID? = orgID
        while let id = next, let org = try await Organization.find(id, on: db) {
            if let head = org.headStaffID {
                let users = try await TaskService.userIDsOfStaff(head, on: db)
                if !users.isEmpty { return users }
            }
            let heads = try await User.query(on: db).filter(\.$orgID == id).filter(\.$role == .head).all().compactMap(\.id)
            if !heads.isEmpty { return heads }
            next = org.parentID
        }
        return []
    }
}
