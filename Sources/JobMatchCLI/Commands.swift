import ArgumentParser
import Foundation
import JobMatchEval
import JobMatchIndex
import JobMatchKernels
import JobMatchRanking
import JobMatchSample
import JobMatchStore

// MARK: Shared steps

enum Steps {
    static func model(_ options: ModelOptions) throws -> Model {
        do { return try Model.load(directory: Model.locate(explicit: options.model)) } catch {
            Console.err("error: \(error)")
            throw ExitCode(2)
        }
    }

    /// Reports rejected records on stderr (file:line: field: reason) and the summary; fails
    /// with exit code 1 when any were rejected unless `allowInvalid`.
    static func check<R>(_ report: LoadReport<R>, allowInvalid: Bool) throws {
        let shown = 50
        for e in report.errors.prefix(shown) { Console.err("rejected: \(e)") }
        if report.errors.count > shown { Console.err("rejected: … and \(report.errors.count - shown) more") }
        if !report.errors.isEmpty || report.redactions > 0 { Console.err(report.summary) }
        if !report.errors.isEmpty && !allowInvalid {
            Console.err("error: \(report.errors.count) record(s) rejected in \(report.file); fix them or pass --allow-invalid to continue without them")
            throw ExitCode(1)
        }
    }

    static func postings(_ path: String, allowInvalid: Bool) throws -> [Posting] {
        try load(path, allowInvalid: allowInvalid, JSONLines.loadPostings)
    }

    static func seekers(_ path: String, allowInvalid: Bool) throws -> [Seeker] {
        try load(path, allowInvalid: allowInvalid, JSONLines.loadSeekers)
    }

    /// File-level problems exit 2; rejected records go through `check`.
    static func load<R>(_ path: String, allowInvalid: Bool, _ loader: (String) throws(JobMatchError) -> LoadReport<R>) throws -> [R] {
        try report(path, allowInvalid: allowInvalid, loader).records
    }

    /// The whole report (rejections already shown on stderr), for callers that count them.
    static func report<R>(_ path: String, allowInvalid: Bool, _ loader: (String) throws(JobMatchError) -> LoadReport<R>) throws -> LoadReport<R> {
        let report: LoadReport<R>
        do { report = try loader(path) } catch {
            Console.err("error: \(error)")
            throw ExitCode(2)
        }
        try check(report, allowInvalid: allowInvalid)
        return report
    }

    static func engine(index: String, model: Model) throws -> MatchEngine {
        do { return try IndexDirectory.load(index, model: model) } catch {
            Console.err("error: \(error)")
            throw ExitCode(2)
        }
    }

    static func asOf(_ s: String?) throws -> Day {
        do { return try parseAsOf(s) } catch { throw ValidationError("\(error)") }
    }
}

// MARK: index

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Build an index directory from a postings file or from the catalog.",
        discussion: """
            Examples:
              jobmatch index --postings sample/postings.jsonl --out sample/index
              jobmatch index --data-dir data      (every posting of the catalog → data/index, kept
                                                   up to date by ingest/close/reopen/delete)
            """)

    @Option(help: "Postings, JSON Lines (docs/data-format.md).") var postings: String?
    @Option(help: "Data directory: index the catalog's postings instead of a file.") var dataDir: String?
    @Option(help: "Index directory to write (created; its files are replaced). Default with --data-dir: DATA/index.") var out: String?
    @Flag(help: "Exit 0 even when some records were rejected (they are still reported).") var allowInvalid = false
    @Flag(help: "Print the summary as JSON.") var json = false
    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard (postings == nil) != (dataDir == nil) else { throw ValidationError("give exactly one of --postings and --data-dir") }
        if postings != nil && out == nil { throw ValidationError("--postings needs --out DIR") }
    }

    func run() throws {
        let model = try Steps.model(modelOptions)
        let records: [Posting]
        var stamp: IndexDirectory.CatalogStamp?
        var out = self.out ?? ""
        if let postings { records = try Steps.postings(postings, allowInvalid: allowInvalid) } else {
            let catalog = try DataDirOptions(dataDir: dataDir).open()
            if self.out == nil { out = IndexMaintenance.indexDirectory(of: catalog) }
            let read: (stamp: IndexDirectory.CatalogStamp, postings: LoadReport<Posting>)
            do { read = try catalog.postingsWithGeneration() } catch {
                Console.err("error: \(catalog.path): \(error)")
                throw ExitCode(2)
            }
            try Steps.check(read.postings, allowInvalid: allowInvalid)
            records = read.postings.records
            stamp = read.stamp
        }
        Console.progress("indexing \(records.count) postings…")
        let built: IndexDirectory.BuildSummary
        do { built = try IndexDirectory.build(consume records, model: model, to: out, catalog: stamp) } catch {
            Console.err("error: \(error)")
            throw ExitCode(2)
        }
        Console.progressDone()
        struct Summary: Encodable { var postings: Int; var open: Int; var vocabulary: Int; var indexBytes: Int; var out: String; var model: String }
        let s = Summary(postings: built.postings, open: built.open, vocabulary: built.vocabulary, indexBytes: built.indexBytes, out: out,
                        model: "\(model.name) \(model.version)")
        if json { Console.out(Console.json(s)) } else {
            Console.out("indexed \(s.postings) postings (\(s.open) open), \(s.vocabulary) terms, \(s.indexBytes) bytes → \(out) [model \(s.model)]")
        }
    }
}

// MARK: recommend

struct RecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Best open postings for a seeker (or for every seeker with --all).",
        discussion: """
            Postings that break a seeker's stated region, employment type or salary floor, closed
            postings and postings past their deadline are never recommended (vetoes, not penalties).

            Examples:
              jobmatch recommend --index sample/index --seekers sample/seekers.jsonl --seeker S00001 --explain
              jobmatch recommend --index sample/index --profile '{"id":"x","desiredTitle":"지게차 기사","regions":["경기"]}'
              jobmatch recommend --index sample/index --seekers sample/seekers.jsonl --all --format trec --top 100 > run.txt
              jobmatch recommend --index sample/index --seekers sample/seekers.jsonl --all --format trec --workers 2 > run.txt
              jobmatch recommend --index sample/index --seekers sample/seekers.jsonl --all --format trec --latencies lat.tsv > run.txt
              jobmatch recommend --data-dir data --seeker S00001     (the catalog's seeker and DATA/index,
                                                                    brought up to date first)
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, trec }

    @Option(help: "Index directory from `jobmatch index`.") var index: String?
    @Option(help: "Data directory instead of --index: DATA/index, caught up with the catalog (incrementally) or rebuilt from it when missing or refused; seekers from the catalog unless --seekers.") var dataDir: String?
    @Option(help: "Seekers, JSON Lines.") var seekers: String?
    @Option(help: "The seeker id to rank for (from --seekers, or the catalog with --data-dir).") var seeker: String?
    @Option(help: "An unsaved seeker profile as one JSON object (instead of --seekers/--seeker).") var profile: String?
    @Flag(help: "Rank for every seeker of --seekers.") var all = false
    @Option(help: "How many postings to list.") var top = 10
    @Flag(help: "List each recommendation's reasons (they add up to its score).") var explain = false
    @Flag(help: "Same as --format json.") var json = false
    @Option(help: "Output: table, json, or trec (a TREC run: seekerId Q0 postingId rank score tag).") var format: Format = .table
    @Option(help: "Tag (last column) of TREC output.") var tag = "jobmatch"
    @Option(help: "With --all --format trec: rank on this many threads (the output is the same, in the same order).") var workers = 1
    @Option(help: "With --all: write each seeker's ranking time, one thread (`seekerId<TAB>microseconds` per line, the call to the engine alone: analysis of the seeker's text, scoring, selection), to this file.") var latencies: String?
    @Option(help: "Date that deadlines are checked against, YYYY-MM-DD (default: today in Korea).") var asOf: String?
    @Flag(help: "Exit 0 even when some seeker records were rejected.") var allowInvalid = false
    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard top >= 1 && top <= 10_000 else { throw ValidationError("--top must be within 1...10000") }
        let modes = [seeker != nil, profile != nil, all].filter { $0 }.count
        guard modes == 1 else { throw ValidationError("give exactly one of --seeker ID, --profile JSON or --all") }
        guard (index == nil) != (dataDir == nil) else { throw ValidationError("give exactly one of --index DIR and --data-dir DIR") }
        if (seeker != nil || all) && seekers == nil && dataDir == nil { throw ValidationError("--seeker and --all need --seekers FILE (or --data-dir)") }
        guard (1...256).contains(workers) else { throw ValidationError("--workers must be within 1...256") }
        if workers > 1 && !(all && format == .trec && !json && !explain) { throw ValidationError("--workers needs --all --format trec (without --explain)") }
        if latencies != nil && !all { throw ValidationError("--latencies needs --all") }
        if latencies != nil && workers > 1 { throw ValidationError("--latencies times one thread: leave out --workers") }
    }

    func run() throws {
        let day = try Steps.asOf(asOf)
        let model = try Steps.model(modelOptions)
        let engine: MatchEngine
        var catalogSeekers: [Seeker]?
        if let index { engine = try Steps.engine(index: index, model: model) } else {
            let catalog = try DataDirOptions(dataDir: dataDir).open()
            do {
                let opened = try IndexMaintenance.engine(catalog, model: model)
                for n in opened.notes { Console.err("note: \(n)") }
                engine = opened.engine
                if seekers == nil {
                    let report = try catalog.seekers()
                    try Steps.check(report, allowInvalid: allowInvalid)
                    catalogSeekers = report.records
                }
            } catch let e as ExitCode { throw e } catch {
                Console.err("error: \(error)")
                throw ExitCode(2)
            }
        }
        var targets: [Seeker]
        if let profile {
            switch JSONLines.parseSeeker(json: Array(profile.utf8), source: "--profile") {
            case .success(let s): targets = [s]
            case .failure(let e):
                Console.err("error: \(e)")
                throw ExitCode(1)
            }
        } else {
            targets = try catalogSeekers ?? Steps.seekers(seekers!, allowInvalid: allowInvalid)
            if let seeker {
                guard let s = targets.first(where: { $0.id == seeker }) else {
                    Console.err("error: no seeker with id '\(seeker)' in \(seekers ?? "the catalog")")
                    throw ExitCode(2)
                }
                targets = [s]
            }
        }
        let fmt: Format = json ? .json : format
        if workers > 1 {
            parallelTREC(targets, engine: engine, day: day)
            return
        }
        var timings: String? = latencies == nil ? nil : ""
        let clock = ContinuousClock()
        var scratch = RankingScratch(documentCount: engine.postings.count)
        var jsonRows: [SeekerResult] = []
        for (i, s) in targets.enumerated() {
            if targets.count > 1 && i % 100 == 0 { Console.progress("ranking seeker \(i + 1)/\(targets.count)…") }
            let started = clock.now
            let recs = engine.recommend(s, top: top, asOf: day, explain: explain || fmt == .json, scratch: &scratch)
            if timings != nil {
                let d = (clock.now - started).components
                timings! += "\(s.id)\t\(d.seconds * 1_000_000 + d.attoseconds / 1_000_000_000_000)\n"
            }
            switch fmt {
            case .trec:
                var lines: [UInt8] = []
                for r in recs { Run.appendLine(to: &lines, query: s.id, doc: r.postingID, rank: r.rank, score: r.score, tag: tag) }
                if !lines.isEmpty { FileHandle.standardOutput.write(Data(lines)) }
            case .json:
                jsonRows.append(SeekerResult(seekerId: s.id, asOf: day.description,
                                             recommendations: recs.map { RecommendationJSON($0, engine.postings[Int($0.doc)], explain: true) }))
            case .table:
                if targets.count > 1 { Console.out("\n■ \(s.id)") } else { Console.out("구직자 \(s.id) — 추천 공고 상위 \(top)건 (기준일 \(day))") }
                Console.out(Render.recommendations(recs, engine: engine, explain: explain))
            }
        }
        Console.progressDone()
        if let latencies, let timings {
            do { try Data(timings.utf8).write(to: URL(fileURLWithPath: latencies)) } catch {
                Console.err("error: cannot write \(latencies): \(error.localizedDescription)")
                throw ExitCode(2)
            }
        }
        if fmt == .json { Console.out(Console.json(jsonRows.count == 1 && !all ? AnyEncodable(jsonRows[0]) : AnyEncodable(jsonRows))) }
    }

    /// `--all --format trec --workers N`: blocks of seekers taken in turn by N threads, each with
    /// its own scratch, ranked with `recommend(batch:)` (text scores of 8 seekers at a time); the
    /// seekers' lines are written in seeker order, so the output equals one thread's.
    func parallelTREC(_ targets: [Seeker], engine: MatchEngine, day: Day) {
        // Over many seekers: the long lists split by province, and blocks cut from the seekers
        // sorted by the provinces they accept, so each group of 8 shares its provinces.
        let partition = targets.count >= 256 ? engine.regionPartition() : nil
        let order = partition == nil ? Array(targets.indices) : engine.batchOrder(targets)
        // blocks of 8 to 64 seekers (whole groups of `recommend(batch:)`), at least four per
        // thread when there are enough seekers (small runs still spread out)
        let block = min(64, max(8, targets.count / (workers * 4) / 8 * 8))
        let blocks = (targets.count + block - 1) / block
        let out = Locked([[UInt8]](repeating: [], count: targets.count))
        let next = Locked(0)
        let (k, tag, threads) = (top, tag, min(workers, max(1, blocks)))
        if engine.hasDenseStage { BLASThreads.share(workers: threads) }
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            var scratch = RankingScratch(documentCount: engine.postings.count)
            while true {
                let b = next.withLock { n -> Int in defer { n += 1 }; return n }
                guard b < blocks else { break }
                let members = Array(order[(b * block)..<min(targets.count, (b + 1) * block)])
                let group = members.map { targets[$0] }
                let ranked = engine.recommend(batch: group, queries: group.map(engine.query(for:)), top: k, asOf: day, explain: false,
                                              scratch: &scratch, partition: partition)
                var lines = [[UInt8]](repeating: [], count: members.count)
                for (j, (s, recs)) in zip(group, ranked).enumerated() {
                    for r in recs { Run.appendLine(to: &lines[j], query: s.id, doc: r.postingID, rank: r.rank, score: r.score, tag: tag) }
                }
                out.withLock { o in for (j, i) in members.enumerated() { o[i] = lines[j] } }
            }
        }
        var text: [UInt8] = []
        for lines in out.withLock({ $0 }) {
            text += lines
            if text.count >= 1 << 20 {
                FileHandle.standardOutput.write(Data(text))
                text.removeAll(keepingCapacity: true)
            }
        }
        if !text.isEmpty { FileHandle.standardOutput.write(Data(text)) }
    }
}

struct SeekerResult: Encodable {
    var seekerId: String
    var asOf: String
    var recommendations: [RecommendationJSON]
}

struct AnyEncodable: Encodable {
    let encodeTo: (any Encoder) throws -> Void
    init<T: Encodable>(_ v: T) { encodeTo = v.encode }
    func encode(to encoder: any Encoder) throws { try encodeTo(encoder) }
}

// MARK: why-not

struct WhyNotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "why-not",
        abstract: "Why a posting is not among a seeker's recommendations: the veto, or its rank and score gap.",
        discussion: "Example: jobmatch why-not --index sample/index --seekers sample/seekers.jsonl --seeker S00001 --posting P000123")

    @Option(help: "Index directory.") var index: String
    @Option(help: "Seekers, JSON Lines.") var seekers: String
    @Option(help: "Seeker id.") var seeker: String
    @Option(help: "Posting id.") var posting: String
    @Option(help: "How many postings the counsellor was shown.") var top = 10
    @Option(help: "Date deadlines are checked against, YYYY-MM-DD (default: today in Korea).") var asOf: String?
    @Flag(help: "Print the answer as JSON.") var json = false

    func validate() throws {
        guard (1...10_000).contains(top) else { throw ValidationError("--top must be within 1...10000") }
    }
    @Flag(help: "Exit 0 even when some seeker records were rejected.") var allowInvalid = false
    @OptionGroup var modelOptions: ModelOptions

    func run() throws {
        let day = try Steps.asOf(asOf)
        let model = try Steps.model(modelOptions)
        let engine = try Steps.engine(index: index, model: model)
        guard let s = try Steps.seekers(seekers, allowInvalid: allowInvalid).first(where: { $0.id == seeker }) else {
            Console.err("error: no seeker with id '\(seeker)' in \(seekers)")
            throw ExitCode(2)
        }
        let answer: WhyNot
        do { answer = try engine.whyNot(s, postingID: posting, top: top, asOf: day) } catch {
            Console.err("error: \(error)")
            throw ExitCode(2)
        }
        struct Out: Encodable {
            var seekerId: String, postingId: String, status: String, vetoes: [String]?, rank: Int?, score: Double?, cutoffScore: Double?, gap: Double?, shown: Int, message: String
        }
        var o = Out(seekerId: s.id, postingId: posting, status: "", vetoes: nil, rank: nil, score: nil, cutoffScore: nil, gap: nil, shown: top, message: "")
        switch answer {
        case .vetoed(let v):
            o.status = "vetoed"
            o.vetoes = v.map(\.description)
            o.message = "추천 제외: " + v.map(\.description).joined(separator: "; ")
        case .duplicateOf(let other, let rank):
            o.status = "duplicate"
            o.rank = rank
            o.message = "같은 회사의 거의 같은 공고 \(other)(\(rank)위)에 '외 N건'으로 묶여 있습니다."
        case .companyCap(let limit):
            o.status = "company-cap"
            o.message = "점수로는 목록에 들지만, 같은 회사 공고가 이미 \(limit)건 있어 빠졌습니다 (회사당 최대 \(limit)건)."
        case .noMatch:
            o.status = "no-match"
            o.message = "일치하는 단어도, 희망직종 일치도 없어 추천 후보가 아닙니다."
        case .ranked(let rank, let score, let cutoff, let shown):
            o.rank = rank
            o.score = score
            o.cutoffScore = cutoff
            if rank <= shown {
                o.status = "shown"
                o.message = "제외되지 않았습니다: \(rank)위로 추천 목록(상위 \(shown)건)에 있습니다 (점수 \(Reason.format(score)))."
            } else {
                o.status = "ranked-below"
                let gap = (cutoff ?? score) - score
                o.gap = gap
                // the printed gap is the difference of the printed scores
                let shownGap = ((cutoff ?? score) * 100).rounded() / 100 - (score * 100).rounded() / 100
                o.message = "제외 조건은 없습니다. \(rank)위 (점수 \(Reason.format(score))) — 상위 \(shown)위 마지막 공고(점수 \(Reason.format(cutoff ?? score)))보다 \(Reason.format(shownGap))점 낮습니다."
            }
        }
        if json { Console.out(Console.json(o)) } else { Console.out("\(s.id) × \(posting): \(o.message)") }
    }
}

// MARK: candidates

struct CandidatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "candidates",
        abstract: "Best seekers for one open posting (the employer direction), with the same scoring and vetoes.",
        discussion: """
            A seeker whose stated regions, employment types or salary floor the posting breaks is
            never listed, exactly as the posting would never be recommended to that seeker.

            Example: jobmatch candidates --index sample/index --seekers sample/seekers.jsonl --posting P000123 --explain
            """)

    @Option(help: "Index directory.") var index: String
    @Option(help: "Seekers, JSON Lines.") var seekers: String
    @Option(help: "Posting id.") var posting: String
    @Option(help: "How many seekers to list.") var top = 10
    @Flag(help: "List each candidate's reasons (they add up to the score).") var explain = false
    @Option(help: "Date deadlines are checked against, YYYY-MM-DD (default: today in Korea).") var asOf: String?
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Exit 0 even when some seeker records were rejected.") var allowInvalid = false
    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard (1...10_000).contains(top) else { throw ValidationError("--top must be within 1...10000") }
    }

    func run() throws {
        let day = try Steps.asOf(asOf)
        let model = try Steps.model(modelOptions)
        let engine = try Steps.engine(index: index, model: model)
        let people = try Steps.seekers(seekers, allowInvalid: allowInvalid)
        let found: [SeekerCandidate]
        do { found = try engine.candidates(for: posting, seekers: people, top: top, asOf: day, explain: explain || json) } catch {
            Console.err("error: \(error)")
            throw ExitCode(2)
        }
        let byID = Dictionary(uniqueKeysWithValues: people.map { ($0.id, $0) })
        struct Row: Encodable {
            var rank: Int, seekerId: String, score: Double, textScore: Double, fitScore: Double, reasons: [Reason]
        }
        if json {
            Console.out(Console.json(found.map { Row(rank: $0.rank, seekerId: $0.seekerID, score: $0.score, textScore: $0.textScore, fitScore: $0.fitScore, reasons: $0.reasons) }))
            return
        }
        let p = engine.postings[engine.documentNumber(of: posting)!]
        Console.out("공고 \(posting) '\(p.title)' — 추천 구직자 상위 \(top)명 (기준일 \(day))")
        if found.isEmpty {
            Console.out("조건에 맞는 구직자가 없습니다 (no seeker matched within their own constraints).")
            return
        }
        var t = TextTable(headers: ["순위", "점수", "구직자ID", "희망 직무", "희망 지역", "경력"])
        t.rightAligned = [0, 1]
        t.maxWidths = [3: 30, 4: 24]
        for (i, c) in found.enumerated() {
            let s = byID[c.seekerID]!
            t.rows.append([String(c.rank), Reason.format(c.score), c.seekerID, s.desiredTitle ?? "-",
                           s.regions.isEmpty ? "무관" : s.regions.map(\.description).joined(separator: ", "),
                           s.experienceYears.map { "\($0)년" } ?? "-"])
            if explain {
                t.notes[i] = zip(c.reasons, Reason.displayed(c.reasons, total: c.score)).map { "· \($0.label) \($1)" }
            }
        }
        Console.out(t.render())
    }
}

// MARK: search

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Free-text search over postings, for counsellors' look-ups.",
        discussion: "Example: jobmatch search --index sample/index \"지게차 물류센터\" --top 5")

    @Option(help: "Index directory.") var index: String
    @Argument(help: "Words to look for (Korean or English; spacing does not matter).") var text: String
    @Option(help: "How many postings to list.") var top = 10
    @Flag(help: "Include closed and expired postings.") var includeClosed = false

    func validate() throws {
        guard (1...10_000).contains(top) else { throw ValidationError("--top must be within 1...10000") }
        guard text.contains(where: { !$0.isWhitespace }) else { throw ValidationError("give some words to search for") }
    }
    @Option(help: "Date deadlines are checked against, YYYY-MM-DD (default: today in Korea).") var asOf: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var modelOptions: ModelOptions

    func run() throws {
        let day = try Steps.asOf(asOf)
        let model = try Steps.model(modelOptions)
        let engine = try Steps.engine(index: index, model: model)
        let recs = engine.search(text, top: top, includeClosed: includeClosed, asOf: day)
        if json {
            Console.out(Console.json(recs.map { RecommendationJSON($0, engine.postings[Int($0.doc)], explain: true) }))
        } else {
            Console.out(Render.recommendations(recs, engine: engine, explain: true))
        }
    }
}

// MARK: stats

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Counts of an index: postings open/closed, vocabulary, top terms, bytes.",
        discussion: "Example: jobmatch stats --index sample/index --top-terms 10")

    @Option(help: "Index directory.") var index: String
    @Option(help: "How many of the most frequent terms to list.") var topTerms = 20
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard (0...100_000).contains(topTerms) else { throw ValidationError("--top-terms must be within 0...100000") }
    }
    @OptionGroup var modelOptions: ModelOptions

    func run() throws {
        let model = try Steps.model(modelOptions)
        let engine = try Steps.engine(index: index, model: model)
        let idx = engine.index
        let order = (0..<idx.vocabulary.count).sorted {
            idx.documentFrequency[$0] > idx.documentFrequency[$1] || (idx.documentFrequency[$0] == idx.documentFrequency[$1] && idx.vocabulary.terms[$0] < idx.vocabulary.terms[$1])
        }
        struct TermCount: Encodable { var term: String; var documents: Int }
        struct Stats: Encodable {
            var postings: Int, open: Int, closed: Int, vocabulary: Int, postingsEntries: Int, indexBytes: Int, filesBytes: Int
            var model: String, topTerms: [TermCount]
        }
        let open = engine.postings.filter(\.isOpen).count
        var fileBytes = 0
        let meta = try? IndexDirectory.meta(index)
        for f in [meta?.segment, meta?.delta, "index.json"].compactMap({ $0 }) {
            fileBytes += ((try? FileManager.default.attributesOfItem(atPath: index + "/" + f))?[.size] as? Int) ?? 0
        }
        let s = Stats(postings: engine.postings.count, open: open, closed: engine.postings.count - open,
                      vocabulary: idx.vocabulary.count, postingsEntries: idx.docs.count, indexBytes: idx.byteCount, filesBytes: fileBytes,
                      model: "\(model.name) \(model.version)",
                      topTerms: order.prefix(topTerms).map { TermCount(term: idx.vocabulary.terms[$0], documents: Int(idx.documentFrequency[$0])) })
        if json { Console.out(Console.json(s)); return }
        Console.out("""
            postings     \(s.postings) (open \(s.open), closed \(s.closed))
            vocabulary   \(s.vocabulary) terms, \(s.postingsEntries) postings-list entries
            index        \(s.indexBytes) bytes in memory, \(s.filesBytes) bytes on disk
            model        \(s.model)
            """)
        guard !s.topTerms.isEmpty else { return }
        var t = TextTable(headers: ["term", "documents"])
        t.rightAligned = [1]
        t.rows = s.topTerms.map { [$0.term, String($0.documents)] }
        Console.out(t.render())
    }
}

// MARK: doctor

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor", abstract: "Show the model and the OpenBLAS runtime (core, config, threads).",
        discussion: """
            JobMatch checks OpenBLAS's kernel at start-up: when OpenBLAS fell back to its generic
            kernel on a CPU with AVX2 or AVX-512 (Debian's 0.3.21 does not know some newer CPUs), it
            sets OPENBLAS_CORETYPE and re-executes itself once. A value you set is never changed.
            OPENBLAS_NUM_THREADS limits OpenBLAS's threads (keep workers × threads ≤ cores).

            --sgemm N times cblas_sgemm on N × N matrices (best of 3) with the core and threads in
            force; Tools/blas-cores.sh runs it under every kernel this CPU can use.

            Examples:
              jobmatch doctor --json
              jobmatch doctor --sgemm 2048
            """)

    @Flag(help: "Print JSON.") var json = false
    @Option(help: "Also time cblas_sgemm on N × N matrices and show GFLOP/s (N within 16...8192).") var sgemm: Int?
    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        if let sgemm, !(16...8192).contains(sgemm) { throw ValidationError("--sgemm must be within 16...8192") }
    }

    func run() throws {
        let info = BLAS.runtimeInfo
        let model = try Steps.model(modelOptions)
        let flags = BLASCoreSelection.cpuFlags()
        struct Doctor: Encodable {
            var model: String, modelDirectory: String, denseRank: Int?, openblas: BLASRuntimeInfo
            var openblasCoretypeEnv: String?, openblasNumThreadsEnv: String?, replacedGenericCore: String?, cpuFeatures: [String]
            var sgemmSize: Int?, sgemmGflops: Double?
        }
        let d = Doctor(model: "\(model.name) \(model.version)", modelDirectory: model.directory, denseRank: model.dense?.rank, openblas: info,
                       openblasCoretypeEnv: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"],
                       openblasNumThreadsEnv: ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"],
                       replacedGenericCore: BLASCoreSelection.replacedCore,
                       cpuFeatures: ["avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_bf16"].filter(flags.contains),
                       sgemmSize: sgemm, sgemmGflops: sgemm.map { (BLAS.measureSGEMM(n: $0) * 10).rounded() / 10 })
        if json { Console.out(Console.json(d)); return }
        Console.out("""
            model                 \(d.model) (\(d.modelDirectory))
            dense (LSA) model     \(d.denseRank.map { "rank \($0)" } ?? "none")
            OpenBLAS core         \(info.coreName)\(d.replacedGenericCore.map { " (chosen by JobMatch; OpenBLAS had picked \($0))" } ?? "")
            OpenBLAS config       \(info.config)
            OpenBLAS threads      \(info.threads)
            OPENBLAS_CORETYPE     \(d.openblasCoretypeEnv ?? "(unset)")
            OPENBLAS_NUM_THREADS  \(d.openblasNumThreadsEnv ?? "(unset)")
            CPU features          \(d.cpuFeatures.isEmpty ? "-" : d.cpuFeatures.joined(separator: " "))
            """)
        if let n = d.sgemmSize, let g = d.sgemmGflops {
            Console.out("sgemm \(n)³              \(String(format: "%.1f", g)) GFLOP/s (best of 3, \(info.threads) thread\(info.threads == 1 ? "" : "s"))")
        }
    }
}
