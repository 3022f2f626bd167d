import CongsoCore
import Fluent
import Vapor

/// The people of a subtree as the choices of a form ("Name — Unit"), in name order.
enum PeopleOptions {
    static func under(_ prefix: String, selected: UUID?, limit: Int = 500, on db: any Database) async throws -> [FormOption] {
        let people = try await StaffMember.query(on: db)
            .join(Organization.self, on: \StaffMember.$org.$id == \Organization.$id)
            .filter(Organization.self, \.$path =~ prefix).sort(\.$sortKey).limit(limit).all()
        let units = try await OrgService.names(people.map { $0.$org.id }, on: db)
        return people.map { FormOption(value: $0.id!.uuidString, label: "\($0.fullName) — \(units[$0.$org.id] ?? "")", selected: $0.id == selected) }
    }
}
