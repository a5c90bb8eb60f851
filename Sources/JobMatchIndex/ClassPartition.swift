import JobMatchKernels

/// The long posting lists of an index, each laid out again class by class (a class per document,
/// e.g. its province), for the batch: a group of queries that will only read the documents of a
/// few classes adds only those classes' entries of every long list, instead of the whole list.
///
/// Built in memory from an ``InvertedIndex`` (one counting sort per long list); lists shorter
/// than `minimumLength` are not split (they cost little whole). Within a class the entries stay
/// in ascending document order, and every document is in one class, so each document receives
/// its terms' additions in the same order as from the whole list: the same bits.
package struct ClassPartition: Sendable {
    package let classCount: Int
    /// Per term: its row in its chunk, or -1 when its list is not split.
    let row: [Int32]
    /// Per term: the chunk holding its row (when split).
    let chunkOfTerm: [UInt8]
    let chunks: [Chunk]

    /// Consecutive split lists, laid out by one thread.
    struct Chunk: Sendable {
        /// `starts[row * (classCount + 1) + c]`: where class `c`'s entries of that list begin in
        /// `docs`/`impacts`; the entry after the last class is the list's end.
        var starts: [UInt32] = []
        var docs: [UInt32] = []
        var impacts: [Float] = []
    }

    /// `classes[d]` (below `classCount`, at most 64) for every document of `index`; the lists
    /// are laid out on `threads` threads (the result does not depend on it).
    package init(index: InvertedIndex, classes: [UInt8], classCount: Int, minimumLength: Int = 256, threads: Int = Parallel.processors) {
        precondition(classes.count == index.documentCount, "ClassPartition: one class per document")
        precondition((1...64).contains(classCount) && classes.allSatisfy { Int($0) < classCount }, "ClassPartition: classes must be below classCount ≤ 64")
        self.classCount = classCount
        let terms = max(0, index.offsets.count - 1)
        let length = { (t: Int) in Int(index.offsets[t + 1] - index.offsets[t]) }
        let split = (0..<terms).filter { length($0) >= minimumLength }
        // cut the split terms into `threads` runs of about equal entries
        let total = split.reduce(0) { $0 + length($1) }
        var cuts = [0]
        var sum = 0
        for (i, t) in split.enumerated() {
            sum += length(t)
            if cuts.count < threads && sum * threads >= total * cuts.count { cuts.append(i + 1) }
        }
        if cuts.last != split.count { cuts.append(split.count) }
        let bounds = cuts
        let chunks = Parallel.map(count: bounds.count - 1, parts: bounds.count - 1) { parts in
            parts.map { p in Self.layOut(Array(split[bounds[p]..<bounds[p + 1]]), index: index, classes: classes, classCount: classCount) }
        }
        var row = [Int32](repeating: -1, count: terms)
        var chunkOfTerm = [UInt8](repeating: 0, count: terms)
        for p in 0..<(cuts.count - 1) {
            for (r, i) in (cuts[p]..<cuts[p + 1]).enumerated() {
                row[split[i]] = Int32(r)
                chunkOfTerm[split[i]] = UInt8(p)
            }
        }
        self.row = row
        self.chunkOfTerm = chunkOfTerm
        self.chunks = chunks
    }

    /// One counting sort by class per list.
    static func layOut(_ terms: [Int], index: InvertedIndex, classes: [UInt8], classCount: Int) -> Chunk {
        let entries = terms.reduce(0) { $0 + Int(index.offsets[$1 + 1] - index.offsets[$1]) }
        var chunk = Chunk()
        chunk.starts = [UInt32](repeating: 0, count: terms.count * (classCount + 1))
        chunk.docs = [UInt32](repeating: 0, count: entries)
        chunk.impacts = [Float](repeating: 0, count: entries)
        var base = 0
        var cursor = [Int](repeating: 0, count: classCount)
        var counts = [Int](repeating: 0, count: classCount)
        for (r, t) in terms.enumerated() {
            let range = Int(index.offsets[t])..<Int(index.offsets[t + 1])
            for c in 0..<classCount { counts[c] = 0 }
            for j in range { counts[Int(classes[Int(index.docs[j])])] += 1 }
            var at = base
            for c in 0..<classCount {
                chunk.starts[r * (classCount + 1) + c] = UInt32(at)
                cursor[c] = at
                at += counts[c]
            }
            chunk.starts[r * (classCount + 1) + classCount] = UInt32(at)
            for j in range {
                let c = Int(classes[Int(index.docs[j])])
                chunk.docs[cursor[c]] = index.docs[j]
                chunk.impacts[cursor[c]] = index.impacts[j]
                cursor[c] += 1
            }
            base = at
        }
        return chunk
    }

    /// Entries held (for memory accounting).
    package var entryCount: Int { chunks.reduce(0) { $0 + $1.docs.count } }

    /// Class `c`'s part of `term`'s list, or nil when the list is not split.
    @inline(__always)
    func part(term: UInt32, class c: Int) -> (docs: ArraySlice<UInt32>, impacts: ArraySlice<Float>)? {
        let r = Int(row[Int(term)])
        guard r >= 0 else { return nil }
        let chunk = chunks[Int(chunkOfTerm[Int(term)])]
        let lo = Int(chunk.starts[r * (classCount + 1) + c]), hi = Int(chunk.starts[r * (classCount + 1) + c + 1])
        return (chunk.docs[lo..<hi], chunk.impacts[lo..<hi])
    }

    @inline(__always)
    func isSplit(_ term: UInt32) -> Bool { row[Int(term)] >= 0 }
}
