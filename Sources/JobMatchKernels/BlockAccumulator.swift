/// Text scores of up to ``width`` queries at once, for the batch: one `SIMD8<Float>` per document,
/// lane `i` for query `i`.
///
/// Term-at-a-time over the union of the queries' terms: every entry of a term's list adds
/// `weights × impact`, where lane `i` holds query `i`'s weight for the term, or 0. A query
/// without the term adds +0, which leaves its (non-negative) score as it was, so each lane ends
/// with exactly the bits ``ScoreAccumulator`` gives that query alone, provided the terms come
/// in the same order (the same additions in the same order). Each long list (the common
/// n-grams most queries share) is read once per block instead of once per query.
package struct BlockAccumulator: Sendable {
    package static let width = 8
    package private(set) var scores: [SIMD8<Float>] = []

    package init() {}

    /// Zeroes every lane of every document (resizing when the index size changed).
    package mutating func begin(capacity: Int) {
        if scores.count != capacity {
            scores = [SIMD8<Float>](repeating: .zero, count: capacity)
        } else {
            scores.withUnsafeMutableBufferPointer { s in
                if let base = s.baseAddress { base.update(repeating: .zero, count: s.count) }
            }
        }
    }

    /// Adds `weights × impacts[i]` to the lanes of `docs[i]` for every i.
    @inline(__always)
    package mutating func accumulate(docs: ArraySlice<UInt32>, impacts: ArraySlice<Float>, weights: SIMD8<Float>) {
        precondition(docs.count == impacts.count, "BlockAccumulator: docs and impacts differ in length")
        scores.withUnsafeMutableBufferPointer { s in
            docs.withUnsafeBufferPointer { dp in
                impacts.withUnsafeBufferPointer { ip in
                    for j in 0..<dp.count {
                        let d = Int(dp[j])
                        s[d] = s[d] + weights * ip[j]
                    }
                }
            }
        }
    }
}
