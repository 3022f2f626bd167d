/// Roles (docs/sources.md, specification: organizations). Every role but `admin` is scoped to an org subtree.
public enum Role: String, Codable, CaseIterable, Sendable {
    case admin, steering, homeAffairs, head, unitLead, staff, inspector, checkpoint
    /// Văn thư: keeps the document registers of its org (issue 14).
    case clerk

    public var needsOrg: Bool { self != .admin }
}

/// What an actor may do. Each capability's service asks for one of these.
public enum Permission: String, Sendable, CaseIterable {
    case readOrgs, writeOrgs, readStaff, writeStaff, readAudit, readUsers, manageUsers
    /// Directives and on-site presence (docs/sources.md, specification: directives).
    case manageDirectives, requestOnSite, approveOnSite, readPresence, fileExceptions, reviewExceptions, decideExceptions
    /// Travel permits (docs/sources.md, specification: permits): unit leads list who must travel, heads approve.
    case requestPermits, approvePermits
    /// Rotation rosters (docs/sources.md, specification: rosters): unit leads and heads plan and publish them.
    case planRosters
    /// Work management (docs/sources.md, specification: work management): leaders assign and dispatch tasks; report rates and
    /// check-ins are read and run by leaders; heads confirm monthly ratings.
    case assignTasks, readReports, manageReports, rateStaff
    /// Meetings (issue 13): leaders schedule meetings and keep rooms; heads approve in-person ones.
    case scheduleMeetings, approveMeetings
    /// Official documents (issue 14): clerks and heads register; leaders route; classified ones
    /// also need the clearance skill or the head's office (DocumentAccess).
    case readDocuments, registerDocuments, routeDocuments
    /// The public-service catalogue and the one-stop desk; the working-day calendar (admins).
    case manageProcedures, handleApplications, manageCalendar
    /// Hotline numbers and duty rotas; logging and answering citizens' calls and feedback.
    case manageHotlines, handleTickets
    /// Health (issue 16): declarations are read by the person and their head (or whom the
    /// head delegates); Home Affairs reads counts; heads decide isolation, trace contacts and
    /// approve leaving the city; front desks keep the visitor log; outbreak places are announced.
    case readHealth, manageHealth, readHealthCounts, approveTrips, keepVisitorLog, announceOutbreaks
    /// The live picture of a subtree (issue 17); inspections by teams, violations answered by
    /// heads; contingency plans and the alert level of a unit.
    case readDashboard, inspect, answerViolations, manageContingency
}

/// The one place that says who may do what where.
public enum AccessPolicy {
    public static func permissions(of role: Role) -> Set<Permission> {
        switch role {
        case .admin: Set(Permission.allCases)
        case .steering: [.readOrgs, .readStaff, .manageDirectives, .readPresence, .decideExceptions, .assignTasks, .readReports, .manageReports,
                         .scheduleMeetings, .readDocuments, .readHealthCounts, .announceOutbreaks,
                         .readDashboard, .inspect, .manageContingency]
        case .homeAffairs: [.readOrgs, .readStaff, .readPresence, .reviewExceptions, .readReports, .readHealthCounts, .readDashboard]
        case .head: [.readOrgs, .writeOrgs, .readStaff, .writeStaff, .readAudit, .readUsers, .manageUsers,
                     .requestOnSite, .approveOnSite, .readPresence, .fileExceptions, .requestPermits, .approvePermits, .planRosters,
                     .assignTasks, .readReports, .manageReports, .rateStaff, .scheduleMeetings, .approveMeetings,
                     .readDocuments, .registerDocuments, .routeDocuments, .manageProcedures, .handleApplications, .manageHotlines, .handleTickets,
                     .readHealth, .manageHealth, .readHealthCounts, .approveTrips, .keepVisitorLog, .announceOutbreaks,
                     .readDashboard, .answerViolations, .manageContingency]
        case .unitLead: [.readOrgs, .readStaff, .writeStaff, .requestOnSite, .approveOnSite, .readPresence, .fileExceptions, .requestPermits,
                         .planRosters, .assignTasks, .readReports, .manageReports, .scheduleMeetings, .readDocuments, .registerDocuments,
                         .routeDocuments, .manageProcedures, .handleApplications, .manageHotlines, .handleTickets, .keepVisitorLog,
                         .readDashboard]
        case .staff: [.readOrgs, .readStaff, .requestOnSite, .handleTickets]
        case .inspector: [.readOrgs, .readStaff, .readPresence, .readReports, .readDashboard, .inspect]
        case .checkpoint: [.readOrgs]
        case .clerk: [.readOrgs, .readStaff, .requestOnSite, .readDocuments, .registerDocuments, .handleApplications, .handleTickets, .keepVisitorLog]
        }
    }

    /// May an actor with `role`, scoped to `scope` (nil = the whole system), do
    /// `permission` on something that lives at `target`?
    public static func allows(role: Role, scope: OrgPath?, _ permission: Permission, on target: OrgPath) -> Bool {
        guard permissions(of: role).contains(permission) else { return false }
        if role == .admin { return true }
        guard let scope else { return false }
        return scope.contains(target)
    }

    /// Roles a user manager may hand out: admin any; a head only roles below their own.
    public static func assignableRoles(by role: Role) -> [Role] {
        switch role {
        case .admin: Role.allCases
        case .head: [.unitLead, .staff, .inspector, .clerk]
        default: []
        }
    }

    /// Heads may not edit or move the node they are scoped to (only what is below it),
    /// so nobody can widen their own scope.
    public static func mayRestructure(role: Role, scope: OrgPath?, target: OrgPath) -> Bool {
        guard allows(role: role, scope: scope, .writeOrgs, on: target) else { return false }
        if role == .admin { return true }
        return scope != target
    }
}
