import Foundation

/// One-shot work split over threads (loading and analysing a file): contiguous parts of
/// `0..<count`, each on its own thread, results handed back in order — the same output as one
/// thread, whatever the number of parts.
package enum Parallel {
    /// `body` over `0..<count` cut into `parts` contiguous ranges (fewer when `count` is small),
    /// run side by side; the ranges' results concatenated in range order.
    package static func map<T: Sendable>(count: Int, parts: Int, _ body: @Sendable (Range<Int>) -> [T]) -> [T] {
        let p = max(1, min(parts, count))
        if p == 1 { return body(0..<count) }
        let results = Locked([[T]](repeating: [], count: p))
        DispatchQueue.concurrentPerform(iterations: p) { i in
            let out = body((count * i / p)..<(count * (i + 1) / p))
            results.withLock { $0[i] = out }
        }
        return results.withLock { parts in
            var all: [T] = []
            all.reserveCapacity(count)
            for i in parts.indices {
                all += parts[i]
                parts[i] = []
            }
            return all
        }
    }

    /// Runs `a` and `b` side by side and returns when both are done.
    package static func both(_ a: @Sendable () -> Void, _ b: @Sendable () -> Void) {
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            if i == 0 { a() } else { b() }
        }
    }

    /// Threads worth using for one-shot work on this machine.
    package static var processors: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}
