import Foundation

/// A meeting room as data: seats in a grid (rows × columns, `pitch` metres between
/// neighbouring seats in a row and between rows), or only a floor area.
public enum RoomLayout: Equatable, Sendable {
    case grid(rows: Int, columns: Int, pitchMeters: Double)
    case area(squareMeters: Double)

    public enum Problem: Error, Equatable, Sendable { case invalid }

    public func validated() throws(Problem) -> RoomLayout {
        switch self {
        case let .grid(rows, columns, pitch):
            guard (1...200).contains(rows), (1...200).contains(columns), pitch.isFinite, pitch > 0, pitch <= 20 else { throw .invalid }
        case let .area(m2):
            guard m2.isFinite, m2 > 0, m2 <= 100_000 else { throw .invalid }
        }
        return self
    }

    /// How many people the room holds when any two must sit at least `spacing` metres apart
    /// (docs/meetings.md states the rule):
    /// - grid: every k-th seat of every k-th row, k = ⌈spacing / pitch⌉, so seats in use are
    ///   at least k × pitch ≥ spacing apart along a row or a column (and farther diagonally):
    ///   ⌈rows / k⌉ × ⌈columns / k⌉;
    /// - area: each person keeps a square of side `spacing` to themselves: ⌊area / spacing²⌋;
    ///   with no spacing in force, one person per square metre.
    public func capacity(spacing: Double?) -> Int {
        let gap = max(0, spacing ?? 0)
        switch self {
        case let .grid(rows, columns, pitch):
            let k = gap <= pitch ? 1 : Int((gap / pitch).rounded(.up))
            return ((rows + k - 1) / k) * ((columns + k - 1) / k)
        case let .area(m2):
            let side = max(gap, 1)
            return Int((m2 / (side * side)).rounded(.down))
        }
    }

    public var seats: Int? {
        if case let .grid(rows, columns, _) = self { return rows * columns }
        return nil
    }
}
