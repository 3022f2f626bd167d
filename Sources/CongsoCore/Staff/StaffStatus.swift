/// A staff member's current working status (docs/sources.md, specification: organizations).
public enum StaffStatus: String, Codable, CaseIterable, Sendable {
    case remote, onSite, onLeave, isolating
}
