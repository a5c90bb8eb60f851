import Foundation
import JobMatchEval
import JobMatchTestSupport
import Testing

@Suite("trec_eval measures")
struct MeasureTests {
    // q1: judged a=2, b=0, c=1, d=1 (d never retrieved); q2: only in the run; q3: judged, no run lines.
    let qrels = try! Qrels.parse("""
        q1 0 a 2
        q1 0 b 0
        q1 0 c 1
        q1 0 d 1
        q3 0 z 1
        """, file: "qrels")
    // x 3.0, then a and c tied at 2.0 (ranked c, a: docid descending), then b.
    let run = try! Run.parse("""
        q1 Q0 a 1 2.0 t
        q1 Q0 b 2 1 t
        q1 Q0 x 3 3.0 t
        q1 Q0 c 4 2.000000 t
        q2 Q0 a 1 9 t
        """, file: "run")

    @Test("hand-computed values: ties by docid descending, P and judged divided by k, MAP, MRR, nDCG with grades")
    func handComputed() throws {
        #expect(run.rankings["q1"]!.map(\.docid) == ["x", "c", "a", "b"])
        let ms = try Measure.parseList("p@2,10 r@2,10 mrr map success@1,2 judged@4 ndcg@10 ndcg map@2")
        let e = Evaluator.evaluate(run, qrels: qrels, measures: ms)
        #expect(e.queries == ["q1"])
        #expect(e.counts.qrelsQueriesWithoutRun == 1 && e.counts.runQueriesWithoutQrels == 1)
        func v(_ s: String) throws -> Double { try #require(e.value(try Measure.parseList(s)[0], query: "q1")) }
        #expect(try v("p@2") == 0.5)
        #expect(try v("p@10") == 0.2)
        #expect(abs(try v("r@2") - 1.0 / 3) < 1e-15)
        #expect(abs(try v("r@10") - 2.0 / 3) < 1e-15)
        #expect(try v("mrr") == 0.5)
        #expect(abs(try v("map") - (0.5 + 2.0 / 3) / 3) < 1e-15)
        #expect(abs(try v("map@2") - 0.5 / 3) < 1e-15)
        #expect(try v("success@1") == 0 && (try v("success@2")) == 1)
        #expect(try v("judged@4") == 0.75)
        // DCG = 1/log2(3) + 2/log2(4); ideal = 2 + 1/log2(3) + 1/log2(4)
        #expect(abs(try v("ndcg@10") - 0.5209090851403014) < 1e-12)
        #expect(abs(try v("ndcg") - 0.5209090851403014) < 1e-12)
    }

    @Test("--complete (trec_eval -c): qrels queries without run lines score 0 in the mean")
    func complete() throws {
        let e = Evaluator.evaluate(run, qrels: qrels, measures: [Measure(.mrr)], complete: true)
        #expect(e.queries == ["q1", "q3"])
        #expect(e.means == [0.25])
    }

    @Test("scores are 32-bit floats as in trec_eval: 1.0000000001 ties with 1; ties by docid bytes (Hangul after ASCII)")
    func floatTiesAndByteOrder() throws {
        let r = try Run.parse("q Q0 a 1 1.0000000001 t\nq Q0 b 2 1 t\nq Q0 가 3 0.5 t\nq Q0 z 4 0.5 t\n", file: "r")
        #expect(r.rankings["q"]!.map(\.docid) == ["b", "a", "가", "z"])
        let e = Evaluator.evaluate(r, qrels: try Qrels.parse("q 0 a 1", file: "q"), measures: [Measure(.mrr)])
        #expect(e.means == [0.5])
    }

    @Test("bad lines are named by file, line and field")
    func errors() {
        func runError(_ text: String) -> EvalInputError? {
            do { _ = try Run.parse(text, file: "r.trec"); return nil } catch { return error }
        }
        #expect(runError("q Q0 a 1 1.0 t\nq Q0 b 2 1.0\n") == EvalInputError(file: "r.trec", line: 2, field: "line", reason: "expected 6 columns 'qid Q0 docid rank score tag', found 5"))
        #expect(runError("q Q0 a 1 high t")?.field == "score")
        #expect(runError("q Q0 a 1 nan t")?.field == "score")
        #expect(runError("q Q0 a 1 1e300 t")?.field == "score")
        let dup = runError("q Q0 a 1 1 t\n\nq Q0 a 2 0.5 t")
        #expect(dup?.line == 3 && dup?.field == "docid")
        #expect(runError("\n\nq Q0 a 1 1 t\n") == nil)
        do {
            _ = try Qrels.parse("q 0 a 1\nq 0 b yes\n", file: "q.txt")
            Issue.record("a non-integer grade was accepted")
        } catch {
            #expect(error.description == "q.txt:2: field 'rel': 'yes' is not an integer")
        }
        #expect(throws: EvalInputError.self) { try Qrels.parse("q 0 a 1\nq 0 a 2", file: "q") }
        #expect(throws: EvalInputError.self) { try Measure.parseList("ndcg@0") }
        #expect(throws: EvalInputError.self) { try Measure.parseList("p") }
        #expect(throws: EvalInputError.self) { try Measure.parseList("mrr@10") }
        #expect(throws: EvalInputError.self) { try Measure.parseList("f1@10") }
    }

    @Test("CRLF files read like LF files; ids equal only after Unicode normalisation are matched by bytes or refused")
    func lineEndingsAndBytes() throws {
        let lf = try Run.parse("q Q0 a 1 2 t\nq Q0 b 2 1 t\n", file: "r")
        #expect(try Run.parse("q Q0 a 1 2 t\r\nq Q0 b 2 1 t\r\n", file: "r") == lf)
        #expect(try Qrels.parse("q 0 a 1\r\nq 0 b 0\r\n", file: "q") == Qrels.parse("q 0 a 1\nq 0 b 0\n", file: "q"))
        let nfc = "\u{AC00}", nfd = "\u{1100}\u{1161}"  // 가 composed and decomposed: equal as Swift strings
        #expect(nfc == nfd)
        // trec_eval compares bytes: a run listing the decomposed id does not retrieve the composed judged one
        let e = Evaluator.evaluate(try Run.parse("q Q0 \(nfd) 1 1 t\n", file: "r"), qrels: try Qrels.parse("q 0 \(nfc) 1\n", file: "q"), measures: [Measure(.mrr)])
        #expect(e.means == [0])
        // nor is a query id matched across the files by normalisation
        let e2 = Evaluator.evaluate(try Run.parse("\(nfd) Q0 a 1 1 t\n", file: "r"), qrels: try Qrels.parse("\(nfc) 0 a 1\n", file: "q"), measures: [Measure(.mrr)])
        #expect(e2.queries.isEmpty)
        // within one file the two forms cannot be kept apart: refused, naming the line
        #expect(throws: EvalInputError.self) { try Run.parse("q Q0 \(nfc) 1 1 t\nq Q0 \(nfd) 2 0.5 t\n", file: "r") }
        #expect(throws: EvalInputError.self) { try Qrels.parse("\(nfc) 0 a 1\n\(nfd) 0 b 1\n", file: "q") }
    }

    @Test("measure lists: cutoffs repeat, names as trec_eval prints them")
    func measureNames() throws {
        let ms = try Measure.parseList("nDCG@5,10 MRR r@100 P@10 map judged@10")
        #expect(ms.map(\.description) == ["nDCG@5", "nDCG@10", "MRR", "R@100", "P@10", "MAP", "judged@10"])
        #expect(ms.map(\.trecName) == ["ndcg_cut_5", "ndcg_cut_10", "recip_rank", "recall_100", "P_10", "map", "judged_10"])
    }
}

@Suite("TREC run lines")
struct RunLineTests {
    @Test("run lines are written as trec_eval reads them: six columns, %.9g scores that give the Float back")
    func linesRoundTrip() throws {
        var bytes: [UInt8] = []
        Run.appendLine(to: &bytes, query: "S1", doc: "P9", rank: 1, score: 1.0 / 3, tag: "jm")
        #expect(String(decoding: bytes, as: UTF8.self) == "S1 Q0 P9 1 0.333333333 jm\n")
        var rng = SeededRandom(seed: 19)
        var scores: [Float] = [0, 1, -2.5, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1, 1e-30]
        for _ in 0..<200 { scores.append(Float(bitPattern: UInt32.random(in: 0...0x7F7F_FFFF, using: &rng))) }
        bytes = []
        for (i, x) in scores.enumerated() {
            Run.appendLine(to: &bytes, query: "q\(i)", doc: "d\(i)", rank: i + 1, score: Double(x), tag: "t")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.split(separator: "\n").count == scores.count)
        let run = try Run.parse(text, file: "run")
        for (i, x) in scores.enumerated() {
            #expect(run.rankings["q\(i)"] == [Run.Entry(docid: "d\(i)", score: x)], "score \(x.bitPattern)")
        }
        // the same characters as Foundation's formatter, line by line
        for (i, line) in text.split(separator: "\n").enumerated() {
            #expect(line == "q\(i) Q0 d\(i) \(i + 1) \(String(format: "%.9g", Double(scores[i]))) t")
        }
    }
}

@Suite("Significance tests")
struct SignificanceTests {
    @Test("paired t-test equals scipy.stats.ttest_rel (reference values computed with scipy 1.17)")
    func tTest() throws {
        let r1 = try #require(Significance.pairedTTest([1, 2, 3, 4, 5, 0.25], [0.5, 2.5, 2, 3, 4.5, 0.5]))
        #expect(abs(r1.t - 1.4638501094227996) < 1e-12)
        #expect(abs(r1.p - 0.2031106637200551) < 1e-10)
        let r2 = try #require(Significance.pairedTTest([0.9, 0.8, 0.7, 0.95, 0.85, 0.6, 0.75, 0.9], [0.5, 0.6, 0.7, 0.55, 0.65, 0.6, 0.5, 0.45]))
        #expect(abs(r2.t - 3.844187531556932) < 1e-12)
        #expect(abs(r2.p - 0.0063400199888952215) < 1e-10)
        #expect(Significance.pairedTTest([1, 2], [1, 2])! == (0, 1))
        #expect(Significance.pairedTTest([1], [2]) == nil)
    }

    @Test("incomplete beta: exact and scipy reference values")
    func incompleteBeta() {
        #expect(abs(Significance.regularizedIncompleteBeta(2, 3, 0.5) - 0.6875) < 1e-14)
        #expect(abs(Significance.regularizedIncompleteBeta(0.5, 7.5, 0.3) - 0.977153386842316) < 1e-12)
        #expect(abs(Significance.regularizedIncompleteBeta(150, 0.5, 0.99) - 0.0827480032540805) < 1e-12)
    }

    @Test("randomisation test: identical runs p = 1, a consistent gain is significant, same seed same p")
    func randomization() {
        let a = (0..<20).map { Double($0) / 20 }
        #expect(Significance.randomization(a, a, trials: 2_000) == 1)
        let better = a.map { $0 + 0.1 }
        let p = Significance.randomization(better, a, trials: 2_000, seed: 3)
        #expect(p < 0.002)
        #expect(p == Significance.randomization(better, a, trials: 2_000, seed: 3))
        // a mixed difference is not significant
        let mixed = a.enumerated().map { $0.offset % 2 == 0 ? $0.element + 0.05 : $0.element - 0.05 }
        #expect(Significance.randomization(mixed, a, trials: 2_000) > 0.5)
    }
}
