import ArgumentParser
import Foundation
import JobMatchEval
import JobMatchRanking

// MARK: eval

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure runs against TREC judgments exactly as trec_eval does, and compare runs with significance tests.",
        discussion: """
            QRELS lines: qid iter docid rel (relevant: rel ≥ 1; rel is nDCG's gain).
            RUN lines: qid Q0 docid rank score tag.
            As in trec_eval the rank column is ignored, scores are kept as 32-bit floats, documents
            are ordered by score and ties by docid (descending byte order), and only queries
            present in both files are averaged; --complete (trec_eval -c) averages over every
            query of the qrels, a query without run lines scoring 0.

            Measures (--measures): ndcg@k (and ndcg for the whole list), mrr, p@k, r@k, map (and
            map@k), success@k, judged@k (judged documents in the top k / k). "ndcg@5,10" repeats a
            measure for several cutoffs.

            With several --run files, the first is the baseline: each other run gets, per measure,
            a two-sided paired t-test (scipy/ranx's ttest_rel) and a seeded paired randomisation
            test (--trials sign flips); ▲/▼ marks a difference with t-test p < --alpha.

            Examples:
              jobmatch eval --qrels sample/qrels.txt --run run.trec
              jobmatch eval --qrels q.txt --run a.trec --run b.trec --measures "ndcg@5,10 mrr r@100"
              jobmatch eval --qrels q.txt --run a.trec --per-query --json
              jobmatch eval --qrels q.txt --run a.trec --run b.trec --report report.html
            """)

    @Option(help: "TREC qrels file.") var qrels: String
    @Option(name: .customLong("run"), help: "TREC run file (repeat to compare; the first is the baseline).") var runFiles: [String]
    @Option(help: "Measures, e.g. \"ndcg@10 mrr p@10 r@10,100 map success@1 judged@10\" (the default).") var measures: String?
    @Flag(help: "Average over every qrels query (trec_eval -c): queries missing from a run score 0.") var complete = false
    @Flag(help: "Also print every query's values (trec_eval -q style: measure, query, value).") var perQuery = false
    @Flag(help: "Print JSON.") var json = false
    @Option(help: "Significance level for the ▲/▼ marks.") var alpha = 0.05
    @Option(help: "Sign flips of the randomisation test.") var trials = 10_000
    @Option(help: "Seed of the randomisation test.") var seed: UInt64 = 1
    @Option(help: "Also write a self-contained HTML report (tables, measure@k curves, per-query differences; Korean labels).") var report: String?

    func validate() throws {
        guard !runFiles.isEmpty else { throw ValidationError("give at least one --run") }
        guard alpha > 0 && alpha < 1 else { throw ValidationError("--alpha must be within (0, 1)") }
        guard (1...10_000_000).contains(trials) else { throw ValidationError("--trials must be within 1...10000000") }
    }

    func run() throws {
        let chosen: [Measure]
        let q: Qrels
        var runs: [Run] = []
        do {
            chosen = try measures.map(Measure.parseList) ?? Measure.defaults
            q = try Qrels.load(qrels)
            for path in runFiles { runs.append(try Run.load(path)) }
        } catch {
            Console.err("error: \(error)")
            throw ExitCode(1)
        }
        let report = EvalReport.make(runs: runs, files: runFiles, qrels: q, measures: chosen, complete: complete, trials: trials, seed: seed)
        if let path = self.report, !report.queries.isEmpty {
            // no timestamp: the same files give the same bytes
            let html = EvalHTML.render(report: report, runs: runs, qrels: q, qrelsFile: qrels, alpha: alpha)
            do { try html.write(toFile: path, atomically: true, encoding: .utf8) } catch {
                Console.err("error: \(path): cannot write the report (\(error.localizedDescription))")
                throw ExitCode(2)
            }
        }
        if report.queries.isEmpty {
            Console.err("error: no query is in both \(qrels) and the run\(runFiles.count > 1 ? "s" : "") (check the query ids, or use --complete)")
            throw ExitCode(1)
        }
        if json {
            Console.out(Console.json(report.json(perQuery: perQuery)))
            return
        }
        Console.out(report.text(alpha: alpha, perQuery: perQuery))
    }
}

/// Everything `jobmatch eval` prints (and the HTML report draws).
struct EvalReport {
    var measures: [Measure]
    var queries: [String]
    var files: [String]
    var evaluations: [Evaluation]
    var tags: [String]
    /// tests[r - 1][m]: run r against run 0 on measure m.
    var tests: [[Test]]
    var complete: Bool
    var trials: Int
    /// Each run's own counts (before restricting to the queries every run has).
    var counts: [Evaluation.Counts]
    /// Judged queries some run has and another lacks, left out so that tests are paired.
    var droppedForComparison: Int

    struct Test: Encodable {
        var t: Double?
        var p: Double?
        var randomizationP: Double
        var difference: Double
    }

    static func make(runs: [Run], files: [String], qrels: Qrels, measures: [Measure], complete: Bool, trials: Int, seed: UInt64) -> EvalReport {
        // the queries every run is scored on: with several runs, those of the qrels in every run
        var evaluations = runs.map { Evaluator.evaluate($0, qrels: qrels, measures: measures, complete: complete) }
        let counts = evaluations.map(\.counts)
        var dropped = 0
        if runs.count > 1 && !complete {
            let common = evaluations.map { Set($0.queries) }.reduce(Set(evaluations[0].queries)) { $0.intersection($1) }
            let restricted = Qrels(judgments: qrels.judgments.filter { common.contains($0.key) })
            evaluations = runs.map { Evaluator.evaluate($0, qrels: restricted, measures: measures, complete: false) }
            dropped = evaluations.isEmpty ? 0 : Set(runs.flatMap { $0.rankings.keys }).filter { qrels.judgments[$0] != nil && !common.contains($0) }.count
        }
        var tests: [[Test]] = []
        for r in evaluations.indices.dropFirst() {
            tests.append(measures.indices.map { m in
                let a = evaluations[r].values[m], b = evaluations[0].values[m]
                let tt = Significance.pairedTTest(a, b)
                return Test(t: tt.flatMap { $0.t.isFinite ? $0.t : nil }, p: tt?.p, randomizationP: Significance.randomization(a, b, trials: trials, seed: seed),
                            difference: evaluations[r].means[m] - evaluations[0].means[m])
            })
        }
        return EvalReport(measures: measures, queries: evaluations[0].queries, files: files, evaluations: evaluations,
                          tags: runs.map(\.tag), tests: tests, complete: complete, trials: trials, counts: counts, droppedForComparison: dropped)
    }

    func text(alpha: Double, perQuery: Bool) -> String {
        var out: [String] = []
        let c = counts[0]
        out.append("queries evaluated: \(queries.count)"
            + (complete ? " (every qrels query; \(c.qrelsQueriesWithoutRun) without run lines scored 0)"
                : " (in the qrels and every run; qrels queries without run lines left out: \(c.qrelsQueriesWithoutRun) — --complete scores them 0)")
            + (c.runQueriesWithoutQrels > 0 ? "; run queries without judgments, ignored: \(c.runQueriesWithoutQrels)" : "")
            + (droppedForComparison > 0 ? "; judged queries missing from some run, left out of every run's figures: \(droppedForComparison)" : ""))
        var table = TextTable(headers: ["run"] + measures.map(\.description))
        table.rightAligned = Set(1...measures.count)
        for (r, e) in evaluations.enumerated() {
            var row = ["\(Self.letter(r)) \(tags[r])"]
            for m in measures.indices {
                var cell = String(format: "%.4f", e.means[m])
                if r > 0, let p = tests[r - 1][m].p, p < alpha { cell += tests[r - 1][m].difference > 0 ? "▲" : "▼" }
                row.append(cell)
            }
            table.rows.append(row)
        }
        out.append(table.render())
        if evaluations.count > 1 {
            out.append("")
            out.append("against \(Self.letter(0)) (\(files[0])): difference, paired t-test p, randomisation p (\(trials) sign flips); ▲/▼: t-test p < \(alpha)")
            var t = TextTable(headers: ["run"] + measures.map(\.description))
            for r in 1..<evaluations.count {
                t.rows.append(["\(Self.letter(r)) Δ"] + tests[r - 1].map { String(format: "%+.4f", $0.difference) })
                t.rows.append(["  t-test p"] + tests[r - 1].map { $0.p.map { String(format: "%.4g", $0) } ?? "-" })
                t.rows.append(["  random p"] + tests[r - 1].map { String(format: "%.4g", $0.randomizationP) })
            }
            out.append(t.render())
        }
        out.append("")
        for (r, e) in evaluations.enumerated() {
            out.append("\(Self.letter(r)) \(files[r]): retrieved \(e.counts.retrieved), relevant \(e.counts.relevant), relevant retrieved \(e.counts.relevantRetrieved) (over the queries evaluated)")
        }
        if perQuery {
            out.append("")
            for (r, e) in evaluations.enumerated() {
                for (j, q) in queries.enumerated() {
                    for (i, m) in measures.enumerated() {
                        out.append((evaluations.count > 1 ? "\(tags[r])\t" : "") + "\(m.trecName)\t\(q)\t" + String(format: "%.4f", e.values[i][j]))
                    }
                }
            }
        }
        return out.joined(separator: "\n")
    }

    static func letter(_ i: Int) -> String {
        i < 26 ? String(UnicodeScalar(UInt8(65 + i))) : "R\(i + 1)"
    }

    struct JSONShape: Encodable {
        var queries: Int
        var complete: Bool
        var measures: [String]
        var runs: [RunShape]
    }

    struct RunShape: Encodable {
        var file: String
        var tag: String
        var means: [String: Double]
        var counts: Evaluation.Counts
        var tests: [String: Test]?
        var perQuery: [String: [String: Double]]?
    }

    func json(perQuery: Bool) -> JSONShape {
        JSONShape(queries: queries.count, complete: complete, measures: measures.map(\.description), runs: evaluations.enumerated().map { (r, e) in
            RunShape(
                file: files[r], tag: tags[r],
                means: Dictionary(uniqueKeysWithValues: measures.enumerated().map { ($1.description, e.means[$0]) }),
                counts: e.counts,
                tests: r == 0 ? nil : Dictionary(uniqueKeysWithValues: measures.enumerated().map { ($1.description, tests[r - 1][$0]) }),
                perQuery: perQuery
                    ? Dictionary(uniqueKeysWithValues: queries.enumerated().map { (j, q) in
                        (q, Dictionary(uniqueKeysWithValues: measures.enumerated().map { ($1.description, e.values[$0][j]) }))
                    })
                    : nil)
        })
    }
}

// MARK: hygiene

struct HygieneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hygiene",
        abstract: "Judge any system's run for marketplace hygiene: broken constraints, closed or expired postings, near-duplicates, coverage, company concentration.",
        discussion: """
            Reads a TREC run (qid = seeker id, docid = posting id) and judges the top --top of every
            list against the seekers' stated constraints and the postings: a region outside the
            seeker's, an employment type none of the seeker's, a maximum salary below the seeker's
            floor (each a violation); a posting that does not state a constrained field
            (unverifiable, not a violation); closed postings and deadlines before --as-of;
            near-duplicates (same company, similar text) of a posting listed higher; the share of
            open postings recommended to anyone; the Gini coefficient of recommendations per
            company. Every figure is broken down by the seeker's 시도 and occupation group, and the
            catalogue figures by the posting's. Run lines naming unknown seekers or postings are
            counted and reported, never scored.

            Examples:
              jobmatch hygiene --run nightly/run.trec --index sample/index --seekers sample/seekers.jsonl
              jobmatch hygiene --run other-system.trec --postings postings.jsonl --seekers seekers.jsonl --top 20 --json
            """)

    @Option(name: .customLong("run"), help: "TREC run to judge.") var runFile: String
    @Option(help: "Index directory of the postings (or give --postings).") var index: String?
    @Option(help: "Postings, JSON Lines (indexed in memory; or give --index).") var postings: String?
    @Option(help: "Seekers, JSON Lines.") var seekers: String
    @Option(help: "Judge the top k of every list.") var top = 10
    @Option(help: "Date deadlines are checked against, YYYY-MM-DD (default: today in Korea).") var asOf: String?
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Exit 0 even when some records were rejected.") var allowInvalid = false
    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard (index == nil) != (postings == nil) else { throw ValidationError("give exactly one of --index and --postings") }
        guard (1...10_000).contains(top) else { throw ValidationError("--top must be within 1...10000") }
    }

    func run() throws {
        let day = try Steps.asOf(asOf)
        let model = try Steps.model(modelOptions)
        let parsed: Run
        do { parsed = try Run.load(runFile) } catch {
            Console.err("error: \(error)")
            throw ExitCode(1)
        }
        let engine: MatchEngine
        if let index { engine = try Steps.engine(index: index, model: model) } else {
            engine = MatchEngine(postings: try Steps.postings(postings!, allowInvalid: allowInvalid), model: model)
        }
        let people = try Steps.seekers(seekers, allowInvalid: allowInvalid)
        let report = Hygiene.judge(run: parsed, engine: engine, seekers: people, cutoff: top, asOf: day)
        if json {
            Console.out(Console.json(report))
            return
        }
        Console.out(Self.text(report, run: runFile))
    }

    static func percent(_ x: Double) -> String { String(format: "%.2f%%", 100 * x) }

    static func text(_ r: HygieneReport, run: String) -> String {
        let o = r.overall
        var out = [
            "hygiene of \(run): top \(r.cutoff) of \(o.seekers) seekers' lists, \(o.recommendations) recommendations, as of \(r.asOf)",
            "  constraint violations       \(o.constraintViolations) (\(percent(o.violationRate))): region \(o.outsideRegion), employment type \(o.employmentTypeMismatch), salary \(o.salaryBelowFloor)",
            "  unverifiable                \(o.unverifiable) (\(percent(o.rate(o.unverifiable)))): the posting does not state a field the seeker constrains",
            "  closed / expired            \(o.closed) (\(percent(o.rate(o.closed)))) / \(o.expired) (\(percent(o.rate(o.expired))))",
            "  near-duplicates in a list   \(o.nearDuplicates) (\(percent(o.rate(o.nearDuplicates))))",
            "  catalogue coverage          \(percent(r.catalogue.coverage)) of \(r.catalogue.openPostings) open postings recommended to someone",
            "  company concentration       Gini \(String(format: "%.3f", r.catalogue.companyGini)) over \(r.catalogue.companies) companies with open postings",
        ]
        if r.unknownSeekers + r.unknownPostings > 0 {
            out.append("  not judged                  \(r.unknownSeekers) lines of unknown seekers, \(r.unknownPostings) lines of unknown postings (within the top \(r.cutoff))")
        }
        func figuresTable(_ title: String, _ groups: [String: HygieneReport.Figures]) {
            var t = TextTable(headers: [title, "seekers", "recs", "violations", "unverifiable", "closed+expired", "duplicates"])
            t.rightAligned = Set(1...6)
            for (k, f) in groups.sorted(by: { $0.key < $1.key }) {
                t.rows.append([k, String(f.seekers), String(f.recommendations), percent(f.violationRate), percent(f.rate(f.unverifiable)),
                               percent(f.rate(f.closed + f.expired)), percent(f.rate(f.nearDuplicates))])
            }
            out.append("")
            out.append(t.render())
        }
        func catalogueTable(_ title: String, _ groups: [String: HygieneReport.Catalogue]) {
            var t = TextTable(headers: [title, "open postings", "recommended", "coverage", "companies", "Gini"])
            t.rightAligned = Set(1...5)
            for (k, c) in groups.sorted(by: { $0.key < $1.key }) {
                t.rows.append([k, String(c.openPostings), String(c.recommendedPostings), percent(c.coverage), String(c.companies), String(format: "%.3f", c.companyGini)])
            }
            out.append("")
            out.append(t.render())
        }
        figuresTable("seeker 시도", r.bySeekerRegion)
        figuresTable("seeker occupation", r.bySeekerOccupation)
        catalogueTable("posting 시도", r.catalogueByRegion)
        catalogueTable("posting occupation", r.catalogueByOccupation)
        if !r.examples.isEmpty {
            out.append("")
            out.append("examples of violations:")
            out.append(contentsOf: r.examples.map { "  " + $0 })
        }
        return out.joined(separator: "\n")
    }
}
