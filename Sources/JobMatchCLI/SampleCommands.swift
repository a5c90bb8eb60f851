import ArgumentParser
import Foundation
import JobMatchIndex
import JobMatchRanking
import JobMatchSample

// MARK: sample

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Generate deterministic sample data: postings, seekers and qrels (our own generated Korean text).",
        discussion: "Example: jobmatch sample --out sample --postings 2000 --seekers 200 --seed 42")

    @Option(help: "Directory to write postings.jsonl, seekers.jsonl and qrels.txt into.") var out: String
    @Option(help: "Number of postings.") var postings = 2000
    @Option(help: "Number of seekers.") var seekers = 200
    @Option(help: "Random seed (same seed, same bytes).") var seed: UInt64 = 42
    @Option(help: "Date deadlines are spread around, YYYY-MM-DD.") var asOf = "2026-11-27"
    @Flag(help: "Print the summary as JSON.") var json = false

    func validate() throws {
        guard (1...2_000_000).contains(postings) else { throw ValidationError("--postings must be within 1...2000000") }
        guard (1...1_000_000).contains(seekers) else { throw ValidationError("--seekers must be within 1...1000000") }
        guard Day.parse(asOf) != nil else { throw ValidationError("--as-of: expected YYYY-MM-DD") }
    }

    func run() throws {
        let files = try SampleFiles.write(SampleConfiguration(seed: seed, postings: postings, seekers: seekers, asOf: asOf), to: out)
        struct Summary: Encodable { var postings: Int; var seekers: Int; var judgments: Int; var out: String; var seed: UInt64 }
        if json {
            Console.out(Console.json(Summary(postings: postings, seekers: seekers, judgments: files.judgments, out: out, seed: seed)))
            return
        }
        Console.out("wrote \(postings) postings, \(seekers) seekers and \(files.judgments) judgments to \(out)/ (postings.jsonl, seekers.jsonl, qrels.txt)")
    }
}

enum SampleFiles {
    static func write(_ config: SampleConfiguration, to dir: String) throws -> (judgments: Int, Void) {
        Console.progress("generating sample data…")
        let data = SampleGenerator.generate(config)
        Console.progressDone()
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try data.postingsJSONL.write(toFile: dir + "/postings.jsonl", atomically: true, encoding: .utf8)
            try data.seekersJSONL.write(toFile: dir + "/seekers.jsonl", atomically: true, encoding: .utf8)
            try data.qrels.write(toFile: dir + "/qrels.txt", atomically: true, encoding: .utf8)
        } catch {
            Console.err("error: \(dir): cannot write sample files (\(error.localizedDescription))")
            throw ExitCode(2)
        }
        return (data.qrels.split(separator: "\n").count, ())
    }
}

// MARK: demo

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Sample data → index → explained recommendations for a few seekers, in one command.",
        discussion: "Example: jobmatch demo --seekers-shown 3")

    @Option(help: "Working directory for the generated files and the index.") var out = "out/demo"
    @Option(help: "How many seekers to show.") var seekersShown = 3
    @Option(help: "Recommendations per seeker.") var top = 5
    @Option(help: "Date deadlines are checked against (fixed so the demo is reproducible).") var asOf = "2026-11-27"
    @Flag(help: "Print the recommendations as JSON instead of tables.") var json = false
    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard (1...200).contains(seekersShown) else { throw ValidationError("--seekers-shown must be within 1...200") }
        guard (1...100).contains(top) else { throw ValidationError("--top must be within 1...100") }
    }

    func run() throws {
        let day = try Steps.asOf(asOf)
        let model = try Steps.model(modelOptions)
        let config = SampleConfiguration(seed: 42, postings: 2000, seekers: 200, asOf: asOf)
        _ = try SampleFiles.write(config, to: out)
        let postings = try Steps.postings(out + "/postings.jsonl", allowInvalid: false)
        let seekers = try Steps.seekers(out + "/seekers.jsonl", allowInvalid: false)
        let engine = MatchEngine(postings: postings, model: model)
        do { try IndexDirectory.write(engine, to: out + "/index") } catch {
            Console.err("error: \(error)")
            throw ExitCode(2)
        }
        var scratch = RankingScratch(documentCount: engine.postings.count)
        if json {
            let rows = seekers.prefix(seekersShown).map { s in
                SeekerResult(seekerId: s.id, asOf: day.description,
                             recommendations: engine.recommend(s, top: top, asOf: day, explain: true, scratch: &scratch)
                                 .map { RecommendationJSON($0, engine.postings[Int($0.doc)], explain: true) })
            }
            Console.out(Console.json(rows))
            return
        }
        Console.out("JobMatch 데모 — 생성한 표본 공고 \(postings.count)건 (\(engine.postings.filter(\.isOpen).count)건 진행 중), 구직자 \(seekers.count)명, 모델 \(model.name) \(model.version), 기준일 \(day)")
        Console.out("index: \(out)/index (\(engine.index.vocabulary.count) terms)\n")
        for s in seekers.prefix(seekersShown) {
            var facts: [String] = []
            if let t = s.desiredTitle { facts.append("희망 '\(t)'") }
            if !s.desiredOccupations.isEmpty { facts.append("직종 \(s.desiredOccupations.joined(separator: ","))") }
            facts.append(s.regions.isEmpty ? "지역 무관" : "지역 \(s.regions.map(\.description).joined(separator: ", "))")
            if !s.employmentTypes.isEmpty { facts.append(s.employmentTypes.map(\.korean).joined(separator: "·")) }
            if let f = s.salaryFloor { facts.append("희망 연봉 \(f)만원 이상") }
            if let e = s.experienceYears { facts.append("경력 \(e)년") }
            Console.out("■ 구직자 \(s.id): " + facts.joined(separator: " · "))
            let recs = engine.recommend(s, top: top, asOf: day, explain: true, scratch: &scratch)
            Console.out(Render.recommendations(recs, engine: engine, explain: true))
            Console.out("")
        }
        Console.out("Next: jobmatch recommend --index \(out)/index --seekers \(out)/seekers.jsonl --seeker \(seekers.first?.id ?? "S00001") --explain")
    }
}

// MARK: export-terms (debugging / cross-checks)

struct ExportTermsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-terms",
        abstract: "Write analysed terms, query weights and raw sparse scores for independent cross-checks (Tools/bm25-crosscheck.sh).",
        shouldDisplay: false)

    @Option(help: "Index directory.") var index: String
    @Option(help: "Seekers, JSON Lines.") var seekers: String
    @Option(help: "Output directory.") var out: String
    @Option(help: "Seekers to export (first N).") var limit = 50
    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let model = try Steps.model(modelOptions)
        let engine = try Steps.engine(index: index, model: model)
        let people = try Steps.seekers(seekers, allowInvalid: true).prefix(limit)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let p = engine.index.parameters
        struct Params: Encodable { var k1: Double; var b: Double; var fieldWeights: [String: Double] }
        try Console.jsonLine(Params(k1: p.k1, b: p.b, fieldWeights: Dictionary(uniqueKeysWithValues: IndexField.allCases.map { ($0.name, p.fieldWeights[$0.rawValue]) })))
            .write(toFile: out + "/params.json", atomically: true, encoding: .utf8)
        var lines = ""
        struct Doc: Encodable { var id: String; var title: [String]; var skills: [String]; var description: [String] }
        for posting in engine.postings {
            let f = MatchEngine.fieldTerms(posting, engine.analyzer)
            lines += Console.jsonLine(Doc(id: posting.id, title: f[0], skills: f[1], description: f[2])) + "\n"
        }
        try lines.write(toFile: out + "/postings.jsonl", atomically: true, encoding: .utf8)
        var queries = "", scores = ""
        struct Query: Encodable { var id: String; var weights: [String: Double] }
        struct Score: Encodable { var seeker: String; var posting: String; var score: Double }
        for s in people {
            let q = engine.query(for: s)
            var w: [String: Double] = [:]
            for t in q.terms { w[engine.index.vocabulary.terms[Int(t.term)]] = Double(t.weight) }
            queries += Console.jsonLine(Query(id: s.id, weights: w)) + "\n"
            for (doc, raw) in engine.rawTextScores(q, top: 20) {
                scores += Console.jsonLine(Score(seeker: s.id, posting: engine.postings[doc].id, score: raw)) + "\n"
            }
        }
        try queries.write(toFile: out + "/queries.jsonl", atomically: true, encoding: .utf8)
        try scores.write(toFile: out + "/scores.jsonl", atomically: true, encoding: .utf8)
        Console.out("exported \(engine.postings.count) postings and \(people.count) queries to \(out)/")
    }
}

// MARK: train

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fit the dense (LSA) model: a truncated SVD of the weighted posting × term matrix, saved in a new model folder.",
        discussion: """
            Writes OUT as a copy of the current model plus lsa.f32 (the projection; format in
            Models/README.md) and a manifest with the SHA-256 of every file. The randomised SVD uses
            OpenBLAS sgemm for its dense steps; OPENBLAS_NUM_THREADS limits its threads. Ranking adds
            denseWeight × cosine when OUT/ranking.json sets denseWeight above 0: --dense-weight writes
            it there (otherwise the current model's value is copied; the default model has 0).

            Example: jobmatch train --postings sample/postings.jsonl --out Models/lsa-sample --rank 64 --dense-weight 0.1
            """)

    @Option(help: "Postings, JSON Lines.") var postings: String
    @Option(help: "Model folder to write (created).") var out: String
    @Option(help: "Dimensions kept.") var rank = 256
    @Option(help: "Extra dimensions sampled by the range finder.") var oversample = 10
    @Option(help: "Power iterations (more: sharper for slowly decaying spectra).") var power = 2
    @Option(help: "Random seed (same seed and data, same bytes).") var seed: UInt64 = 1
    @Option(help: "Set denseWeight in OUT/ranking.json (0...10; 0 keeps the dense stage off).") var denseWeight: Double?
    @Flag(help: "Exit 0 even when some records were rejected.") var allowInvalid = false
    @Flag(help: "Print the summary as JSON.") var json = false
    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard (1...2048).contains(rank) else { throw ValidationError("--rank must be within 1...2048") }
        guard (0...256).contains(oversample) else { throw ValidationError("--oversample must be within 0...256") }
        guard (0...10).contains(power) else { throw ValidationError("--power must be within 0...10") }
        if let denseWeight, !(0...10).contains(denseWeight) { throw ValidationError("--dense-weight must be within 0...10") }
    }

    /// `ranking.json` with `denseWeight` set to `w`: the value replaced where the key is, or the
    /// key added first; the rest of the file (its layout and order) kept.
    static func settingDenseWeight(_ text: String, _ w: Double) throws -> String {
        let value = "\"denseWeight\": \(w)"
        if let range = text.range(of: #""denseWeight"\s*:\s*[-+0-9.eE]+"#, options: .regularExpression) {
            return text.replacingCharacters(in: range, with: value)
        }
        guard let brace = text.firstIndex(of: "{") else { throw JobMatchError("ranking.json: not a JSON object") }
        return String(text[...brace]) + "\n  " + value + "," + String(text[text.index(after: brace)...])
    }

    func run() throws {
        let model = try Steps.model(modelOptions)
        try ModelFolder.checkNew(out, source: model.directory)
        let records = try Steps.postings(postings, allowInvalid: allowInvalid)
        Console.progress("indexing \(records.count) postings…")
        let engine = MatchEngine(postings: records, model: model)
        Console.progress("fitting a rank-\(rank) SVD of \(engine.postings.count) × \(engine.index.vocabulary.count)…")
        let start = Date()
        let projection = engine.index.latentProjection(rank: rank, oversample: oversample, powerIterations: power, seed: seed)
        let seconds = Date().timeIntervalSince(start)
        Console.progressDone()
        var artifacts = ["lsa.f32": Data(LatentProjectionFile.encode(projection))]
        if let denseWeight {
            let path = model.directory + "/ranking.json"
            do {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                artifacts["ranking.json"] = Data(try Self.settingDenseWeight(text, denseWeight).utf8)
            } catch {
                Console.err("error: \(path): cannot set denseWeight (\(error))")
                throw ExitCode(2)
            }
        }
        struct Provenance: Encodable {
            var procedure: String
            var data: [String: String]
            var rank: Int, oversample: Int, powerIterations: Int, seed: UInt64
        }
        try ModelFolder.write(
            from: model, to: out, replacing: artifacts, dropping: ["calibration.json"], versionSuffix: "+lsa\(projection.rank)",
            provenance: Provenance(procedure: "jobmatch train: randomised truncated SVD of the BM25-weighted posting × term matrix",
                                   data: ModelFolder.fingerprints([("postings", postings)]),
                                   rank: projection.rank, oversample: oversample, powerIterations: power, seed: seed))
        let name = URL(fileURLWithPath: out).lastPathComponent
        let version = "\(model.version)+lsa\(projection.rank)"
        struct Summary: Encodable { var model: String; var rank: Int; var terms: Int; var postings: Int; var seconds: Double; var singularValues: [Float] }
        let s = Summary(model: "\(name) \(version)", rank: projection.rank, terms: projection.terms.count, postings: engine.postings.count,
                        seconds: (seconds * 100).rounded() / 100, singularValues: Array(projection.singularValues.prefix(8)))
        if json { Console.out(Console.json(s)); return }
        Console.out("trained \(s.model): rank \(s.rank) over \(s.postings) postings × \(s.terms) terms in \(s.seconds) s → \(out)/lsa.f32")
        Console.out("largest singular values: " + s.singularValues.map { String(format: "%.3f", $0) }.joined(separator: " "))
    }
}
