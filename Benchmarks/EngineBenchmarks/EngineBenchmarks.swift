import Benchmark
import Foundation
import JobMatchIndex
import JobMatchKernels
import JobMatchRanking
import JobMatchSample
import JobMatchText

// Engine benchmarks on generated sample data. Each benchmark folds its output into a checksum
// that must match the value computed once before timing, so a fast wrong answer fails.
//
//   JOBMATCH_BENCHMARKS=1 swift package benchmark --target EngineBenchmarks
//
// Sizes: JOBMATCH_BENCH_POSTINGS (default 100000), JOBMATCH_BENCH_SEEKERS (default 2000).

@MainActor
let benchmarks = {
    let env = ProcessInfo.processInfo.environment
    let postingCount = Int(env["JOBMATCH_BENCH_POSTINGS"] ?? "") ?? 100_000
    let seekerCount = Int(env["JOBMATCH_BENCH_SEEKERS"] ?? "") ?? 2_000
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(5), maxIterations: 1_000_000)

    let blas = BLAS.runtimeInfo
    print("OpenBLAS core \(blas.coreName), \(blas.threads) thread(s); \(blas.config)"
        + (BLASCoreSelection.replacedCore.map { " (replaced generic \($0))" } ?? ""))

    // Raw sgemm, the yardstick for the dense stage (issue 3): n = 1024, C = A·Bᵀ.
    let n = 1024
    let a = DenseMatrix(rows: n, cols: n, storage: (0..<(n * n)).map { Float(($0 * 7) % 13) / 13 })
    let b = DenseMatrix(rows: n, cols: n, storage: (0..<(n * n)).map { Float(($0 * 5) % 11) / 11 })
    let reference = BLAS.gemmABt(a, b)
    let expectedTrace = (0..<n).reduce(0.0) { $0 + Double(reference[$1, $1]) }
    Benchmark("sgemm \(n)³ (raw cblas_sgemm; 2·n³ flop per iteration)",
              configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(3))) { benchmark in
        for _ in benchmark.scaledIterations {
            let c = BLAS.gemmABt(a, b)
            let trace = (0..<n).reduce(0.0) { $0 + Double(c[$1, $1]) }
            precondition(abs(trace - expectedTrace) <= 1e-4 * abs(expectedTrace), "sgemm result changed")
            blackHole(c)
        }
    }

    let data = SampleGenerator.generate(SampleConfiguration(seed: 7, postings: postingCount, seekers: seekerCount))
    let postings = JSONLines.parsePostings(Array(data.postingsJSONL.utf8), file: "bench").records
    let seekers = JSONLines.parseSeekers(Array(data.seekersJSONL.utf8), file: "bench").records
    let model = try! Model.load(directory: Model.locate(explicit: nil))
    let analyzer = KoreanAnalyzer(configuration: model.analyzer)
    let texts = postings.prefix(5_000).map { $0.title + "\n" + ($0.description ?? "") }
    let textBytes = texts.reduce(0) { $0 + $1.utf8.count }
    let engine = MatchEngine(postings: postings, model: model)
    let asOf = Day.parse("2026-11-27")!

    func termChecksum() -> Int { texts.reduce(0) { $0 &+ analyzer.terms($1).count } }
    let expectedTerms = termChecksum()
    func rankChecksum(_ recs: [Recommendation]) -> UInt64 {
        recs.reduce(UInt64(recs.count)) { $0 &* 31 &+ UInt64($1.doc) }
    }
    var scratch = RankingScratch(documentCount: engine.postings.count)
    let expectedRanks = seekers.prefix(200).map { rankChecksum(engine.recommend($0, top: 10, asOf: asOf, explain: false, scratch: &scratch)) }

    Benchmark("analyzer (5k postings' title + description)",
              configuration: .init(metrics: [.wallClock, .throughput], scalingFactor: .one)) { benchmark in
        for _ in benchmark.scaledIterations {
            let n = termChecksum()
            precondition(n == expectedTerms, "analyzer checksum changed")
            blackHole(n)
        }
    }
    _ = textBytes

    Benchmark("index build (\(postingCount / 1000)k postings)",
              configuration: .init(metrics: [.wallClock, .peakMemoryResident], maxIterations: 3)) { benchmark in
        for _ in benchmark.scaledIterations {
            let e = MatchEngine(postings: postings, model: model)
            precondition(e.index.vocabulary.count == engine.index.vocabulary.count, "index changed")
            blackHole(e)
        }
    }

    Benchmark("recommend top 10, one thread (\(postingCount / 1000)k postings)",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(5))) { benchmark in
        var scratch = RankingScratch(documentCount: engine.postings.count)
        var i = 0
        for _ in benchmark.scaledIterations {
            let k = i % expectedRanks.count
            let recs = engine.recommend(seekers[k], top: 10, asOf: asOf, explain: false, scratch: &scratch)
            precondition(rankChecksum(recs) == expectedRanks[k], "recommendations changed")
            blackHole(recs)
            i += 1
        }
    }

    Benchmark("recommend top 10 with reasons (\(postingCount / 1000)k postings)",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(5))) { benchmark in
        var scratch = RankingScratch(documentCount: engine.postings.count)
        var i = 0
        for _ in benchmark.scaledIterations {
            let k = i % expectedRanks.count
            let recs = engine.recommend(seekers[k], top: 10, asOf: asOf, explain: true, scratch: &scratch)
            precondition(rankChecksum(recs) == expectedRanks[k], "recommendations changed")
            blackHole(recs)
            i += 1
        }
    }
}
