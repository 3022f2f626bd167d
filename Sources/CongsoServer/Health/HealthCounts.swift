import CongsoCore
import Fluent
import Vapor

/// Counts only, per unit below an org and rolled up: how many are isolating or under
/// monitoring, trips waiting, late return reports and late declarations. What Home Affairs
/// reads — no names, no health data.
enum HealthCounts {
    struct Row: Content {
        let org: String
        let code: String
        let name: String
        var isolating = 0
        var monitoring = 0
        var tripsWaiting = 0
        var lateReturns = 0
        var lateDeclarations = 0
    }

    struct Result: Content {
        let total: Row
        let rows: [Row]
    }

    static func counts(under org: Organization, actor: Actor, on db: any Database, now: Date = Date()) async throws -> Result {
        guard actor.may(.readHealthCounts, on: org.orgPath) || actor.may(.readHealth, on: org.orgPath) else { throw AppError.forbidden }
        let today = LocalDate.of(now)
        let children = try await OrgService.children(of: org, on: db)
        var rows = children.map { Row(org: $0.id!.uuidString, code: $0.code, name: $0.name) }
        var total = Row(org: org.id!.uuidString, code: org.code, name: org.name)
        func bucket(_ path: String) -> Int? { children.firstIndex { path.hasPrefix($0.path) } }
        for s in try await HealthService.active(under: org.path, on: today, limit: nil, db: db) {
            let i = bucket(s.orgPath)
            if s.kind == .isolating { total.isolating += 1; if let i { rows[i].isolating += 1 } }
            else { total.monitoring += 1; if let i { rows[i].monitoring += 1 } }
        }
        let trips = try await CityTrip.query(on: db).filter(\.$orgPath =~ org.path).filter(\.$status ~~ [.requested, .approved, .returned])
            .filter(\.$returnOn >= today.adding(days: -60).value).all()
        for t in trips {
            let i = bucket(t.orgPath)
            if t.status == .requested { total.tripsWaiting += 1; if let i { rows[i].tripsWaiting += 1 } }
            if TripService.lateReturn(t, now: now) { total.lateReturns += 1; if let i { rows[i].lateReturns += 1 } }
            if TripService.lateDeclaration(t, now: now) { total.lateDeclarations += 1; if let i { rows[i].lateDeclarations += 1 } }
        }
        return Result(total: total, rows: rows)
    }
}
