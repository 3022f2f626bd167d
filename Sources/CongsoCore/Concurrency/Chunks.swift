extension Array {
    /// Consecutive slices of at most `size` elements: statements with many bound values
    /// are cut so both databases accept them.
    public func chunked(by size: Int) -> [ArraySlice<Element>] {
        precondition(size > 0)
        return stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
