import Foundation
import JobMatchIndex
import JobMatchKernels
package import JobMatchRanking

/// One weight of `ranking.json` the tuner may move, with the values it tries.
package enum Knob: String, CaseIterable, Sendable, Codable {
    case k1, b
    case postingTitle, postingSkills, postingDescription
    case seekerTitle, seekerSkills, seekerCertificates, seekerProfile
    case unigramQueryWeight
    case occupationExact, occupationGroup, experience, education
    case denseWeight
    case titleStartWeight

    /// Whether changing it needs another index (BM25 impacts).
    package var indexTime: Bool { [.k1, .b, .postingTitle, .postingSkills, .postingDescription].contains(self) }

    /// The field of `ranking.json` it sets.
    package var field: String {
        switch self {
        case .k1: "bm25.k1"
        case .b: "bm25.b"
        case .postingTitle: "postingFieldWeights.title"
        case .postingSkills: "postingFieldWeights.skills"
        case .postingDescription: "postingFieldWeights.description"
        case .seekerTitle: "seekerFieldWeights.desiredTitle"
        case .seekerSkills: "seekerFieldWeights.skills"
        case .seekerCertificates: "seekerFieldWeights.certificates"
        case .seekerProfile: "seekerFieldWeights.profile"
        case .unigramQueryWeight: "unigramQueryWeight"
        case .occupationExact: "structured.occupationExact"
        case .occupationGroup: "structured.occupationGroup"
        case .experience: "structured.experience"
        case .education: "structured.education"
        case .denseWeight: "denseWeight"
        case .titleStartWeight: "titleStartWeight"
        }
    }

    /// The grid tried (the current value is always a candidate too).
    package var grid: [Double] {
        switch self {
        case .k1: [0.6, 0.9, 1.2, 1.6, 2.0]
        case .b: [0.3, 0.5, 0.75, 0.9]
        case .postingTitle: [1, 1.5, 2, 3]
        case .postingSkills: [0.5, 1, 1.5, 2]
        case .postingDescription: [0.5, 1, 1.5]
        case .seekerTitle: [1, 2, 3, 4]
        case .seekerSkills, .seekerCertificates: [0.5, 1, 1.5, 2]
        case .seekerProfile: [0.5, 1, 1.5]
        case .unigramQueryWeight: [0, 0.1, 0.2, 0.4]
        case .occupationExact: [0, 0.15, 0.3, 0.6]
        case .occupationGroup, .experience: [0, 0.05, 0.1, 0.2]
        case .education: [0, 0.05, 0.1]
        case .denseWeight: [0, 0.05, 0.1, 0.2]
        case .titleStartWeight: [0, 0.3, 0.6, 0.9]
        }
    }

    package func get(_ s: RankingSettings) -> Double {
        switch self {
        case .k1: s.bm25.k1
        case .b: s.bm25.b
        case .postingTitle: s.postingFieldWeights.title
        case .postingSkills: s.postingFieldWeights.skills
        case .postingDescription: s.postingFieldWeights.description
        case .seekerTitle: s.seekerFieldWeights.desiredTitle
        case .seekerSkills: s.seekerFieldWeights.skills
        case .seekerCertificates: s.seekerFieldWeights.certificates
        case .seekerProfile: s.seekerFieldWeights.profile
        case .unigramQueryWeight: s.unigramQueryWeight
        case .occupationExact: s.structured.occupationExact
        case .occupationGroup: s.structured.occupationGroup
        case .experience: s.structured.experience
        case .education: s.structured.education
        case .denseWeight: s.denseWeight
        case .titleStartWeight: s.titleStartWeight
        }
    }

    package func set(_ s: inout RankingSettings, _ v: Double) {
        switch self {
        case .k1: s.bm25.k1 = v
        case .b: s.bm25.b = v
        case .postingTitle: s.postingFieldWeights.title = v
        case .postingSkills: s.postingFieldWeights.skills = v
        case .postingDescription: s.postingFieldWeights.description = v
        case .seekerTitle: s.seekerFieldWeights.desiredTitle = v
        case .seekerSkills: s.seekerFieldWeights.skills = v
        case .seekerCertificates: s.seekerFieldWeights.certificates = v
        case .seekerProfile: s.seekerFieldWeights.profile = v
        case .unigramQueryWeight: s.unigramQueryWeight = v
        case .occupationExact: s.structured.occupationExact = v
        case .occupationGroup: s.structured.occupationGroup = v
        case .experience: s.structured.experience = v
        case .education: s.structured.education = v
        case .denseWeight: s.denseWeight = v
        case .titleStartWeight: s.titleStartWeight = v
        }
    }
}

/// Coordinate ascent over `Knob`s with k-fold cross-validation by seeker: the figure it reports
/// is out-of-fold (each fold scored with the weights tuned on the other folds).
package final class Tuner: Sendable {
    package struct Step: Sendable, Codable, Equatable {
        package var knob: Knob
        package var from: Double
        package var to: Double
        package var trainingMean: Double
    }

    package struct Result: Sendable, Codable {
        package var measure: String
        package var folds: Int
        package var seekers: Int
        /// The starting model on every judged seeker.
        package var baseMean: Double
        /// Each seeker scored by the weights tuned without its fold.
        package var outOfFoldMean: Double
        /// The final weights (tuned on all seekers) on all seekers: optimistic.
        package var inSampleMean: Double
        /// Per fold: the knob changes chosen on the other folds.
        package var foldChanges: [[Step]]
        package var finalChanges: [Step]
        package var evaluations: Int
        package var indexes: Int
        package var searchSpace: [String: [Double]]
    }

    let postings: [Posting]
    let model: Model
    let seekers: [Seeker]
    let qrels: Qrels
    let measure: Measure
    let knobs: [Knob]
    let rounds: Int
    let asOf: Day
    let depth: Int
    // caches: one index per index-time setting, one per-seeker value vector per full setting
    private let indexes = Locked<[String: InvertedIndex]>([:])
    private let values = Locked<[String: [Double]]>([:])
    private let progress: @Sendable (String) -> Void

    /// `seekers` must all be judged in `qrels`; their order defines the folds (position mod k).
    /// `depth`: list length scored (as `recommend --top`); the measure's cutoff at least.
    package init(postings: [Posting], model: Model, seekers: [Seeker], qrels: Qrels, measure: Measure, knobs: [Knob], rounds: Int, asOf: Day,
                 depth: Int = 100, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.postings = postings
        self.model = model
        self.seekers = seekers
        let ids = Set(seekers.map(\.id))
        self.qrels = Qrels(judgments: qrels.judgments.filter { ids.contains($0.key) })
        self.measure = measure
        self.knobs = knobs
        self.rounds = rounds
        self.asOf = asOf
        self.depth = max(measure.cutoff ?? 1, depth)
        self.progress = progress
    }

    static func key(_ s: RankingSettings, _ knobs: [Knob]) -> String { knobs.map { String(format: "%.6g", $0.get(s)) }.joined(separator: ",") }

    /// The measure for every seeker under `settings` (cached).
    package func perSeeker(_ settings: RankingSettings) -> [Double] {
        let key = Self.key(settings, Knob.allCases)
        if let v = values.withLock({ $0[key] }) { return v }
        let indexKey = Self.key(settings, Knob.allCases.filter(\.indexTime))
        var m = model
        m.ranking = settings
        let engine: MatchEngine
        if let index = indexes.withLock({ $0[indexKey] }) {
            engine = MatchEngine(postings: postings, model: m, index: index)
        } else {
            engine = MatchEngine(postings: postings, model: m)
            indexes.withLock { $0[indexKey] = engine.index }
        }
        let lists = Locked([[Run.Entry]](repeating: [], count: seekers.count))
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var scratch = RankingScratch(documentCount: engine.postings.count)
            for i in stride(from: w, to: seekers.count, by: workers) {
                let recs = engine.recommend(seekers[i], top: depth, asOf: asOf, explain: false, scratch: &scratch)
                let entries = recs.map { Run.Entry(docid: $0.postingID, score: Float($0.score)) }
                lists.withLock { $0[i] = entries }
            }
        }
        let all = lists.withLock { $0 }
        var rankings: [String: [Run.Entry]] = [:]
        for (i, s) in seekers.enumerated() { rankings[s.id] = all[i] }
        let e = Evaluator.evaluate(Run(rankings: rankings, tag: "tune"), qrels: qrels, measures: [measure], complete: true)
        var byID: [String: Double] = [:]
        for (j, q) in e.queries.enumerated() { byID[q] = e.values[0][j] }
        let out = seekers.map { byID[$0.id] ?? 0 }
        values.withLock { $0[key] = out }
        return out
    }

    func mean(_ v: [Double], _ rows: [Int]) -> Double { rows.isEmpty ? 0 : rows.reduce(0) { $0 + v[$1] } / Double(rows.count) }

    /// Coordinate ascent on the seekers at `rows`: each knob in turn takes the grid value with
    /// the best mean (strictly better than the current one to move), for up to `rounds` rounds.
    package func ascend(rows: [Int], label: String) -> (settings: RankingSettings, steps: [Step]) {
        var current = model.ranking
        var best = mean(perSeeker(current), rows)
        var steps: [Step] = []
        for round in 1...rounds {
            var moved = false
            for knob in knobs {
                var choice: (Double, Double)?
                for v in knob.grid where v != knob.get(current) {
                    var candidate = current
                    knob.set(&candidate, v)
                    guard (try? candidate.validate()) != nil else { continue }
                    let m = mean(perSeeker(candidate), rows)
                    if m > best + 1e-12 && m > (choice?.1 ?? -1) { choice = (v, m) }
                }
                if let (v, m) = choice {
                    steps.append(Step(knob: knob, from: knob.get(current), to: v, trainingMean: m))
                    knob.set(&current, v)
                    best = m
                    moved = true
                }
                progress("\(label): round \(round), \(knob.rawValue) → \(String(format: "%.6g", knob.get(current))), \(measure) \(String(format: "%.4f", best))")
            }
            if !moved { break }
        }
        return (current, steps)
    }

    package func run(folds: Int) -> (settings: RankingSettings, result: Result) {
        let all = Array(seekers.indices)
        let base = perSeeker(model.ranking)
        var outOfFold = [Double](repeating: 0, count: seekers.count)
        var foldChanges: [[Step]] = []
        for f in 0..<folds {
            let train = all.filter { $0 % folds != f }
            let (settings, steps) = ascend(rows: train, label: "fold \(f + 1)/\(folds)")
            foldChanges.append(steps)
            let v = perSeeker(settings)
            for i in all where i % folds == f { outOfFold[i] = v[i] }
        }
        let (final, finalSteps) = ascend(rows: all, label: "all seekers")
        let result = Result(
            measure: measure.description, folds: folds, seekers: seekers.count,
            baseMean: mean(base, all), outOfFoldMean: mean(outOfFold, all), inSampleMean: mean(perSeeker(final), all),
            foldChanges: foldChanges, finalChanges: finalSteps,
            evaluations: values.withLock { $0.count }, indexes: indexes.withLock { $0.count },
            searchSpace: Dictionary(uniqueKeysWithValues: knobs.map { ($0.field, $0.grid) }))
        return (final, result)
    }
}
