import CongsoCore
@testable import CongsoServer
import Fluent
import Vapor

extension Fixture {
    /// A directive over `org` from 2021-01-01, open-ended.
    @discardableResult
    func directive(_ app: Application, number: String, over org: Organization, from: String = "2021-01-01", to: String? = nil,
                   _ rules: DirectiveRules) async throws -> Directive {
        try await DirectiveService.create(.init(number: number, issuer: "UBND", title: "Chỉ thị \(number)", scopeOrg: org.code,
                                                effectiveFrom: from, effectiveTo: .some(to), rules: rules),
                                          actor: .commandLine(), on: app.db)
    }

    /// `count` more staff in `org`, each with a user account of role staff.
    func crowd(_ app: Application, in org: Organization, count: Int, prefix: String) async throws -> [StaffMember] {
        var people: [StaffMember] = []
        for i in 0..<count {
            let p = StaffMember(orgID: org.id!, draft: try StaffDraft(fullName: "Cán Bộ \(prefix) \(i)", position: "Chuyên viên", phone: "",
                                                                     email: "\(prefix)\(i)@t.vn", skills: [], status: .remote).validated())
            people.append(p)
        }
        try await people.create(on: app.db)
        return people
    }

    /// Links a fixture user to a staff record (as the demo does).
    func link(_ app: Application, _ email: String, to person: StaffMember) async throws {
        let u = try await User.query(on: app.db).filter(\.$email == email).first()!
        u.staffID = person.id
        try await u.save(on: app.db)
    }
}

/// A day far enough ahead that "not in the past" always holds.
let futureDay = LocalDate.of(Date()).adding(days: 3)
