package import Foundation
import GRDB
package import JobMatchRanking
import JobMatchKernels
import JobMatchText

// What the HTTP service keeps in the catalog: per-person API keys, the access log (접속기록) and
// counsellors' outcomes. Keys are stored only as hashes; the access log is append-only (SQLite
// triggers) and chained with HMAC-SHA-256 under a secret kept outside the database
// (`DATA/audit.key`), so an edited, inserted or removed record is detected by `verifyAccessLog`.

/// What a key may do (the service maps roles to operations).
package enum Role: String, Sendable, Codable, CaseIterable {
    case counsellor, staff, admin
}

package struct APIKey: Sendable, Equatable, Codable {
    package var id: String
    package var name: String
    package var office: String
    package var role: Role
    package var createdAt: String
    package var expiresAt: String
    package var revokedAt: String?
    package var lockedUntil: String?
}

/// How many wrong secrets in a row lock a key, and for how long.
package struct LockoutPolicy: Sendable {
    package var maxFailures: Int
    package var duration: TimeInterval
    package init(maxFailures: Int = 5, duration: TimeInterval = 15 * 60) {
        self.maxFailures = maxFailures
        self.duration = duration
    }
}

package enum Authentication: Sendable, Equatable {
    case accepted(APIKey)
    /// Not of the form `jm_<12 hex>_<64 hex>`.
    case malformed
    /// No key with that id.
    case unknown
    /// Wrong secret; `lockedNow` when this failure locked the key.
    case rejected(lockedNow: Bool)
    /// Locked after repeated failures (the secret is not even checked) until the time given.
    case locked(until: String)
    case expired
    case revoked
}

/// One access-log record: who read which seeker's data, when, from where, doing what.
package struct AccessRecord: Sendable, Equatable, Codable {
    package var seq: Int
    package var at: String
    package var keyId: String
    package var office: String
    package var client: String
    package var seekerId: String
    package var action: String
}

package struct AccessEntry: Sendable, Equatable {
    package var keyId: String
    package var office: String
    package var client: String
    package var seekerId: String
    package var action: String
    package init(keyId: String, office: String, client: String, seekerId: String, action: String) {
        self.keyId = keyId
        self.office = office
        self.client = client
        self.seekerId = seekerId
        self.action = action
    }
}

package struct AccessLogVerification: Sendable, Equatable, Codable {
    package var records: Int
    /// The last record's sequence number and MAC: write them down elsewhere; a later
    /// `verifyAccessLog(expectHead:)` proves no record up to there was removed from the end.
    package var headSeq: Int
    package var headMAC: String
    package var problems: [String]
    package var ok: Bool { problems.isEmpty }
}

/// What happened to a recommendation, as a counsellor records it.
package enum OutcomeKind: String, Sendable, Codable, CaseIterable {
    case shown, applied, interview, hired
    case notSuitable = "not-suitable"

    /// Relevance grade in exported qrels (docs/api.md, "Outcomes"): hired 3, interview 2, applied 1,
    /// shown and not-suitable 0 (judged, not relevant). A pair's grade is its highest outcome.
    package var grade: Int {
        switch self {
        case .hired: 3
        case .interview: 2
        case .applied: 1
        case .shown, .notSuitable: 0
        }
    }
}

package struct OutcomeRecord: Sendable, Equatable, Codable {
    package var id: Int
    package var seekerId: String
    package var postingId: String
    package var outcome: OutcomeKind
    package var reason: String?
    package var keyId: String
    package var office: String?
    package var at: String
}

extension Catalog {
    static let keyIDHexDigits = 12
    static let secretHexDigits = 64

    // MARK: Records by id

    package func seeker(id: String) throws -> Seeker? {
        guard let line = try pool.read({ db in try String.fetchOne(db, sql: "SELECT record FROM seeker WHERE id = ?", arguments: [id]) }) else { return nil }
        let r = JSONLines.parseSeekers(Array(line.utf8), file: path + " (seeker \(id))")
        if let e = r.errors.first { throw JobMatchError("stored seeker '\(id)' no longer validates: \(e)") }
        return r.records.first
    }

    package func posting(id: String) throws -> Posting? {
        guard let line = try pool.read({ db in try String.fetchOne(db, sql: "SELECT record FROM posting WHERE id = ?", arguments: [id]) }) else { return nil }
        let r = JSONLines.parsePostings(Array(line.utf8), file: path + " (posting \(id))")
        if let e = r.errors.first { throw JobMatchError("stored posting '\(id)' no longer validates: \(e)") }
        return r.records.first
    }

    package enum SeekerUpsert: String, Sendable {
        case inserted, updated, unchanged
        /// The id belongs to another office's seeker: nothing written.
        case otherOffice
    }

    /// Upserts one seeker of `office`, checking in the same transaction that the id is not
    /// another office's seeker (so a concurrent insert by that office is never overwritten).
    package func upsert(seeker: Seeker, office: String) throws -> SeekerUpsert {
        let line = seeker.jsonLine
        let stamp = Self.now()
        return try pool.write { db in
            if let stored = try String.fetchOne(db, sql: "SELECT record FROM seeker WHERE id = ?", arguments: [seeker.id]) {
                let existing = JSONLines.parseSeekers(Array(stored.utf8), file: "catalog seeker").records.first
                if existing?.office != office { return .otherOffice }
                if stored == line { return .unchanged }
                try db.execute(sql: "UPDATE seeker SET record = ?, updatedAt = ? WHERE id = ?", arguments: [line, stamp, seeker.id])
                return .updated
            }
            try db.execute(sql: "INSERT INTO seeker (id, record, updatedAt) VALUES (?, ?, ?)", arguments: [seeker.id, line, stamp])
            return .inserted
        }
    }

    // MARK: API keys

    /// A name or office: 1–100 characters (Unicode scalars, as JSON Schema counts), no control
    /// characters, no spaces at either end, no personal data.
    static func checkLabel(_ value: String, _ field: String) throws(JobMatchError) {
        if value.trimmingCharacters(in: .whitespaces).isEmpty { throw JobMatchError("\(field) is empty") }
        if value != value.trimmingCharacters(in: .whitespaces) { throw JobMatchError("\(field) must not start or end with spaces") }
        if value.unicodeScalars.count > 100 { throw JobMatchError("\(field) is longer than 100 characters") }
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw JobMatchError("\(field) must not contain control characters")
        }
        if PersonalDataRedactor.containsPersonalData(value) {
            throw JobMatchError("\(field) looks like personal data (a phone number, e-mail or resident registration number)")
        }
    }

    static func randomHex(bytes: Int) -> String {
        var g = SystemRandomNumberGenerator()  // getrandom(2) on Linux
        return SHA256.hex((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &g) })
    }

    /// ISO 8601 in UTC, whole seconds (`2026-11-28T03:47:12Z`); a format style, not a formatter
    /// object per call (this runs on every request).
    static func iso(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }
    package static func isoString(_ date: Date) -> String { iso(date) }
    static func date(_ iso: String) -> Date? { try? Date.ISO8601FormatStyle().parse(iso) }

    /// A new key. The token (`jm_<id>_<secret>`) is returned once and stored only as the
    /// SHA-256 of its secret (256 random bits: a fast hash is enough, nothing to guess from it).
    package func createKey(name: String, office: String, role: Role, validDays: Int, now: Date = Date()) throws -> (key: APIKey, token: String) {
        try Self.checkLabel(name, "name")
        try Self.checkLabel(office, "office")
        guard (1...3660).contains(validDays) else { throw JobMatchError("validity must be 1...3660 days, not \(validDays)") }
        let id = Self.randomHex(bytes: Self.keyIDHexDigits / 2)
        let secret = Self.randomHex(bytes: Self.secretHexDigits / 2)
        let key = APIKey(id: id, name: name, office: office, role: role, createdAt: Self.iso(now),
                         expiresAt: Self.iso(now.addingTimeInterval(Double(validDays) * 86_400)), revokedAt: nil, lockedUntil: nil)
        try pool.write { db in
            try db.execute(sql: "INSERT INTO api_key (id, name, office, role, secretHash, createdAt, expiresAt) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [id, name, office, role.rawValue, Data(SHA256.hash(Array(secret.utf8))), key.createdAt, key.expiresAt])
        }
        return (key, "jm_\(id)_\(secret)")
    }

    static func key(_ row: Row) -> APIKey {
        APIKey(id: row["id"], name: row["name"], office: row["office"], role: Role(rawValue: row["role"]) ?? .counsellor,
               createdAt: row["createdAt"], expiresAt: row["expiresAt"], revokedAt: row["revokedAt"], lockedUntil: row["lockedUntil"])
    }

    package func keys() throws -> [APIKey] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM api_key ORDER BY createdAt, id").map(Self.key) }
    }

    package func key(id: String) throws -> APIKey? {
        try pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM api_key WHERE id = ?", arguments: [id]).map(Self.key) }
    }

    /// Revokes a key; false when there is no such key. Revoking twice keeps the first time.
    package func revokeKey(id: String, now: Date = Date()) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "UPDATE api_key SET revokedAt = COALESCE(revokedAt, ?) WHERE id = ?", arguments: [Self.iso(now), id])
            return db.changesCount > 0
        }
    }

    /// Lifts a lockout (an admin's action after checking with the key's owner).
    package func unlockKey(id: String) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "UPDATE api_key SET failures = 0, lockedUntil = NULL WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    /// Checks a presented token. The secret's hash is compared in constant time; a locked key is
    /// refused without looking at the secret; `policy.maxFailures` wrong secrets in a row lock the
    /// key for `policy.duration`. Reads only, unless a failure count changes; counting and
    /// resetting each happen in one transaction that re-checks the lock, so concurrent attempts
    /// can neither skip a lockout nor clear one. With `countFailures` false (the caller's address
    /// is already throttled) a wrong secret changes nothing.
    package func authenticate(token: String, now: Date = Date(), policy: LockoutPolicy = LockoutPolicy(), countFailures: Bool = true) throws -> Authentication {
        let parts = token.split(separator: "_", omittingEmptySubsequences: false)
        let isHex = { (s: Substring, n: Int) in s.utf8.count == n && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) } }
        guard parts.count == 3, parts[0] == "jm", isHex(parts[1], Self.keyIDHexDigits), isHex(parts[2], Self.secretHexDigits) else { return .malformed }
        let id = String(parts[1])
        guard let row = try pool.read({ db in try Row.fetchOne(db, sql: "SELECT * FROM api_key WHERE id = ?", arguments: [id]) }) else { return .unknown }
        let key = Self.key(row)
        let nowText = Self.iso(now)
        if let until = key.lockedUntil, until > nowText { return .locked(until: until) }
        let stored: Data = row["secretHash"]
        let presented = SHA256.hash(Array(parts[2].utf8))
        guard HMACSHA256.constantTimeEqual(presented, Array(stored)) else {
            guard countFailures else { return .rejected(lockedNow: false) }
            return try pool.write { db -> Authentication in
                // a lock set meanwhile stands; failures while locked are not counted
                if let until = try String.fetchOne(db, sql: "SELECT lockedUntil FROM api_key WHERE id = ?", arguments: [id]), until > nowText {
                    return .locked(until: until)
                }
                try db.execute(sql: "UPDATE api_key SET failures = failures + 1 WHERE id = ?", arguments: [id])
                let failures = try Int.fetchOne(db, sql: "SELECT failures FROM api_key WHERE id = ?", arguments: [id]) ?? 0
                guard failures >= policy.maxFailures else { return .rejected(lockedNow: false) }
                try db.execute(sql: "UPDATE api_key SET failures = 0, lockedUntil = ? WHERE id = ?",
                               arguments: [Self.iso(now.addingTimeInterval(policy.duration)), id])
                return .rejected(lockedNow: true)
            }
        }
        if (row["failures"] as Int) > 0 || key.lockedUntil != nil {
            let lockedMeanwhile = try pool.write { db -> String? in
                if let until = try String.fetchOne(db, sql: "SELECT lockedUntil FROM api_key WHERE id = ?", arguments: [id]), until > nowText {
                    return until
                }
                try db.execute(sql: "UPDATE api_key SET failures = 0, lockedUntil = NULL WHERE id = ?", arguments: [id])
                return nil
            }
            if let until = lockedMeanwhile { return .locked(until: until) }
        }
        if key.revokedAt != nil { return .revoked }
        if key.expiresAt <= nowText { return .expired }
        var accepted = key
        accepted.lockedUntil = nil
        return .accepted(accepted)
    }

    // MARK: Access log

    static func accessMAC(previous: String, _ r: AccessRecord, key: [UInt8]) -> String {
        let fields = [previous, String(r.seq), r.at, r.keyId, r.office, r.client, r.seekerId, r.action]
        return SHA256.hex(HMACSHA256.authenticate(Array(fields.joined(separator: "\u{1F}").utf8), key: key))
    }

    /// Appends records in one transaction, each chained to the one before.
    @discardableResult
    package func appendAccess(_ entries: [AccessEntry], auditKey: [UInt8], now: Date = Date()) throws -> [AccessRecord] {
        guard !entries.isEmpty else { return [] }
        let at = Self.iso(now)
        return try pool.write { db in
            let last = try Row.fetchOne(db, sql: "SELECT seq, mac FROM access_log ORDER BY seq DESC LIMIT 1")
            var seq: Int = last?["seq"] ?? 0
            var previous: String = last?["mac"] ?? ""
            var out: [AccessRecord] = []
            for e in entries {
                seq += 1
                let r = AccessRecord(seq: seq, at: at, keyId: e.keyId, office: e.office, client: e.client, seekerId: e.seekerId, action: e.action)
                let mac = Self.accessMAC(previous: previous, r, key: auditKey)
                try db.execute(sql: "INSERT INTO access_log (seq, at, keyId, office, client, seekerId, action, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                               arguments: [seq, at, e.keyId, e.office, e.client, e.seekerId, e.action, mac])
                previous = mac
                out.append(r)
            }
            return out
        }
    }

    static func accessRecord(_ row: Row) -> AccessRecord {
        AccessRecord(seq: row["seq"], at: row["at"], keyId: row["keyId"], office: row["office"], client: row["client"],
                     seekerId: row["seekerId"], action: row["action"])
    }

    package func accessRecords() throws -> [AccessRecord] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM access_log ORDER BY seq").map(Self.accessRecord) }
    }

    /// Recomputes the chain. Reports every record whose MAC does not match (edited, or inserted
    /// without the key), every gap in the sequence (removed), and — with `expectHead` from an
    /// earlier run — a head that is gone or changed (records removed from the end).
    package func verifyAccessLog(auditKey: [UInt8], expectHead: (seq: Int, mac: String)? = nil) throws -> AccessLogVerification {
        let rows = try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM access_log ORDER BY seq") }
        var problems: [String] = []
        var previous = ""
        var expected = 1
        var head = (seq: 0, mac: "")
        for row in rows {
            let r = Self.accessRecord(row)
            let stored: String = row["mac"]
            if r.seq != expected {
                problems.append(r.seq > expected
                    ? "records \(expected)…\(r.seq - 1) are missing (removed)"
                    : "record \(r.seq) is out of order")
            }
            if Self.accessMAC(previous: previous, r, key: auditKey) != stored {
                problems.append("record \(r.seq) does not match its chain MAC (edited, or not written by this service)")
            }
            previous = stored
            expected = r.seq + 1
            head = (r.seq, stored)
        }
        if let e = expectHead {
            if let row = rows.first(where: { ($0["seq"] as Int) == e.seq }) {
                if (row["mac"] as String) != e.mac { problems.append("record \(e.seq) is not the one recorded earlier (its MAC differs)") }
            } else {
                problems.append("record \(e.seq), recorded earlier as the head, is gone (records removed from the end)")
            }
        }
        return AccessLogVerification(records: rows.count, headSeq: head.seq, headMAC: head.mac, problems: problems)
    }

    // MARK: Outcomes

    /// Records an outcome (the reason redacted like any free text, at most 500 characters).
    package func recordOutcome(seekerId: String, postingId: String, outcome: OutcomeKind, reason: String?,
                               keyId: String, office: String?, now: Date = Date()) throws -> OutcomeRecord {
        var cleaned: String?
        if let reason {
            let t = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            if t.count > 500 { throw JobMatchError("reason is longer than 500 characters") }
            cleaned = t.isEmpty ? nil : PersonalDataRedactor.redact(t).text
        }
        if outcome == .notSuitable && cleaned == nil { throw JobMatchError("reason is required for not-suitable") }
        let at = Self.iso(now)
        let id = try pool.write { db -> Int in
            try db.execute(sql: "INSERT INTO outcome (seekerId, postingId, outcome, reason, who, at, office) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [seekerId, postingId, outcome.rawValue, cleaned, keyId, at, office])
            return Int(db.lastInsertedRowID)
        }
        return OutcomeRecord(id: id, seekerId: seekerId, postingId: postingId, outcome: outcome, reason: cleaned, keyId: keyId, office: office, at: at)
    }

    package func outcomes() throws -> [OutcomeRecord] { try outcomes(where: nil) }

    /// One seeker's outcomes, oldest first.
    package func outcomes(seekerId: String) throws -> [OutcomeRecord] { try outcomes(where: seekerId) }

    private func outcomes(where seekerId: String?) throws -> [OutcomeRecord] {
        try pool.read { db in
            let rows = if let seekerId {
                try Row.fetchAll(db, sql: "SELECT * FROM outcome WHERE seekerId = ? ORDER BY id", arguments: [seekerId])
            } else {
                try Row.fetchAll(db, sql: "SELECT * FROM outcome ORDER BY id")
            }
            return rows.map {
                OutcomeRecord(id: $0["id"], seekerId: $0["seekerId"], postingId: $0["postingId"],
                              outcome: OutcomeKind(rawValue: $0["outcome"]) ?? .shown, reason: $0["reason"],
                              keyId: $0["who"], office: $0["office"], at: $0["at"])
            }
        }
    }

    /// TREC qrels from outcomes: one line per (seeker, posting), the highest grade recorded,
    /// sorted by seeker then posting (byte order).
    package static func qrels(_ outcomes: [OutcomeRecord]) -> String {
        var grade: [String: [String: Int]] = [:]
        for o in outcomes { grade[o.seekerId, default: [:]][o.postingId] = max(grade[o.seekerId]?[o.postingId] ?? -1, o.outcome.grade) }
        var out = ""
        for s in grade.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            for (p, g) in grade[s]!.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }) {
                out += "\(s) 0 \(p) \(g)\n"
            }
        }
        return out
    }
}

/// The access log's HMAC key: 32 random bytes in `DATA/audit.key` (mode 0600), created on first
/// use. Without it the chain cannot be re-computed — keep a copy apart from the database.
package enum AuditKey {
    package static func path(dataDirectory: String) -> String { dataDirectory + "/audit.key" }

    package static func load(dataDirectory: String, create: Bool) throws -> [UInt8] {
        let p = path(dataDirectory: dataDirectory)
        if let d = FileManager.default.contents(atPath: p) {
            guard d.count == 32 else { throw JobMatchError("\(p): is \(d.count) bytes, not 32 (damaged?)") }
            return Array(d)
        }
        guard create else { throw JobMatchError("\(p): no audit key (the access log cannot be verified without it)") }
        var g = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }
        do {
            FileSystem.real.remove(p + ".tmp")  // a stale one would keep its own mode
            try FileSystem.write(bytes, to: p + ".tmp", permissions: 0o600)
            try FileSystem.atomicReplace(p, with: p + ".tmp")
        } catch {
            throw JobMatchError("\(p): cannot write the audit key (\(error))")
        }
        return bytes
    }
}
