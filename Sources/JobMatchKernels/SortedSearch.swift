/// Binary search over ascending collections (posting lists, sorted ids).
package enum SortedSearch {
    /// The first position of `c` at which `below` is false; `below` must hold on a prefix of `c`
    /// and on nothing after it. `endIndex` when it holds everywhere.
    @inlinable
    package static func lowerBound<C: RandomAccessCollection>(_ c: C, where below: (C.Element) -> Bool) -> C.Index {
        var lo = c.startIndex
        var n = c.count
        while n > 0 {
            let half = n / 2
            let mid = c.index(lo, offsetBy: half)
            if below(c[mid]) {
                lo = c.index(after: mid)
                n -= half + 1
            } else {
                n = half
            }
        }
        return lo
    }

    /// The first position of ascending `c` whose element is not below `x`.
    @inlinable
    package static func lowerBound<C: RandomAccessCollection>(_ c: C, _ x: C.Element) -> C.Index where C.Element: Comparable {
        lowerBound(c) { $0 < x }
    }

    /// Whether ascending `c` holds `x`.
    @inlinable
    package static func contains<C: RandomAccessCollection>(_ c: C, _ x: C.Element) -> Bool where C.Element: Comparable {
        let i = lowerBound(c, x)
        return i != c.endIndex && c[i] == x
    }
}
