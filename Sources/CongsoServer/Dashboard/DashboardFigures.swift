import CongsoCore
import Vapor

/// The figures of one node of the tree on one day, rolled up over its whole subtree.
struct DashboardFigures: Content, Sendable {
    struct Window: Content, Sendable {
        let slot: String
        var expected = 0
        var received = 0
        var onTime = 0
        var missing: Int { max(0, expected - received) }
        var rate: Double? { expected == 0 ? nil : ReportRates.percent(received, expected) }

        init(slot: String, expected: Int = 0, received: Int = 0, onTime: Int = 0) {
            self.slot = slot; self.expected = expected; self.received = received; self.onTime = onTime
        }
        enum CodingKeys: String, CodingKey { case slot, expected, received, onTime, missing, rate }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            slot = try c.decode(String.self, forKey: .slot)
            expected = try c.decode(Int.self, forKey: .expected); received = try c.decode(Int.self, forKey: .received); onTime = try c.decode(Int.self, forKey: .onTime)
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(slot, forKey: .slot); try c.encode(expected, forKey: .expected); try c.encode(received, forKey: .received)
            try c.encode(onTime, forKey: .onTime); try c.encode(missing, forKey: .missing); try c.encode(rate, forKey: .rate)
        }
    }

    var staff = 0
    /// Expected to report today: not on leave and not away the whole day.
    var available = 0
    /// On site in the busiest shift of each unit: approved or checked in, whichever is more.
    var onSite = 0
    /// Checked in (the presence register), the busiest shift of each unit.
    var present = 0
    /// The sum of the units' caps.
    var cap = 0
    /// Units with more approved on site than their cap (after a cap was lowered).
    var breaches = 0
    var unitsWithStaff = 0
    /// Units with staff and no one approved on site on a working day.
    var unitsNoOneOnDuty = 0
    var windows: [Window] = []
    var tasksOverdue = 0
    var documentsOverdue = 0
    var permitsActive = 0
    var permitsRevoked = 0
    var permitsSuspended = 0
    var isolating = 0
    var monitoring = 0
    var pendingOnSite = 0
    var pendingPermits = 0
    var pendingExceptions = 0
    var pendingTrips = 0
    var pendingMeetings = 0
    var servicesFinished = 0
    var servicesOnTime = 0
    var ticketsOpen = 0
    var ticketsLate = 0
    var violationsOpen = 0
    var violationsLate = 0

    var pendingTotal: Int { pendingOnSite + pendingPermits + pendingExceptions + pendingTrips + pendingMeetings }
    var onSiteShare: Double? { staff == 0 ? nil : ReportRates.percent(onSite, staff) }
    var servicesOnTimeRate: Double? { servicesFinished == 0 ? nil : ReportRates.percent(servicesOnTime, servicesFinished) }
    var reportsMissing: Int { windows.reduce(0) { $0 + $1.missing } }

    mutating func addWindow(_ slot: String, expected: Int = 0, received: Int = 0, onTime: Int = 0) {
        if let i = windows.firstIndex(where: { $0.slot == slot }) {
            windows[i].expected += expected; windows[i].received += received; windows[i].onTime += onTime
        } else {
            windows.append(Window(slot: slot, expected: expected, received: received, onTime: onTime))
            windows.sort { $0.slot < $1.slot }
        }
    }

    enum CodingKeys: String, CodingKey {
        case staff, available, onSite, present, cap, breaches, unitsWithStaff, unitsNoOneOnDuty, windows, tasksOverdue, documentsOverdue
        case permitsActive, permitsRevoked, permitsSuspended, isolating, monitoring
        case pendingOnSite, pendingPermits, pendingExceptions, pendingTrips, pendingMeetings, servicesFinished, servicesOnTime
        case ticketsOpen, ticketsLate, violationsOpen, violationsLate
        case pendingTotal, onSiteShare, servicesOnTimeRate, reportsMissing
    }

    init() {}

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func i(_ k: CodingKeys) throws -> Int { try c.decodeIfPresent(Int.self, forKey: k) ?? 0 }
        staff = try i(.staff); available = try i(.available); onSite = try i(.onSite); present = try i(.present); cap = try i(.cap); breaches = try i(.breaches)
        unitsWithStaff = try i(.unitsWithStaff); unitsNoOneOnDuty = try i(.unitsNoOneOnDuty)
        windows = try c.decodeIfPresent([Window].self, forKey: .windows) ?? []
        tasksOverdue = try i(.tasksOverdue); documentsOverdue = try i(.documentsOverdue); permitsActive = try i(.permitsActive)
        permitsRevoked = try i(.permitsRevoked); permitsSuspended = try i(.permitsSuspended); isolating = try i(.isolating); monitoring = try i(.monitoring)
        pendingOnSite = try i(.pendingOnSite); pendingPermits = try i(.pendingPermits); pendingExceptions = try i(.pendingExceptions)
        pendingTrips = try i(.pendingTrips); pendingMeetings = try i(.pendingMeetings); servicesFinished = try i(.servicesFinished)
        servicesOnTime = try i(.servicesOnTime); ticketsOpen = try i(.ticketsOpen); ticketsLate = try i(.ticketsLate)
        violationsOpen = try i(.violationsOpen); violationsLate = try i(.violationsLate)
    }

    /// The stored figures and those derived from them (totals and rates), as the API gives them.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        for (k, v) in [(CodingKeys.staff, staff), (.available, available), (.onSite, onSite), (.present, present), (.cap, cap), (.breaches, breaches),
                       (.unitsWithStaff, unitsWithStaff), (.unitsNoOneOnDuty, unitsNoOneOnDuty), (.tasksOverdue, tasksOverdue),
                       (.documentsOverdue, documentsOverdue), (.permitsActive, permitsActive), (.permitsRevoked, permitsRevoked),
                       (.permitsSuspended, permitsSuspended), (.isolating, isolating), (.monitoring, monitoring), (.pendingOnSite, pendingOnSite),
                       (.pendingPermits, pendingPermits), (.pendingExceptions, pendingExceptions), (.pendingTrips, pendingTrips),
                       (.pendingMeetings, pendingMeetings), (.servicesFinished, servicesFinished), (.servicesOnTime, servicesOnTime),
                       (.ticketsOpen, ticketsOpen), (.ticketsLate, ticketsLate), (.violationsOpen, violationsOpen), (.violationsLate, violationsLate),
                       (.pendingTotal, pendingTotal), (.reportsMissing, reportsMissing)] {
            try c.encode(v, forKey: k)
        }
        try c.encode(windows, forKey: .windows)
        try c.encode(onSiteShare, forKey: .onSiteShare)
        try c.encode(servicesOnTimeRate, forKey: .servicesOnTimeRate)
    }
}

/// One unit's own on-site facts (not rolled up): what the breach and no-one-on-duty lists show.
struct UnitOnSite: Sendable {
    let path: String
    let orgID: UUID
    let staff: Int
    let onSite: Int
    let cap: Int
    var breach: Bool { onSite > cap }
    var noOneOnDuty: Bool { staff > 0 && onSite == 0 }
}

/// Folds rows counted per unit path into the scope and its children.
struct FigureBoard {
    let rollup: SubtreeRollup
    var total = DashboardFigures()
    var rows: [DashboardFigures]

    init(scope: OrgPath, children: [OrgPath]) {
        rollup = SubtreeRollup(scope: scope, children: children)
        rows = Array(repeating: DashboardFigures(), count: children.count)
    }

    mutating func add(_ path: String, _ key: WritableKeyPath<DashboardFigures, Int>, _ n: Int) {
        guard n != 0, rollup.covers(path) else { return }
        add(at: rollup.bucket(of: path), key, n)
    }

    /// Where a path's figures go: found once per unit, then used for each of its figures.
    func place(of path: String) -> Int?? { rollup.covers(path) ? .some(rollup.bucket(of: path)) : .none }

    /// Adds to the total and to the child `bucket` (nil: the scope itself).
    mutating func add(at bucket: Int?, _ key: WritableKeyPath<DashboardFigures, Int>, _ n: Int) {
        guard n != 0 else { return }
        total[keyPath: key] += n
        if let i = bucket { rows[i][keyPath: key] += n }
    }

    mutating func addWindow(_ path: String, slot: String, expected: Int = 0, received: Int = 0, onTime: Int = 0) {
        guard rollup.covers(path) else { return }
        addWindow(at: rollup.bucket(of: path), slot: slot, expected: expected, received: received, onTime: onTime)
    }

    mutating func addWindow(at bucket: Int?, slot: String, expected: Int = 0, received: Int = 0, onTime: Int = 0) {
        total.addWindow(slot, expected: expected, received: received, onTime: onTime)
        if let i = bucket { rows[i].addWindow(slot, expected: expected, received: received, onTime: onTime) }
    }
}

/// A count per unit path, with an optional key (a shift, a slot, a status) and an optional
/// second count (on time, late); SUM over no row is NULL.
struct PathCount: Decodable, Sendable {
    let path: String
    let k: String?
    let n: Int
    let m: Int?
}
