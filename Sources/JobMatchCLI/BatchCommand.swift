import ArgumentParser
import Foundation
import JobMatchEval
import JobMatchKernels
import JobMatchRanking

// MARK: batch

/// The nightly batch: every seeker of a file against every open posting.
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Rank open postings for every seeker: a TREC run and a JSON Lines file with reasons (shardable, resumable).",
        subcommands: [BatchRunCommand.self, BatchMergeCommand.self],
        defaultSubcommand: BatchRunCommand.self)
}

struct BatchRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Score every seeker (or one shard of them) and write run.trec and recommendations.jsonl.",
        discussion: """
            Seekers are processed in blocks of --block; each finished block is written atomically
            under OUT/blocks, so a batch restarted with the same arguments skips the blocks already
            done and produces the same bytes. With --shard i/n the run covers the i-th of n contiguous
            slices of the seekers file and writes run.shard-i-of-n.trec and
            recommendations.shard-i-of-n.jsonl; `jobmatch batch merge` joins the n shards into exactly
            the unsharded output. Results are identical for any --workers.

            With a dense model (ranking.json denseWeight > 0) each worker scores its seekers against
            every open posting with one cblas_sgemm per group of seekers, and OpenBLAS is limited to
            cores ÷ workers threads so the two never oversubscribe the machine (an
            OPENBLAS_NUM_THREADS you set is kept: keep workers × OPENBLAS_NUM_THREADS within the
            cores).

            Examples:
              jobmatch batch --index sample/index --seekers sample/seekers.jsonl --out nightly
              jobmatch batch --index sample/index --seekers sample/seekers.jsonl --out nightly --shard 0/4
              jobmatch batch merge --out nightly --shards 4
            """)

    @Option(help: "Index directory.") var index: String
    @Option(help: "Seekers, JSON Lines.") var seekers: String
    @Option(help: "Output directory.") var out: String
    @Option(help: "Postings per seeker.") var top = 30
    @Option(help: "Seekers per block (the unit of resumption).") var block = 256
    @Option(help: "Worker threads (default: the number of cores).") var workers = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Process shard i of n (i/n, 0-based).") var shard: String?
    @Option(help: "Date deadlines are checked against, YYYY-MM-DD (default: today in Korea).") var asOf: String?
    @Flag(help: "Exit 0 even when some seeker records were rejected.") var allowInvalid = false
    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard (1...10_000).contains(top) else { throw ValidationError("--top must be within 1...10000") }
        guard (1...100_000).contains(block) else { throw ValidationError("--block must be within 1...100000") }
        guard (1...256).contains(workers) else { throw ValidationError("--workers must be within 1...256") }
        if let shard { _ = try Self.parseShard(shard) }
    }

    static func parseShard(_ s: String) throws -> (index: Int, count: Int) {
        let parts = s.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (0..<n).contains(i) else {
            throw ValidationError("--shard: expected i/n with 0 ≤ i < n, got '\(s)'")
        }
        return (i, n)
    }

    func run() throws {
        let day = try Steps.asOf(asOf)
        let model = try Steps.model(modelOptions)
        let engine = try Steps.engine(index: index, model: model)
        let all = try Steps.seekers(seekers, allowInvalid: allowInvalid)
        let (shardIndex, shardCount) = try shard.map(Self.parseShard) ?? (0, 1)
        let lo = all.count * shardIndex / shardCount, hi = all.count * (shardIndex + 1) / shardCount
        let mine = Array(all[lo..<hi])
        let suffix = shard == nil ? "" : ".shard-\(shardIndex)-of-\(shardCount)"
        let blocksDir = out + "/blocks" + suffix
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: blocksDir, withIntermediateDirectories: true) } catch {
            Console.err("error: \(blocksDir): cannot create (\(error.localizedDescription))")
            throw ExitCode(2)
        }
        let tag = "jobmatch-\(model.name)"
        let blockCount = (mine.count + block - 1) / block
        let todo = (0..<blockCount).filter { !fm.fileExists(atPath: Self.blockPath(blocksDir, $0, "jsonl")) }
        if todo.count < blockCount { Console.err("resuming: \(blockCount - todo.count) of \(blockCount) blocks already done") }
        let failures = Locked<[String]>([])
        let done = Locked(blockCount - todo.count)
        let started = Date()
        let size = block, k = top
        let dense = engine.hasDenseStage
        if dense { BLASThreads.share(workers: workers) }
        let denseRows = Self.denseRows(postings: engine.postings.count)
        // the long lists split by province (see `recommend(batch:)`): worth it over many seekers
        let partition = todo.count * size >= 256 ? engine.regionPartition() : nil
        DispatchQueue.concurrentPerform(iterations: min(workers, max(1, todo.count))) { worker in
            var scratch = RankingScratch(documentCount: engine.postings.count)
            var cosines = DenseMatrix(rows: 0, cols: 0)
            for (n, b) in todo.enumerated() where n % workers == worker {
                var trec: [UInt8] = [], jsonl = ""
                let blockSeekers = mine[(b * size)..<min(mine.count, (b + 1) * size)]
                var from = blockSeekers.startIndex
                while from < blockSeekers.endIndex {
                    // dense stage: one sgemm for up to denseRows seekers × every posting
                    let part = blockSeekers[from..<min(blockSeekers.endIndex, from + denseRows)]
                    let queries = part.map(engine.query(for:))
                    if dense { engine.denseCosineBlock(queries, into: &cosines) }
                    let ranked = engine.recommend(batch: Array(part), queries: queries, top: k, asOf: day, explain: true, scratch: &scratch, partition: partition,
                                                  denseCosines: { dense ? DenseCosines(block: cosines, row: $0) : nil })
                    for (row, s) in part.enumerated() {
                        let recs = ranked[row]
                        for r in recs { Run.appendLine(to: &trec, query: s.id, doc: r.postingID, rank: r.rank, score: r.score, tag: tag) }
                        jsonl += Console.jsonLine(SeekerResult(seekerId: s.id, asOf: day.description,
                                                               recommendations: recs.map { RecommendationJSON($0, engine.postings[Int($0.doc)], explain: true) })) + "\n"
                    }
                    from = part.endIndex
                }
                do {
                    try Self.atomicWrite(Data(trec), to: Self.blockPath(blocksDir, b, "trec"))
                    try Self.atomicWrite(jsonl, to: Self.blockPath(blocksDir, b, "jsonl"))  // written last: marks the block done
                } catch {
                    failures.withLock { $0.append("block \(b): \(error.localizedDescription)") }
                }
                let finished = done.withLock { $0 += 1; return $0 }
                let rate = Double(finished * size) / max(0.001, Date().timeIntervalSince(started))
                Console.progress("batch: \(finished)/\(blockCount) blocks, \(Int(rate)) seekers/s, ETA \(Int(Double(blockCount - finished) * Double(size) / max(rate, 1))) s")
            }
        }
        Console.progressDone()
        let problems = failures.withLock { $0 }
        if !problems.isEmpty {
            for p in problems { Console.err("error: \(p)") }
            throw ExitCode(2)
        }
        do {
            try Self.concatenate((0..<blockCount).map { Self.blockPath(blocksDir, $0, "trec") }, to: out + "/run\(suffix).trec")
            try Self.concatenate((0..<blockCount).map { Self.blockPath(blocksDir, $0, "jsonl") }, to: out + "/recommendations\(suffix).jsonl")
        } catch {
            Console.err("error: \(out): cannot write the outputs (\(error.localizedDescription))")
            throw ExitCode(2)
        }
        Console.out("batch: \(mine.count) seekers (\(shard.map { "shard \($0)" } ?? "all")), top \(top) → \(out)/run\(suffix).trec, \(out)/recommendations\(suffix).jsonl")
    }

    /// Seekers per dense sgemm: as many as fit a 64 MB block of cosines (8 to 256).
    static func denseRows(postings: Int) -> Int {
        min(256, max(8, (16 << 20) / max(1, postings)))
    }

    static func blockPath(_ dir: String, _ b: Int, _ ext: String) -> String {
        let n = String(b)
        return dir + "/" + String(repeating: "0", count: max(0, 6 - n.count)) + n + "." + ext
    }

    /// Temporary name, fsync, rename(2), directory fsync (as the index files are written): a
    /// block file that exists is complete, also after a power cut.
    static func atomicWrite(_ data: Data, to path: String) throws {
        let tmp = path + ".tmp"
        guard FileManager.default.createFile(atPath: tmp, contents: data) else { throw JobMatchError("\(tmp): cannot be written") }
        try FileSystem.atomicReplace(path, with: tmp)
    }

    static func atomicWrite(_ text: String, to path: String) throws { try atomicWrite(Data(text.utf8), to: path) }

    static func concatenate(_ parts: [String], to path: String) throws {
        var data = Data()
        for p in parts {
            guard let d = FileManager.default.contents(atPath: p) else { throw JobMatchError("\(p): missing") }
            data.append(d)
        }
        try atomicWrite(data, to: path)
    }
}

struct BatchMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the outputs of n shards into run.trec and recommendations.jsonl (exactly the unsharded output).",
        discussion: "Example: jobmatch batch merge --out nightly --shards 4")

    @Option(help: "The output directory the shards wrote to.") var out: String
    @Option(help: "Number of shards.") var shards: Int

    func validate() throws {
        guard (1...100_000).contains(shards) else { throw ValidationError("--shards must be within 1...100000") }
    }

    func run() throws {
        for (name, ext) in [("run", "trec"), ("recommendations", "jsonl")] {
            let parts = (0..<shards).map { "\(out)/\(name).shard-\($0)-of-\(shards).\(ext)" }
            if let missing = parts.first(where: { !FileManager.default.fileExists(atPath: $0) }) {
                Console.err("error: \(missing): missing — run that shard first")
                throw ExitCode(2)
            }
            do { try BatchRunCommand.concatenate(parts, to: "\(out)/\(name).\(ext)") } catch {
                Console.err("error: \(error)")
                throw ExitCode(2)
            }
        }
        Console.out("merged \(shards) shards → \(out)/run.trec, \(out)/recommendations.jsonl")
    }
}

enum BLASThreads {
    /// Each worker runs its own BLAS calls: together they must not oversubscribe the cores, so
    /// OpenBLAS gets cores ÷ workers threads — unless OPENBLAS_NUM_THREADS says otherwise.
    static func share(workers: Int) {
        guard workers > 1, ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil else { return }
        BLAS.setThreads(max(1, ProcessInfo.processInfo.activeProcessorCount / workers))
    }
}
