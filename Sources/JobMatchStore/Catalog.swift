import Foundation
import GRDB
package import JobMatchRanking

/// The durable catalog (`DIR/catalog.sqlite`, SQLite through GRDB in WAL mode): postings and
/// seekers as validated, redacted interchange-schema JSON lines keyed by id, counsellors'
/// outcomes, installed models. Every write is one transaction, acknowledged only after its
/// commit with `synchronous = FULL` (the commit is on disk, not only in the WAL's page cache).
package final class Catalog: Sendable {
    let pool: DatabasePool
    package let path: String

    /// What an ingest did, per record.
    package struct Counts: Sendable, Codable, Equatable {
        package var inserted = 0
        package var updated = 0
        package var unchanged = 0
        package var rejected = 0
        package init() {}
    }

    /// Opens (creating when needed) the catalog in `directory` and migrates it.
    package init(directory: String) throws(JobMatchError) {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw JobMatchError("\(directory): cannot create the data directory (\(error.localizedDescription))")
        }
        path = directory + "/catalog.sqlite"
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            // GRDB resets `synchronous` to NORMAL on the writer when it opens a WAL pool, after
            // prepareDatabase ran: set it again on the writer itself.
            try pool.barrierWriteWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try Self.migrator.migrate(pool)
        } catch {
            throw JobMatchError("\(path): cannot open the catalog (\(Self.explain(error, directory: directory)))")
        }
    }

    /// The error, plus the free space when the file system is (nearly) full: SQLite reports a full
    /// disk as SQLITE_FULL, but when not even its journal can grow it says "disk I/O error".
    package static func explain(_ error: any Error, directory: String) -> String {
        var text = "\(error)"
        if let free = (try? FileManager.default.attributesOfFileSystem(forPath: directory))?[.systemFreeSize] as? NSNumber,
            free.int64Value < 1 << 20
        {
            text += " — the disk is full: \(free.int64Value) bytes free on the file system of \(directory)"
        }
        return text
    }

    package func explain(_ error: any Error) -> String {
        Self.explain(error, directory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    package func pageCount() throws -> Int? {
        try pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") }
    }

    /// Caps the catalog's size (`PRAGMA max_page_count` on the writer): past it, writes fail with
    /// SQLITE_FULL as on a full disk. For operators who bound the catalog, and for tests.
    package func limitPages(_ pages: Int) throws {
        try pool.barrierWriteWithoutTransaction { db in _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages)") }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1: postings, seekers, outcomes, models") { db in
            try db.execute(sql: """
                CREATE TABLE posting (
                    id TEXT PRIMARY KEY NOT NULL,
                    record TEXT NOT NULL,
                    isOpen INTEGER NOT NULL,
                    updatedAt TEXT NOT NULL);
                CREATE TABLE seeker (
                    id TEXT PRIMARY KEY NOT NULL,
                    record TEXT NOT NULL,
                    updatedAt TEXT NOT NULL);
                CREATE TABLE outcome (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    seekerId TEXT NOT NULL,
                    postingId TEXT NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('shown', 'applied', 'interview', 'hired', 'not-suitable')),
                    reason TEXT,
                    who TEXT NOT NULL,
                    at TEXT NOT NULL);
                CREATE INDEX outcome_seeker ON outcome(seekerId);
                CREATE TABLE model (
                    name TEXT NOT NULL,
                    version TEXT NOT NULL,
                    directory TEXT NOT NULL,
                    installedAt TEXT NOT NULL,
                    PRIMARY KEY (name, version));
                """)
        }
        m.registerMigration("v2: posting generations and removals (incremental index updates)") { db in
            try db.execute(sql: """
                ALTER TABLE posting ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX posting_generation ON posting(generation);
                CREATE TABLE posting_removed (
                    id TEXT PRIMARY KEY NOT NULL,
                    generation INTEGER NOT NULL);
                CREATE TABLE state (
                    key TEXT PRIMARY KEY NOT NULL,
                    value INTEGER NOT NULL);
                INSERT INTO state (key, value) VALUES ('generation', 0);
                """)
        }
        m.registerMigration("v3: catalog epoch (which catalog an index was built from)") { db in
            try db.execute(sql: "INSERT INTO state (key, value) VALUES ('epoch', abs(random() % 9007199254740991))")
        }
        m.registerMigration("v4: API keys, access log (append-only, chained), outcome office") { db in
            try db.execute(sql: """
                CREATE TABLE api_key (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    office TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('counsellor', 'staff', 'admin')),
                    secretHash BLOB NOT NULL,
                    createdAt TEXT NOT NULL,
                    expiresAt TEXT NOT NULL,
                    revokedAt TEXT,
                    failures INTEGER NOT NULL DEFAULT 0,
                    lockedUntil TEXT);
                CREATE TABLE access_log (
                    seq INTEGER PRIMARY KEY NOT NULL,
                    at TEXT NOT NULL,
                    keyId TEXT NOT NULL,
                    office TEXT NOT NULL,
                    client TEXT NOT NULL,
                    seekerId TEXT NOT NULL,
                    action TEXT NOT NULL,
                    mac TEXT NOT NULL);
                CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
                    BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
                CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
                    BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
                ALTER TABLE outcome ADD COLUMN office TEXT;
                """)
        }
        return m
    }

    /// The postings' generation: increases by one with every committed write that changes a
    /// posting; each posting row (and each removal) records the generation that last changed it,
    /// so an index that reflects generation g catches up with ``postingChanges(since:)``.
    package func generation() throws -> Int {
        try pool.read { db in try Self.generation(db) }
    }

    static func generation(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT value FROM state WHERE key = 'generation'") ?? 0
    }

    static func epoch(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT value FROM state WHERE key = 'epoch'") ?? 0
    }

    /// A random number that names this catalog; indexes record it. A restore renews it, so an
    /// index built from the catalog before the restore is never taken as current.
    package func epoch() throws -> Int {
        try pool.read { db in try Self.epoch(db) }
    }

    /// Gives the catalog a new epoch (after a restore); returns it.
    @discardableResult
    package func renewEpoch() throws -> Int {
        try pool.write { db in
            try db.execute(sql: "UPDATE state SET value = abs(random() % 9007199254740991) WHERE key = 'epoch'")
            return try Self.epoch(db)
        }
    }

    static func nextGeneration(_ db: Database) throws -> Int {
        let g = try generation(db) + 1
        try db.execute(sql: "UPDATE state SET value = ? WHERE key = 'generation'", arguments: [g])
        return g
    }

    package struct PostingChanges: Sendable {
        package var generation: Int
        package var epoch: Int
        /// Postings added or changed after the given generation (validated again).
        package var upserts: LoadReport<Posting>
        /// Ids removed after it (and not added again).
        package var deleted: [String]
    }

    /// What changed after generation `since`, read in one snapshot together with the current
    /// generation.
    package func postingChanges(since: Int) throws -> PostingChanges {
        try pool.read { db in
            let g = try Self.generation(db), e = try Self.epoch(db)
            let lines = try String.fetchAll(db, sql: "SELECT record FROM posting WHERE generation > ? ORDER BY id", arguments: [since])
            let deleted = try String.fetchAll(db, sql: "SELECT id FROM posting_removed WHERE generation > ? AND id NOT IN (SELECT id FROM posting) ORDER BY id", arguments: [since])
            let report = JSONLines.parsePostings(Array(lines.joined(separator: "\n").utf8), file: path + " (postings)")
            return PostingChanges(generation: g, epoch: e, upserts: report, deleted: deleted)
        }
    }

    /// Every posting and the generation they make up, read in one snapshot.
    package func postingsWithGeneration() throws -> (stamp: IndexDirectory.CatalogStamp, postings: LoadReport<Posting>) {
        try pool.read { db in
            let stamp = IndexDirectory.CatalogStamp(generation: try Self.generation(db), epoch: try Self.epoch(db))
            let lines = try String.fetchAll(db, sql: "SELECT record FROM posting ORDER BY id")
            return (stamp, JSONLines.parsePostings(Array(lines.joined(separator: "\n").utf8), file: path + " (postings)"))
        }
    }

    /// `PRAGMA synchronous` on the writer (2 = FULL).
    package func writerSynchronous() throws -> Int {
        try pool.barrierWriteWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    package func journalMode() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

    /// Upserts by id in one transaction: a record whose JSON is byte-identical to the stored one
    /// is unchanged.
    package func upsert(postings: [Posting]) throws -> Counts {
        try upsert(table: "posting", rows: postings.map { ($0.id, $0.jsonLine, $0.isOpen) })
    }

    package func upsert(seekers: [Seeker]) throws -> Counts {
        try upsert(table: "seeker", rows: seekers.map { ($0.id, $0.jsonLine, nil) })
    }

    func upsert(table: String, rows: [(id: String, record: String, isOpen: Bool?)]) throws -> Counts {
        let stamp = Self.now()
        return try pool.write { db in
            var counts = Counts()
            var generation: Int?
            for row in rows {
                let stored = try String.fetchOne(db, sql: "SELECT record FROM \(table) WHERE id = ?", arguments: [row.id])
                if stored == row.record {
                    counts.unchanged += 1
                    continue
                }
                if let isOpen = row.isOpen {
                    let g = try generation ?? Self.nextGeneration(db)
                    generation = g
                    try db.execute(sql: "INSERT INTO posting (id, record, isOpen, updatedAt, generation) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record, isOpen = excluded.isOpen, updatedAt = excluded.updatedAt, generation = excluded.generation",
                                   arguments: [row.id, row.record, isOpen, stamp, g])
                } else {
                    try db.execute(sql: "INSERT INTO seeker (id, record, updatedAt) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record, updatedAt = excluded.updatedAt",
                                   arguments: [row.id, row.record, stamp])
                }
                if stored == nil { counts.inserted += 1 } else { counts.updated += 1 }
            }
            return counts
        }
    }

    /// Closes (or reopens) postings: the stored record's status changes with the flag.
    /// Returns the ids changed, already in that state, and unknown.
    package func setOpen(_ ids: [String], open: Bool) throws -> (changed: [String], unchanged: [String], missing: [String]) {
        let stamp = Self.now()
        return try pool.write { db in
            var changed: [String] = [], unchanged: [String] = [], missing: [String] = []
            var generation: Int?
            for id in ids {
                guard let record = try String.fetchOne(db, sql: "SELECT record FROM posting WHERE id = ?", arguments: [id]) else {
                    missing.append(id)
                    continue
                }
                let parsed = JSONLines.parsePostings(Array(record.utf8), file: "catalog posting \(id)")
                guard var p = parsed.records.first else {
                    throw JobMatchError("\(self.path): stored posting '\(id)' no longer validates: \(parsed.errors.map(\.description).joined(separator: "; "))")
                }
                if p.isOpen == open {
                    unchanged.append(id)
                    continue
                }
                p.isOpen = open
                let g = try generation ?? Self.nextGeneration(db)
                generation = g
                try db.execute(sql: "UPDATE posting SET record = ?, isOpen = ?, updatedAt = ?, generation = ? WHERE id = ?", arguments: [p.jsonLine, open, stamp, g, id])
                changed.append(id)
            }
            return (changed, unchanged, missing)
        }
    }

    package enum Kind: String, Sendable { case postings, seekers }

    /// Deletes by id; returns the ids deleted and the unknown ones.
    package func delete(_ kind: Kind, ids: [String]) throws -> (deleted: [String], missing: [String]) {
        let table = kind == .postings ? "posting" : "seeker"
        return try pool.write { db in
            var deleted: [String] = [], missing: [String] = []
            var generation: Int?
            for id in ids {
                try db.execute(sql: "DELETE FROM \(table) WHERE id = ?", arguments: [id])
                let removed = db.changesCount > 0
                if removed { deleted.append(id) } else { missing.append(id) }
                if removed && kind == .postings {
                    let g = try generation ?? Self.nextGeneration(db)
                    generation = g
                    try db.execute(sql: "INSERT INTO posting_removed (id, generation) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET generation = excluded.generation", arguments: [id, g])
                }
            }
            return (deleted, missing)
        }
    }

    /// Every stored posting, validated again on the way out (id order).
    package func postings() throws -> LoadReport<Posting> { try postingsWithGeneration().postings }

    package func seekers() throws -> LoadReport<Seeker> {
        let lines = try pool.read { db in try String.fetchAll(db, sql: "SELECT record FROM seeker ORDER BY id") }
        return JSONLines.parseSeekers(Array(lines.joined(separator: "\n").utf8), file: path + " (seekers)")
    }

    package struct Summary: Sendable, Codable, Equatable {
        package var postings: Int
        package var openPostings: Int
        package var seekers: Int
        package var outcomes: Int
    }

    package func summary() throws -> Summary {
        try pool.read { db in
            Summary(postings: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM posting") ?? 0,
                    openPostings: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM posting WHERE isOpen") ?? 0,
                    seekers: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM seeker") ?? 0,
                    outcomes: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outcome") ?? 0)
        }
    }

    /// `PRAGMA integrity_check`: ["ok"] when sound.
    package func integrityCheck() throws -> [String] {
        try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    /// An online backup of the catalog (SQLite's backup API: a consistent copy while others may
    /// write) to `file`, which must not exist.
    package func backup(to file: String) throws {
        let destination = try DatabaseQueue(path: file)
        try pool.backup(to: destination)
        try destination.close()
    }

    /// The data directory when none is given: $JOBMATCH_DATA_DIR, else $XDG_DATA_HOME/jobmatch,
    /// else ~/.local/share/jobmatch.
    package static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let d = environment["JOBMATCH_DATA_DIR"], !d.isEmpty { return d }
        if let x = environment["XDG_DATA_HOME"], !x.isEmpty { return x + "/jobmatch" }
        return FileManager.default.homeDirectoryForCurrentUser.path + "/.local/share/jobmatch"
    }
}
