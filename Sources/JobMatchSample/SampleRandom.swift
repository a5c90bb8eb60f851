/// SplitMix64: a tiny, fast, fully deterministic PRNG.
///
/// Every sample entity (posting *i*, seeker *j*) gets its own stream derived from
/// `(seed, kind, index)`, so an entity never depends on how many others were generated.
struct SampleRandom: Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// An independent stream for entity `index` of the given `kind`.
    init(seed: UInt64, stream kind: UInt64, index: Int) {
        var base = SampleRandom(seed: seed ^ (kind &* 0xD1B5_4A32_D192_ED03))
        let mixed = base.next()
        state = mixed ^ (UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
        _ = next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform integer in `0..<n` (n > 0), via the multiply-high method.
    mutating func below(_ n: Int) -> Int {
        precondition(n > 0, "below(_:) needs a positive bound")
        return Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
    }

    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// Uniform double in [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[below(items.count)]
    }

    /// `count` distinct elements in random order (rejection sampling of indices; our pools are small).
    mutating func sample<T>(_ items: [T], count: Int) -> [T] {
        let n = items.count
        let k = max(0, min(count, n))
        var chosen: [Int] = []
        chosen.reserveCapacity(k)
        while chosen.count < k {
            let candidate = below(n)
            var seen = false
            for c in chosen where c == candidate {
                seen = true
                break
            }
            if !seen { chosen.append(candidate) }
        }
        var result: [T] = []
        result.reserveCapacity(k)
        for c in chosen { result.append(items[c]) }
        return result
    }
}

/// Cumulative-weight table for weighted choice of an index.
struct WeightedChoice: Sendable {
    private let cumulative: [Int]

    init(weights: [Int]) {
        var running = 0
        var table: [Int] = []
        table.reserveCapacity(weights.count)
        for w in weights {
            running += max(0, w)
            table.append(running)
        }
        precondition(running > 0, "WeightedChoice needs a positive total weight")
        cumulative = table
    }

    func pick(_ rng: inout SampleRandom) -> Int {
        let target = rng.below(cumulative[cumulative.count - 1])
        var lo = 0
        var hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > target { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
