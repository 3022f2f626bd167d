import CongsoCore
import Fluent
import Vapor

/// Health for the demo, in Hoàng Mai's health office (Q08-P5): a week of the presence
/// register (so contact tracing has something to find), an announced outbreak place that
/// puts one declared visit under monitoring, one person isolating by the head's decision,
/// trips out of the city (one waiting, one back without its declaration), and the front
/// desk's visitors of today (one refused for a fever).
enum DemoHealth {
    static func seed(on db: any Database, now: Date = Date()) async throws {
        guard let headUser = try await User.query(on: db).filter(\.$email == "head.hoangmai@congso.vn").first(),
              let steeringUser = try await User.query(on: db).filter(\.$email == "bcd@congso.vn").first(),
              let office = try await Organization.query(on: db).filter(\.$code == "Q08-P5").first() else { return }
        let head = try await Actor.load(user: headUser, via: "demo", on: db)
        let steering = try await Actor.load(user: steeringUser, via: "demo", on: db)
        let reserved = Set(try await User.query(on: db).all().compactMap(\.staffID))
        let people = try await StaffMember.query(on: db).filter(\.$org.$id == office.id!).sort(\.$sortKey).all()
        guard people.count >= 6 else { return }
        let today = LocalDate.of(now)
        var rng = SeededRandom(seed: 16)

        // A week of the register: a third of the office in each shift of each working day.
        var entries: [PresenceEntry] = []
        for back in 1...7 {
            let day = today.adding(days: -back)
            guard (2...6).contains(day.weekday) else { continue }
            for shift in Shift.allCases {
                for p in people where Int.random(in: 0..<3, using: &rng) == 0 {
                    let e = PresenceEntry()
                    e.id = UUID()
                    e.staffID = p.id!
                    e.orgID = office.id!
                    e.orgPath = office.path
                    e.date = day.value
                    e.shift = shift
                    let start = shift == .morning ? 7.75 : 13.25
                    e.checkedInAt = day.start.addingTimeInterval((start + Double(Int.random(in: 0..<6, using: &rng)) / 10) * 3600)
                    e.checkedOutAt = day.start.addingTimeInterval(((shift == .morning ? 11.5 : 17) + Double(Int.random(in: 0..<5, using: &rng)) / 10) * 3600)
                    entries.append(e)
                }
            }
        }
        for chunk in stride(from: 0, to: entries.count, by: 200) { try await Array(entries[chunk..<min(chunk + 200, entries.count)]).create(on: db) }

        // Ordinary staff of the office, not the accounts people sign in with.
        let others = people.filter { !reserved.contains($0.id!) }
        guard others.count >= 5 else { return }
        let visitor = others[0], sick = others[1], traveller = others[2], back = others[3]

        // A declared visit, then the announcement that matches it.
        let market = today.adding(days: -2).start.addingTimeInterval(6.5 * 3600)
        let declared = DeclarationService.make(HealthDeclarationInput(noSymptoms: true, contactWithCase: false,
                                                                      places: [VisitedPlace(place: "Chợ Mai Động", address: "phố Mai Động, Hoàng Mai",
                                                                                            from: market, to: market.addingTimeInterval(3600))]),
                                               orgID: office.id!, orgPath: office.path, by: "demo", at: market.addingTimeInterval(5 * 3600))
        declared.staffID = visitor.id
        try await declared.create(on: db)
        _ = try await OutbreakService.create(.init(org: "HN", place: "Chợ Mai Động", address: "Phố Mai Động, phường Mai Động, quận Hoàng Mai",
                                                   from: ISO8601DateFormatter().string(from: market.addingTimeInterval(-1800)),
                                                   to: ISO8601DateFormatter().string(from: market.addingTimeInterval(2.5 * 3600)),
                                                   source: "CDC Hà Nội, thông báo số 12"), actor: steering, on: db)
        _ = try await OutbreakService.create(.init(org: "HN", place: "Siêu thị Vinmart 12 Phố Huế", address: "12 Phố Huế, Hai Bà Trưng",
                                                   from: ISO8601DateFormatter().string(from: today.adding(days: -3).start.addingTimeInterval(17 * 3600)),
                                                   to: ISO8601DateFormatter().string(from: today.adding(days: -3).start.addingTimeInterval(19 * 3600)),
                                                   source: "CDC Hà Nội, thông báo số 11"), actor: steering, on: db)

        // The head isolates someone whose test came back positive.
        _ = try await HealthService.decide(.init(staffId: sick.id, kind: "isolating", from: today.adding(days: -1).value,
                                                 note: "Xét nghiệm RT-PCR dương tính"), actor: head, on: db)

        // Trips out of the city: one waiting for the head, one back two days ago with no declaration.
        let travellerUser = User(email: "demo.trip1@congso.vn", displayName: traveller.fullName, passwordHash: headUser.passwordHash, role: .staff,
                                 orgID: office.id, staffID: traveller.id)
        try await travellerUser.create(on: db)
        let backUser = User(email: "demo.trip2@congso.vn", displayName: back.fullName, passwordHash: headUser.passwordHash, role: .staff,
                            orgID: office.id, staffID: back.id)
        try await backUser.create(on: db)
        let saturday = (0..<7).map { today.adding(days: $0) }.first { $0.weekday == 7 } ?? today.adding(days: 1)
        _ = try await TripService.request(.init(leaveOn: saturday.value, returnOn: saturday.adding(days: 1).value, destination: "Nam Định",
                                                purpose: "Thăm bố mẹ"), actor: try await Actor.load(user: travellerUser, via: "demo", on: db), on: db, now: now)
        let earlier = now.addingTimeInterval(-3 * 86_400)
        let trip = try await TripService.request(.init(leaveOn: LocalDate.of(earlier).value, returnOn: today.adding(days: -2).value, destination: "Thái Bình",
                                                       purpose: "Việc gia đình"), actor: try await Actor.load(user: backUser, via: "demo", on: db), on: db, now: earlier)
        if trip.status == .requested { _ = try await TripService.decide(trip.id!, .init(approve: true), actor: head, on: db) }
        _ = try await TripService.reportReturn(trip.id!, actor: try await Actor.load(user: backUser, via: "demo", on: db), on: db,
                                               now: now.addingTimeInterval(-2 * 86_400))

        // Today's visitors at the office's door.
        for (name, phone, temp) in [("Phạm Văn Hùng", "0904 111 333", 36.5), ("Đỗ Thị Lan", "0904 222 444", 38.2), ("Bùi Minh Tuấn", "0904 555 666", 36.8)] {
            _ = try await VisitorService.record(.init(org: "Q08-P5", name: name, phone: phone, hostStaffId: others[4].id, temperature: temp,
                                                      noSymptoms: true, contactWithCase: false), actor: head, on: db, now: now.addingTimeInterval(-3600))
        }
    }
}
