import CongsoCore
import Fluent
import SQLKit
import Vapor

/// The public figures of Decision 766/QĐ-TTg for an org, with each child's subtree rolled
/// up: one read of the subtree's received dossiers and one of its procedures, grouped in memory
/// by the child each path falls under.
enum ServiceFiguresService {
    struct Part: Content {
        let org: String
        let code: String
        let name: String
        let handled: Int
        let finishedOnTime: Int
        let finishedLate: Int
        let openWithinTime: Int
        let openLate: Int
        let onTimeRate: Double?
        let averageWorkingDays: Double?
        let procedures: Int
        let onlineProcedureShare: Double?
        let onlineReceiptShare: Double?

        init(_ org: Organization, _ f: ServiceFigures) {
            self.org = org.id!.uuidString; code = org.code; name = org.name
            handled = f.handled; finishedOnTime = f.finishedOnTime; finishedLate = f.finishedLate
            openWithinTime = f.openWithinTime; openLate = f.openLate; onTimeRate = f.onTimeRate
            averageWorkingDays = f.averageWorkingDays.map { ($0 * 10).rounded() / 10 }
            procedures = f.procedures; onlineProcedureShare = f.onlineProcedureShare; onlineReceiptShare = f.onlineReceiptShare
        }
    }

    struct Figures: Content {
        let year: Int
        let total: Part
        let children: [Part]
    }

    static func figures(for org: Organization, year: Int, on db: any Database, now: Date = Date()) async throws -> Figures {
        let from = LocalDate(year: year, month: 1, day: 1).start
        let to = LocalDate(year: year + 1, month: 1, day: 1).start
        struct Row: Decodable {
            let org_path: String
            let channel: String
            let received_at: Date
            let legal_due_at: Date?
            let finished_at: Date?
        }
        let rows = try await db.sql.raw("""
            SELECT org_path, channel, received_at, legal_due_at, finished_at FROM service_applications
            WHERE org_path LIKE \(bind: org.path + "%") AND received_at >= \(bind: from) AND received_at < \(bind: to)
            """).all(decoding: Row.self)
        struct ProcedureRow: Decodable { let org_path: String; let online_level: String }
        let procedures = try await db.sql.raw("""
            SELECT org_path, online_level FROM procedures WHERE org_path LIKE \(bind: org.path + "%") AND active = \(bind: true)
            """).all(decoding: ProcedureRow.self)
        let children = try await Organization.query(on: db).filter(\.$parentID == org.id!).sort(\.$name).all()
        let deadline = try await WorkingDayService.deadline(on: db)
        // A late dossier counts against the first promise, even after an apology moved the date.
        func dossier(_ r: Row) -> ServiceFigures.Dossier {
            ServiceFigures.Dossier(receivedAt: r.received_at, due: r.legal_due_at, finishedAt: r.finished_at, online: r.channel == ApplicationChannel.online.rawValue,
                                   workingDays: r.finished_at.map { deadline.workingDays(from: r.received_at, to: $0) })
        }
        func figures(_ prefix: String) -> ServiceFigures {
            let ps = procedures.filter { $0.org_path.hasPrefix(prefix) }
            return ServiceFigures(dossiers: rows.filter { $0.org_path.hasPrefix(prefix) }.map(dossier), procedures: ps.count,
                                  proceduresOnline: ps.filter { $0.online_level != OnlineLevel.none.rawValue }.count, now: now)
        }
        return Figures(year: year, total: Part(org, figures(org.path)), children: children.map { Part($0, figures($0.path)) })
    }
}
