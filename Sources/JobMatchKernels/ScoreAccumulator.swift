/// A dense score array for term-at-a-time accumulation, reused across queries.
///
/// Two modes, chosen per query from the number of postings it will visit:
/// - *sparse*: touched documents are remembered, and only their slots are cleared afterwards,
///   so a narrow query over a large index costs little;
/// - *dense*: when a query visits many postings (common terms, unigrams), tracking costs more
///   than it saves: the loop is a plain multiply-add and the whole array is cleared next time.
package struct ScoreAccumulator: Sendable {
    package private(set) var scores: [Float]
    private var touchedFlags: [Bool]
    /// Documents with a score, in first-touched order (sparse mode only).
    package private(set) var touched: [UInt32] = []
    /// Whether the current query runs in dense mode (`touched` is then empty: visit every slot).
    package private(set) var isDense = false

    package init(capacity: Int) {
        scores = [Float](repeating: 0, count: capacity)
        touchedFlags = [Bool](repeating: false, count: capacity)
    }

    package var capacity: Int { scores.count }

    /// Clears the previous query's scores, resizes when the index size changed, and picks the
    /// mode for a query that will visit `expectedEntries` postings.
    package mutating func begin(capacity: Int, expectedEntries: Int) {
        if capacity != scores.count {
            scores = [Float](repeating: 0, count: capacity)
            touchedFlags = [Bool](repeating: false, count: capacity)
        } else if isDense {
            scores.withUnsafeMutableBufferPointer { s in
                if let base = s.baseAddress { base.update(repeating: 0, count: s.count) }
            }
        } else {
            for d in touched {
                scores[Int(d)] = 0
                touchedFlags[Int(d)] = false
            }
        }
        touched.removeAll(keepingCapacity: true)
        isDense = expectedEntries >= capacity / 4
    }

    /// Same as `begin(capacity:expectedEntries: 0)`: sparse mode.
    package mutating func reset(capacity: Int) {
        begin(capacity: capacity, expectedEntries: 0)
    }

    /// Adds `weight × impacts[i]` to the score of `docs[i]` for every i.
    @inline(__always)
    package mutating func accumulate(docs: ArraySlice<UInt32>, impacts: ArraySlice<Float>, weight: Float) {
        precondition(docs.count == impacts.count, "ScoreAccumulator: docs and impacts differ in length")
        let dense = isDense
        scores.withUnsafeMutableBufferPointer { s in
            docs.withUnsafeBufferPointer { dp in
                impacts.withUnsafeBufferPointer { ip in
                    if dense {
                        for j in 0..<dp.count { s[Int(dp[j])] += weight * ip[j] }
                    } else {
                        touchedFlags.withUnsafeMutableBufferPointer { f in
                            for j in 0..<dp.count {
                                let di = Int(dp[j])
                                if !f[di] {
                                    f[di] = true
                                    touched.append(dp[j])
                                }
                                s[di] += weight * ip[j]
                            }
                        }
                    }
                }
            }
        }
    }

    /// Takes lane `lane` of `block` as the current query's scores (dense mode), as if the query
    /// had been accumulated here.
    package mutating func load(lane: Int, of block: BlockAccumulator) {
        beginLoad(lane: lane, of: block)
        scores.withUnsafeMutableBufferPointer { s in
            block.scores.withUnsafeBufferPointer { b in
                for d in 0..<b.count { s[d] = b[d][lane] }
            }
        }
    }

    /// ``load(lane:of:)`` for the documents in `lists` only: every other slot keeps whatever it
    /// held (the next ``begin(capacity:expectedEntries:)`` clears it), so the caller must read
    /// no other document's score. The batch's ranking loop reads only the postings a seeker's
    /// regions can admit.
    package mutating func load(lane: Int, of block: BlockAccumulator, documents lists: [[UInt32]]) {
        beginLoad(lane: lane, of: block)
        scores.withUnsafeMutableBufferPointer { s in
            block.scores.withUnsafeBufferPointer { b in
                for list in lists {
                    for d in list {
                        precondition(Int(d) < b.count, "ScoreAccumulator.load: document \(d) out of range")
                        s[Int(d)] = b[Int(d)][lane]
                    }
                }
            }
        }
    }

    /// Dense mode, sized as `block`; the slots are left to the caller to overwrite.
    private mutating func beginLoad(lane: Int, of block: BlockAccumulator) {
        precondition((0..<BlockAccumulator.width).contains(lane), "ScoreAccumulator.load: lane \(lane) out of range")
        // the slots are overwritten next: only the sparse mode's flags need clearing
        if block.scores.count != scores.count {
            scores = [Float](repeating: 0, count: block.scores.count)
            touchedFlags = [Bool](repeating: false, count: block.scores.count)
        } else if !isDense {
            for d in touched { touchedFlags[Int(d)] = false }
        }
        touched.removeAll(keepingCapacity: true)
        isDense = true
    }

    /// Calls `body` for every document with a non-zero score (any order); after
    /// ``load(lane:of:documents:)`` also for the unlisted slots that hold another query's scores.
    @inline(__always)
    package func forEachScored(_ body: (Int, Float) -> Void) {
        if isDense {
            for d in 0..<scores.count where scores[d] != 0 { body(d, scores[d]) }
        } else {
            for d in touched { body(Int(d), scores[Int(d)]) }
        }
    }
}
