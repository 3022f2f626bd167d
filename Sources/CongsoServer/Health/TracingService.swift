import CongsoCore
import Fluent
import Vapor

/// Contact tracing from the presence register in one step. For a confirmed case and a number
/// of days: everyone on site in the same unit and shift (with how long they overlapped), the
/// same in-person meetings, and admitted visitors; then one action isolates the case, puts
/// every staff contact under monitoring (permits suspended, rosters marked, leads told) and
/// keeps the visitors' phone numbers on the list for the health station.
enum TracingService {
    struct Contact: Content {
        let staffId: UUID
        let name: String
        let unit: String
        let date: String
        let shift: Shift?
        let overlapMinutes: Int
        /// Where they met: "shift" (the register) or a meeting's title.
        let via: String
        let state: HealthStateKind?
    }

    struct Visitor: Content {
        let name: String
        let phone: String
        let unit: String
        let date: String
        let shift: Shift
        let overlapMinutes: Int
    }

    struct Result: Content {
        let caseStaffId: UUID
        let caseName: String
        let from: String
        let to: String
        let stays: Int
        let contacts: [Contact]
        let visitors: [Visitor]
        /// Filled by `apply`.
        var monitored: Int?
        var millis: Double
    }

    static let maxDays = 21

    static func trace(_ caseID: UUID?, days: Int?, actor: Actor, on db: any Database, now: Date = Date()) async throws -> Result {
        let clock = ContinuousClock.now
        guard let caseID else { throw AppError.invalid("health.staff_missing", "") }
        let person = try await StaffService.find(caseID, actor: actor, on: db)
        try actor.require(.manageHealth, on: person.org.orgPath)
        let span = days ?? 4
        guard (1...maxDays).contains(span) else { throw AppError.invalid("health.trace_days_invalid", String(maxDays)) }
        let to = LocalDate.of(now), from = to.adding(days: -(span - 1))
        let stays = try await PresenceEntry.query(on: db).filter(\.$staffID == caseID)
            .filter(\.$date >= from.value).filter(\.$date <= to.value).all()
        let caseSpans = stays.map(span(of:))
        var others: [PresenceSpan] = []
        var visitors: [Visitor] = []
        let units = Array(Set(stays.map(\.orgID)))
        if !units.isEmpty {
            let keys = Set(stays.map { "\($0.orgID)|\($0.date)|\($0.shift.rawValue)" })
            let dates = Array(Set(stays.map(\.date)))
            // The (org_id, date, shift) index: one unit's days, never the whole register.
            let rows = try await PresenceEntry.query(on: db).filter(\.$orgID ~~ units).filter(\.$date ~~ dates)
                .filter(\.$staffID != caseID).all()
            others = rows.filter { keys.contains("\($0.orgID)|\($0.date)|\($0.shift.rawValue)") }.map(span(of:))
            let visits = try await VisitorVisit.query(on: db).filter(\.$orgID ~~ units).filter(\.$date ~~ dates).filter(\.$admitted == true).all()
            let unitNames = try await OrgService.names(units, withParent: false, separator: " - ", on: db)
            for v in visits where keys.contains("\(v.orgID)|\(v.date)|\(v.shift.rawValue)") {
                let vs = PresenceSpan(person: "visit:\(v.id!)", unit: v.orgID.uuidString, date: LocalDate(v.date)!, shift: v.shift,
                                      from: v.arrivedAt, to: v.leftAt)
                let minutes = caseSpans.filter { $0.unit == vs.unit && $0.date == vs.date && $0.shift == vs.shift }
                    .map { ContactTracing.overlapMinutes($0, vs) }.max() ?? 0
                visitors.append(Visitor(name: v.name, phone: v.phone, unit: unitNames[v.orgID] ?? "", date: v.date, shift: v.shift, overlapMinutes: minutes))
            }
        }
        let traced = ContactTracing.contacts(of: caseSpans, among: others)
        let meetings = try await MeetingTracing.shared(with: caseID, from: from.start, to: now, on: db)
        var ids = Set(traced.compactMap { UUID(uuidString: $0.person) })
        for m in meetings { ids.formUnion(m.others) }
        let people = ids.isEmpty ? [] : try await StaffMember.query(on: db).filter(\.$id ~~ Array(ids)).with(\.$org).all()
        let byID = Dictionary(uniqueKeysWithValues: people.map { ($0.id!, $0) })
        var states: [UUID: HealthStateKind] = [:]
        for id in ids { if let s = try await HealthService.restriction(id, on: to, db: db) { states[id] = s.kind } }
        var contacts = traced.compactMap { c -> Contact? in
            guard let id = UUID(uuidString: c.person), let p = byID[id] else { return nil }
            return Contact(staffId: id, name: p.fullName, unit: p.org.name, date: c.date.value, shift: c.shift, overlapMinutes: c.overlapMinutes,
                           via: "shift", state: states[id])
        }
        for m in meetings {
            for id in m.others {
                guard let p = byID[id] else { continue }
                contacts.append(Contact(staffId: id, name: p.fullName, unit: p.org.name, date: LocalDate.of(m.startsAt).value, shift: nil,
                                        overlapMinutes: Int(m.endsAt.timeIntervalSince(m.startsAt) / 60), via: m.title, state: states[id]))
            }
        }
        let elapsed = ContinuousClock.now - clock
        return Result(caseStaffId: caseID, caseName: person.fullName, from: from.value, to: to.value, stays: stays.count, contacts: contacts,
                      visitors: visitors.sorted { ($0.date, $0.name) < ($1.date, $1.name) }, monitored: nil,
                      millis: Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
    }

    static func span(of e: PresenceEntry) -> PresenceSpan {
        PresenceSpan(person: e.staffID.uuidString, unit: e.orgID.uuidString, date: LocalDate(e.date)!, shift: e.shift,
                     from: e.checkedInAt, to: e.checkedOutAt)
    }

    /// The one action: the case isolating (from today, if not already), every staff contact
    /// under monitoring from the day they met, all in one transaction.
    static func apply(_ caseID: UUID?, days: Int?, actor: Actor, on db: any Database, now: Date = Date()) async throws -> Result {
        var result = try await trace(caseID, days: days, actor: actor, on: db, now: now)
        let today = LocalDate.of(now)
        var firstMet: [UUID: (LocalDate, String)] = [:]
        for c in result.contacts {
            let day = LocalDate(c.date)!
            let what = c.via == "shift" ? "\(day.vietnamese) (\(c.shift?.rawValue ?? ""))" : "\(c.via), \(day.vietnamese)"
            if let seen = firstMet[c.staffId], seen.0 <= day { continue }
            firstMet[c.staffId] = (day, what)
        }
        let caseName = result.caseName
        let caseStaff = result.caseStaffId
        let met = firstMet
        let monitored = try await db.writeTransaction { tx in
            // Everyone's row at once, in id order: two tracings whose cases met each other
            // would otherwise each hold one case and wait for the other.
            _ = try await StaffMember.lockedForUpdate([caseStaff] + Array(met.keys), on: tx)
            try await HealthService.start(.init(staffID: caseStaff, basis: .positiveTest, from: today, lastDay: nil,
                                                detail: "contact tracing"), actor: actor, on: tx)
            var n = 0
            for (staff, (day, what)) in met.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
                if try await HealthService.start(.init(staffID: staff, basis: .contactTracing, from: day, lastDay: nil,
                                                       detail: "\(caseName) — \(what)", sourceID: caseStaff), actor: actor, on: tx) != nil { n += 1 }
            }
            try await AuditService.record(on: tx, actor: actor, action: "health.trace", entityType: "staff", entityID: caseStaff,
                                          orgPath: actor.visiblePrefix, summary: "\(caseName): \(met.count) contacts, \(n) put under monitoring")
            return n
        }
        result.monitored = monitored
        return result
    }
}
