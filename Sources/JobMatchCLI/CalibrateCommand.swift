import ArgumentParser
import Foundation
import JobMatchEval
import JobMatchKernels
import JobMatchRanking

// MARK: calibrate

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit a monotone map from score to probability of relevance (isotonic regression) on judgments; shown as 적합도 %.",
        discussion: """
            Every judged seeker (a query of --qrels that is in --seekers) gets its top --top list;
            each (score, relevant) pair is a sample, relevant meaning grade ≥ 1 (unjudged postings
            count as not relevant). The seekers are split into --folds folds (by position in id
            order): for each fold the map is fitted on the others and judged on it, so the reported
            expected calibration error (10 bins), Brier score and the correlation of the raw score
            with relevance are out-of-fold. The map fitted on all pairs is written to
            OUT/calibration.json in a copy of the current model, with a manifest that records the
            data (paths and SHA-256), folds and figures. Recommendations from that model carry
            fitProbability (JSON) and a 적합도 column.

            Example:
              jobmatch calibrate --index sample/index --seekers sample/seekers.jsonl --qrels sample/qrels.txt --out Models/calibrated
            """)

    @Option(help: "Index directory (or give --postings).") var index: String?
    @Option(help: "Postings, JSON Lines (indexed in memory; or give --index).") var postings: String?
    @Option(help: "Seekers, JSON Lines.") var seekers: String
    @Option(help: "TREC qrels: seeker id, iter, posting id, grade.") var qrels: String
    @Option(help: "Model folder to write (created).") var out: String
    @Option(help: "List length the pairs come from.") var top = 30
    @Option(help: "Cross-validation folds.") var folds = 5
    @Option(help: "Date deadlines are checked against, YYYY-MM-DD (default: today in Korea).") var asOf: String?
    @Flag(help: "Print the summary as JSON.") var json = false
    @Flag(help: "Exit 0 even when some records were rejected.") var allowInvalid = false
    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard (index == nil) != (postings == nil) else { throw ValidationError("give exactly one of --index and --postings") }
        guard (1...1_000).contains(top) else { throw ValidationError("--top must be within 1...1000") }
        guard (2...20).contains(folds) else { throw ValidationError("--folds must be within 2...20") }
    }

    struct Summary: Encodable {
        var model: String
        var seekers: Int
        var pairs: Int
        var folds: Int
        var top: Int
        var heldOut: CalibrationQuality
        var inSample: CalibrationQuality
        var blocks: Int
    }

    func run() throws {
        let day = try Steps.asOf(asOf)
        let model = try Steps.model(modelOptions)
        let judgments: Qrels
        do { judgments = try Qrels.load(qrels) } catch {
            Console.err("error: \(error)")
            throw ExitCode(1)
        }
        try ModelFolder.checkNew(out, source: model.directory)
        let engine: MatchEngine
        if let index { engine = try Steps.engine(index: index, model: model) } else {
            engine = MatchEngine(postings: try Steps.postings(postings!, allowInvalid: allowInvalid), model: model)
        }
        let judged = try Steps.seekers(seekers, allowInvalid: allowInvalid).filter { judgments.judgments[$0.id] != nil }.sorted { $0.id < $1.id }
        guard judged.count >= folds else {
            Console.err("error: only \(judged.count) seekers of \(seekers) are judged in \(qrels); need at least \(folds)")
            throw ExitCode(1)
        }
        if engine.hasDenseStage { BLASThreads.share(workers: ProcessInfo.processInfo.activeProcessorCount) }
        let lists = Self.pairs(engine: engine, seekers: judged, judgments: judgments, top: top, asOf: day)
        var heldOutP: [Double] = [], heldOutScore: [Double] = [], heldOutY: [Bool] = []
        for f in 0..<folds {
            let train = lists.indices.filter { $0 % folds != f }.flatMap { lists[$0] }
            let map = Calibration.fit(train, top: top)
            for i in lists.indices where i % folds == f {
                for pair in lists[i] {
                    heldOutP.append(map.probability(pair.score))
                    heldOutScore.append(pair.score)
                    heldOutY.append(pair.relevant)
                }
            }
        }
        let all = lists.flatMap { $0 }
        guard all.contains(where: \.relevant) else {
            Console.err("error: no judged-relevant posting appears in any top-\(top) list: nothing to calibrate on")
            throw ExitCode(1)
        }
        let calibration = Calibration.fit(all, top: top)
        let summary = Summary(
            model: URL(fileURLWithPath: out).lastPathComponent, seekers: judged.count, pairs: all.count, folds: folds, top: top,
            heldOut: CalibrationQuality.measure(probabilities: heldOutP, scores: heldOutScore, relevant: heldOutY),
            inSample: CalibrationQuality.measure(probabilities: all.map { calibration.probability($0.score) }, scores: all.map(\.score), relevant: all.map(\.relevant)),
            blocks: calibration.points.count)
        struct Provenance: Encodable {
            var procedure: String
            var data: [String: String]
            var asOf: String
            var summary: Summary
        }
        try ModelFolder.write(from: model, to: out, replacing: ["calibration.json": Data((Console.json(calibration) + "\n").utf8)],
                              versionSuffix: "+cal",
                              provenance: Provenance(procedure: "jobmatch calibrate: isotonic regression, \(folds)-fold cross-validation by seeker",
                                                     data: ModelFolder.fingerprints([("seekers", seekers), ("qrels", qrels), index == nil ? ("postings", postings!) : ("index", index! + "/index.json")]),
                                                     asOf: day.description, summary: summary))
        if json {
            Console.out(Console.json(summary))
            return
        }
        let h = summary.heldOut
        Console.out("calibrated \(summary.model): \(summary.pairs) pairs (top \(top) of \(summary.seekers) judged seekers), \(summary.blocks) blocks → \(out)/calibration.json")
        Console.out(String(format: "held out (%d folds): expected calibration error %.4f, Brier %.4f, base rate %.3f; correlation of score with relevance %.3f",
                           folds, h.expectedCalibrationError, h.brier, h.baseRate, h.scoreCorrelation))
        var t = TextTable(headers: ["score", "적합도", "pairs"])
        t.rightAligned = [0, 1, 2]
        let step = max(1, calibration.points.count / 12)
        for (i, p) in calibration.points.enumerated() where i % step == 0 || i == calibration.points.count - 1 {
            t.rows.append([String(format: "%.3f", p.score), String(format: "%.1f%%", 100 * p.probability), String(p.pairs)])
        }
        Console.out(t.render())
    }

    /// Each seeker's top-k (score, relevant) pairs, in seeker order (both cores).
    static func pairs(engine: MatchEngine, seekers: [Seeker], judgments: Qrels, top: Int, asOf: Day) -> [[(score: Double, relevant: Bool)]] {
        let results = Locked([[(score: Double, relevant: Bool)]](repeating: [], count: seekers.count))
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var scratch = RankingScratch(documentCount: engine.postings.count)
            for i in stride(from: w, to: seekers.count, by: workers) {
                let grades = judgments.judgments[seekers[i].id] ?? [:]
                let list = engine.recommend(seekers[i], top: top, asOf: asOf, explain: false, scratch: &scratch)
                    .map { (score: $0.score, relevant: (grades[$0.postingID] ?? 0) >= 1) }
                results.withLock { $0[i] = list }
            }
        }
        return results.withLock { $0 }
    }
}

/// Writing a derived model folder: a copy of the current model's files plus new artifacts, a
/// manifest with provenance, and a check that it loads.
enum ModelFolder {
    /// A new model folder must not be the source model's folder nor hold anything already
    /// (leftover files would be checksummed into the manifest as if they belonged).
    static func checkNew(_ out: String, source: String) throws {
        let fm = FileManager.default
        let a = URL(fileURLWithPath: out).standardizedFileURL.resolvingSymlinksInPath().path
        let b = URL(fileURLWithPath: source).standardizedFileURL.resolvingSymlinksInPath().path
        if a == b {
            Console.err("error: \(out): that is the current model's own folder; write the new model to a new folder")
            throw ExitCode(2)
        }
        if let existing = try? fm.contentsOfDirectory(atPath: out), !existing.isEmpty {
            Console.err("error: \(out): exists and is not empty; choose a new folder (or remove it first)")
            throw ExitCode(2)
        }
    }

    /// `dropping`: files of the current model not to carry over (a calibration fitted to the
    /// old scores when the weights change).
    static func write<P: Encodable>(from model: Model, to out: String, replacing artifacts: [String: Data], dropping: Set<String> = [],
                                    versionSuffix: String, provenance: P) throws {
        try checkNew(out, source: model.directory)
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
            for file in try fm.contentsOfDirectory(atPath: model.directory).sorted()
            where file != "manifest.json" && file != "README.md" && artifacts[file] == nil && !dropping.contains(file) {
                let target = out + "/" + file
                if fm.fileExists(atPath: target) { try fm.removeItem(atPath: target) }
                try fm.copyItem(atPath: model.directory + "/" + file, toPath: target)
            }
            for (file, bytes) in artifacts.sorted(by: { $0.key < $1.key }) {
                try bytes.write(to: URL(fileURLWithPath: out + "/" + file), options: .atomic)
            }
        } catch {
            Console.err("error: \(out): cannot write the model files (\(error.localizedDescription))")
            throw ExitCode(2)
        }
        let name = URL(fileURLWithPath: out).lastPathComponent
        do {
            try Model.writeManifest(directory: out, name: name, version: model.version + versionSuffix, provenance: provenance)
            _ = try Model.load(directory: out)  // what was written must load
        } catch {
            Console.err("error: \(error)")
            throw ExitCode(2)
        }
    }

    /// "label" → "path sha256:…" for the data a model was fitted on.
    static func fingerprints(_ files: [(String, String)]) -> [String: String] {
        var out: [String: String] = [:]
        for (label, path) in files {
            let digest = FileManager.default.contents(atPath: path).map { "sha256:" + SHA256.hex(SHA256.hash([UInt8]($0))) } ?? "unreadable"
            out[label] = "\(path) \(digest)"
        }
        return out
    }
}

// MARK: tune

struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Tune the model's weights (BM25 k1/b, field weights, structured fit, hybrid weight, title start) on judgments, with k-fold cross-validation.",
        discussion: """
            Coordinate ascent: each weight in turn takes the value of its grid with the best mean
            --measure over the training seekers (a move must improve it), for up to --rounds
            rounds. Judged seekers are split into --folds folds by position in id order; the
            figure reported is out-of-fold (each seeker scored with the weights tuned without its
            fold), next to the starting model's and the in-sample figure of the final weights,
            which are tuned on all judged seekers and written to OUT/ranking.json in a copy of the
            current model. The manifest's provenance records the data (paths and SHA-256), the
            folds, the search space and the figures. Index-time weights (k1, b, posting fields)
            rebuild the index in memory once per distinct setting; every setting's scores are
            cached. A model with lsa.f32 also tunes denseWeight.

            Example:
              jobmatch tune --postings P.jsonl --seekers S.jsonl --qrels Q.qrels --out Models/tuned --folds 5 --measure ndcg@10
            """)

    @Option(help: "Postings, JSON Lines.") var postings: String
    @Option(help: "Seekers, JSON Lines.") var seekers: String
    @Option(help: "TREC qrels: seeker id, iter, posting id, grade.") var qrels: String
    @Option(help: "Model folder to write (created).") var out: String
    @Option(help: "Cross-validation folds.") var folds = 5
    @Option(help: "Measure to maximise (one of jobmatch eval's).") var measure = "ndcg@10"
    @Option(help: "Rounds of coordinate ascent.") var rounds = 2
    @Option(help: "List length scored per seeker, as `recommend --top` (ties at the cut-off are ordered as trec_eval orders them, so the figure can depend on it).") var depth = 100
    @Option(help: "Weights to tune, comma-separated (default: all; see the list in the error for a wrong name).") var knobs: String?
    @Option(help: "Date deadlines are checked against, YYYY-MM-DD (default: today in Korea).") var asOf: String?
    @Flag(help: "Print the summary as JSON.") var json = false
    @Flag(help: "Exit 0 even when some records were rejected.") var allowInvalid = false
    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard (2...20).contains(folds) else { throw ValidationError("--folds must be within 2...20") }
        guard (1...10).contains(rounds) else { throw ValidationError("--rounds must be within 1...10") }
        guard (1...1_000).contains(depth) else { throw ValidationError("--depth must be within 1...1000") }
    }

    func run() throws {
        let day = try Steps.asOf(asOf)
        let model = try Steps.model(modelOptions)
        let target: Measure
        let judgments: Qrels
        do {
            let parsed = try Measure.parseList(measure)
            guard parsed.count == 1 else { throw EvalInputError(file: "--measure", line: 0, field: "", reason: "give exactly one measure") }
            target = parsed[0]
            judgments = try Qrels.load(qrels)
        } catch {
            Console.err("error: \(error)")
            throw ExitCode(1)
        }
        var chosen = Knob.allCases.filter { $0 != .denseWeight || model.dense != nil }
        if let knobs {
            chosen = []
            for name in knobs.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard let k = Knob(rawValue: name) else {
                    Console.err("error: --knobs: unknown weight '\(name)' (known: \(Knob.allCases.map(\.rawValue).joined(separator: ", ")))")
                    throw ExitCode(2)
                }
                if k == .denseWeight && model.dense == nil {
                    Console.err("error: --knobs: denseWeight needs a model with lsa.f32 (jobmatch train)")
                    throw ExitCode(2)
                }
                if !chosen.contains(k) { chosen.append(k) }
            }
        }
        try ModelFolder.checkNew(out, source: model.directory)
        let records = try Steps.postings(postings, allowInvalid: allowInvalid)
        let judged = try Steps.seekers(seekers, allowInvalid: allowInvalid).filter { judgments.judgments[$0.id] != nil }.sorted { $0.id < $1.id }
        guard judged.count >= folds * 2 else {
            Console.err("error: only \(judged.count) seekers of \(seekers) are judged in \(qrels); need at least \(folds * 2)")
            throw ExitCode(1)
        }
        let tuner = Tuner(postings: records, model: model, seekers: judged, qrels: judgments, measure: target, knobs: chosen, rounds: rounds, asOf: day,
                          depth: depth, progress: { Console.progress($0) })
        if model.dense != nil { BLASThreads.share(workers: ProcessInfo.processInfo.activeProcessorCount) }
        let started = Date()
        let (settings, result) = tuner.run(folds: folds)
        Console.progressDone()
        struct Provenance: Encodable {
            var procedure: String
            var data: [String: String]
            var asOf: String
            var result: Tuner.Result
        }
        let ranking = Console.json(settings) + "\n"
        try ModelFolder.write(
            from: model, to: out, replacing: ["ranking.json": Data(ranking.utf8)], dropping: ["calibration.json"], versionSuffix: "+tuned",
            provenance: Provenance(procedure: "jobmatch tune: coordinate ascent, \(rounds) round(s), \(folds)-fold cross-validation by seeker, maximising \(target)",
                                   data: ModelFolder.fingerprints([("postings", postings), ("seekers", seekers), ("qrels", qrels)]),
                                   asOf: day.description, result: result))
        if json {
            Console.out(Console.json(result))
            return
        }
        Console.out("tuned \(URL(fileURLWithPath: out).lastPathComponent) on \(result.seekers) judged seekers, \(target), \(folds) folds: \(result.evaluations) settings scored, \(result.indexes) indexes built in \(Int(Date().timeIntervalSince(started))) s → \(out)/ranking.json")
        Console.out(String(format: "  starting model %.4f   out-of-fold %.4f (%+.4f)   final weights in-sample %.4f",
                           result.baseMean, result.outOfFoldMean, result.outOfFoldMean - result.baseMean, result.inSampleMean))
        for s in result.finalChanges {
            Console.out("  \(s.knob.field): \(String(format: "%g", s.from)) → \(String(format: "%g", s.to)) (training \(String(format: "%.4f", s.trainingMean)))")
        }
        if result.finalChanges.isEmpty { Console.out("  no weight moved: the current model is a local optimum of this grid") }
    }
}
