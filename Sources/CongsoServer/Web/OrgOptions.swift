import CongsoCore
import Fluent
import Vapor

/// The orgs a form or a filter offers.
enum OrgOptions {
    /// The actor's org and everything under it, in tree order and indented (first 400),
    /// as choices valued by code.
    static func tree(actor: Actor, selected: String?, on db: any Database) async throws -> [FormOption] {
        let list = try await Organization.query(on: db).filter(\.$path =~ actor.visiblePrefix).sort(\.$path).limit(400).all()
        let depth0 = list.map { $0.path.split(separator: "/").count }.min() ?? 0
        return list.map { o in
            let indent = String(repeating: "\u{00A0}\u{00A0}", count: max(0, o.path.split(separator: "/").count - depth0))
            return FormOption(value: o.code, label: "\(indent)\(o.name) (\(o.code))", selected: o.code == selected)
        }
    }
}
