import ArgumentParser
import Foundation
import Logging
import JobMatchKernels
import JobMatchRanking
import JobMatchService
import JobMatchStore

// MARK: serve

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the counsellors' HTTP API and web page (docs/api.md, openapi.yaml) from a data directory.",
        discussion: """
            Loads DATA/index (caught up with the catalog, or rebuilt from it), then answers on
            http://HOST:PORT until SIGTERM or SIGINT, which stop new connections and let requests
            in flight finish (at most --grace seconds) before exiting 0.

            Every request except /healthz, /readyz, /metrics, /openapi.yaml and the web page needs
            a personal key (`jobmatch keys create`) as `Authorization: Bearer <key>`. Reads of a
            seeker's data are recorded in the access log (`jobmatch audit verify`, `jobmatch audit
            report`). Counsellors open http://HOST:PORT/ in a browser and sign in with their key.

            Example:
              jobmatch keys create --data-dir data --name 김상담 --office 서울고용센터 --role counsellor
              jobmatch serve --data-dir data --port 8080      # then open http://127.0.0.1:8080/
            """)

    @OptionGroup var data: DataDirOptions
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port (0 picks a free one; the chosen port is printed).") var port = 8080
    @Option(help: "Largest request body in bytes.") var maxBodyBytes = 16 << 20
    @Option(help: "Close a connection idle (or sending too slowly) for this many seconds.") var idleTimeout = 30
    @Option(help: "Connections served at once.") var maxConnections = 512
    @Option(help: "Answer 503 when a request takes longer than this many seconds.") var deadline: Double = 10
    @Option(help: "Requests per second per key (0 = unlimited).") var rateLimit: Double = 20
    @Option(help: "Burst of requests per key above the rate.") var rateBurst: Double = 40
    @Option(help: "Seconds in-flight requests get after SIGTERM.") var grace = 10
    @Option(help: "Date deadlines are checked against, YYYY-MM-DD (default: today in Korea, per request).") var asOf: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be within 0...65535") }
        guard maxBodyBytes >= 1024, idleTimeout >= 1, maxConnections >= 1, deadline > 0, rateLimit >= 0, rateBurst >= 1, grace >= 1 else {
            throw ValidationError("--max-body-bytes ≥ 1024, --idle-timeout ≥ 1, --max-connections ≥ 1, --deadline > 0, --rate-limit ≥ 0, --rate-burst ≥ 1, --grace ≥ 1")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level: one of trace, debug, info, notice, warning, error, critical") }
    }

    func run() throws {
        var config = ServiceConfiguration()
        config.host = host
        config.port = port
        config.maxBodyBytes = maxBodyBytes
        config.idleTimeoutSeconds = idleTimeout
        config.maxConnections = maxConnections
        config.requestDeadlineSeconds = deadline
        config.rateLimitPerSecond = rateLimit
        config.rateLimitBurst = rateBurst
        config.gracefulShutdownSeconds = grace
        if let asOf { config.asOf = try Steps.asOf(asOf) }
        let model = try Steps.model(modelOptions)
        var logger = Logger(label: "jobmatch") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let directory = data.dataDir ?? Catalog.defaultDirectory()
        let service: JobMatchService
        do { service = try JobMatchService(dataDirectory: directory, model: model, configuration: config, logger: logger) } catch {
            Console.err("error: \(error)")
            throw ExitCode(2)
        }
        let outcome = Locked<Result<Void, any Error>?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let host = self.host
        Task {
            do {
                try await service.run { port in Console.err("jobmatch: serving \(directory) on http://\(host):\(port)") }
                outcome.withLock { $0 = .success(()) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            finished.signal()
        }
        finished.wait()
        if case .failure(let error) = outcome.withLock({ $0 }) {
            Console.err("error: \(error)")
            throw ExitCode(2)
        }
        Console.err("jobmatch: stopped")
    }
}

// MARK: keys

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list, revoke and unlock the service's personal API keys.",
        discussion: """
            Each person gets their own key with a role: counsellor (reads and ranks for the seekers
            of their office), staff (writes postings), admin (both, and manages keys). The key is
            printed once and stored only as a hash; it expires (--valid-days) and can be revoked.
            Five wrong secrets in a row lock a key for 15 minutes (`keys unlock` lifts it).
            """,
        subcommands: [KeysCreate.self, KeysList.self, KeysRevoke.self, KeysUnlock.self])
}

struct KeysCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a key and print it (once).")
    @OptionGroup var data: DataDirOptions
    @Option(help: "The person's name (as staff records know them; not a phone or e-mail).") var name: String
    @Option(help: "Their office (고용센터); counsellors see only this office's seekers.") var office: String
    @Option(help: "counsellor, staff or admin.") var role: String
    @Option(help: "Days until the key expires.") var validDays = 365

    func run() throws {
        guard let r = Role(rawValue: role) else { throw ValidationError("--role must be counsellor, staff or admin") }
        let catalog = try data.open()
        do {
            let made = try catalog.createKey(name: name, office: office, role: r, validDays: validDays)
            Console.err("created key \(made.key.id) for \(made.key.name) (\(made.key.office), \(made.key.role.rawValue)), expires \(made.key.expiresAt)")
            Console.err("the key is shown once — hand it over now; only its hash is kept:")
            Console.out(made.token)
        } catch {
            Console.err("error: \(error)")
            throw ExitCode(2)
        }
    }
}

struct KeysList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List keys (never their secrets).")
    @OptionGroup var data: DataDirOptions
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        let keys = try data.open().keys()
        if json { Console.out(Console.json(keys)); return }
        var t = TextTable(headers: ["id", "name", "office", "role", "expires", "state"])
        let now = ISO8601DateFormatter().string(from: Date())
        for k in keys {
            let state = k.revokedAt != nil ? "revoked" : k.expiresAt <= now ? "expired" : (k.lockedUntil.map { $0 > now } ?? false) ? "locked" : "active"
            t.rows.append([k.id, k.name, k.office, k.role.rawValue, k.expiresAt, state])
        }
        Console.out(t.render())
    }
}

struct KeysRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a key (for good).")
    @OptionGroup var data: DataDirOptions
    @Argument(help: "Key id (the part after jm_).") var id: String

    func run() throws {
        guard try data.open().revokeKey(id: id) else {
            Console.err("error: no key \(id)")
            throw ExitCode(1)
        }
        Console.out("revoked \(id)")
    }
}

struct KeysUnlock: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unlock", abstract: "Lift a lockout after repeated failures.")
    @OptionGroup var data: DataDirOptions
    @Argument(help: "Key id.") var id: String

    func run() throws {
        guard try data.open().unlockKey(id: id) else {
            Console.err("error: no key \(id)")
            throw ExitCode(1)
        }
        Console.out("unlocked \(id)")
    }
}

// MARK: audit

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check and summarise the access log (접속기록) of seekers' data.",
        subcommands: [AuditVerify.self, AuditReport.self])
}

struct AuditVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the access log's chain: exit 1 when any record was edited, inserted or removed.",
        discussion: """
            Each record carries an HMAC-SHA-256 over itself and the previous record's MAC, under
            DATA/audit.key (kept apart from the database). Edits, insertions and removals inside
            the log break the chain. Removing the newest records is caught by comparing with a head
            written down earlier: the last line printed here (`head SEQ:MAC`), given back as --head.
            """)
    @OptionGroup var data: DataDirOptions
    @Option(help: "An earlier head, SEQ:MAC, that must still be in the log.") var head: String?
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        var expect: (seq: Int, mac: String)?
        if let head {
            let parts = head.split(separator: ":")
            guard parts.count == 2, let seq = Int(parts[0]) else { throw ValidationError("--head must be SEQ:MAC as printed by audit verify") }
            expect = (seq, String(parts[1]))
        }
        let catalog = try data.open()
        let directory = data.dataDir ?? Catalog.defaultDirectory()
        let result: AccessLogVerification
        do {
            let key = try AuditKey.load(dataDirectory: directory, create: false)
            result = try catalog.verifyAccessLog(auditKey: key, expectHead: expect)
        } catch {
            Console.err("error: \(error)")
            throw ExitCode(2)
        }
        if json {
            Console.out(Console.json(result))
        } else {
            for p in result.problems { Console.out("FAIL: \(p)") }
            Console.out("\(result.records) record(s); \(result.ok ? "chain intact" : "\(result.problems.count) problem(s)")")
            Console.out("head \(result.headSeq):\(result.headMAC)")
        }
        if !result.ok { throw ExitCode(1) }
    }
}

struct AuditReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Who read which seekers' data in a month (Korea time), per person.")
    @OptionGroup var data: DataDirOptions
    @Option(help: "Month, YYYY-MM (Korea time).") var month: String
    @Flag(help: "JSON output.") var json = false

    struct Row: Encodable {
        var keyId: String
        var name: String
        var office: String
        var role: String
        var records: Int
        var seekers: Int
        var actions: [String: Int]
        var first: String
        var last: String
    }

    func run() throws {
        let parts = month.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m) else {
            throw ValidationError("--month must be YYYY-MM")
        }
        let catalog = try data.open()
        let keys = Dictionary(try catalog.keys().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "Asia/Seoul") ?? TimeZone(secondsFromGMT: 9 * 3600)!
        let formatter = ISO8601DateFormatter()
        var rows: [String: Row] = [:]
        var seekerSets: [String: Set<String>] = [:]
        for r in try catalog.accessRecords() {
            guard let d = formatter.date(from: r.at) else { continue }
            let c = cal.dateComponents([.year, .month], from: d)
            guard c.year == y && c.month == m else { continue }
            let k = keys[r.keyId]
            var row = rows[r.keyId] ?? Row(keyId: r.keyId, name: k?.name ?? "?", office: r.office, role: k?.role.rawValue ?? "?",
                                          records: 0, seekers: 0, actions: [:], first: r.at, last: r.at)
            row.records += 1
            row.actions[r.action, default: 0] += 1
            row.first = min(row.first, r.at)
            row.last = max(row.last, r.at)
            seekerSets[r.keyId, default: []].insert(r.seekerId)
            row.seekers = seekerSets[r.keyId]!.count
            rows[r.keyId] = row
        }
        let ordered = rows.values.sorted { ($0.office, $0.name, $0.keyId) < ($1.office, $1.name, $1.keyId) }
        if json {
            Console.out(Console.json(["month": AnyEncodable(month), "people": AnyEncodable(ordered)]))
            return
        }
        Console.out("접속기록 \(month) (Korea time): \(ordered.reduce(0) { $0 + $1.records }) record(s), \(ordered.count) person(s)")
        var t = TextTable(headers: ["office", "name", "key", "role", "records", "seekers", "actions", "first", "last"])
        t.rightAligned = [4, 5]
        for r in ordered {
            t.rows.append([r.office, r.name, r.keyId, r.role, String(r.records), String(r.seekers),
                           r.actions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "), r.first, r.last])
        }
        Console.out(t.render())
    }
}

// MARK: outcomes

struct OutcomesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcomes",
        abstract: "Counsellors' recorded outcomes (POST /v1/outcomes), for offline evaluation.",
        subcommands: [OutcomesExport.self])
}

struct OutcomesExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write outcomes as TREC qrels (--qrels) or as JSON Lines.",
        discussion: """
            Qrels grades (docs/api.md, "Outcomes"): hired 3, interview 2, applied 1, shown 0, not-suitable 0;
            a (seeker, posting) pair gets its highest grade. Feed them to `jobmatch eval --qrels`.
            Example: jobmatch outcomes export --data-dir data --qrels --out field.qrels
            """)
    @OptionGroup var data: DataDirOptions
    @Flag(help: "TREC qrels (seekerId 0 postingId grade) instead of JSON Lines.") var qrels = false
    @Option(help: "Output file (default: stdout).") var out: String?

    func run() throws {
        let outcomes = try data.open().outcomes()
        let text = qrels ? Catalog.qrels(outcomes) : outcomes.map { Console.jsonLine($0) + "\n" }.joined()
        if let out {
            do { try FileSystem.write(Array(text.utf8), to: out) } catch {
                Console.err("error: \(error)")
                throw ExitCode(2)
            }
            Console.err("wrote \(outcomes.count) outcome(s) to \(out)")
        } else {
            print(text, terminator: "")
        }
    }
}
