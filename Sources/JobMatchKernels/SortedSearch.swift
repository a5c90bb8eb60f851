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

    // Concrete forms for the ranking's sorted ids. The generic ones above were found running
    // unspecialised from another module (callgrind, the batch's near-duplicate fold: a
    // `contains` over 416 ids took 3,800 instructions, each step through witness tables); these
    // are compiled here for `UInt32` once, so no caller depends on the optimiser specialising.

    /// The first position of ascending `c` whose element is not below `x`.
    package static func lowerBound(_ c: ArraySlice<UInt32>, _ x: UInt32) -> Int {
        var lo = c.startIndex
        var n = c.count
        while n > 0 {
            let half = n / 2
            if c[lo + half] < x {
                lo += half + 1
                n -= half + 1
            } else {
                n = half
            }
        }
        return lo
    }

    /// Whether ascending `c` holds `x`.
    package static func contains(_ c: [UInt32], _ x: UInt32) -> Bool {
        let i = lowerBound(c[...], x)
        return i != c.endIndex && c[i] == x
    }
}
