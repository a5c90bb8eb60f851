import Foundation

/// Paired significance tests over per-query values of two runs (the same queries, same order).
package enum Significance {
    /// Two-sided paired Student t-test: t = mean(d) / (sd(d)/√n), n − 1 degrees of freedom
    /// (the test `scipy.stats.ttest_rel` and ranx compute). Returns (t, p); p is 1 when every
    /// difference is 0 and nil when fewer than two queries.
    package static func pairedTTest(_ a: [Double], _ b: [Double]) -> (t: Double, p: Double)? {
        precondition(a.count == b.count, "pairedTTest: \(a.count) vs \(b.count) values")
        let n = a.count
        guard n >= 2 else { return nil }
        let d = zip(a, b).map { $0 - $1 }
        let mean = d.reduce(0, +) / Double(n)
        let variance = d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        if variance == 0 { return mean == 0 ? (0, 1) : (mean > 0 ? .infinity : -.infinity, 0) }
        let t = mean / (variance / Double(n)).squareRoot()
        let df = Double(n - 1)
        // P(|T| ≥ |t|) = I_{df/(df+t²)}(df/2, 1/2)
        let p = regularizedIncompleteBeta(df / 2, 0.5, df / (df + t * t))
        return (t, min(1, max(0, p)))
    }

    /// Two-sided paired randomisation (Fisher) test: each query's difference keeps or flips its
    /// sign at random; p = (1 + #{|mean of permuted| ≥ |observed mean|}) / (1 + trials). Seeded:
    /// the same inputs and seed give the same p.
    package static func randomization(_ a: [Double], _ b: [Double], trials: Int = 10_000, seed: UInt64 = 1) -> Double {
        precondition(a.count == b.count, "randomization: \(a.count) vs \(b.count) values")
        let d = zip(a, b).map { $0 - $1 }
        guard !d.isEmpty, trials > 0 else { return 1 }
        let observed = abs(d.reduce(0, +))
        // differences compared with a tolerance: sums in another order may differ in the last bits
        let tolerance = 1e-12 * max(1, d.reduce(0) { $0 + abs($1) })
        var rng = SplitMix64(seed: seed)
        var atLeast = 0
        for _ in 0..<trials {
            var s = 0.0
            var bits: UInt64 = 0
            for (i, x) in d.enumerated() {
                if i % 64 == 0 { bits = rng.next() }
                s += (bits & 1) == 0 ? x : -x
                bits >>= 1
            }
            if abs(s) >= observed - tolerance { atLeast += 1 }
        }
        return Double(1 + atLeast) / Double(1 + trials)
    }

    /// I_x(a, b), the regularised incomplete beta function, by its continued fraction (modified
    /// Lentz), using the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where that converges faster.
    package static func regularizedIncompleteBeta(_ a: Double, _ b: Double, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let lnBeta: Double = lgamma(a) + lgamma(b) - lgamma(a + b)
        let lnPowers: Double = a * log(x) + b * log(1 - x)
        let lnFront = lnPowers - lnBeta
        if x < (a + 1) / (a + b + 2) {
            return exp(lnFront) * betaContinuedFraction(a, b, x) / a
        }
        return 1 - exp(lnFront) * betaContinuedFraction(b, a, 1 - x) / b
    }

    static func betaContinuedFraction(_ a: Double, _ b: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m)
            // even step
            var num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + num * d
            if abs(d) < tiny { d = tiny }
            c = 1 + num / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            // odd step
            num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + num * d
            if abs(d) < tiny { d = tiny }
            c = 1 + num / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            h *= step
            if abs(step - 1) < 1e-15 { break }
        }
        return h
    }
}

/// A small seeded generator (SplitMix64) for the randomisation test.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
