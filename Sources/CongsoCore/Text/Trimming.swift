import Foundation

extension String {
    /// What `trimmingCharacters(in: .whitespacesAndNewlines)` gives, read by Unicode scalar
    /// against the same set, without bridging the string to NSString: every form field of
    /// the hot paths goes through it.
    public var trimmedWhitespace: String {
        let scalars = unicodeScalars
        let blank = Self.blankScalars
        guard let first = scalars.firstIndex(where: { !blank.contains($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !blank.contains($0) })!
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return self }
        return String(scalars[first...last])
    }

    private static let blankScalars = CharacterSet.whitespacesAndNewlines
}
