internal import Foundation

/// The indexed fields of a posting. Order matters: it is the field index in every array.
package enum IndexField: Int, Sendable, CaseIterable, Codable {
    case title = 0
    case skills = 1
    case description = 2

    package var name: String {
        switch self {
        case .title: "title"
        case .skills: "skills"
        case .description: "description"
        }
    }
}

/// BM25 parameters; values come from the model (`ranking.json`).
package struct BM25Parameters: Sendable, Codable, Equatable {
    package var k1: Double
    package var b: Double
    /// Weight per ``IndexField`` (title, skills, description).
    package var fieldWeights: [Double]

    package init(k1: Double = 1.2, b: Double = 0.75, fieldWeights: [Double] = [2.0, 1.5, 1.0]) {
        self.k1 = k1
        self.b = b
        self.fieldWeights = fieldWeights
    }

    /// Lucene's idf: ln(1 + (N − df + 0.5) / (df + 0.5)).
    @inline(__always)
    package static func idf(documentCount n: Int, documentFrequency df: Int) -> Double {
        log(1 + (Double(n) - Double(df) + 0.5) / (Double(df) + 0.5))
    }

    /// Lucene's (8+) term-frequency part: tf / (tf + k1·(1 − b + b·len/avgLen)).
    @inline(__always)
    package func tfPart(tf: Int, length: Int, averageLength: Double) -> Double {
        guard tf > 0 else { return 0 }
        return tfPart(tf: tf, lengthPart: lengthPart(length: length, averageLength: averageLength))
    }

    /// The part of ``tfPart(tf:length:averageLength:)``'s denominator that depends only on the
    /// field's length, k1·(1 − b + b·len/avgLen): worked out once per document and field when
    /// building. The same operations in the same order, so the result is bit for bit the same.
    @inline(__always)
    package func lengthPart(length: Int, averageLength: Double) -> Double {
        let norm = averageLength > 0 ? Double(length) / averageLength : 1
        return k1 * (1 - b + b * norm)
    }

    /// tf / (tf + `lengthPart`), for tf > 0.
    @inline(__always)
    package func tfPart(tf: Int, lengthPart: Double) -> Double {
        Double(tf) / (Double(tf) + lengthPart)
    }
}
