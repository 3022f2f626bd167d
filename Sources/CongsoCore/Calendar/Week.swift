import Foundation

extension LocalDate {
    /// Monday 1 … Sunday 7.
    public var isoWeekday: Int { (weekday + 5) % 7 + 1 }

    /// The Monday of this day's week (weeks run Monday to Sunday, as plans and lists count them).
    public var monday: LocalDate { adding(days: -(isoWeekday - 1)) }
}
