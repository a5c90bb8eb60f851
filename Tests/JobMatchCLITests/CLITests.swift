import Foundation
import JobMatchTestSupport
import JobMatchText
import Testing

/// Runs the built `jobmatch` executable (built with the tests by `swift build --build-tests`).
struct CLI {
    static var binary: String? {
        var candidates: [String] = []
        if let exe = CommandLine.arguments.first {
            let dir = URL(fileURLWithPath: exe).resolvingSymlinksInPath().deletingLastPathComponent()
            candidates += [dir.appendingPathComponent("jobmatch").path, dir.deletingLastPathComponent().appendingPathComponent("jobmatch").path]
        }
        candidates.append(Fixtures.repositoryRoot + "/.build/debug/jobmatch")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    struct Result {
        var status: Int32
        var out: String
        var err: String
    }

    static func run(_ args: [String], cwd: String? = nil, environment extra: [String: String] = [:]) throws -> Result {
        let bin = try #require(binary, "jobmatch executable not found next to the tests")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin)
        p.arguments = args
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        var env = ProcessInfo.processInfo.environment
        env["JOBMATCH_MODEL"] = Fixtures.repositoryRoot + "/Models/default"
        env.merge(extra) { $1 }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }
}

func temporaryDirectory(_ name: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jm-\(name)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

@Suite("jobmatch CLI end to end", .serialized)
struct CLITests {
    @Test("sample → index → recommend (table, json, trec) → why-not → search → stats")
    func endToEnd() throws {
        let dir = try temporaryDirectory("e2e")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var r = try CLI.run(["sample", "--out", dir, "--postings", "400", "--seekers", "20"])
        #expect(r.status == 0, "\(r.err)")
        r = try CLI.run(["index", "--postings", dir + "/postings.jsonl", "--out", dir + "/index"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.hasPrefix("indexed 400 postings"))

        let seekerID = try #require(String(decoding: FileManager.default.contents(atPath: dir + "/seekers.jsonl")!, as: UTF8.self)
            .split(separator: "\n").first.flatMap { line -> String? in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? String
            })
        let base = ["--index", dir + "/index", "--seekers", dir + "/seekers.jsonl", "--as-of", "2026-11-27"]
        r = try CLI.run(["recommend"] + base + ["--seeker", seekerID, "--explain", "--top", "5"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("순위"))
        #expect(r.out.contains("· 일치 단어") || r.out.contains("· 희망직종"), "\(r.out)")

        // table columns line up by display width
        let lines = r.out.split(separator: "\n").map(String.init)
        if let header = lines.firstIndex(where: { $0.hasPrefix("순위") }) {
            let rule = lines[header + 1]
            #expect(rule.allSatisfy { $0 == "─" || $0 == " " })
        }

        r = try CLI.run(["recommend"] + base + ["--seeker", seekerID, "--json", "--top", "5"])
        #expect(r.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let recs = try #require(json["recommendations"] as? [[String: Any]])
        for rec in recs {
            let score = rec["score"] as! Double
            let sum = (rec["reasons"] as! [[String: Any]]).map { $0["contribution"] as! Double }.reduce(0, +)
            #expect(abs(score - sum) <= 1e-4)
        }

        r = try CLI.run(["recommend"] + base + ["--all", "--format", "trec", "--top", "5", "--tag", "t1"])
        #expect(r.status == 0)
        let run = r.out.split(separator: "\n")
        #expect(!run.isEmpty)
        for line in run {
            let cols = line.split(separator: " ")
            #expect(cols.count == 6 && cols[1] == "Q0" && cols[5] == "t1" && (1...5).contains(Int(cols[3])!))
        }
        // the seeker's lines hold its JSON list: posting ids, ranks and scores (%.9g: the same Float)
        let mine = run.map { $0.split(separator: " ") }.filter { $0[0] == seekerID }
        #expect(mine.map { String($0[2]) } == recs.map { $0["postingId"] as! String })
        #expect(mine.map { Int($0[3])! } == Array(1...recs.count))
        #expect(mine.map { Float($0[4])! } == recs.map { Float($0["score"] as! Double) })
        let again = try CLI.run(["recommend"] + base + ["--all", "--format", "trec", "--top", "5", "--tag", "t1"])
        #expect(again.out == r.out, "same inputs, same bytes")
        // on three threads: the same bytes; with --latencies: one timing per seeker, same run
        let threaded = try CLI.run(["recommend"] + base + ["--all", "--format", "trec", "--top", "5", "--tag", "t1", "--workers", "3"])
        #expect(threaded.status == 0 && threaded.out == r.out, "--workers 3 gives the one-thread run")
        let latencyFile = dir + "/latencies.tsv"
        let timed = try CLI.run(["recommend"] + base + ["--all", "--format", "trec", "--top", "5", "--tag", "t1", "--latencies", latencyFile])
        #expect(timed.out == r.out)
        let timings = (try? String(contentsOfFile: latencyFile, encoding: .utf8))?.split(separator: "\n") ?? []
        let seekerCount = (try String(contentsOfFile: dir + "/seekers.jsonl", encoding: .utf8)).split(separator: "\n").count
        #expect(timings.count == seekerCount)
        #expect(timings.allSatisfy { line in
            let cols = line.split(separator: "\t")
            return cols.count == 2 && (Int(cols[1]).map { $0 >= 0 && $0 < 60_000_000 } ?? false)
        })
        #expect(try CLI.run(["recommend"] + base + ["--seeker", seekerID, "--workers", "2"]).status != 0)

        let firstPosting = String(run[0].split(separator: " ")[2])
        r = try CLI.run(["why-not"] + base + ["--seeker", String(run[0].split(separator: " ")[0]), "--posting", firstPosting])
        #expect(r.status == 0)
        #expect(r.out.contains("1위"), "\(r.out)")

        r = try CLI.run(["candidates", "--index", dir + "/index", "--seekers", dir + "/seekers.jsonl", "--posting", firstPosting,
                         "--as-of", "2026-11-27", "--json", "--top", "5"])
        #expect(r.status == 0, "\(r.err)")
        let cands = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        #expect(cands.contains { $0["seekerId"] as? String == String(run[0].split(separator: " ")[0]) } || cands.count == 5)

        r = try CLI.run(["search", "--index", dir + "/index", "지게차", "--as-of", "2026-11-27", "--json"])
        #expect(r.status == 0)
        #expect(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) is [Any])

        r = try CLI.run(["stats", "--index", dir + "/index", "--json"])
        let stats = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        #expect(stats["postings"] as? Int == 400)
        #expect((stats["vocabulary"] as? Int ?? 0) > 100)
    }

    @Test("train writes a checksummed model folder with the LSA projection; a damaged one is refused")
    func train() throws {
        let dir = try temporaryDirectory("train")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var r = try CLI.run(["sample", "--out", dir, "--postings", "300", "--seekers", "5"])
        #expect(r.status == 0)
        r = try CLI.run(["train", "--postings", dir + "/postings.jsonl", "--out", dir + "/lsa-test", "--rank", "8", "--json"])
        #expect(r.status == 0, "\(r.err)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        #expect(summary["rank"] as? Int == 8)
        r = try CLI.run(["doctor", "--json", "--model", dir + "/lsa-test"])
        #expect(r.status == 0, "\(r.err)")
        #expect((try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])?["denseRank"] as? Int == 8)
        // an index built with the default model serves with the trained one (same analyzer and BM25)
        r = try CLI.run(["index", "--postings", dir + "/postings.jsonl", "--out", dir + "/index"])
        #expect(r.status == 0)
        r = try CLI.run(["stats", "--index", dir + "/index", "--model", dir + "/lsa-test", "--json"])
        #expect(r.status == 0, "\(r.err)")
        var bytes = [UInt8](FileManager.default.contents(atPath: dir + "/lsa-test/lsa.f32")!)
        bytes[bytes.count / 2] ^= 1
        #expect(FileManager.default.createFile(atPath: dir + "/lsa-test/lsa.f32", contents: Data(bytes)))
        r = try CLI.run(["doctor", "--model", dir + "/lsa-test"])
        #expect(r.status == 2)
        #expect(r.err.contains("lsa.f32: checksum mismatch"))
    }

    @Test("over 256 seekers (long lists split by province, seekers regrouped by province) recommend --workers and batch equal one thread")
    func manySeekersEqualOneThread() throws {
        let dir = try temporaryDirectory("many")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try CLI.run(["sample", "--out", dir, "--postings", "700", "--seekers", "300"]).status == 0)
        #expect(try CLI.run(["index", "--postings", dir + "/postings.jsonl", "--out", dir + "/index"]).status == 0)
        let base = ["recommend", "--index", dir + "/index", "--seekers", dir + "/seekers.jsonl", "--as-of", "2026-11-27",
                    "--all", "--format", "trec", "--top", "20", "--tag", "jobmatch-default"]
        let one = try CLI.run(base)
        #expect(one.status == 0 && one.out.split(separator: "\n").count > 300 * 10)
        let two = try CLI.run(base + ["--workers", "2"])
        #expect(two.status == 0 && two.out == one.out, "--workers 2 gives the one-thread run")
        #expect(try CLI.run(["batch", "--index", dir + "/index", "--seekers", dir + "/seekers.jsonl", "--as-of", "2026-11-27",
                             "--top", "20", "--workers", "2", "--out", dir + "/b"]).status == 0)
        let batchRun = String(decoding: FileManager.default.contents(atPath: dir + "/b/run.trec") ?? Data(), as: UTF8.self)
        #expect(batchRun == one.out, "batch gives the one-thread run")
    }

    @Test("batch: equals recommend, same bytes for any workers, shards merge to the whole, resumes")
    func batch() throws {
        let dir = try temporaryDirectory("batch")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func read(_ p: String) -> Data { FileManager.default.contents(atPath: p) ?? Data() }
        #expect(try CLI.run(["sample", "--out", dir, "--postings", "400", "--seekers", "45"]).status == 0)
        #expect(try CLI.run(["index", "--postings", dir + "/postings.jsonl", "--out", dir + "/index"]).status == 0)
        let base = ["batch", "--index", dir + "/index", "--seekers", dir + "/seekers.jsonl", "--as-of", "2026-11-27", "--block", "8", "--top", "12"]
        var r = try CLI.run(base + ["--out", dir + "/b2", "--workers", "2"])
        #expect(r.status == 0, "\(r.err)")
        #expect(try CLI.run(base + ["--out", dir + "/b1", "--workers", "1"]).status == 0)
        #expect(read(dir + "/b1/run.trec") == read(dir + "/b2/run.trec"))
        #expect(read(dir + "/b1/recommendations.jsonl") == read(dir + "/b2/recommendations.jsonl"))
        #expect(!read(dir + "/b1/run.trec").isEmpty)
        r = try CLI.run(["recommend", "--index", dir + "/index", "--seekers", dir + "/seekers.jsonl", "--all", "--format", "trec",
                         "--top", "12", "--as-of", "2026-11-27", "--tag", "jobmatch-default"])
        #expect(Data(r.out.utf8) == read(dir + "/b1/run.trec"), "a batch result equals recommend")
        for i in 0..<3 { #expect(try CLI.run(base + ["--out", dir + "/b3", "--shard", "\(i)/3"]).status == 0) }
        #expect(try CLI.run(["batch", "merge", "--out", dir + "/b3", "--shards", "3"]).status == 0)
        #expect(read(dir + "/b3/run.trec") == read(dir + "/b1/run.trec"))
        #expect(read(dir + "/b3/recommendations.jsonl") == read(dir + "/b1/recommendations.jsonl"))
        // an interrupted batch: a block missing (and a stray temp file) — rerun, same bytes
        try FileManager.default.removeItem(atPath: dir + "/b1/blocks/000003.jsonl")
        #expect(FileManager.default.createFile(atPath: dir + "/b1/blocks/000004.jsonl.tmp", contents: Data("partial".utf8)))
        r = try CLI.run(base + ["--out", dir + "/b1"])
        #expect(r.status == 0 && r.err.contains("resuming"))
        #expect(read(dir + "/b1/run.trec") == read(dir + "/b2/run.trec"))
        #expect(try CLI.run(["batch", "merge", "--out", dir + "/b3", "--shards", "4"]).status == 2)
    }

    @Test("batch with a dense model: one sgemm per group of seekers, still equal to recommend and the same bytes for any workers")
    func denseBatch() throws {
        let dir = try temporaryDirectory("dense-batch")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func read(_ p: String) -> Data { FileManager.default.contents(atPath: p) ?? Data() }
        #expect(try CLI.run(["sample", "--out", dir, "--postings", "500", "--seekers", "40"]).status == 0)
        #expect(try CLI.run(["index", "--postings", dir + "/postings.jsonl", "--out", dir + "/index"]).status == 0)
        var r = try CLI.run(["train", "--postings", dir + "/postings.jsonl", "--out", dir + "/lsa", "--rank", "12", "--dense-weight", "0.4"])
        #expect(r.status == 0, "\(r.err)")
        let ranking = try String(contentsOfFile: dir + "/lsa/ranking.json", encoding: .utf8)
        #expect(ranking.contains("\"denseWeight\": 0.4"))
        let base = ["batch", "--index", dir + "/index", "--seekers", dir + "/seekers.jsonl", "--as-of", "2026-11-27",
                    "--block", "16", "--top", "15", "--model", dir + "/lsa"]
        r = try CLI.run(base + ["--out", dir + "/b2", "--workers", "2"])
        #expect(r.status == 0, "\(r.err)")
        #expect(try CLI.run(base + ["--out", dir + "/b1", "--workers", "1"], environment: ["OPENBLAS_NUM_THREADS": "2"]).status == 0)
        #expect(!read(dir + "/b1/run.trec").isEmpty)
        #expect(read(dir + "/b1/run.trec") == read(dir + "/b2/run.trec"))
        #expect(read(dir + "/b1/recommendations.jsonl") == read(dir + "/b2/recommendations.jsonl"))
        #expect(String(decoding: read(dir + "/b1/recommendations.jsonl"), as: UTF8.self).contains("직무 내용 유사"))
        r = try CLI.run(["recommend", "--index", dir + "/index", "--seekers", dir + "/seekers.jsonl", "--all", "--format", "trec",
                         "--top", "15", "--as-of", "2026-11-27", "--tag", "jobmatch-lsa", "--model", dir + "/lsa"])
        #expect(r.status == 0, "\(r.err)")
        #expect(Data(r.out.utf8) == read(dir + "/b1/run.trec"), "a batch result equals recommend (sgemv) for every seeker")
        // the dense part changes the ranking: without it the run differs
        r = try CLI.run(["recommend", "--index", dir + "/index", "--seekers", dir + "/seekers.jsonl", "--all", "--format", "trec",
                         "--top", "15", "--as-of", "2026-11-27", "--tag", "jobmatch-lsa"])
        #expect(Data(r.out.utf8) != read(dir + "/b1/run.trec"))
    }

    @Test("rejected records: named on stderr, exit 1, --allow-invalid exits 0")
    func invalidInput() throws {
        let dir = try temporaryDirectory("bad")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/bad.jsonl"
        try """
            {"id":"A","title":"지게차 기사","region":"경기"}
            {"id":"B","title":"x","salaryMin":"많이"}
            {"id":"A","title":"dup"}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        var r = try CLI.run(["index", "--postings", path, "--out", dir + "/index"])
        #expect(r.status == 1)
        #expect(r.err.contains("bad.jsonl:2: field 'salaryMin': expected an integer, got a string"), "\(r.err)")
        #expect(r.err.contains("bad.jsonl:3: field 'id': duplicate id 'A': already used on line 1"))
        #expect(r.err.contains("1 loaded, 2 rejected"))
        r = try CLI.run(["index", "--postings", path, "--out", dir + "/index", "--allow-invalid"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.hasPrefix("indexed 1 postings"))

        try "".write(toFile: dir + "/empty.jsonl", atomically: true, encoding: .utf8)
        r = try CLI.run(["index", "--postings", dir + "/empty.jsonl", "--out", dir + "/i2"])
        #expect(r.status == 2)
        #expect(r.err.contains("empty.jsonl: the file is empty"))

        r = try CLI.run(["recommend", "--index", dir + "/nope", "--profile", #"{"id":"x","desiredTitle":"지게차"}"#])
        #expect(r.status == 2)
        #expect(r.err.contains("index.json: not found"))

        r = try CLI.run(["recommend", "--index", dir + "/index", "--profile", #"{"id":"x","desiredTitle":"지게차","regions":["경기"]}"#, "--as-of", "2026-11-27"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("A"))
        r = try CLI.run(["recommend", "--index", dir + "/index", "--profile", #"{"id":"x","regions":"경기"}"#])
        #expect(r.status == 1)
        #expect(r.err.contains("field 'regions'"))
    }

    @Test("out-of-range counts are usage errors, not crashes")
    func badCounts() throws {
        for args in [["search", "--index", "x", "지게차", "--top=-1"], ["demo", "--top=-1"], ["stats", "--index", "x", "--top-terms=-1"],
                     ["why-not", "--index", "x", "--seekers", "s", "--seeker", "a", "--posting", "b", "--top", "0"],
                     ["recommend", "--index", "x", "--seekers", "s", "--seeker", "a", "--top", "0"]] {
            let r = try CLI.run(args)
            #expect(r.status == 64, "\(args): \(r.status) \(r.err)")
        }
    }

    /// Never changes OPENBLAS_CORETYPE: on machines where the environment sets it (some CPUs
    /// need it for correct results), the test checks that the value is kept instead.
    @Test("a generic OpenBLAS kernel is replaced by re-executing once; a user's choice is kept")
    func openBLASKernel() throws {
        let flags = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let r = try CLI.run(["doctor", "--json"], environment: ["JOBMATCH_OPENBLAS_ASSUME_CORE": "Prescott"])
        #expect(r.status == 0, "\(r.err)")
        let d = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let core = (d["openblas"] as? [String: Any])?["coreName"] as? String
        if let userValue = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], !userValue.isEmpty {
            #expect(d["replacedGenericCore"] == nil)
            #expect(d["openblasCoretypeEnv"] as? String == userValue)
        } else if flags.contains(" avx2") && flags.contains(" fma") {
            #expect(d["replacedGenericCore"] as? String == "Prescott")
            #expect(d["openblasCoretypeEnv"] as? String == core)
            #expect(core == "SkylakeX" || core == "Haswell")
        }
    }

    @Test("eval: a run against the sample's qrels, two runs compared, JSON, a self-contained HTML report; bad lines named")
    func eval() throws {
        let dir = try temporaryDirectory("eval")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try CLI.run(["sample", "--out", dir, "--postings", "600", "--seekers", "60"]).status == 0)
        #expect(try CLI.run(["index", "--postings", dir + "/postings.jsonl", "--out", dir + "/index"]).status == 0)
        let base = ["recommend", "--index", dir + "/index", "--seekers", dir + "/seekers.jsonl", "--all", "--format", "trec", "--as-of", "2026-11-27"]
        var r = try CLI.run(base + ["--top", "50", "--tag", "full"])
        try r.out.write(toFile: dir + "/a.trec", atomically: true, encoding: .utf8)
        r = try CLI.run(base + ["--top", "3", "--tag", "short"])
        try r.out.write(toFile: dir + "/b.trec", atomically: true, encoding: .utf8)
        r = try CLI.run(["eval", "--qrels", dir + "/qrels.txt", "--run", dir + "/a.trec", "--json", "--measures", "ndcg@10 p@10 r@50 mrr"])
        #expect(r.status == 0, "\(r.err)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let run = try #require((json["runs"] as? [[String: Any]])?.first)
        let means = try #require(run["means"] as? [String: Double])
        #expect(Set(means.keys) == ["nDCG@10", "P@10", "R@50", "MRR"])
        #expect((means["nDCG@10"] ?? 0) > 0.3)
        // a list cut at 3 recalls less at 50 than one of 50, significantly
        r = try CLI.run(["eval", "--qrels", dir + "/qrels.txt", "--run", dir + "/a.trec", "--run", dir + "/b.trec",
                         "--measures", "r@50 p@3", "--report", dir + "/report.html"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("t-test p") && r.out.contains("▼"))
        let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("평균 성능") && html.contains("질의별 차이"))
        for external in ["src=", "<link", "@import", "url(", "https://"] { #expect(!html.contains(external), "report refers to \(external)") }
        let again = try CLI.run(["eval", "--qrels", dir + "/qrels.txt", "--run", dir + "/a.trec", "--run", dir + "/b.trec",
                                 "--measures", "r@50 p@3", "--report", dir + "/report2.html"])
        #expect(again.out == r.out)
        #expect(FileManager.default.contents(atPath: dir + "/report2.html") == Data(html.utf8), "same inputs, same report bytes")
        // every query worse by the same amount: t is infinite, the JSON still comes out (t left out, p = 0)
        try "A 0 r 1\nB 0 r 1\nC 0 r 1\n".write(toFile: dir + "/q3.txt", atomically: true, encoding: .utf8)
        try ["A", "B", "C"].map { "\($0) Q0 r 1 2 x\n\($0) Q0 s 2 1 x" }.joined(separator: "\n").write(toFile: dir + "/first.trec", atomically: true, encoding: .utf8)
        try ["A", "B", "C"].map { "\($0) Q0 s 1 2 y\n\($0) Q0 r 2 1 y" }.joined(separator: "\n").write(toFile: dir + "/second.trec", atomically: true, encoding: .utf8)
        r = try CLI.run(["eval", "--qrels", dir + "/q3.txt", "--run", dir + "/first.trec", "--run", dir + "/second.trec", "--measures", "mrr", "--json"])
        #expect(r.status == 0, "\(r.err)")
        let tests = ((try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])?["runs"] as? [[String: Any]])?.last?["tests"] as? [String: [String: Any]]
        #expect(tests?["MRR"]?["p"] as? Double == 0 && tests?["MRR"]?["t"] == nil && tests?["MRR"]?["difference"] as? Double == -0.5)
        // bad input: named by file, line and field
        try "S1 Q0 P1 1 0.5 t\nS1 Q0 P2 2 lots t\n".write(toFile: dir + "/bad.trec", atomically: true, encoding: .utf8)
        r = try CLI.run(["eval", "--qrels", dir + "/qrels.txt", "--run", dir + "/bad.trec"])
        #expect(r.status == 1 && r.err.contains("bad.trec:2: field 'score'"))
    }

    @Test("hygiene: JobMatch's own run breaks no constraint; a run that does is caught, unknown ids are counted")
    func hygiene() throws {
        let dir = try temporaryDirectory("hygiene")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try CLI.run(["sample", "--out", dir, "--postings", "500", "--seekers", "40"]).status == 0)
        #expect(try CLI.run(["index", "--postings", dir + "/postings.jsonl", "--out", dir + "/index"]).status == 0)
        var r = try CLI.run(["recommend", "--index", dir + "/index", "--seekers", dir + "/seekers.jsonl", "--all", "--format", "trec",
                             "--as-of", "2026-11-27", "--top", "10"])
        try r.out.write(toFile: dir + "/ours.trec", atomically: true, encoding: .utf8)
        let common = ["hygiene", "--index", dir + "/index", "--seekers", dir + "/seekers.jsonl", "--as-of", "2026-11-27", "--json"]
        r = try CLI.run(common + ["--run", dir + "/ours.trec"])
        #expect(r.status == 0, "\(r.err)")
        var report = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        var overall = try #require(report["overall"] as? [String: Any])
        #expect((overall["recommendations"] as? Int ?? 0) > 100)
        for field in ["constraintViolations", "closed", "expired", "nearDuplicates"] { #expect(overall[field] as? Int == 0, "\(field)") }
        // "another system": every seeker with a region gets every posting outside it, plus unknown ids
        let seekers = try String(contentsOfFile: dir + "/seekers.jsonl", encoding: .utf8).split(separator: "\n")
        let postings = try String(contentsOfFile: dir + "/postings.jsonl", encoding: .utf8).split(separator: "\n")
        func field(_ line: Substring, _ name: String) -> Any? {
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?[name]
        }
        var lines: [String] = [], expected = 0
        for s in seekers {
            guard let regions = field(s, "regions") as? [String], let first = regions.first, regions.count == 1, !first.contains(" ") else { continue }
            let id = field(s, "id") as! String
            var rank = 0
            for p in postings {
                guard let region = field(p, "region") as? String, !region.hasPrefix(first), rank < 5 else { continue }
                rank += 1
                lines.append("\(id) Q0 \(field(p, "id") as! String) \(rank) \(10 - rank) other")
            }
            expected += rank
        }
        lines.append("NOSUCHSEEKER Q0 P000001 1 1 other")
        lines.append("\(field(seekers[0], "id") as! String) Q0 NOSUCHPOSTING 9 0.001 other")
        try lines.joined(separator: "\n").write(toFile: dir + "/other.trec", atomically: true, encoding: .utf8)
        r = try CLI.run(common + ["--run", dir + "/other.trec"])
        #expect(r.status == 0, "\(r.err)")
        report = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        overall = try #require(report["overall"] as? [String: Any])
        #expect(expected > 10)
        #expect(overall["outsideRegion"] as? Int == expected)
        #expect(report["unknownSeekers"] as? Int == 1 && report["unknownPostings"] as? Int == 1)
        r = try CLI.run(Array(common.dropLast()) + ["--run", dir + "/other.trec"])
        #expect(r.out.contains("constraint violations") && r.out.contains("seeker 시도"))
    }

    @Test("calibrate: out-of-fold figures, a model with calibration.json and provenance; 적합도 follows the score")
    func calibrate() throws {
        let dir = try temporaryDirectory("calibrate")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try CLI.run(["sample", "--out", dir, "--postings", "800", "--seekers", "120"]).status == 0)
        #expect(try CLI.run(["index", "--postings", dir + "/postings.jsonl", "--out", dir + "/index"]).status == 0)
        var r = try CLI.run(["calibrate", "--index", dir + "/index", "--seekers", dir + "/seekers.jsonl", "--qrels", dir + "/qrels.txt",
                             "--out", dir + "/cal", "--as-of", "2026-11-27", "--json"])
        #expect(r.status == 0, "\(r.err)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let heldOut = try #require(summary["heldOut"] as? [String: Double])
        #expect((heldOut["expectedCalibrationError"] ?? 1) < 0.1)
        #expect((heldOut["scoreCorrelation"] ?? 0) > 0.3)
        let manifest = try String(contentsOfFile: dir + "/cal/manifest.json", encoding: .utf8)
        #expect(manifest.contains("calibration.json") && manifest.contains("provenance") && manifest.contains("qrels.txt sha256:"))
        r = try CLI.run(["recommend", "--index", dir + "/index", "--seekers", dir + "/seekers.jsonl", "--seeker", "S00003", "--top", "8",
                         "--as-of", "2026-11-27", "--model", dir + "/cal", "--json"])
        #expect(r.status == 0, "\(r.err)")
        let recs = try #require((try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])?["recommendations"] as? [[String: Any]])
        let probabilities = recs.compactMap { $0["fitProbability"] as? Double }
        #expect(probabilities.count == recs.count && !recs.isEmpty)
        #expect(zip(probabilities, probabilities.dropFirst()).allSatisfy { $0 >= $1 }, "적합도 must not rise down the list")
        r = try CLI.run(["recommend", "--index", dir + "/index", "--seekers", dir + "/seekers.jsonl", "--seeker", "S00003", "--top", "3",
                         "--as-of", "2026-11-27", "--model", dir + "/cal"])
        #expect(r.out.contains("적합도") && r.out.contains("%"))
        // the default model has no calibration: no column, no field
        r = try CLI.run(["recommend", "--index", dir + "/index", "--seekers", dir + "/seekers.jsonl", "--seeker", "S00003", "--top", "3", "--as-of", "2026-11-27"])
        #expect(!r.out.contains("적합도"))
    }

    @Test("tune: out-of-fold figure, a model with the tuned ranking.json; its figures equal jobmatch eval of the same runs")
    func tune() throws {
        let dir = try temporaryDirectory("tune")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try CLI.run(["sample", "--out", dir, "--postings", "300", "--seekers", "40"]).status == 0)
        var r = try CLI.run(["tune", "--postings", dir + "/postings.jsonl", "--seekers", dir + "/seekers.jsonl", "--qrels", dir + "/qrels.txt",
                             "--out", dir + "/tuned", "--folds", "2", "--rounds", "1", "--knobs", "k1,seekerTitle,occupationExact", "--depth", "10",
                             "--as-of", "2026-11-27", "--json"])
        #expect(r.status == 0, "\(r.err)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let base = try #require(result["baseMean"] as? Double), inSample = try #require(result["inSampleMean"] as? Double)
        #expect(result["outOfFoldMean"] is Double && (result["foldChanges"] as? [Any])?.count == 2)
        #expect(inSample >= base)
        let manifest = try String(contentsOfFile: dir + "/tuned/manifest.json", encoding: .utf8)
        #expect(manifest.contains("outOfFoldMean") && manifest.contains("searchSpace") && manifest.contains("postings.jsonl sha256:"))
        // a folder that holds something, or the current model's own folder, is never written into
        let tuneArgs = ["tune", "--postings", dir + "/postings.jsonl", "--seekers", dir + "/seekers.jsonl", "--qrels", dir + "/qrels.txt",
                        "--folds", "2", "--rounds", "1", "--knobs", "k1,k1", "--depth", "10", "--as-of", "2026-11-27"]
        r = try CLI.run(tuneArgs + ["--out", dir + "/tuned"])
        #expect(r.status == 2 && r.err.contains("not empty"))
        r = try CLI.run(tuneArgs + ["--out", Fixtures.repositoryRoot + "/Models/default"])
        #expect(r.status == 2 && r.err.contains("own folder"))
        r = try CLI.run(tuneArgs + ["--out", dir + "/tuned-again", "--json"])  // a repeated knob is tried once
        #expect(r.status == 0, "\(r.err)")
        // the tuner's figures are jobmatch eval's figures of the same lists (every judged seeker, -c)
        #expect(try CLI.run(["index", "--postings", dir + "/postings.jsonl", "--out", dir + "/index"]).status == 0)
        #expect(try CLI.run(["index", "--postings", dir + "/postings.jsonl", "--out", dir + "/index-tuned", "--model", dir + "/tuned"]).status == 0)
        for (index, model, expected) in [("index", nil, base), ("index-tuned", dir + "/tuned", inSample)] {
            r = try CLI.run(["recommend", "--index", dir + "/" + index, "--seekers", dir + "/seekers.jsonl", "--all", "--format", "trec",
                             "--top", "10", "--as-of", "2026-11-27"] + (model.map { ["--model", $0] } ?? []))
            try r.out.write(toFile: dir + "/run.trec", atomically: true, encoding: .utf8)
            r = try CLI.run(["eval", "--qrels", dir + "/qrels.txt", "--run", dir + "/run.trec", "--complete", "--measures", "ndcg@10", "--json"])
            let means = try #require(((try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])?["runs"] as? [[String: Any]])?.first?["means"] as? [String: Double])
            #expect(abs((means["nDCG@10"] ?? -1) - expected) < 1e-12, "\(index)")
        }
    }

    @Test("catalog: ingest counts, rejected lines named but valid ones kept, close/reopen/delete, verify, index from the catalog")
    func catalog() throws {
        let dir = try temporaryDirectory("catalog")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try CLI.run(["sample", "--out", dir, "--postings", "200", "--seekers", "20"]).status == 0)
        let data = ["--data-dir", dir + "/data"]
        var r = try CLI.run(["ingest", "postings", dir + "/postings.jsonl", "--json"] + data)
        #expect(r.status == 0, "\(r.err)")
        var counts = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Int])
        #expect(counts == ["inserted": 200, "updated": 0, "unchanged": 0, "rejected": 0])
        // a second file: two changed records, one new, one bad line
        var lines = try String(contentsOfFile: dir + "/postings.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
        lines[0] = lines[0].replacingOccurrences(of: "\"title\":\"", with: "\"title\":\"[수정] ")
        lines[1] = lines[1].replacingOccurrences(of: "\"title\":\"", with: "\"title\":\"[수정] ")
        let extra = [lines[0], lines[1], lines[2], #"{"id":"NEW1","title":"지게차 기사"}"#, #"{"id":"BAD1","title":"x","salaryMin":"많이"}"#]
        try extra.joined(separator: "\n").write(toFile: dir + "/more.jsonl", atomically: true, encoding: .utf8)
        r = try CLI.run(["ingest", "postings", dir + "/more.jsonl", "--json"] + data)
        #expect(r.status == 1, "a rejected line makes the exit status 1")
        #expect(r.err.contains("more.jsonl:5") && r.err.contains("salaryMin"))
        counts = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Int])
        #expect(counts == ["inserted": 1, "updated": 2, "unchanged": 1, "rejected": 1])
        #expect(try CLI.run(["ingest", "seekers", dir + "/seekers.jsonl"] + data).status == 0)
        // close two, one twice; an unknown id is named and exits 1
        let first = try #require(lines.first.flatMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }?["id"] as? String)
        r = try CLI.run(["close", first, "NEW1", "NOPE"] + data)
        #expect(r.status == 1 && r.out.contains("closed 2") && r.err.contains("NOPE"))
        #expect(try CLI.run(["reopen", "NEW1"] + data).out.contains("reopened 1"))
        #expect(try CLI.run(["delete", "postings", "NEW1"] + data).out.contains("deleted 1"))
        r = try CLI.run(["verify"] + data)
        #expect(r.status == 0 && r.out.contains("200 postings") && r.out.contains("20 seekers"), "\(r.out)\(r.err)")
        // the index built from the catalog never recommends the closed posting
        r = try CLI.run(["index", "--out", dir + "/index", "--json"] + data)
        #expect(r.status == 0, "\(r.err)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        #expect(summary["postings"] as? Int == 200)
        r = try CLI.run(["recommend", "--index", dir + "/index", "--seekers", dir + "/seekers.jsonl", "--all", "--format", "trec", "--top", "200", "--as-of", "2026-11-27"])
        #expect(r.status == 0 && !r.out.isEmpty && !r.out.contains(" \(first) "))
    }

    @Test("incremental index: ingest, close and delete reach DATA/index as a delta; recommend --data-dir sees them; compact; a damaged index is rebuilt, never served")
    func incrementalIndex() throws {
        let dir = try temporaryDirectory("incremental")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try CLI.run(["sample", "--out", dir, "--postings", "300", "--seekers", "20"]).status == 0)
        let data = ["--data-dir", dir + "/data"]
        #expect(try CLI.run(["ingest", "postings", dir + "/postings.jsonl"] + data).status == 0)
        #expect(try CLI.run(["ingest", "seekers", dir + "/seekers.jsonl"] + data).status == 0)
        var r = try CLI.run(["index"] + data)
        #expect(r.status == 0 && r.out.contains("data/index"), "\(r.out)\(r.err)")
        func meta() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/data/index/index.json"))) as? [String: Any])
        }
        let firstSegment = try meta()["segment"] as? String
        func trec() throws -> String {
            let r = try CLI.run(["recommend", "--all", "--format", "trec", "--top", "300", "--as-of", "2026-11-27"] + data)
            #expect(r.status == 0, "\(r.err)")
            return r.out
        }
        let before = try trec()
        // the posting recommended most often is closed: the index gets a deletion mark and a delta
        var counts: [String: Int] = [:]
        for line in before.split(separator: "\n") { counts[String(line.split(separator: " ")[2]), default: 0] += 1 }
        let popular = try #require(counts.max { $0.value == $1.value ? $0.key > $1.key : $0.value < $1.value }?.key)
        r = try CLI.run(["close", popular] + data)
        #expect(r.status == 0 && r.out.contains("index: 1 changed, 0 deleted → delta 1 postings, 1 deletion marks"), "\(r.out)\(r.err)")
        var m = try meta()
        #expect(m["segment"] as? String == firstSegment, "no full rebuild")
        #expect((m["deleted"] as? [String]) == [popular] && m["deltaDocuments"] as? Int == 1)
        let afterClose = try trec()
        #expect(!afterClose.contains(" \(popular) ") && afterClose != before)
        // the same as an index built from scratch on the same catalog
        #expect(try CLI.run(["index", "--out", dir + "/fresh"] + data).status == 0)
        r = try CLI.run(["recommend", "--index", dir + "/fresh", "--seekers", dir + "/seekers.jsonl", "--all", "--format", "trec", "--top", "300", "--as-of", "2026-11-27"])
        #expect(r.out == afterClose, "incremental and fresh indexes rank identically")
        // compaction merges the delta into a new segment; rankings unchanged
        r = try CLI.run(["compact"] + data)
        #expect(r.status == 0 && r.out.contains("compacted"), "\(r.out)\(r.err)")
        m = try meta()
        #expect(m["segment"] as? String != firstSegment && m["delta"] == nil && (m["deleted"] as? [String])?.isEmpty == true)
        #expect(try trec() == afterClose)
        #expect(try CLI.run(["verify"] + data).status == 0)
        // a damaged segment is refused and rebuilt from the catalog by recommend --data-dir
        let segment = dir + "/data/index/" + (try #require(m["segment"] as? String))
        var bytes = [UInt8](FileManager.default.contents(atPath: segment)!)
        bytes[bytes.count / 2] ^= 0x10
        #expect(FileManager.default.createFile(atPath: segment, contents: Data(bytes)))
        r = try CLI.run(["recommend", "--all", "--format", "trec", "--top", "300", "--as-of", "2026-11-27"] + data)
        #expect(r.status == 0 && r.err.contains("refused") && r.err.contains("CRC-32C mismatch") && r.err.contains("rebuilt from the catalog"), "\(r.err)")
        #expect(r.out == afterClose)
        #expect(try CLI.run(["verify"] + data).status == 0)
    }

    @Test("snapshot and restore: the restored catalog is the snapshot's; a damaged snapshot is refused and changes nothing")
    func snapshotRestore() throws {
        let dir = try temporaryDirectory("snapshot")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try CLI.run(["sample", "--out", dir, "--postings", "150", "--seekers", "10"]).status == 0)
        let data = ["--data-dir", dir + "/data"]
        #expect(try CLI.run(["ingest", "postings", dir + "/postings.jsonl"] + data).status == 0)
        #expect(try CLI.run(["index", "--out", dir + "/data/index"] + data).status == 0)
        var r = try CLI.run(["snapshot", dir + "/snap"] + data)
        #expect(r.status == 0 && r.out.contains("150 postings"), "\(r.err)")
        let manifest = try String(contentsOfFile: dir + "/snap/snapshot.json", encoding: .utf8)
        func segment(_ indexDir: String) throws -> String {
            let m = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: indexDir + "/index.json"))) as? [String: Any]
            return try #require(m?["segment"] as? String)
        }
        let snapSegment = try segment(dir + "/snap/index")
        #expect(manifest.contains("catalog.sqlite") && manifest.contains("index/" + snapSegment))
        // the catalog moves on: seekers added, postings deleted
        #expect(try CLI.run(["ingest", "seekers", dir + "/seekers.jsonl"] + data).status == 0)
        let firstID = try #require(try String(contentsOfFile: dir + "/postings.jsonl", encoding: .utf8).split(separator: "\n").first
            .flatMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }?["id"] as? String)
        #expect(try CLI.run(["delete", "postings", firstID] + data).status == 0)
        // a damaged snapshot is refused before anything changes
        try FileManager.default.copyItem(atPath: dir + "/snap", toPath: dir + "/bad")
        var bytes = [UInt8](FileManager.default.contents(atPath: dir + "/bad/index/" + snapSegment)!)
        bytes[bytes.count / 3] ^= 0x40
        #expect(FileManager.default.createFile(atPath: dir + "/bad/index/" + snapSegment, contents: Data(bytes)))
        r = try CLI.run(["restore", dir + "/bad"] + data)
        #expect(r.status == 1 && r.err.contains("index/\(snapSegment): checksum mismatch"), "\(r.err)")
        #expect(try CLI.run(["verify"] + data).out.contains("149 postings"))
        // the good one restores the state it recorded
        r = try CLI.run(["restore", dir + "/snap"] + data)
        #expect(r.status == 0 && r.out.contains("150 postings, 0 seekers"), "\(r.out)\(r.err)")
        r = try CLI.run(["verify"] + data)
        #expect(r.status == 0 && r.out.contains("150 postings") && r.out.contains("0 seekers"))
        #expect(try CLI.run(["stats", "--index", dir + "/data/index"]).status == 0)
        #expect(try CLI.run(["snapshot", dir + "/snap"] + data).status == 2, "never into a used folder")
        // a damaged index is refused by verify, naming file and section, and rebuilt with --repair
        let liveSegment = dir + "/data/index/" + (try segment(dir + "/data/index"))
        var index = [UInt8](FileManager.default.contents(atPath: liveSegment)!)
        index[index.count - 200] ^= 0x01
        #expect(FileManager.default.createFile(atPath: liveSegment, contents: Data(index)))
        r = try CLI.run(["verify"] + data)
        #expect(r.status == 1 && r.err.contains(".bin: section 'records': CRC-32C mismatch"), "\(r.err)")
        #expect(try CLI.run(["stats", "--index", dir + "/data/index"]).status == 2, "never served")
        r = try CLI.run(["verify", "--repair"] + data)
        #expect(r.status == 0 && r.out.contains("rebuilt"), "\(r.out)\(r.err)")
        #expect(try CLI.run(["stats", "--index", dir + "/data/index"]).status == 0)
        // a stale index (an older copy put back after the catalog changed) is reported, and repaired
        try FileManager.default.copyItem(atPath: dir + "/data/index", toPath: dir + "/old-index")
        #expect(try CLI.run(["close", firstID] + data).status == 0)
        try FileManager.default.removeItem(atPath: dir + "/data/index")
        try FileManager.default.moveItem(atPath: dir + "/old-index", toPath: dir + "/data/index")
        r = try CLI.run(["verify"] + data)
        #expect(r.status == 1 && r.err.contains("stale"), "\(r.err)")
        #expect(try CLI.run(["verify", "--repair"] + data).status == 0)
        r = try CLI.run(["verify"] + data)
        #expect(r.status == 0 && r.out.contains("equal to the catalog"), "\(r.out)")
    }

    @Test("--help shows examples for every command")
    func help() throws {
        let r = try CLI.run(["--help"])
        #expect(r.status == 0)
        for c in ["demo", "sample", "index", "recommend", "why-not", "search", "stats"] { #expect(r.out.contains(c)) }
        for c in ["index", "recommend", "why-not", "candidates", "search", "stats", "sample", "demo", "doctor", "train", "batch", "eval", "hygiene", "calibrate", "tune", "ingest", "close", "reopen", "delete", "verify", "snapshot", "restore"] {
            let h = try CLI.run([c, "--help"])
            #expect(h.status == 0 && h.out.contains("jobmatch \(c)"), "\(c) --help lacks an example")
        }
    }
}
