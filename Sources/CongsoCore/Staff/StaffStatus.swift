/// A staff member's current working status (SPEC §1).
public enum StaffStatus: String, Codable, CaseIterable, Sendable {
    case remote, onSite, onLeave, isolating
}
