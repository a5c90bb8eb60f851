/// A dense score array for term-at-a-time accumulation, reused across queries.
///
/// Only touched slots are cleared between queries (their ids are remembered), so a query
/// that touches few documents costs little even over a large index.
package struct ScoreAccumulator: Sendable {
    package private(set) var scores: [Float]
    private var touchedFlags: [Bool]
    package private(set) var touched: [UInt32] = []

    package init(capacity: Int) {
        scores = [Float](repeating: 0, count: capacity)
        touchedFlags = [Bool](repeating: false, count: capacity)
    }

    package var capacity: Int { scores.count }

    /// Adds `weight × impacts[i]` to the score of `docs[i]` for every i.
    @inline(__always)
    package mutating func accumulate(docs: ArraySlice<UInt32>, impacts: ArraySlice<Float>, weight: Float) {
        precondition(docs.count == impacts.count, "ScoreAccumulator: docs and impacts differ in length")
        scores.withUnsafeMutableBufferPointer { s in
            touchedFlags.withUnsafeMutableBufferPointer { f in
                var j = impacts.startIndex
                for d in docs {
                    let di = Int(d)
                    if !f[di] {
                        f[di] = true
                        touched.append(d)
                    }
                    s[di] += weight * impacts[j]
                    j += 1
                }
            }
        }
    }

    /// Clears the touched slots (and grows the array when the index grew).
    package mutating func reset(capacity: Int) {
        for d in touched {
            scores[Int(d)] = 0
            touchedFlags[Int(d)] = false
        }
        touched.removeAll(keepingCapacity: true)
        if capacity != scores.count {
            scores = [Float](repeating: 0, count: capacity)
            touchedFlags = [Bool](repeating: false, count: capacity)
        }
    }
}
