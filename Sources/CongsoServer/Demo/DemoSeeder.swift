import CongsoCore
import Fluent
import Vapor

/// Loads `DemoDataset` into an empty database in one transaction.
enum DemoSeeder {
    struct Result: Sendable {
        let orgs: Int
        let staff: Int
        let users: [(email: String, role: Role, org: String?, note: String)]
    }

    static func isEmpty(_ db: any Database) async throws -> Bool {
        let orgs = try await Organization.query(on: db).count()
        let users = try await User.query(on: db).count()
        return orgs == 0 && users == 0
    }

    static func seed(on db: any Database, passwords: any PasswordHasher, actor: Actor = .commandLine("demo"),
                     log: @escaping @Sendable (String) -> Void = { _ in }) async throws -> Result {
        guard try await isEmpty(db) else { throw AppError.conflict("demo.not_empty", "") }
        let demo = DemoDataset()
        let hash = try passwords.hash(DemoDataset.password)
        return try await db.writeTransaction { tx in
            var byCode: [String: Organization] = [:]
            var orgs: [Organization] = []
            for o in demo.orgs {
                let org = Organization(code: o.code, name: o.name, kind: o.kind, parent: o.parentCode.flatMap { byCode[$0] })
                byCode[o.code] = org
                orgs.append(org)
            }
            let people = demo.staff.map { StaffMember(orgID: byCode[$0.unitCode]!.id!, draft: $0.draft) }
            for (o, org) in zip(demo.orgs, orgs) {
                org.headStaffID = o.head.map { people[$0].id! }
                org.contactStaffID = o.contact.map { people[$0].id! }
            }
            // Parents before children: the dataset lists them in that order.
            for chunk in stride(from: 0, to: orgs.count, by: 200) {
                try await Array(orgs[chunk..<min(chunk + 200, orgs.count)]).create(on: tx)
            }
            log("  \(orgs.count) đơn vị / organizations")
            for chunk in stride(from: 0, to: people.count, by: 200) {
                try await Array(people[chunk..<min(chunk + 200, people.count)]).create(on: tx)
            }
            log("  \(people.count) cán bộ / staff")
            var users: [(String, Role, String?, String)] = []
            var heads: [String: User] = [:]
            for u in demo.users {
                let name = u.staff.map { demo.staff[$0].draft.fullName } ?? u.note
                let user = User(email: u.email, displayName: name, passwordHash: hash, role: u.role,
                                orgID: u.orgCode.flatMap { byCode[$0]?.id }, staffID: u.staff.map { people[$0].id! })
                try await user.create(on: tx)
                users.append((u.email, u.role, u.orgCode, u.note))
                if u.role == .head, let code = u.orgCode { heads[code] = user }
            }
            for seed in demo.directives {
                let d = Directive()
                d.id = UUID()
                d.number = seed.number
                d.issuer = seed.issuer
                d.title = seed.title
                d.scopeOrgID = byCode[seed.scopeCode]!.id!
                d.scopePath = byCode[seed.scopeCode]!.path
                d.effectiveFrom = seed.from
                d.effectiveTo = seed.to
                d.rules = seed.rules
                d.version = 1
                try await d.create(on: tx)
                try await DirectiveVersion(of: d, by: actor.label).create(on: tx)
            }
            log("  \(demo.directives.count) chỉ thị / directives")
            let offices = [("Q02-P2", "Q02"), ("Q08-P2", "Q08")].compactMap { unit, district in
                byCode[unit].flatMap { u in heads[district].map { (unit: u, head: $0) } }
            }
            try await DemoWork.seed(on: tx, units: offices, staff: people)
            log("  công việc và báo cáo mẫu / demo tasks and reports")
            try await DemoDocuments.seed(on: tx)
            log("  văn bản mẫu / demo documents")
            try await DemoPublicServices.seed(on: tx)
            log("  dịch vụ công mẫu / demo public services")
            try await DemoHotlines.seed(on: tx)
            log("  đường dây nóng và lịch trực 24/7 / demo hotlines and 24/7 duty")
            try await DemoHealth.seed(on: tx)
            log("  sổ ra vào, khai báo y tế, cách ly và khách / demo presence, health, isolation and visitors")
            try await DemoOversight.seed(on: tx)
            log("  phương án ứng phó, đoàn kiểm tra, mẫu và vi phạm / demo contingency plan, inspections and a violation")
            try await AuditService.record(on: tx, actor: actor, action: "demo.seed", entityType: "system", entityID: nil,
                                          orgPath: orgs[0].path, summary: "demo data: \(orgs.count) orgs, \(people.count) staff, \(users.count) users")
            return Result(orgs: orgs.count, staff: people.count, users: users.map { (email: $0.0, role: $0.1, org: $0.2, note: $0.3) })
        }
    }

    static func printout(_ r: Result) -> String {
        var s = "Dữ liệu mẫu / demo data: \(r.orgs) đơn vị, \(r.staff) cán bộ.\n"
        s += "Tài khoản (mật khẩu chung / shared password: \(DemoDataset.password)):\n"
        for u in r.users {
            s += "  " + u.email.padding(toLength: 28, withPad: " ", startingAt: 0)
                + u.role.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                + (u.org ?? "-").padding(toLength: 8, withPad: " ", startingAt: 0) + u.note + "\n"
        }
        return s
    }
}
