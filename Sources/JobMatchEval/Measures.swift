import Foundation

/// One retrieval measure, defined as trec_eval defines it (relevant: grade ≥ 1).
package struct Measure: Hashable, Sendable, Comparable, CustomStringConvertible {
    package enum Kind: Int, Sendable, CaseIterable {
        /// nDCG@k (trec_eval `ndcg_cut.k`; without k, `ndcg` over the whole list): gain = grade
        /// (non-positive grades gain 0), discount log2(rank + 1), ideal from all judged grades.
        case ndcg
        /// Mean reciprocal rank (`recip_rank`): 1 / rank of the first relevant document, 0 if none.
        case mrr
        /// Precision at k (`P.k`): relevant in the top k / k (always k, even for shorter lists).
        case precision
        /// Recall at k (`recall.k`): relevant in the top k / relevant judged (0 when none are).
        case recall
        /// Average precision (`map`; with k, `map_cut.k`): Σ precision at each relevant rank ≤ k / relevant judged.
        case map
        /// Success at k (`success.k`): 1 when a relevant document is in the top k.
        case success
        /// Judged at k: judged documents (any grade) in the top k / k — P@k with every judged
        /// document counted (not in trec_eval; shows how far unjudged documents blur a run).
        case judged
    }

    package var kind: Kind
    package var cutoff: Int?

    package init(_ kind: Kind, _ cutoff: Int? = nil) {
        self.kind = kind
        self.cutoff = cutoff
    }

    /// The name people read: `nDCG@10`, `MRR`, `P@10`, `R@100`, `MAP`, `success@1`, `judged@10`.
    package var description: String {
        let base: String
        switch kind {
        case .ndcg: base = "nDCG"
        case .mrr: base = "MRR"
        case .precision: base = "P"
        case .recall: base = "R"
        case .map: base = "MAP"
        case .success: base = "success"
        case .judged: base = "judged"
        }
        return cutoff.map { "\(base)@\($0)" } ?? base
    }

    /// trec_eval's name: `ndcg_cut_10`, `recip_rank`, `P_10`, `recall_100`, `map`, `map_cut_10`, `success_1`.
    package var trecName: String {
        switch kind {
        case .ndcg: return cutoff.map { "ndcg_cut_\($0)" } ?? "ndcg"
        case .mrr: return "recip_rank"
        case .precision: return "P_\(cutoff ?? 0)"
        case .recall: return "recall_\(cutoff ?? 0)"
        case .map: return cutoff.map { "map_cut_\($0)" } ?? "map"
        case .success: return "success_\(cutoff ?? 0)"
        case .judged: return "judged_\(cutoff ?? 0)"
        }
    }

    package static func < (a: Measure, b: Measure) -> Bool {
        a.kind.rawValue != b.kind.rawValue ? a.kind.rawValue < b.kind.rawValue : (a.cutoff ?? Int.max) < (b.cutoff ?? Int.max)
    }

    package static let defaults: [Measure] = [
        Measure(.ndcg, 10), Measure(.mrr), Measure(.precision, 10), Measure(.recall, 10), Measure(.recall, 100),
        Measure(.map), Measure(.success, 1), Measure(.judged, 10),
    ]

    /// Parses a list like `ndcg@5,10 mrr P@10 R@100 map success@1 judged@10` (case-insensitive;
    /// `@a,b` repeats the measure for each cutoff; `recall`/`R`, `precision`/`P`).
    package static func parseList(_ text: String) throws(EvalInputError) -> [Measure] {
        var out: [Measure] = []
        var current: Kind?
        for token in text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" }) {
            let parts = token.split(separator: "@", omittingEmptySubsequences: false)
            var cutoffText: Substring?
            if parts.count == 2 || (parts.count == 1 && !token.allSatisfy(\.isNumber)) {
                guard let kind = Self.kind(named: parts[0].lowercased()) else {
                    throw EvalInputError(file: "--measures", line: 0, field: "", reason: "unknown measure '\(token)' (known: ndcg, mrr, p, r, map, success, judged)")
                }
                current = kind
                cutoffText = parts.count == 2 ? parts[1] : nil
            } else if parts.count == 1, current != nil {
                cutoffText = token  // "ndcg@5,10": a bare number continues the previous measure
            } else {
                throw EvalInputError(file: "--measures", line: 0, field: "", reason: "cannot read '\(token)'")
            }
            guard let kind = current else { continue }
            var cutoff: Int?
            if let cutoffText {
                guard let k = Int(cutoffText), (1...100_000).contains(k) else {
                    throw EvalInputError(file: "--measures", line: 0, field: "", reason: "cutoff '\(cutoffText)' of \(token) must be an integer within 1...100000")
                }
                cutoff = k
            }
            if [.precision, .recall, .success, .judged].contains(kind) && cutoff == nil {
                throw EvalInputError(file: "--measures", line: 0, field: "", reason: "\(token) needs a cutoff, e.g. \(token)@10")
            }
            if kind == .mrr && cutoff != nil {
                throw EvalInputError(file: "--measures", line: 0, field: "", reason: "MRR takes no cutoff (trec_eval's recip_rank reads the whole list)")
            }
            let m = Measure(kind, cutoff)
            if !out.contains(m) { out.append(m) }
        }
        if out.isEmpty { throw EvalInputError(file: "--measures", line: 0, field: "", reason: "no measure given") }
        return out
    }

    static func kind(named s: String) -> Kind? {
        switch s {
        case "ndcg", "ndcg_cut": return .ndcg
        case "mrr", "recip_rank", "rr": return .mrr
        case "p", "precision": return .precision
        case "r", "recall": return .recall
        case "map", "ap": return .map
        case "success", "s": return .success
        case "judged", "j": return .judged
        default: return nil
        }
    }
}

/// Per-query values and means of a set of measures for one run.
package struct Evaluation: Sendable {
    package var measures: [Measure]
    /// The queries evaluated, sorted (byte order).
    package var queries: [String]
    /// values[m][q]: measure m (index in `measures`) of query q (index in `queries`).
    package var values: [[Double]]
    /// Means over `queries`.
    package var means: [Double]
    package var counts: Counts

    package struct Counts: Sendable, Equatable, Codable {
        package var queries = 0
        /// Queries of the qrels with no line in the run (scored 0 with `complete`, left out otherwise).
        package var qrelsQueriesWithoutRun = 0
        /// Run queries absent from the qrels: never evaluated (as in trec_eval).
        package var runQueriesWithoutQrels = 0
        package var retrieved = 0
        package var relevant = 0
        package var relevantRetrieved = 0
    }

    package func value(_ m: Measure, query: String) -> Double? {
        guard let i = measures.firstIndex(of: m), let j = queries.firstIndex(of: query) else { return nil }
        return values[i][j]
    }
}

package enum Evaluator {
    /// Evaluates `run` against `qrels` as trec_eval does: the queries of both (or, with
    /// `complete` — trec_eval's `-c` — every query of the qrels, those missing from the run
    /// scoring 0 on every measure); run queries without judgments are ignored.
    package static func evaluate(_ run: Run, qrels: Qrels, measures: [Measure], complete: Bool = false) -> Evaluation {
        // query ids matched by bytes, as trec_eval matches them (Swift's == is canonical equivalence)
        let qrelsIDs = Dictionary(uniqueKeysWithValues: qrels.judgments.keys.map { (Array($0.utf8), $0) })
        let runIDs = Dictionary(uniqueKeysWithValues: run.rankings.keys.map { (Array($0.utf8), $0) })
        let qrelsQueries = Set(qrelsIDs.keys), runQueries = Set(runIDs.keys)
        let chosen = (complete ? qrelsQueries : qrelsQueries.intersection(runQueries)).sorted { $0.lexicographicallyPrecedes($1) }
        var values = [[Double]](repeating: [Double](repeating: 0, count: chosen.count), count: measures.count)
        var counts = Evaluation.Counts()
        counts.queries = chosen.count
        counts.qrelsQueriesWithoutRun = qrelsQueries.subtracting(runQueries).count
        counts.runQueriesWithoutQrels = runQueries.subtracting(qrelsQueries).count
        for (j, key) in chosen.enumerated() {
            let judged = qrels.judgments[qrelsIDs[key]!] ?? [:]
            let ranking = runIDs[key].flatMap { run.rankings[$0] } ?? []
            let perQuery = QueryJudgement(ranking: ranking, judged: judged)
            counts.retrieved += ranking.count
            counts.relevant += perQuery.relevantCount
            counts.relevantRetrieved += perQuery.relevantRetrieved
            for (i, m) in measures.enumerated() { values[i][j] = perQuery.value(m) }
        }
        let means = values.map { row in row.isEmpty ? 0 : row.reduce(0, +) / Double(row.count) }
        return Evaluation(measures: measures, queries: chosen.map { qrelsIDs[$0]! }, values: values, means: means, counts: counts)
    }
}

/// One query's ranked grades, with what every measure needs.
struct QueryJudgement {
    /// Grade of each retrieved document in rank order (nil: unjudged).
    let grades: [Int?]
    /// Positive grades of every judged document, descending (the ideal ranking's gains).
    let idealGains: [Int]
    let relevantCount: Int
    let relevantRetrieved: Int

    init(ranking: [Run.Entry], judged: [String: Int]) {
        // documents matched by bytes (trec_eval's strcmp), not by canonical equivalence
        grades = ranking.map { e in
            judged.index(forKey: e.docid).flatMap { judged[$0].key.utf8.elementsEqual(e.docid.utf8) ? judged[$0].value : nil }
        }
        idealGains = judged.values.filter { $0 > 0 }.sorted(by: >)
        relevantCount = judged.values.filter { $0 >= 1 }.count
        relevantRetrieved = grades.filter { ($0 ?? 0) >= 1 }.count
    }

    @inline(__always) func isRelevant(_ i: Int) -> Bool { (grades[i] ?? 0) >= 1 }

    func relevantInTop(_ k: Int) -> Int {
        var n = 0
        for i in 0..<min(k, grades.count) where isRelevant(i) { n += 1 }
        return n
    }

    func value(_ m: Measure) -> Double {
        switch m.kind {
        case .precision:
            let k = m.cutoff!
            return Double(relevantInTop(k)) / Double(k)
        case .recall:
            return relevantCount > 0 ? Double(relevantInTop(m.cutoff!)) / Double(relevantCount) : 0
        case .success:
            return relevantInTop(m.cutoff!) > 0 ? 1 : 0
        case .judged:
            let k = m.cutoff!
            var n = 0
            for i in 0..<min(k, grades.count) where grades[i] != nil { n += 1 }
            return Double(n) / Double(k)
        case .mrr:
            for i in grades.indices where isRelevant(i) { return 1 / Double(i + 1) }
            return 0
        case .map:
            guard relevantCount > 0 else { return 0 }
            let k = min(m.cutoff ?? grades.count, grades.count)
            var found = 0
            var sum = 0.0
            for i in 0..<k where isRelevant(i) {
                found += 1
                sum += Double(found) / Double(i + 1)
            }
            return sum / Double(relevantCount)
        case .ndcg:
            let k = m.cutoff ?? Int.max
            var dcg = 0.0
            for i in 0..<min(k, grades.count) {
                if let g = grades[i], g > 0 { dcg += Double(g) / log2(Double(i + 2)) }
            }
            var ideal = 0.0
            for (i, g) in idealGains.prefix(k == Int.max ? idealGains.count : k).enumerated() { ideal += Double(g) / log2(Double(i + 2)) }
            return ideal > 0 ? dcg / ideal : 0
        }
    }
}
