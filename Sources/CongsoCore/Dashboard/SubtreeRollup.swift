import Foundation

/// Sums figures counted per unit into the direct children of one node of the tree.
///
/// The dashboard asks the database for counts grouped by each row's unit path (one query
/// per figure, whatever the depth), then folds them here: a row belongs to the child whose
/// id is the next segment of its path after the scope's. Rows of the scope itself count in
/// the total only; rows outside the scope are ignored. O(rows), never a query per unit.
public struct SubtreeRollup: Sendable {
    public let scope: OrgPath
    public let children: [OrgPath]
    private let index: [Substring: Int]

    public init(scope: OrgPath, children: [OrgPath]) {
        self.scope = scope
        self.children = children
        var index: [Substring: Int] = [:]
        for (i, c) in children.enumerated() where c.value.hasPrefix(scope.value) {
            if let seg = Self.nextSegment(of: c.value, after: scope.value) { index[seg] = i }
        }
        self.index = index
    }

    /// Works on the UTF-8 bytes: a city's view folds some 60,000 figures, and counting and
    /// comparing Characters (String.count, hasPrefix) was most of its time. A path's
    /// separators are ASCII, so byte positions after a "/" are valid String indices.
    static func nextSegment(of path: String, after prefix: String) -> Substring? {
        let bytes = path.utf8, head = prefix.utf8
        guard bytes.count > head.count, hasBytePrefix(path, prefix) else { return nil }
        let start = bytes.index(bytes.startIndex, offsetBy: head.count)
        guard let slash = bytes[start...].firstIndex(of: UInt8(ascii: "/")), slash > start else { return nil }
        return path[start..<slash]
    }

    /// Whether `path` is the scope or lies below it (byte for byte, like the database's LIKE).
    public func covers(_ path: String) -> Bool { Self.hasBytePrefix(path, scope.value) }

    /// A byte comparison of the stored UTF-8 (the generic `starts(with:)` walks it byte by
    /// byte through iterators, and showed in the city's profile).
    static func hasBytePrefix(_ s: String, _ prefix: String) -> Bool {
        let a = s.utf8, b = prefix.utf8
        guard a.count >= b.count else { return false }
        let fast = a.withContiguousStorageIfAvailable { x in
            b.withContiguousStorageIfAvailable { y in y.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, y.count) == 0 }
        }
        return (fast ?? nil) ?? a.starts(with: b)
    }

    /// The index of the child holding `path`, or nil for the scope itself or outside it.
    public func bucket(of path: String) -> Int? {
        guard let seg = Self.nextSegment(of: path, after: scope.value) else { return nil }
        return index[seg]
    }

    /// A figure for the scope and for each child.
    public struct Counts: Sendable, Equatable {
        public var total: Int
        public var perChild: [Int]
        public init(total: Int, perChild: [Int]) { self.total = total; self.perChild = perChild }
    }

    public func fold<S: Sequence>(_ rows: S) -> Counts where S.Element == (path: String, count: Int) {
        var out = Counts(total: 0, perChild: Array(repeating: 0, count: children.count))
        for row in rows where covers(row.path) {
            out.total += row.count
            if let i = bucket(of: row.path) { out.perChild[i] += row.count }
        }
        return out
    }
}
