import Foundation

/// A monotone map from a ranking score to the probability that the posting is relevant to the
/// seeker (`calibration.json` in a model; `jobmatch calibrate` fits it on judgments). Shown to
/// counsellors as 적합도 %.
package struct Calibration: Sendable, Codable, Equatable {
    package struct Point: Sendable, Codable, Equatable {
        /// Mean score of the block of judged pairs.
        package var score: Double
        /// Share of relevant pairs in the block (non-decreasing in score).
        package var probability: Double
        /// Pairs pooled into the block.
        package var pairs: Int

        package init(score: Double, probability: Double, pairs: Int) {
            self.score = score
            self.probability = probability
            self.pairs = pairs
        }
    }

    package var version = 1
    /// What the probability means, in words.
    package var meaning = "P(relevant | score) among the top-k postings of a seeker, isotonic regression on judged pairs"
    /// List length the pairs were taken from.
    package var top: Int
    /// Blocks of the isotonic fit, ascending in score.
    package var points: [Point]

    package init(top: Int, points: [Point]) {
        self.top = top
        self.points = points
    }

    /// Piecewise-linear between the blocks' mean scores, constant beyond the ends: monotone
    /// non-decreasing in `score`.
    package func probability(_ score: Double) -> Double {
        guard let first = points.first, let last = points.last else { return 0 }
        if score <= first.score { return first.probability }
        if score >= last.score { return last.probability }
        var lo = 0, hi = points.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if points[mid].score <= score { lo = mid } else { hi = mid }
        }
        let a = points[lo], b = points[hi]
        let t = b.score > a.score ? (score - a.score) / (b.score - a.score) : 1
        return a.probability + t * (b.probability - a.probability)
    }

    /// Isotonic regression by pool-adjacent-violators: pairs (score, relevant) sorted by score,
    /// ties in score pooled first; blocks merged while a later block's mean is not above an
    /// earlier one's.
    package static func fit(_ pairs: [(score: Double, relevant: Bool)], top: Int) -> Calibration {
        let sorted = pairs.sorted { $0.score < $1.score }
        var blocks: [(scoreSum: Double, positives: Double, count: Int)] = []
        var i = 0
        while i < sorted.count {
            var j = i
            var s = 0.0, p = 0.0
            while j < sorted.count && sorted[j].score == sorted[i].score {
                s += sorted[j].score
                p += sorted[j].relevant ? 1 : 0
                j += 1
            }
            blocks.append((s, p, j - i))
            while blocks.count >= 2 {
                let b = blocks[blocks.count - 1], a = blocks[blocks.count - 2]
                guard a.positives / Double(a.count) >= b.positives / Double(b.count) else { break }
                blocks.removeLast(2)
                blocks.append((a.scoreSum + b.scoreSum, a.positives + b.positives, a.count + b.count))
            }
            i = j
        }
        return Calibration(top: top, points: blocks.map {
            Point(score: $0.scoreSum / Double($0.count), probability: $0.positives / Double($0.count), pairs: $0.count)
        })
    }
}

/// How well probabilities match outcomes.
package struct CalibrationQuality: Sendable, Codable, Equatable {
    package var pairs: Int
    /// Expected calibration error over 10 equal-width probability bins: Σ n_b/n · |rate_b − mean p_b|.
    package var expectedCalibrationError: Double
    /// Mean squared error of the probability against the 0/1 outcome.
    package var brier: Double
    /// Pearson correlation of the raw score with the 0/1 outcome (point-biserial).
    package var scoreCorrelation: Double
    /// Share of relevant pairs.
    package var baseRate: Double

    package static func measure(probabilities p: [Double], scores: [Double], relevant y: [Bool]) -> CalibrationQuality {
        let n = y.count
        guard n > 0 else { return CalibrationQuality(pairs: 0, expectedCalibrationError: 0, brier: 0, scoreCorrelation: 0, baseRate: 0) }
        var binCount = [Int](repeating: 0, count: 10), binP = [Double](repeating: 0, count: 10), binY = [Double](repeating: 0, count: 10)
        var brier = 0.0
        for k in 0..<n {
            let b = min(9, max(0, Int(p[k] * 10)))
            binCount[b] += 1
            binP[b] += p[k]
            binY[b] += y[k] ? 1 : 0
            let e = p[k] - (y[k] ? 1 : 0)
            brier += e * e
        }
        var ece = 0.0
        for b in 0..<10 where binCount[b] > 0 { ece += abs(binY[b] - binP[b]) / Double(n) }
        let ys = y.map { $0 ? 1.0 : 0.0 }
        return CalibrationQuality(pairs: n, expectedCalibrationError: ece, brier: brier / Double(n),
                                  scoreCorrelation: pearson(scores, ys), baseRate: ys.reduce(0, +) / Double(n))
    }

    static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        guard a.count > 1 else { return 0 }
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(a, b) {
            sab += (x - ma) * (y - mb)
            saa += (x - ma) * (x - ma)
            sbb += (y - mb) * (y - mb)
        }
        return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : 0
    }
}
