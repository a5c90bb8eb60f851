import ArgumentParser
import Foundation
import JobMatchKernels
import JobMatchRanking
import JobMatchStore

// MARK: the durable catalog (ingest, close, reopen, delete, verify)

struct DataDirOptions: ParsableArguments {
    @Option(name: .long, help: "Data directory holding catalog.sqlite (default: $JOBMATCH_DATA_DIR, else $XDG_DATA_HOME/jobmatch, else ~/.local/share/jobmatch).")
    var dataDir: String?

    init() {}
    init(dataDir: String?) { self.dataDir = dataDir }

    func open() throws -> Catalog {
        do { return try Catalog(directory: dataDir ?? Catalog.defaultDirectory()) } catch {
            Console.err("error: \(error)")
            throw ExitCode(2)
        }
    }
}

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Upsert postings or seekers from a JSON Lines file into the catalog, by id.",
        discussion: """
            Every line is validated and redacted as everywhere else; valid records are written in
            one transaction, acknowledged only after its commit (SQLite WAL, synchronous=FULL).
            When DATA/index exists, the changed postings are then applied to it incrementally
            (a delta segment and deletion marks, compacted past 10% of the index).
            Prints counts of inserted, updated, unchanged and rejected records; rejected lines are
            named on stderr (file:line: field) and make the exit status 1 unless --allow-invalid
            (the valid records are stored either way).

            Examples:
              jobmatch ingest postings sample/postings.jsonl --data-dir data
              jobmatch ingest seekers sample/seekers.jsonl --data-dir data --json
            """)

    @Argument(help: "What the file holds: postings or seekers.") var kind: String
    @Argument(help: "JSON Lines file.") var file: String
    @Flag(help: "Exit 0 even when some records were rejected.") var allowInvalid = false
    @Flag(help: "Print the counts as JSON.") var json = false
    @OptionGroup var data: DataDirOptions
    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard Catalog.Kind(rawValue: kind) != nil else { throw ValidationError("expected 'postings' or 'seekers', got '\(kind)'") }
    }

    func run() throws {
        let catalog = try data.open()
        var counts: Catalog.Counts
        let rejected: Int
        do {
            if kind == "postings" {
                let report = try Steps.report(file, allowInvalid: true, JSONLines.loadPostings)
                counts = try catalog.upsert(postings: report.records)
                rejected = report.errors.count
            } else {
                let report = try Steps.report(file, allowInvalid: true, JSONLines.loadSeekers)
                counts = try catalog.upsert(seekers: report.records)
                rejected = report.errors.count
            }
        } catch let e as ExitCode { throw e } catch {
            Console.err("error: \(catalog.path): the ingest was not committed; the catalog is as before (\(catalog.explain(error)))")
            throw ExitCode(2)
        }
        counts.rejected = rejected
        if json { Console.out(Console.json(counts)) } else {
            Console.out("\(kind): \(counts.inserted) inserted, \(counts.updated) updated, \(counts.unchanged) unchanged, \(counts.rejected) rejected → \(catalog.path)")
        }
        if kind == "postings" { try refreshIndex(catalog, modelOptions) }
        if rejected > 0 && !allowInvalid { throw ExitCode(1) }
    }

}

struct ClosePostingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close", abstract: "Close postings in the catalog (kept and marked closed; an index built from the catalog never recommends them).",
        discussion: "Example: jobmatch close P000123 P000456 --data-dir data")
    @Argument(help: "Posting ids.") var ids: [String]
    @OptionGroup var data: DataDirOptions
    @OptionGroup var modelOptions: ModelOptions
    func run() throws { try setOpen(ids, open: false, data: data, modelOptions) }
}

struct ReopenPostingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reopen", abstract: "Reopen closed postings in the catalog.",
        discussion: "Example: jobmatch reopen P000123 --data-dir data")
    @Argument(help: "Posting ids.") var ids: [String]
    @OptionGroup var data: DataDirOptions
    @OptionGroup var modelOptions: ModelOptions
    func run() throws { try setOpen(ids, open: true, data: data, modelOptions) }
}

/// After a change to the catalog's postings: applies it to DATA/index when there is one (never
/// creates one; one built with another model is left alone, with a note).
func refreshIndex(_ catalog: Catalog, _ modelOptions: ModelOptions) throws {
    let dir = IndexMaintenance.indexDirectory(of: catalog)
    guard FileManager.default.fileExists(atPath: dir + "/index.json") else { return }
    do {
        let model: Model
        do { model = try Model.load(directory: Model.locate(explicit: modelOptions.model)) } catch {
            Console.err("warning: the catalog change is committed, but \(dir) was not updated: the model does not load (\(error))")
            return
        }
        switch try IndexMaintenance.refresh(catalog, indexDirectory: dir, model: model, rebuild: false) {
        case .current, .missing: break
        case .updated(let s):
            Console.out(s.compacted
                ? "index: \(s.upserted) changed, \(s.deleted) deleted → compacted into a new segment of \(s.segmentDocuments) postings (\(dir))"
                : "index: \(s.upserted) changed, \(s.deleted) deleted → delta \(s.deltaDocuments) postings, \(s.deletionMarks) deletion marks (\(dir))")
        case .rebuilt(let reason): Console.out("index: rebuilt from the catalog (\(reason))")
        case .otherModel(let m): Console.err("note: \(dir) was built with model \(m); not updated — rebuild it with `jobmatch index --data-dir … --model …`")
        case .refused(let why): Console.err("warning: \(dir) is refused (\(why)); it is rebuilt when next used, or run `jobmatch verify --repair`")
        }
    } catch {
        Console.err("warning: the catalog change is committed, but \(dir) was not updated (\(error)); it catches up when next used")
    }
}

func setOpen(_ ids: [String], open: Bool, data: DataDirOptions, _ modelOptions: ModelOptions) throws {
    let catalog = try data.open()
    let r: (changed: [String], unchanged: [String], missing: [String])
    do { r = try catalog.setOpen(ids, open: open) } catch {
        Console.err("error: \(catalog.path): nothing was changed (\(catalog.explain(error)))")
        throw ExitCode(2)
    }
    Console.out("\(open ? "reopened" : "closed") \(r.changed.count), already \(open ? "open" : "closed") \(r.unchanged.count), unknown \(r.missing.count)")
    for id in r.missing { Console.err("unknown posting: \(id)") }
    if !r.changed.isEmpty { try refreshIndex(catalog, modelOptions) }
    if !r.missing.isEmpty { throw ExitCode(1) }
}

struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete postings or seekers from the catalog by id.",
        discussion: "Example: jobmatch delete postings P000123 --data-dir data")
    @Argument(help: "postings or seekers.") var kind: String
    @Argument(help: "Ids.") var ids: [String]
    @OptionGroup var data: DataDirOptions
    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard Catalog.Kind(rawValue: kind) != nil else { throw ValidationError("expected 'postings' or 'seekers', got '\(kind)'") }
    }

    func run() throws {
        let catalog = try data.open()
        let r: (deleted: [String], missing: [String])
        do { r = try catalog.delete(Catalog.Kind(rawValue: kind)!, ids: ids) } catch {
            Console.err("error: \(catalog.path): nothing was deleted (\(catalog.explain(error)))")
            throw ExitCode(2)
        }
        Console.out("deleted \(r.deleted.count), unknown \(r.missing.count)")
        for id in r.missing { Console.err("unknown \(kind == "postings" ? "posting" : "seeker"): \(id)") }
        if kind == "postings" && !r.deleted.isEmpty { try refreshIndex(catalog, modelOptions) }
        if !r.missing.isEmpty { throw ExitCode(1) }
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the catalog (SQLite integrity, settings, every stored record) and DATA/index (every checksum, built from the current catalog).",
        discussion: """
            A damaged index (any section checksum), one built with other analyzer/BM25 settings, or
            one built before the catalog last changed is reported — it would never be served — and
            with --repair rebuilt from the catalog.

            Examples:
              jobmatch verify --data-dir data
              jobmatch verify --data-dir data --repair
            """)
    @OptionGroup var data: DataDirOptions
    @Flag(help: "Rebuild DATA/index from the catalog when it is damaged, mismatched or stale.") var repair = false
    @OptionGroup var modelOptions: ModelOptions

    func run() throws {
        let catalog = try data.open()
        var problems: [String] = []
        var postings: [Posting] = []
        do {
            let integrity = try catalog.integrityCheck()
            if integrity != ["ok"] { problems += integrity.map { "integrity_check: \($0)" } }
            if try catalog.writerSynchronous() != 2 { problems.append("synchronous is not FULL on the writer") }
            if try catalog.journalMode() != "wal" { problems.append("journal_mode is not WAL") }
            let p = try catalog.postings(), s = try catalog.seekers()
            problems += (p.errors + s.errors).map { "stored record does not validate: \($0)" }
            postings = p.records
            let summary = try catalog.summary()
            Console.out("\(catalog.path): \(summary.postings) postings (\(summary.openPostings) open), \(summary.seekers) seekers, \(summary.outcomes) outcomes")
        } catch {
            problems.append("\(error)")
        }
        let indexDir = IndexMaintenance.indexDirectory(of: catalog)
        if FileManager.default.fileExists(atPath: indexDir + "/index.json") {
            let model = try Steps.model(modelOptions)
            var indexProblem: String?
            do {
                let meta = try IndexDirectory.meta(indexDir)
                let engine = try IndexDirectory.load(indexDir, model: model)
                let generation = try catalog.generation()
                if engine.postings != postings {
                    indexProblem = "\(indexDir): stale — its \(engine.postings.count) postings differ from the catalog's \(postings.count) (index at catalog generation \(meta.catalogGeneration.map(String.init) ?? "none"), catalog at \(generation))"
                } else {
                    Console.out("\(indexDir): every section checksum ok, segment of \(meta.segmentDocuments) + delta of \(meta.deltaDocuments) postings, \(meta.deleted.count) deletion marks; equal to the catalog")
                }
            } catch {
                indexProblem = "\(error)"
            }
            if let indexProblem {
                if repair && problems.isEmpty {
                    Console.err("repairing: \(indexProblem)")
                    do {
                        _ = try IndexMaintenance.full(catalog, indexDir, model, reason: indexProblem)
                        let engine = try IndexDirectory.load(indexDir, model: model)
                        Console.out("rebuilt \(indexDir) from the catalog (\(engine.postings.count) postings)")
                    } catch {
                        problems.append("\(indexDir): rebuild failed (\(error))")
                    }
                } else {
                    problems.append(indexProblem + (repair ? " (not rebuilt: fix the catalog first)" : " — run with --repair to rebuild it from the catalog"))
                }
            }
        }
        for p in problems { Console.err("problem: \(p)") }
        if !problems.isEmpty { throw ExitCode(1) }
        Console.out("ok: integrity_check ok, WAL, synchronous FULL, every record validates")
    }
}

struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Merge DATA/index's delta and deletion marks into a new segment.",
        discussion: """
            Changes to the catalog's postings reach DATA/index as a delta segment plus deletion
            marks (ingest, close, reopen and delete apply them; recommend --data-dir catches up
            too). Opening an index with a delta merges it in memory; compaction writes the merged
            index as the new segment. It also happens automatically once the delta and marks pass
            10% of the segment. The statistics (document count, document frequencies, average
            lengths) are always those of exactly the live postings (docs/index-format.md).

            Example: jobmatch compact --data-dir data
            """)
    @OptionGroup var data: DataDirOptions
    @OptionGroup var modelOptions: ModelOptions

    func run() throws {
        let catalog = try data.open()
        let model = try Steps.model(modelOptions)
        let dir = IndexMaintenance.indexDirectory(of: catalog)
        do {
            guard FileManager.default.fileExists(atPath: dir + "/index.json") else {
                Console.err("error: \(dir): no index; build one with `jobmatch index --data-dir …`")
                throw ExitCode(2)
            }
            _ = try IndexMaintenance.refresh(catalog, indexDirectory: dir, model: model, rebuild: false, compactRatio: .infinity)
            let before = try IndexDirectory.meta(dir)
            if try IndexDirectory.compact(dir, model: model) {
                let after = try IndexDirectory.meta(dir)
                Console.out("compacted \(dir): segment of \(before.segmentDocuments) + delta of \(before.deltaDocuments) − \(before.deleted.count) marks → segment of \(after.segmentDocuments) postings")
            } else {
                Console.out("\(dir): nothing to compact (segment of \(before.segmentDocuments) postings, no delta)")
            }
        } catch let e as ExitCode { throw e } catch {
            Console.err("error: \(error)")
            throw ExitCode(2)
        }
    }
}

// MARK: snapshot / restore

/// `snapshot.json`: what a snapshot holds, with the SHA-256 of every file.
struct SnapshotManifest: Codable {
    var format = 1
    var files: [String: String]
    var summary: Catalog.Summary
}

struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Back up the data directory: an online SQLite backup of the catalog, the index directory if there is one, and a checksummed manifest.",
        discussion: """
            OUT must not exist (or be empty). The catalog is copied with SQLite's online backup, so
            a snapshot taken while an ingest runs is still consistent. DATA/index, when present,
            is copied file by file. OUT/snapshot.json lists every file with its SHA-256; `jobmatch
            restore` checks them before touching the data directory.

            Example: jobmatch snapshot backups/2026-11-27 --data-dir data
            """)
    @Argument(help: "Snapshot directory to create.") var out: String
    @OptionGroup var data: DataDirOptions

    func run() throws {
        let catalog = try data.open()
        let fm = FileManager.default
        if let existing = try? fm.contentsOfDirectory(atPath: out), !existing.isEmpty {
            Console.err("error: \(out): exists and is not empty; snapshots go to a new folder")
            throw ExitCode(2)
        }
        let dataDir = URL(fileURLWithPath: catalog.path).deletingLastPathComponent().path
        do {
            try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
            // the index first, then the catalog: the snapshot's index is never ahead of its
            // catalog, so after a restore it catches up instead of holding changes the catalog lacks
            if fm.fileExists(atPath: dataDir + "/index/index.json") {
                _ = try IndexDirectory.copyLive(dataDir + "/index", to: out + "/index")
            }
            try catalog.backup(to: out + "/catalog.sqlite")
            let files = try Snapshots.checksums(out)
            let manifest = SnapshotManifest(files: files, summary: try catalog.summary())
            try (Console.json(manifest) + "\n").write(toFile: out + "/snapshot.json", atomically: true, encoding: .utf8)
            Console.out("snapshot of \(dataDir): \(manifest.summary.postings) postings, \(manifest.summary.seekers) seekers, \(files.count) files → \(out)")
        } catch {
            Console.err("error: \(out): the snapshot failed (\(error)); remove the partial folder")
            throw ExitCode(2)
        }
    }
}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a snapshot into the data directory, after checking every file's checksum.",
        discussion: """
            Nothing is changed unless every file of the snapshot matches snapshot.json. The catalog
            is copied beside the live one and renamed over it (its -wal and -shm files removed
            first); DATA/index is replaced by the snapshot's. Stop services using the data
            directory first.

            Example: jobmatch restore backups/2026-11-27 --data-dir data
            """)
    @Argument(help: "Snapshot directory.") var snapshot: String
    @OptionGroup var data: DataDirOptions

    func run() throws {
        let fm = FileManager.default
        let manifest: SnapshotManifest
        do {
            guard let bytes = fm.contents(atPath: snapshot + "/snapshot.json") else { throw JobMatchError("\(snapshot)/snapshot.json: missing") }
            manifest = try JSONDecoder().decode(SnapshotManifest.self, from: bytes)
            let actual = try Snapshots.checksums(snapshot)
            for (file, sum) in manifest.files.sorted(by: { $0.key < $1.key }) where actual[file] != sum {
                throw JobMatchError("\(snapshot)/\(file): \(actual[file] == nil ? "missing" : "checksum mismatch"); nothing was restored")
            }
            if let extra = actual.keys.sorted().first(where: { manifest.files[$0] == nil }) {
                throw JobMatchError("\(snapshot)/\(extra): not listed in snapshot.json; nothing was restored")
            }
        } catch {
            Console.err("error: \(error)")
            throw ExitCode(1)
        }
        let dir = data.dataDir ?? Catalog.defaultDirectory()
        do {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let live = dir + "/catalog.sqlite", staged = dir + "/catalog.sqlite.restoring"
            if fm.fileExists(atPath: staged) { try fm.removeItem(atPath: staged) }
            try fm.copyItem(atPath: snapshot + "/catalog.sqlite", toPath: staged)
            for suffix in ["-wal", "-shm"] where fm.fileExists(atPath: live + suffix) { try fm.removeItem(atPath: live + suffix) }
            try FileSystem.atomicReplace(live, with: staged)
            if fm.fileExists(atPath: snapshot + "/index") {
                if fm.fileExists(atPath: dir + "/index") { try fm.removeItem(atPath: dir + "/index") }
                try fm.copyItem(atPath: snapshot + "/index", toPath: dir + "/index")
            }
        } catch {
            Console.err("error: \(dir): restore failed part-way (\(error)); restore again from the same snapshot")
            throw ExitCode(2)
        }
        let catalog = try DataDirOptions(dataDir: dir).open()
        let summary: Catalog.Summary
        do {
            guard try catalog.integrityCheck() == ["ok"] else { throw JobMatchError("integrity check failed after restore") }
            summary = try catalog.summary()
            // a new epoch: indexes of the catalog as it was before the restore are never taken
            // as current; the snapshot's own index (taken just before its catalog) is its partner
            let epoch = try catalog.renewEpoch()
            if fm.fileExists(atPath: dir + "/index/index.json") { try IndexDirectory.restamp(dir + "/index", epoch: epoch) }
        } catch {
            Console.err("error: \(catalog.path): \(error)")
            throw ExitCode(2)
        }
        Console.out("restored \(snapshot) → \(dir): \(summary.postings) postings, \(summary.seekers) seekers")
    }
}

enum Snapshots {
    /// Relative path → SHA-256 of every file under `dir` except snapshot.json.
    static func checksums(_ dir: String) throws -> [String: String] {
        let fm = FileManager.default
        var out: [String: String] = [:]
        guard let walker = fm.enumerator(atPath: dir) else { return out }
        for case let rel as String in walker where rel != "snapshot.json" {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: dir + "/" + rel, isDirectory: &isDir), !isDir.boolValue else { continue }
            guard let bytes = fm.contents(atPath: dir + "/" + rel) else { throw JobMatchError("\(dir)/\(rel): cannot be read") }
            out[rel] = SHA256.hex(SHA256.hash([UInt8](bytes)))
        }
        return out
    }
}
