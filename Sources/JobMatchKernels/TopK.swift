/// A bounded top-k selection with a running threshold (PISA's `topk_queue`).
///
/// Order: higher score first; equal scores by ascending id, so results are deterministic.
/// The heap keeps the *worst* retained entry at the root. Storage is reused across queries
/// through ``reset(k:)``: no allocation per candidate.
package struct TopK: Sendable {
    package struct Entry: Sendable, Equatable {
        package var score: Float
        package var id: UInt32
        package init(score: Float, id: UInt32) {
            self.score = score
            self.id = id
        }
    }

    package private(set) var k: Int
    private var heap: [Entry] = []

    package init(k: Int) {
        precondition(k >= 0, "TopK: k must not be negative")
        self.k = k
        heap.reserveCapacity(k)
    }

    package mutating func reset(k: Int) {
        precondition(k >= 0, "TopK: k must not be negative")
        self.k = k
        heap.removeAll(keepingCapacity: true)
        heap.reserveCapacity(k)
    }

    package var count: Int { heap.count }

    /// The score of the worst entry kept once `k` entries are kept (nil before, or with k 0):
    /// nothing scoring below it can enter any more.
    @inline(__always)
    package var cutoff: Float? { heap.count == k && k > 0 ? heap[0].score : nil }

    /// `a` ranks below `b`.
    @inline(__always)
    private static func worse(_ a: Entry, _ b: Entry) -> Bool {
        a.score < b.score || (a.score == b.score && a.id > b.id)
    }

    /// Whether an entry with this score and id would be kept.
    @inline(__always)
    package func wouldEnter(score: Float, id: UInt32) -> Bool {
        if heap.count < k { return true }
        guard let root = heap.first else { return false }
        return Self.worse(root, Entry(score: score, id: id))
    }

    @inline(__always)
    package mutating func insert(score: Float, id: UInt32) {
        guard k > 0 else { return }
        let e = Entry(score: score, id: id)
        if heap.count < k {
            heap.append(e)
            siftUp(heap.count - 1)
        } else if Self.worse(heap[0], e) {
            heap[0] = e
            siftDown(0)
        }
    }

    private mutating func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let p = (i - 1) / 2
            if Self.worse(heap[i], heap[p]) {
                heap.swapAt(i, p)
                i = p
            } else {
                return
            }
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        let n = heap.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < n && Self.worse(heap[l], heap[m]) { m = l }
            if r < n && Self.worse(heap[r], heap[m]) { m = r }
            if m == i { return }
            heap.swapAt(i, m)
            i = m
        }
    }

    /// The retained entries, best first. The queue itself is left unchanged.
    package func sorted() -> [Entry] {
        heap.sorted { Self.worse($1, $0) }
    }
}
