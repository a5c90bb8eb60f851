package import JobMatchKernels

/// Collects analysed documents (terms per field) and builds an ``InvertedIndex``.
package struct IndexBuilder: Sendable {
    package private(set) var vocabulary = Vocabulary()
    /// Flat (term, field, tf) entries of every document; `docStart[d]..<docStart[d+1]`.
    private var entryTerm: [UInt32] = []
    private var entryField: [UInt8] = []
    private var entryTF: [UInt32] = []
    private var docStart: [Int] = [0]
    private var lengths: [UInt32] = []

    package init() {}

    package var documentCount: Int { docStart.count - 1 }

    /// Adds one document; `fields[f]` are the terms of ``IndexField`` `f` in order.
    /// Returns its document number (0, 1, 2, … in the order added).
    @discardableResult
    package mutating func add(fields: [[String]]) -> UInt32 {
        precondition(fields.count == IndexField.allCases.count, "IndexBuilder.add: expected \(IndexField.allCases.count) fields")
        var counts: [UInt32: UInt32] = [:]
        for (f, terms) in fields.enumerated() {
            counts.removeAll(keepingCapacity: true)
            var order: [UInt32] = []
            for t in terms {
                let id = vocabulary.intern(t)
                if let c = counts[id] {
                    counts[id] = c + 1
                } else {
                    counts[id] = 1
                    order.append(id)
                }
            }
            for id in order {
                entryTerm.append(id)
                entryField.append(UInt8(f))
                entryTF.append(counts[id]!)
            }
            lengths.append(UInt32(terms.count))
        }
        docStart.append(entryTerm.count)
        return UInt32(documentCount - 1)
    }

    package func build(parameters: BM25Parameters) -> InvertedIndex {
        let fieldCount = IndexField.allCases.count
        precondition(parameters.fieldWeights.count == fieldCount, "BM25Parameters: need \(fieldCount) field weights")
        let n = documentCount
        let t = vocabulary.count
        var dfField = [UInt32](repeating: 0, count: t * fieldCount)
        var dfDoc = [UInt32](repeating: 0, count: t)
        var lastDoc = [Int32](repeating: -1, count: t)
        var totalLength = [Double](repeating: 0, count: fieldCount)
        for d in 0..<n {
            for f in 0..<fieldCount { totalLength[f] += Double(lengths[d * fieldCount + f]) }
            for e in docStart[d]..<docStart[d + 1] {
                let term = Int(entryTerm[e])
                dfField[term * fieldCount + Int(entryField[e])] += 1
                if lastDoc[term] != Int32(d) {
                    lastDoc[term] = Int32(d)
                    dfDoc[term] += 1
                }
            }
        }
        let avg = totalLength.map { n > 0 ? $0 / Double(n) : 0 }
        var offsets = [UInt32](repeating: 0, count: t + 1)
        for i in 0..<t { offsets[i + 1] = offsets[i] + dfDoc[i] }
        var cursor = Array(offsets.dropLast())
        var docs = [UInt32](repeating: 0, count: Int(offsets[t]))
        var impacts = [Float](repeating: 0, count: Int(offsets[t]))
        var idf = [Double](repeating: 0, count: t * fieldCount)
        for term in 0..<t {
            for f in 0..<fieldCount {
                idf[term * fieldCount + f] = BM25Parameters.idf(documentCount: n, documentFrequency: Int(dfField[term * fieldCount + f]))
            }
        }
        var partial: [UInt32: Double] = [:]
        var order: [UInt32] = []
        for d in 0..<n {
            partial.removeAll(keepingCapacity: true)
            order.removeAll(keepingCapacity: true)
            for e in docStart[d]..<docStart[d + 1] {
                let term = entryTerm[e]
                let f = Int(entryField[e])
                let s = parameters.fieldWeights[f] * idf[Int(term) * fieldCount + f]
                    * parameters.tfPart(tf: Int(entryTF[e]), length: Int(lengths[d * fieldCount + f]), averageLength: avg[f])
                if let p = partial[term] {
                    partial[term] = p + s
                } else {
                    partial[term] = s
                    order.append(term)
                }
            }
            for term in order {
                let slot = Int(cursor[Int(term)])
                docs[slot] = UInt32(d)
                impacts[slot] = Float(partial[term]!)
                cursor[Int(term)] += 1
            }
        }
        // MinHash signatures of each document's title + description terms (near-duplicate checks),
        // hashed from the terms' text so that they do not depend on the order terms were met.
        let k = InvertedIndex.signatureLength
        let termHash = vocabulary.terms.map(InvertedIndex.textHash)
        var signatures = [UInt32](repeating: .max, count: n * k)
        for d in 0..<n {
            for e in docStart[d]..<docStart[d + 1] where entryField[e] != UInt8(IndexField.skills.rawValue) {
                let t = termHash[Int(entryTerm[e])]
                for j in 0..<k {
                    let h = UInt32(truncatingIfNeeded: InvertedIndex.mix(t &+ UInt64(j) &* 0x9E37_79B9_7F4A_7C15) >> 32)
                    if h < signatures[d * k + j] { signatures[d * k + j] = h }
                }
            }
        }
        return InvertedIndex(
            parameters: parameters, vocabulary: vocabulary, documentCount: n,
            documentFrequency: dfDoc, fieldDocumentFrequency: dfField,
            fieldLengths: lengths, averageFieldLengths: avg,
            offsets: offsets, docs: docs, impacts: impacts, signatures: signatures)
    }
}

/// A frozen inverted index in contiguous arrays: for term `t`, documents
/// `docs[offsets[t]..<offsets[t+1]]` (ascending) with their BM25 impacts (field-weighted sum of
/// per-field BM25, idf included). A query's score for a document is Σ weight(t) · impact(t, d).
package struct InvertedIndex: Sendable, Equatable {
    package let parameters: BM25Parameters
    package let vocabulary: Vocabulary
    package let documentCount: Int
    /// Documents containing the term in any field.
    package let documentFrequency: [UInt32]
    /// `[term * fieldCount + field]`.
    package let fieldDocumentFrequency: [UInt32]
    /// `[doc * fieldCount + field]`, in terms.
    package let fieldLengths: [UInt32]
    package let averageFieldLengths: [Double]
    package let offsets: [UInt32]
    package let docs: [UInt32]
    package let impacts: [Float]
    /// `signatureLength` MinHash values per document over its title + description terms:
    /// the share of equal values estimates the Jaccard similarity of two documents' term sets.
    package let signatures: [UInt32]

    package static let fieldCount = IndexField.allCases.count
    package static let signatureLength = 64

    /// FNV-1a over the UTF-8 bytes: a fixed hash of a term's text.
    package static func textHash(_ term: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in term.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }

    /// SplitMix64's finaliser: a fixed, well-mixed hash of a term id (same bytes on every run).
    @inline(__always)
    package static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Estimated Jaccard similarity of two documents' title + description terms (0 when either
    /// has no terms).
    package func similarity(_ a: UInt32, _ b: UInt32) -> Double {
        let k = Self.signatureLength
        if signatures[Int(a) * k] == .max || signatures[Int(b) * k] == .max { return 0 }
        var same = 0
        for j in 0..<k where signatures[Int(a) * k + j] == signatures[Int(b) * k + j] { same += 1 }
        return Double(same) / Double(k)
    }

    package func postings(_ term: UInt32) -> (docs: ArraySlice<UInt32>, impacts: ArraySlice<Float>) {
        let lo = Int(offsets[Int(term)]), hi = Int(offsets[Int(term) + 1])
        return (docs[lo..<hi], impacts[lo..<hi])
    }

    /// Lucene idf over whole documents (used to normalise a query's score).
    package func documentIDF(_ term: UInt32?) -> Double {
        let df = term.map { Int(documentFrequency[Int($0)]) } ?? 0
        return BM25Parameters.idf(documentCount: documentCount, documentFrequency: df)
    }

    /// The impact of `term` in `doc`, 0 when absent (binary search; for explanations, not the hot path).
    package func impact(term: UInt32, doc: UInt32) -> Float {
        let (d, w) = postings(term)
        var lo = d.startIndex, hi = d.endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if d[mid] < doc { lo = mid + 1 } else { hi = mid }
        }
        return lo < d.endIndex && d[lo] == doc ? w[lo] : 0
    }

    /// Term-at-a-time accumulation of `Σ weight · impact` into a reused accumulator.
    package func accumulate(_ query: [WeightedTerm], into accumulator: inout ScoreAccumulator) {
        var entries = 0
        for q in query { entries += Int(offsets[Int(q.term) + 1] - offsets[Int(q.term)]) }
        accumulator.begin(capacity: documentCount, expectedEntries: entries)
        for q in query {
            let (d, w) = postings(q.term)
            accumulator.accumulate(docs: d, impacts: w, weight: q.weight)
        }
    }

    /// Bytes held by the index arrays (for `stats`).
    package var byteCount: Int {
        offsets.count * 4 + docs.count * 4 + impacts.count * 4 + documentFrequency.count * 4 + signatures.count * 4
            + fieldDocumentFrequency.count * 4 + fieldLengths.count * 4
            + vocabulary.terms.reduce(0) { $0 + $1.utf8.count + 1 }
    }
}

/// A query term with its weight.
package struct WeightedTerm: Sendable, Equatable {
    package var term: UInt32
    package var weight: Float
    package init(term: UInt32, weight: Float) {
        self.term = term
        self.weight = weight
    }
}
