/// The kinds of node in an administration's tree (docs/sources.md, specification: organizations).
public enum OrgKind: String, Codable, CaseIterable, Sendable {
    case city, department, district, ward, enterprise, unit

    /// Which kinds may sit directly under this one:
    /// city → departments, districts, enterprises, units; districts → wards and units;
    /// departments and enterprises → units; units → sub-units; wards → units.
    public var allowedChildren: Set<OrgKind> {
        switch self {
        case .city: [.department, .district, .enterprise, .unit]
        case .district: [.ward, .unit]
        case .department, .enterprise, .ward, .unit: [.unit]
        }
    }

    public func mayContain(_ child: OrgKind) -> Bool { allowedChildren.contains(child) }
}

/// A node's position in the tree as a materialised path: "/<root>/<child>/…/<self>/".
/// Subtree membership is a prefix test, which both SQLite and PostgreSQL index well.
public struct OrgPath: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public init(_ value: String) { self.value = value }
    public static func root(_ id: String) -> OrgPath { OrgPath("/\(id)/") }
    public func child(_ id: String) -> OrgPath { OrgPath(value + id + "/") }

    /// True when `other` is this node or lies below it.
    public func contains(_ other: OrgPath) -> Bool { other.value.hasPrefix(value) }

    public var ids: [String] { value.split(separator: "/").map(String.init) }
    public var depth: Int { ids.count }
    /// "/a/", "/a/b/", … up to this path itself.
    public var ancestorsAndSelf: [OrgPath] {
        var out: [OrgPath] = []
        var v = "/"
        for id in ids { v += id + "/"; out.append(OrgPath(v)) }
        return out
    }
    public var description: String { value }

    /// The path of every node in the subtree after moving `self` under `newParent`.
    public func rebased(_ descendant: OrgPath, under newSelf: OrgPath) -> OrgPath {
        precondition(contains(descendant))
        return OrgPath(newSelf.value + descendant.value.dropFirst(value.count))
    }
}
