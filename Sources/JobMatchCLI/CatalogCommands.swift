import ArgumentParser
import Foundation
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

    func validate() throws {
        guard Catalog.Kind(rawValue: kind) != nil else { throw ValidationError("expected 'postings' or 'seekers', got '\(kind)'") }
    }

    func run() throws {
        let catalog = try data.open()
        var counts: Catalog.Counts
        let rejected: Int
        do {
            if kind == "postings" {
                let report = try Self.load(file, JSONLines.loadPostings)
                counts = try catalog.upsert(postings: report.records)
                rejected = report.errors.count
            } else {
                let report = try Self.load(file, JSONLines.loadSeekers)
                counts = try catalog.upsert(seekers: report.records)
                rejected = report.errors.count
            }
        } catch let e as ExitCode { throw e } catch {
            Console.err("error: \(catalog.path): the ingest was not committed (\(error))")
            throw ExitCode(2)
        }
        counts.rejected = rejected
        if json { Console.out(Console.json(counts)) } else {
            Console.out("\(kind): \(counts.inserted) inserted, \(counts.updated) updated, \(counts.unchanged) unchanged, \(counts.rejected) rejected → \(catalog.path)")
        }
        if rejected > 0 && !allowInvalid { throw ExitCode(1) }
    }

    /// Loads and reports rejected lines on stderr; never fails for them (the caller decides).
    static func load<R>(_ path: String, _ loader: (String) throws(JobMatchError) -> LoadReport<R>) throws -> LoadReport<R> {
        let report: LoadReport<R>
        do { report = try loader(path) } catch {
            Console.err("error: \(error)")
            throw ExitCode(2)
        }
        try Steps.check(report, allowInvalid: true)
        return report
    }
}

struct ClosePostingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close", abstract: "Close postings in the catalog (kept and marked closed; an index built from the catalog never recommends them).",
        discussion: "Example: jobmatch close P000123 P000456 --data-dir data")
    @Argument(help: "Posting ids.") var ids: [String]
    @OptionGroup var data: DataDirOptions
    func run() throws { try setOpen(ids, open: false, data: data) }
}

struct ReopenPostingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reopen", abstract: "Reopen closed postings in the catalog.",
        discussion: "Example: jobmatch reopen P000123 --data-dir data")
    @Argument(help: "Posting ids.") var ids: [String]
    @OptionGroup var data: DataDirOptions
    func run() throws { try setOpen(ids, open: true, data: data) }
}

func setOpen(_ ids: [String], open: Bool, data: DataDirOptions) throws {
    let catalog = try data.open()
    let r: (changed: [String], unchanged: [String], missing: [String])
    do { r = try catalog.setOpen(ids, open: open) } catch {
        Console.err("error: \(error)")
        throw ExitCode(2)
    }
    Console.out("\(open ? "reopened" : "closed") \(r.changed.count), already \(open ? "open" : "closed") \(r.unchanged.count), unknown \(r.missing.count)")
    for id in r.missing { Console.err("unknown posting: \(id)") }
    if !r.missing.isEmpty { throw ExitCode(1) }
}

struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete postings or seekers from the catalog by id.",
        discussion: "Example: jobmatch delete postings P000123 --data-dir data")
    @Argument(help: "postings or seekers.") var kind: String
    @Argument(help: "Ids.") var ids: [String]
    @OptionGroup var data: DataDirOptions

    func validate() throws {
        guard Catalog.Kind(rawValue: kind) != nil else { throw ValidationError("expected 'postings' or 'seekers', got '\(kind)'") }
    }

    func run() throws {
        let catalog = try data.open()
        let r: (deleted: [String], missing: [String])
        do { r = try catalog.delete(Catalog.Kind(rawValue: kind)!, ids: ids) } catch {
            Console.err("error: \(error)")
            throw ExitCode(2)
        }
        Console.out("deleted \(r.deleted.count), unknown \(r.missing.count)")
        for id in r.missing { Console.err("unknown \(kind == "postings" ? "posting" : "seeker"): \(id)") }
        if !r.missing.isEmpty { throw ExitCode(1) }
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check the catalog: SQLite integrity, settings, and that every stored record still validates.",
        discussion: "Example: jobmatch verify --data-dir data")
    @OptionGroup var data: DataDirOptions

    func run() throws {
        let catalog = try data.open()
        var problems: [String] = []
        do {
            let integrity = try catalog.integrityCheck()
            if integrity != ["ok"] { problems += integrity.map { "integrity_check: \($0)" } }
            if try catalog.writerSynchronous() != 2 { problems.append("synchronous is not FULL on the writer") }
            if try catalog.journalMode() != "wal" { problems.append("journal_mode is not WAL") }
            let p = try catalog.postings(), s = try catalog.seekers()
            problems += (p.errors + s.errors).map { "stored record does not validate: \($0)" }
            let summary = try catalog.summary()
            Console.out("\(catalog.path): \(summary.postings) postings (\(summary.openPostings) open), \(summary.seekers) seekers, \(summary.outcomes) outcomes")
        } catch {
            problems.append("\(error)")
        }
        for p in problems { Console.err("problem: \(p)") }
        if !problems.isEmpty { throw ExitCode(1) }
        Console.out("ok: integrity_check ok, WAL, synchronous FULL, every record validates")
    }
}
