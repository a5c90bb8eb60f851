import Foundation
import Hummingbird
import NIOCore
import JobMatchStore
import JobMatchRanking
import JobMatchText
import JobMatchKernels
import CoreMetrics

// The operations. Every handler throws `Problem` for the caller's mistakes; anything else is a
// 500 whose detail stays in the (redacted) log.

struct RecommendationsBody: Encodable {
    var seekerId: String
    var asOf: String
    var model: String
    /// The constraints the ranking kept to: the seeker's own, narrowed by any filter.
    var constraints: ConstraintsJSON
    var results: [RecommendationJSON]
}

/// What the engine held a ranking to, for a reader (the web page shows it above the results).
struct ConstraintsJSON: Encodable {
    struct Occupation: Encodable {
        var code: String
        var name: String?
    }
    /// Empty with `nationwide` false: the seeker stated no region (any region).
    var regions: [String]
    var nationwide: Bool
    /// Korean labels; empty: any employment type.
    var employmentTypes: [String]
    /// 만원 a year.
    var salaryFloor: Int?
    /// The seeker's desired occupations with their KECO names.
    var occupations: [Occupation]
    /// Whether a filter narrowed the seeker's own constraints.
    var narrowed: Bool
}

struct WhyNotBody: Encodable {
    var seekerId: String
    var postingId: String
    /// vetoed, no-match, ranked, duplicate, company-cap
    var verdict: String
    var vetoes: [String]?
    var rank: Int?
    var score: Double?
    var cutoffScore: Double?
    var shown: Int?
    var duplicateOf: String?
    var companyLimit: Int?
    /// The verdict in Korean, to read aloud.
    var explanation: String
}

struct CandidateJSON: Encodable {
    var rank: Int
    var seekerId: String
    var score: Double
    var textScore: Double
    var fitScore: Double
    var reasons: [Reason]?
}

struct WriteResult: Encodable {
    var id: String
    /// inserted, updated or unchanged
    var result: String
}

struct ImportResult: Encodable {
    var inserted: Int
    var updated: Int
    var unchanged: Int
    var redactions: Int
}

struct CloseResult: Encodable {
    var postingId: String
    var status: String
    var changed: Bool
}

struct OutcomeRequest: Decodable {
    var seekerId: String
    var postingId: String
    var outcome: String
    var reason: String?
}

struct SeekerOutcomes: Encodable {
    var seekerId: String
    var outcomes: [OutcomeRecord]
}

struct KeyRequest: Decodable {
    var name: String
    var office: String
    var role: String
    var validDays: Int?
}

struct CreatedKey: Encodable {
    var key: APIKey
    /// Shown once; only its hash is stored.
    var token: String
}

struct ReadyBody: Encodable {
    var status: String
    var model: String
    var postings: Int
    var openPostings: Int
    var indexLoadedAt: String
    var openblasCore: String
    var asOf: String
}

/// A JSON object body, decoded for checks before the record parser sees it.
typealias JSONObject = [String: Any]

extension JobMatchService {
    func perform(_ call: Call) async throws -> Response {
        switch call.route.operation {
        case .healthz: return try Self.json(["status": "ok"])
        case .readyz: return try ready()
        case .metrics:
            publishGauges()
            return Self.raw(Array(metrics.text().utf8), type: "text/plain; version=0.0.4; charset=utf-8")
        case .openapi:
            guard !openAPIDocument.isEmpty else { throw Problem(.unavailable, status: 503, detail: "the OpenAPI document is not installed beside the binary") }
            return Self.raw(openAPIDocument, type: "application/yaml")
        case .webPage: return try webFile("index.html")
        case .webAsset:
            // the page itself is `/`; `/web/` holds its script and style sheet only
            let name = call.parameters["file"]!
            guard name != "index.html" else { throw Problem.notFound("no such file: index.html (the page is /)") }
            return try webFile(name)
        case .whoami: return try Self.json(call.caller!.key)
        case .getSeeker: return try await getSeeker(call)
        case .putSeeker: return try await putSeeker(call)
        case .seekerRecommendations: return try await seekerRecommendations(call)
        case .seekerWhyNot: return try await whyNot(call)
        case .profileRecommendations: return try await profileRecommendations(call)
        case .getPosting: return try getPosting(call)
        case .putPosting: return try await putPosting(call)
        case .importPostings: return try await importPostings(call)
        case .closePosting: return try await closePosting(call)
        case .postingCandidates: return try await candidates(call)
        case .search: return try search(call)
        case .recordOutcome: return try await recordOutcome(call)
        case .seekerOutcomes: return try await seekerOutcomes(call)
        case .listKeys: return try Self.json(["keys": try catalog.keys()])
        case .createKey: return try await createKey(call)
        case .revokeKey: return try revokeKey(call)
        }
    }

    func ready() throws -> Response {
        let s = state.withLock { $0 }
        return try Self.json(ReadyBody(
            status: "ready", model: "\(model.name) \(model.version)", postings: s.engine.postings.count, openPostings: s.openPostings,
            indexLoadedAt: Catalog.isoString(s.loadedAt), openblasCore: BLAS.runtimeInfo.coreName, asOf: today.description))
    }

    // MARK: Parameters and bodies

    func top(_ call: Call) throws(Problem) -> Int {
        guard let raw = call.query["top"] else { return 10 }
        guard let n = Int(raw), (1...configuration.maxTop).contains(n) else {
            throw Problem.invalid("top", "must be an integer within 1...\(configuration.maxTop), got '\(Self.safePath(String(raw.prefix(20))))'")
        }
        return n
    }

    func flag(_ call: Call, _ name: String) throws(Problem) -> Bool {
        guard let raw = call.query[name] else { return false }
        switch raw {
        case "true": return true
        case "false": return false
        default: throw Problem.invalid(name, "must be true or false, got '\(Self.safePath(String(raw.prefix(20))))'")
        }
    }

    func body(_ call: Call) async throws -> [UInt8] {
        do {
            let buffer = try await call.request.body.collect(upTo: configuration.maxBodyBytes)
            return Array(buffer.readableBytesView)
        } catch let e as any HTTPResponseError where e.status == .contentTooLarge {
            throw Problem(.payloadTooLarge, status: 413, detail: "the body is larger than \(configuration.maxBodyBytes) bytes", field: "body")
        }
    }

    /// The body as one JSON object, read by the same strict reader as files (no trailing commas,
    /// each field once, well-formed UTF-8, …) for the same answer and a byte offset in the
    /// message; a leading byte-order mark is skipped.
    func object(_ bytes: [UInt8]) throws(Problem) -> JSONObject {
        guard !bytes.isEmpty else { throw Problem.invalid("body", "is empty; a JSON object is expected") }
        let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        if let bad = JSONLines.firstInvalidUTF8(bytes[bom...]) {
            throw Problem.invalid("body", "malformed UTF-8 at byte \(bom + bad + 1) of the body")
        }
        let parsed: (value: JSONValue, duplicateKey: String?)
        do { parsed = try JSONValue.parseReportingDuplicate(bytes[bom...]) } catch {
            var e = error
            e.offset += bom
            throw Problem.invalid("body", e.reason(in: ""))
        }
        if let duplicate = parsed.duplicateKey {
            throw Problem.invalid("body", "field '\(PersonalDataRedactor.redact(duplicate).text)' appears twice in the object; give each field once")
        }
        guard case .object(let o) = parsed.value else { throw Problem.invalid("body", "must be a JSON object") }
        return o.mapValues(Self.foundationValue)
    }

    /// A parsed value as the Foundation types `JSONSerialization` writes.
    static func foundationValue(_ v: JSONValue) -> Any {
        switch v {
        case .null: NSNull()
        case .bool(let b): b
        case .int(let i): i
        case .double(let d): d
        case .string(let s): s
        case .array(let a): a.map(foundationValue)
        case .object(let o): o.mapValues(foundationValue)
        }
    }

    /// Resident registration numbers are refused on write (not masked): the field is named.
    func refuseResidentNumbers(_ value: Any, path: String) throws(Problem) {
        switch value {
        case let s as String:
            if PersonalDataRedactor.redact(s).redactions.contains(.residentRegistrationNumber) {
                throw Problem.invalidRecord(path, "contains a resident registration number (주민등록번호); it must not be stored — remove it")
            }
        case let a as [Any]:
            for (i, v) in a.enumerated() { try refuseResidentNumbers(v, path: "\(path)[\(i)]") }
        case let o as JSONObject:
            for k in o.keys.sorted() { try refuseResidentNumbers(o[k]!, path: path.isEmpty ? k : "\(path).\(k)") }
        default: break
        }
    }

    func serialize(_ o: JSONObject) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]))
    }

    // MARK: Seekers (office-scoped: another office's seeker does not exist for the caller)

    func scopedSeeker(_ id: String, _ caller: Caller) throws -> Seeker {
        guard let s = try catalog.seeker(id: id), s.office == caller.key.office else { throw Problem.notFound("seeker '\(Self.safePath(id))'") }
        return s
    }

    /// Access-logs the seekers a response is about to show: called after the answer is computed
    /// and every parameter checked, so a refused or timed-out request leaves no record.
    func log(_ call: Call, seekers: [String]) async throws {
        guard let action = call.route.operation.accessLogAction, let caller = call.caller, !seekers.isEmpty else { return }
        try await appendAccess(seekers.map {
            AccessEntry(keyId: caller.key.id, office: caller.key.office, client: caller.client, seekerId: $0, action: action)
        })
        metrics.accessLogRecords.increment(by: seekers.count)
    }

    func getSeeker(_ call: Call) async throws -> Response {
        let s = try scopedSeeker(call.parameters["id"]!, call.caller!)
        let response = Self.raw(Array(s.jsonLine.utf8), type: "application/json; charset=utf-8")
        try await log(call, seekers: [s.id])
        return response
    }

    func putSeeker(_ call: Call) async throws -> Response {
        let caller = call.caller!
        let id = call.parameters["id"]!
        var o = try object(try await body(call))
        try refuseResidentNumbers(o, path: "")
        if let bodyID = o["id"] { guard (bodyID as? String) == id else { throw Problem.invalidRecord("id", "must equal the id in the path ('\(Self.safePath(id))')") } }
        o["id"] = id
        if let office = o["office"] { guard (office as? String) == caller.key.office else { throw Problem.invalidRecord("office", "must be this key's office ('\(caller.key.office)') or absent") } }
        o["office"] = caller.key.office
        let parsed = JSONLines.parseSeekers(try serialize(o), file: "body")
        if let e = parsed.errors.first { throw Problem.invalidRecord(e.field, e.reason) }
        let seeker = parsed.records[0]
        // another office's seeker with this id: not visible, not writable (checked in the write's
        // own transaction, so a concurrent insert by that office cannot be overwritten)
        let office = caller.key.office
        let result = try await serialized { [catalog] in try catalog.upsert(seeker: seeker, office: office) }
        if result == .otherOffice { throw Problem.notFound("seeker '\(Self.safePath(id))'") }
        try await log(call, seekers: [id])
        return try Self.json(WriteResult(id: id, result: result.rawValue), status: result == .inserted ? .created : .ok)
    }

    /// The filter of a recommendations request (`region`, `employmentType`, `minSalary`).
    func narrowing(_ call: Call) throws(Problem) -> Narrowing {
        var n = Narrowing()
        func text(_ name: String) throws(Problem) -> String? {
            guard let raw = call.query[name] else { return nil }
            let t = raw.trimmingCharacters(in: .whitespaces)
            guard !t.isEmpty, t.count <= 100 else { throw Problem.invalid(name, "must be 1...100 characters") }
            return t
        }
        n.region = try text("region")
        n.employmentType = try text("employmentType")
        if let raw = call.query["minSalary"] {
            guard let v = Int(raw) else { throw Problem.invalid("minSalary", "must be an integer (만원 a year), got '\(Self.safePath(String(raw.prefix(20))))'") }
            n.minSalary = v
        }
        return n
    }

    /// Ranks, then access-logs `logAs` (the seeker, or "(unsaved)"), then answers.
    func recommendations(for stated: Seeker, _ call: Call, logAs: String) async throws -> Response {
        let k = try top(call)
        let explain = try flag(call, "explain")
        let filter = try narrowing(call)
        let seeker: Seeker
        do { seeker = try stated.narrowed(by: filter) } catch { throw Problem.invalid(error.field, error.reason) }
        let day = today
        let s = state.withLock { $0 }
        var scratch = s.scratch.take()
        let recs = s.engine.recommend(seeker, top: k, asOf: day, explain: explain, scratch: &scratch)
        s.scratch.put(scratch)
        let results = recs.map { r in RecommendationJSON(r, s.engine.postings[Int(r.doc)], explain: explain) }
        let constraints = ConstraintsJSON(
            regions: seeker.regions.map(\.description), nationwide: seeker.regionsNationwide,
            employmentTypes: seeker.employmentTypes.map(\.korean), salaryFloor: seeker.salaryFloor,
            occupations: seeker.desiredOccupations.map { .init(code: $0, name: model.occupations.name($0)) },
            narrowed: !filter.isEmpty)
        let response = try Self.json(RecommendationsBody(seekerId: seeker.id, asOf: day.description, model: "\(model.name) \(model.version)",
                                                         constraints: constraints, results: results))
        try await log(call, seekers: [logAs])
        return response
    }

    func seekerRecommendations(_ call: Call) async throws -> Response {
        let seeker = try scopedSeeker(call.parameters["id"]!, call.caller!)
        return try await recommendations(for: seeker, call, logAs: seeker.id)
    }

    func profileRecommendations(_ call: Call) async throws -> Response {
        var o = try object(try await body(call))
        try refuseResidentNumbers(o, path: "")
        if o["id"] == nil { o["id"] = "profile" }
        let parsed = JSONLines.parseSeekers(try serialize(o), file: "body")
        if let e = parsed.errors.first { throw Problem.invalidRecord(e.field, e.reason) }
        // logged as "(unsaved)": the body's id is the caller's word, not a seeker of the catalog
        return try await recommendations(for: parsed.records[0], call, logAs: "(unsaved)")
    }

    func whyNot(_ call: Call) async throws -> Response {
        let seeker = try scopedSeeker(call.parameters["id"]!, call.caller!)
        let postingID = call.parameters["postingId"]!
        let k = try top(call)
        let engine = state.withLock { $0.engine }
        let verdict: WhyNot
        do { verdict = try engine.whyNot(seeker, postingID: postingID, top: k, asOf: today) } catch {
            throw Problem.notFound("posting '\(Self.safePath(postingID))'")
        }
        var b = WhyNotBody(seekerId: seeker.id, postingId: postingID, verdict: "", explanation: "")
        switch verdict {
        case .vetoed(let v):
            b.verdict = "vetoed"
            b.vetoes = v.map(\.description)
            b.explanation = "추천 제외: " + v.map(\.description).joined(separator: "; ")
        case .noMatch:
            b.verdict = "no-match"
            b.explanation = "구직자의 희망 직무·기술과 겹치는 내용이 없어 후보가 되지 않았습니다."
        case .ranked(let rank, let score, let cutoff, let shown):
            b.verdict = "ranked"
            b.rank = rank
            b.score = score
            b.cutoffScore = cutoff
            b.shown = shown
            if rank <= shown {
                b.explanation = "추천 목록 \(rank)위에 있습니다."
            } else if let cutoff {
                b.explanation = "\(rank)위로, 상위 \(shown)건 밖입니다 (점수 \(String(format: "%.3f", score)), \(shown)위 점수 \(String(format: "%.3f", cutoff)))."
            } else {
                b.explanation = "\(rank)위입니다."
            }
        case .duplicateOf(let other, let rank):
            b.verdict = "duplicate"
            b.duplicateOf = other
            b.rank = rank
            b.explanation = "같은 회사의 거의 같은 공고 \(other) (\(rank)위)에 '외 N건'으로 묶였습니다."
        case .companyCap(let limit):
            b.verdict = "company-cap"
            b.companyLimit = limit
            b.explanation = "같은 회사 공고가 이미 \(limit)건 추천되어 더 넣지 않았습니다."
        }
        let response = try Self.json(b)
        try await log(call, seekers: [seeker.id])
        return response
    }

    // MARK: Postings

    func getPosting(_ call: Call) throws -> Response {
        let id = call.parameters["id"]!
        guard let p = try catalog.posting(id: id) else { throw Problem.notFound("posting '\(Self.safePath(id))'") }
        return Self.raw(Array(p.jsonLine.utf8), type: "application/json; charset=utf-8")
    }

    func putPosting(_ call: Call) async throws -> Response {
        let id = call.parameters["id"]!
        var o = try object(try await body(call))
        try refuseResidentNumbers(o, path: "")
        if let bodyID = o["id"] { guard (bodyID as? String) == id else { throw Problem.invalidRecord("id", "must equal the id in the path ('\(Self.safePath(id))')") } }
        o["id"] = id
        let parsed = JSONLines.parsePostings(try serialize(o), file: "body")
        if let e = parsed.errors.first { throw Problem.invalidRecord(e.field, e.reason) }
        let posting = parsed.records[0]
        let counts = try await serialized { [self] in
            let c = try catalog.upsert(postings: [posting])
            if c.inserted + c.updated > 0 { try reloadEngineLocked() }
            return c
        }
        return try Self.json(WriteResult(id: id, result: counts.inserted > 0 ? "inserted" : counts.updated > 0 ? "updated" : "unchanged"),
                             status: counts.inserted > 0 ? .created : .ok)
    }

    func importPostings(_ call: Call) async throws -> Response {
        let bytes = try await body(call)
        guard !bytes.isEmpty else { throw Problem.invalid("body", "is empty; one posting per line is expected") }
        // resident registration numbers: refused per line, with the line named
        var lineNumber = 0
        var lineErrors: [Problem.LineError] = []
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            // a line that is not JSON is reported by the parse below
            let bom = line.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            guard let v = try? JSONValue.parse(line.dropFirst(bom)), case .object = v else { continue }
            do { try refuseResidentNumbers(Self.foundationValue(v), path: "") } catch { lineErrors.append(.init(line: lineNumber, field: error.field, reason: error.detail)) }
        }
        let parsed = JSONLines.parsePostings(bytes, file: "body")
        lineErrors += parsed.errors.map { .init(line: $0.line, field: $0.field, reason: $0.reason) }
        if !lineErrors.isEmpty {
            var p = Problem(.invalidRecord, status: 422, detail: "\(lineErrors.count) line(s) rejected; nothing was imported (fix them and send the file again)")
            p.errors = lineErrors.sorted { ($0.line, $0.field ?? "") < ($1.line, $1.field ?? "") }
            throw p
        }
        let records = parsed.records
        let counts = try await serialized { [self] in
            let c = try catalog.upsert(postings: records)
            if c.inserted + c.updated > 0 { try reloadEngineLocked() }
            return c
        }
        return try Self.json(ImportResult(inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged, redactions: parsed.redactions))
    }

    func closePosting(_ call: Call) async throws -> Response {
        let id = call.parameters["id"]!
        let r = try await serialized { [self] in
            let r = try catalog.setOpen([id], open: false)
            if !r.changed.isEmpty { try reloadEngineLocked() }
            return r
        }
        if !r.missing.isEmpty { throw Problem.notFound("posting '\(Self.safePath(id))'") }
        return try Self.json(CloseResult(postingId: id, status: "closed", changed: !r.changed.isEmpty))
    }

    func candidates(_ call: Call) async throws -> Response {
        let caller = call.caller!
        let id = call.parameters["id"]!
        let k = try top(call)
        let explain = try flag(call, "explain")
        let seekers = try catalog.seekers().records.filter { $0.office == caller.key.office }
        let engine = state.withLock { $0.engine }
        let list: [SeekerCandidate]
        do { list = try engine.candidates(for: id, seekers: seekers, top: k, asOf: today, explain: explain) } catch {
            if engine.documentNumber(of: id) == nil { throw Problem.notFound("posting '\(Self.safePath(id))'") }
            throw Problem(.conflict, status: 409, detail: error.message)
        }
        let response = try Self.json([
            "postingId": AnyEncodable(id),
            "results": AnyEncodable(list.map { CandidateJSON(rank: $0.rank, seekerId: $0.seekerID, score: $0.score, textScore: $0.textScore,
                                                              fitScore: $0.fitScore, reasons: explain ? $0.reasons : nil) }),
        ])
        try await log(call, seekers: list.map(\.seekerID))
        return response
    }

    func search(_ call: Call) throws -> Response {
        guard let q = call.query["q"], !q.trimmingCharacters(in: .whitespaces).isEmpty else { throw Problem.invalid("q", "is required: the words to search for") }
        guard q.count <= 200 else { throw Problem.invalid("q", "is longer than 200 characters") }
        let k = try top(call)
        let includeClosed = try flag(call, "includeClosed")
        let engine = state.withLock { $0.engine }
        let recs = engine.search(q, top: k, includeClosed: includeClosed, asOf: today)
        return try Self.json(["results": recs.map { RecommendationJSON($0, engine.postings[Int($0.doc)], explain: true) }])
    }

    // MARK: Outcomes

    /// What counsellors recorded for one seeker of the caller's office, oldest first (so a
    /// returning seeker is not offered again what they were already offered or turned down).
    func seekerOutcomes(_ call: Call) async throws -> Response {
        let seeker = try scopedSeeker(call.parameters["id"]!, call.caller!)
        let records = try catalog.outcomes(seekerId: seeker.id)
        let response = try Self.json(SeekerOutcomes(seekerId: seeker.id, outcomes: records))
        try await log(call, seekers: [seeker.id])
        return response
    }

    func recordOutcome(_ call: Call) async throws -> Response {
        let caller = call.caller!
        let bytes = try await body(call)
        _ = try object(bytes)
        let req: OutcomeRequest
        do { req = try JSONDecoder().decode(OutcomeRequest.self, from: Data(bytes)) } catch let DecodingError.keyNotFound(key, _) {
            throw Problem.invalid(key.stringValue, "is required")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw Problem.invalid(ctx.codingPath.map(\.stringValue).joined(separator: "."), "has the wrong type")
        } catch {
            throw Problem.invalid("body", "is not a valid outcome")
        }
        guard let kind = OutcomeKind(rawValue: req.outcome) else {
            throw Problem.invalid("outcome", "must be one of \(OutcomeKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let r = req.reason, PersonalDataRedactor.redact(r).redactions.contains(.residentRegistrationNumber) {
            throw Problem.invalidRecord("reason", "contains a resident registration number (주민등록번호); it must not be stored")
        }
        let seeker = try scopedSeeker(req.seekerId, caller)
        guard try catalog.posting(id: req.postingId) != nil else { throw Problem(.notFound, status: 404, detail: "posting '\(Self.safePath(req.postingId))' not found", field: "postingId") }
        let record: OutcomeRecord
        do {
            record = try await serialized { [catalog] in
                try catalog.recordOutcome(seekerId: seeker.id, postingId: req.postingId, outcome: kind, reason: req.reason,
                                          keyId: caller.key.id, office: caller.key.office)
            }
        } catch let e as JobMatchError { throw Problem.invalid("reason", e.message) }
        try await log(call, seekers: [seeker.id])
        return try Self.json(record, status: .created)
    }

    // MARK: Keys

    func createKey(_ call: Call) async throws -> Response {
        let bytes = try await body(call)
        _ = try object(bytes)
        let req: KeyRequest
        do { req = try JSONDecoder().decode(KeyRequest.self, from: Data(bytes)) } catch let DecodingError.keyNotFound(key, _) {
            throw Problem.invalid(key.stringValue, "is required")
        } catch {
            throw Problem.invalid("body", "must have name, office and role (strings) and optionally validDays (integer)")
        }
        guard let role = Role(rawValue: req.role) else { throw Problem.invalid("role", "must be counsellor, staff or admin") }
        do {
            let made = try await serialized { [catalog] in try catalog.createKey(name: req.name, office: req.office, role: role, validDays: req.validDays ?? 365) }
            return try Self.json(CreatedKey(key: made.key, token: made.token), status: .created)
        } catch let e as JobMatchError {
            throw Problem.invalid(e.message.hasPrefix("office") ? "office" : e.message.hasPrefix("validity") ? "validDays" : "name", e.message)
        }
    }

    func revokeKey(_ call: Call) throws -> Response {
        let id = call.parameters["id"]!
        guard try catalog.revokeKey(id: id), let key = try catalog.key(id: id) else { throw Problem.notFound("key '\(Self.safePath(id))'") }
        return try Self.json(key)
    }
}

/// Type erasure for small heterogeneous JSON objects.
struct AnyEncodable: Encodable {
    let encodeBody: (any Encoder) throws -> Void
    init<T: Encodable>(_ value: T) { encodeBody = value.encode }
    func encode(to encoder: any Encoder) throws { try encodeBody(encoder) }
}
