import Foundation

/// Why an in-person meeting may not go ahead, with the directive that says so.
public enum InPersonRefusal: Equatable, Sendable {
    /// The directive in force allows no in-person meetings (its limit is 0).
    case forbidden(source: Provenance)
    /// More attendees than the directive allows in one room.
    case overLimit(attendees: Int, limit: Int, source: Provenance)
    /// More attendees than the room holds at the directive's spacing.
    case overRoom(attendees: Int, capacity: Int, spacingMeters: Double?, source: Provenance?)
}

public enum InPersonRule {
    /// Every reason the meeting is refused (none: it may go ahead, subject to the head's approval).
    public static func check(attendees: Int, layout: RoomLayout?, policy: EffectivePolicy) -> [InPersonRefusal] {
        var refusals: [InPersonRefusal] = []
        if let limit = policy.meetingMaxInPerson {
            if limit.value == 0 {
                return [.forbidden(source: limit.source)]
            }
            if attendees > limit.value {
                refusals.append(.overLimit(attendees: attendees, limit: limit.value, source: limit.source))
            }
        }
        if let layout {
            let spacing = policy.meetingSpacingMeters
            let capacity = layout.capacity(spacing: spacing?.value)
            if attendees > capacity {
                refusals.append(.overRoom(attendees: attendees, capacity: capacity, spacingMeters: spacing?.value, source: spacing?.source))
            }
        }
        return refusals
    }
}
