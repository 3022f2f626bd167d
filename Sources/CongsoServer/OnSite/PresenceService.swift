import CongsoCore
import Fluent
import Vapor

/// The daily presence register: check-in, check-out, who is on site, and breaches.
enum PresenceService {
    /// Morning until noon, Hanoi time; afternoon after.
    static func currentShift(_ now: Date = Date()) -> Shift {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = LocalDate.timeZone
        return cal.component(.hour, from: now) < 12 ? .morning : .afternoon
    }

    static func person(for staffID: UUID?, actor: Actor, on db: any Database) async throws -> StaffMember {
        guard let id = staffID ?? actor.staffID else { throw AppError.invalid("presence.staff_missing", "") }
        let person = try await StaffService.find(id, actor: actor, on: db)
        // People check themselves in; leads may record it for their staff.
        if id != actor.staffID { try actor.require(.writeStaff, on: person.org.orgPath) }
        return person
    }

    static func checkIn(staffID: UUID?, shift: Shift?, actor: Actor, on db: any Database, now: Date = Date()) async throws -> PresenceEntry {
        let person = try await person(for: staffID, actor: actor, on: db)
        let date = LocalDate.of(now)
        let shift = shift ?? currentShift(now)
        try await HealthService.requireFree(person.id!, on: date, db: db)
        // The unique index (person, day, shift) decides a race the read below cannot see on PostgreSQL.
        return try await DatabaseFailure.duplicate(as: { AppError.conflict("presence.already_in", "") }) {
          try await db.writeTransaction { tx in
            if try await PresenceEntry.query(on: tx).filter(\.$staffID == person.id!).filter(\.$date == date.value)
                .filter(\.$shift == shift).first() != nil {
                throw AppError.conflict("presence.already_in", "")
            }
            let e = PresenceEntry()
            e.id = UUID()
            e.staffID = person.id!
            e.orgID = person.org.id!
            e.orgPath = person.org.path
            e.date = date.value
            e.shift = shift
            e.checkedInAt = now
            try await e.create(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "presence.check_in", entityType: "presence", entityID: e.id,
                                          orgPath: e.orgPath, summary: "\(person.fullName) \(date.value) \(shift.rawValue)")
            return e
          }
        }
    }

    static func checkOut(staffID: UUID?, actor: Actor, on db: any Database, now: Date = Date()) async throws -> PresenceEntry {
        let person = try await person(for: staffID, actor: actor, on: db)
        return try await db.writeTransaction { tx in
            // Read and locked inside: two check-outs at once close the entry once.
            guard let found = try await PresenceEntry.query(on: tx).filter(\.$staffID == person.id!)
                .filter(\.$date == LocalDate.of(now).value).filter(\.$checkedOutAt == nil).sort(\.$checkedInAt, .descending).first(),
                  let open = try await PresenceEntry.lockedForUpdate(found.id!, on: tx), open.checkedOutAt == nil else {
                throw AppError.conflict("presence.not_in", "")
            }
            open.checkedOutAt = now
            try await open.save(on: tx)
            try await AuditService.record(on: tx, actor: actor, action: "presence.check_out", entityType: "presence", entityID: open.id,
                                          orgPath: open.orgPath, summary: "\(person.fullName) \(open.date) \(open.shift)")
            return open
        }
    }

    struct UnitShift: Sendable {
        let org: Organization
        let shift: Shift
        let present: [PresenceEntry]
        let cap: Int
    }

    struct Breach: Sendable {
        enum Kind: String { case noApproval, overCap, noValidTest }
        let kind: Kind
        let org: Organization
        let date: String
        let shift: String
        let staffID: UUID?
        let count: Int
        let cap: Int
    }

    struct Register: Sendable {
        let units: [UnitShift]
        let breaches: [Breach]
        let staff: [UUID: StaffMember]
    }

    /// Everyone checked in on `date` in the subtree, per unit and shift, with every breach:
    /// on site without approval, over the cap, without a valid test where one is required.
    static func register(under: Organization?, date: LocalDate, actor: Actor, on db: any Database) async throws -> Register {
        try actor.require(.readPresence)
        if let under { try actor.require(.readPresence, on: under.orgPath) }
        let prefix = under?.path ?? actor.visiblePrefix
        let entries = try await PresenceEntry.query(on: db).filter(\.$date == date.value).filter(\.$orgPath =~ prefix).all()
        guard !entries.isEmpty else { return Register(units: [], breaches: [], staff: [:]) }
        let approved = try await OnSiteRequest.query(on: db).filter(\.$date == date.value).filter(\.$orgPath =~ prefix)
            .filter(\.$status == .approved).all()
        var approvedKey: [String: OnSiteRequest] = [:]
        for r in approved { approvedKey["\(r.staffID)|\(r.shift)"] = r }
        // A published roster is approval to be on site for its shifts.
        // Only the people checked in matter: not every rostered cell of the subtree.
        let rostered = Set(try await RosterPublishedCell.query(on: db).filter(\.$date == date.value)
            .filter(\.$staffID ~~ Array(Set(entries.map(\.staffID)))).all()
            .map { "\($0.staffID)|\($0.shift)" })
        let orgIDs = Array(Set(entries.map(\.orgID)))
        let orgs = try await Organization.query(on: db).filter(\.$id ~~ orgIDs).all()
        let people = try await StaffMember.query(on: db).filter(\.$id ~~ Array(Set(entries.map(\.staffID)))).all()
        let staff = Dictionary(uniqueKeysWithValues: people.map { ($0.id!, $0) })
        // One resolver for the whole subtree and day.
        let directives = try await DirectiveService.inForce(on: date, db: db)
        let overrides = try await PolicyService.overrides(on: date, db: db).compactMap(\.override)
        let resolver = PolicyResolver(directives: directives, overrides: overrides)
        var units: [UnitShift] = []
        var breaches: [Breach] = []
        for org in orgs.sorted(by: { $0.sortKey < $1.sortKey }) {
            let policy = resolver.resolve(org.orgPath, on: date)
            let n = try await PolicyService.staffCount(of: org.id!, on: db)
            let cap = policy.cap(staffCount: n).value
            for shift in Shift.allCases {
                let here = entries.filter { $0.orgID == org.id && $0.shift == shift }
                guard !here.isEmpty else { continue }
                units.append(UnitShift(org: org, shift: shift, present: here, cap: cap))
                if here.count > cap {
                    breaches.append(Breach(kind: .overCap, org: org, date: date.value, shift: shift.rawValue, staffID: nil, count: here.count, cap: cap))
                }
                for e in here {
                    let request = approvedKey["\(e.staffID)|\(shift.rawValue)"]
                    if request == nil && !rostered.contains("\(e.staffID)|\(shift.rawValue)") {
                        breaches.append(Breach(kind: .noApproval, org: org, date: date.value, shift: shift.rawValue, staffID: e.staffID, count: here.count, cap: cap))
                    }
                    if policy.testRequired {
                        let reason = request.flatMap { ExemptionReason(rawValue: $0.reason.rawValue) } ?? .other
                        let valid = (try? OnSiteRules.check(reason: reason, justification: request?.justification ?? "", test: request?.test,
                                                            date: date, shift: shift, policy: policy)) != nil
                        if request == nil || !valid {
                            breaches.append(Breach(kind: .noValidTest, org: org, date: date.value, shift: shift.rawValue, staffID: e.staffID, count: here.count, cap: cap))
                        }
                    }
                }
            }
        }
        return Register(units: units, breaches: breaches, staff: staff)
    }
}
