import CongsoCore
import Fluent
import Vapor

/// The desk's lists: dossiers of the actor's subtree (or assigned to them) by tab, the
/// nearest promise first where one runs, the newest first otherwise.
enum ApplicationList {
    enum Tab: String, CaseIterable, Codable, Sendable {
        /// Sent online and waiting for the desk.
        case new
        case incomplete
        /// Received or being processed.
        case open
        case suspended
        /// Open and past the promised time.
        case late
        /// Approved, to be returned.
        case ready
        case done
        case all

        var statuses: [ApplicationStatus] {
            switch self {
            case .new: [.submitted]
            case .incomplete: [.incomplete]
            case .open, .late: [.received, .processing]
            case .suspended: [.suspended]
            case .ready: [.approved]
            case .done: [.returned, .refused]
            case .all: ApplicationStatus.allCases
            }
        }
    }

    struct Filter {
        var under: String?
        var tab: Tab = .open
    }

    static func list(_ f: Filter, actor: Actor, page: PageRequest, on db: any Database, now: Date = Date()) async throws -> Paged<ServiceApplication> {
        let query = ServiceApplication.query(on: db).filter(\.$status ~~ f.tab.statuses)
        if actor.has(.handleApplications) {
            let prefix = f.under ?? actor.visiblePrefix
            if let under = f.under { try actor.require(.handleApplications, on: OrgPath(under)) }
            if prefix != "/" { query.filter(\.$orgPath =~ prefix) }
        } else if let staff = actor.staffID {
            query.filter(\.$assigneeStaffID == staff)
        } else {
            throw AppError.forbidden
        }
        if f.tab == .late { query.filter(\.$dueAt < now) }
        let total = try await query.count()
        switch f.tab {
        case .open, .late, .suspended, .ready: query.sort(\.$dueAt).sort(\.$submittedAt)
        case .new, .incomplete: query.sort(\.$submittedAt)
        case .done, .all: query.sort(\.$submittedAt, .descending)
        }
        let items = try await query.range(page.offset..<(page.offset + page.per)).all()
        return Paged(items: items, total: total, page: page)
    }

    /// The procedures of a page of dossiers, read once.
    static func procedures(of items: [ServiceApplication], on db: any Database) async throws -> [UUID: ProcedureDTO] {
        let ids = Array(Set(items.map(\.procedureID)))
        guard !ids.isEmpty else { return [:] }
        let rows = try await ServiceProcedure.query(on: db).filter(\.$id ~~ ids).all()
        return Dictionary(try await ProcedureDTO.list(rows, on: db).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }
}
