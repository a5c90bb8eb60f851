import Foundation
package import Hummingbird
package import Logging
import NIOCore
package import JobMatchStore
package import JobMatchRanking
import JobMatchText
import JobMatchKernels
import CoreMetrics

/// The request context: Hummingbird's core storage plus the client's address (for the access
/// log and the failed-authentication limit).
package struct ServiceContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    package let clientAddress: String

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "-"
    }
}

package struct ServiceResponder: HTTPResponder {
    package typealias Context = ServiceContext
    package let service: JobMatchService
    package init(service: JobMatchService) { self.service = service }

    package func respond(to request: Request, context: ServiceContext) async throws -> Response {
        await service.handle(request, client: context.clientAddress, logger: context.logger)
    }
}

/// The loaded engine and what /readyz reports about it.
struct EngineState: Sendable {
    var engine: MatchEngine
    var openPostings: Int
    var loadedAt: Date
    /// Each engine gets its own scratch buffers (sized to its postings).
    var scratch: ScratchPool
}

/// Ranking buffers reused across requests (one per concurrent request at most).
final class ScratchPool: Sendable {
    private let free = Locked<[RankingScratch]>([])
    let documentCount: Int
    init(documentCount: Int) { self.documentCount = documentCount }
    func take() -> RankingScratch { free.withLock { $0.popLast() } ?? RankingScratch(documentCount: documentCount) }
    func put(_ s: RankingScratch) { free.withLock { if $0.count < 16 { $0.append(s) } } }
}

/// The service: catalog, engine, keys, access log, metrics. One instance per data directory.
package final class JobMatchService: Sendable {
    package let configuration: ServiceConfiguration
    package let catalog: Catalog
    package let dataDirectory: String
    package let model: Model
    package let metrics = ServiceMetrics()
    let auditKey: [UInt8]
    let limiter: RateLimiter
    let failures: FailureCounter
    let state: Locked<EngineState>
    let logger: Logger
    /// Catalog writes, index updates and engine reloads, one at a time, off the async pool.
    let writeQueue = DispatchQueue(label: "jobmatch.service.writes")
    /// Access-log appends (short transactions; SQLite serialises them with the writes).
    let logQueue = DispatchQueue(label: "jobmatch.service.access-log")
    let openAPIDocument: [UInt8]
    /// The counsellors' web page (`GET /`, `/web/{file}`), read once at start.
    let webFiles: [String: WebFile]

    package init(dataDirectory: String, model: Model, configuration: ServiceConfiguration = ServiceConfiguration(), logger: Logger) throws {
        self.configuration = configuration
        self.dataDirectory = dataDirectory
        self.model = model
        self.logger = logger
        catalog = try Catalog(directory: dataDirectory)
        auditKey = try AuditKey.load(dataDirectory: dataDirectory, create: true)
        limiter = RateLimiter(rate: configuration.rateLimitPerSecond, burst: configuration.rateLimitBurst)
        failures = FailureCounter(perMinute: configuration.failedAuthPerMinute)
        let opened = try IndexMaintenance.engine(catalog, model: model)
        for n in opened.notes { logger.notice("\(n)") }
        state = Locked(Self.makeState(opened.engine))
        openAPIDocument = Self.loadOpenAPI()
        webFiles = WebFile.load()
        publishGauges()
    }

    static func makeState(_ engine: MatchEngine) -> EngineState {
        EngineState(engine: engine, openPostings: engine.postings.lazy.filter(\.isOpen).count, loadedAt: Date(),
                    scratch: ScratchPool(documentCount: engine.postings.count))
    }

    static func loadOpenAPI() -> [UInt8] { ServiceResources.bytes("openapi.yaml") ?? [] }

    package var openAPI: [UInt8] { openAPIDocument }

    func publishGauges() {
        let s = state.withLock { $0 }
        metrics.indexPostings.record(s.engine.postings.count)
        metrics.indexBytes.record(indexBytes())
        metrics.openPostings.record(s.openPostings)
        metrics.lastIndexLoad.record(s.loadedAt.timeIntervalSince1970)
        if let age = lastBatchAge() { metrics.recordBatchAge(age) }
    }

    /// Bytes of the index directory's files (segment, delta, manifest) on disk.
    func indexBytes() -> Int {
        let dir = IndexMaintenance.indexDirectory(of: catalog)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.reduce(0) { sum, n in
            sum + ((try? FileManager.default.attributesOfItem(atPath: dir + "/" + n))?[.size] as? Int ?? 0)
        }
    }

    /// Seconds since the newest finished batch run: `DATA/batch/run.trec` or `DATA/batch/*/run.trec`
    /// (`jobmatch batch --out DATA/batch/DATE` writes run.trec when it completes).
    func lastBatchAge() -> Double? {
        let dir = dataDirectory + "/batch"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return nil }
        let dates = ([""] + names.map { "/" + $0 }).compactMap { n -> Date? in
            (try? FileManager.default.attributesOfItem(atPath: dir + n + "/run.trec"))?[.modificationDate] as? Date
        }
        return dates.max().map { max(0, Date().timeIntervalSince($0)) }
    }

    static let koreaCalendar: Calendar = {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "Asia/Seoul") ?? TimeZone(secondsFromGMT: 9 * 3600)!
        return cal
    }()

    var today: Day {
        if let d = configuration.asOf { return d }
        let c = Self.koreaCalendar.dateComponents([.year, .month, .day], from: Date())
        return Day(year: c.year!, month: c.month!, day: c.day!)!
    }

    // MARK: Request pipeline

    /// Who is calling, once authenticated.
    struct Caller: Sendable {
        var key: APIKey
        var role: RoleName { RoleName(rawValue: key.role.rawValue) ?? .counsellor }
        var client: String
    }

    struct Call: Sendable {
        var route: Route
        var parameters: [String: String]
        var request: Request
        var caller: Caller?
        var query: [String: String]
    }

    package func handle(_ request: Request, client: String, logger: Logger) async -> Response {
        let started = ContinuousClock.now
        let method = request.method.rawValue
        var routeLabel = "unmatched"
        var keyID = "-"
        var response: Response
        do {
            let (route, parameters) = try resolve(request)
            routeLabel = route.template
            try checkAccept(request, route.operation)
            var caller: Caller?
            if route.operation.permission != .public {
                let c = try authenticate(request, client: client)
                keyID = c.key.id
                guard route.operation.permission.allows(c.role) else {
                    throw Problem(.forbidden, status: 403, detail: "a \(c.key.role.rawValue) key may not \(route.method) \(route.template)")
                }
                if let wait = limiter.take(c.key.id, now: Date().timeIntervalSince1970) {
                    metrics.rateLimited.increment()
                    var p = Problem(.rateLimited, status: 429, detail: "more than \(configuration.rateLimitPerSecond) requests a second for this key; retry in \(wait) s")
                    p.retryAfter = wait
                    throw p
                }
                caller = c
            }
            try checkContentType(request, route.operation)
            let call = Call(route: route, parameters: parameters, request: request, caller: caller, query: Self.query(request))
            response = try await withDeadline(configuration.requestDeadlineSeconds) { [self] in try await perform(call) }
        } catch let p as Problem {
            response = Self.problemResponse(p)
        } catch {
            logger.error("internal error", metadata: ["route": .string(routeLabel), "error": .string(PersonalDataRedactor.redact("\(error)").text)])
            response = Self.problemResponse(Problem(.internalError, status: 500, detail: "the request failed inside the service; it has been logged"))
        }
        let elapsed = (ContinuousClock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        let status = Int(response.status.code)
        metrics.record(route: routeLabel, method: method, status: status, seconds: seconds)
        // Request log: route template, never the raw path's query string or the body.
        logger.info("request", metadata: [
            "method": .string(method), "route": .string(routeLabel), "status": .stringConvertible(status),
            "ms": .string(String(format: "%.2f", seconds * 1000)), "key": .string(keyID),
        ])
        return response
    }

    func resolve(_ request: Request) throws(Problem) -> (Route, [String: String]) {
        switch Route.resolve(method: request.method.rawValue, path: request.uri.path) {
        case .found(let r, let p): return (r, p)
        case .notFound: throw Problem.notFound("no such resource: \(request.method.rawValue) \(Self.safePath(request.uri.path))")
        case .methodNotAllowed(let allow):
            var p = Problem(.methodNotAllowed, status: 405, detail: "\(request.method.rawValue) is not allowed here; allowed: \(allow.joined(separator: ", "))")
            p.allow = allow
            throw p
        }
    }

    /// The path for an error message, with anything shaped like personal data masked.
    static func safePath(_ path: String) -> String {
        PersonalDataRedactor.redact(path.removingPercentEncoding ?? path).text
    }

    /// Query parameters as forms encode them (`application/x-www-form-urlencoded`: `+` is a
    /// space, then percent-decoding); the first value of a repeated name wins.
    static func query(_ request: Request) -> [String: String] {
        guard let raw = request.uri.query, !raw.isEmpty else { return [:] }
        var out: [String: String] = [:]
        for pair in raw.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let spaced = s.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            let key = decode(kv[0])
            if out[key] == nil { out[key] = kv.count > 1 ? decode(kv[1]) : "" }
        }
        return out
    }

    static func produces(_ op: Operation) -> [String] {
        switch op {
        case .metrics: ["text/plain"]
        case .openapi: ["application/yaml", "text/yaml", "application/x-yaml"]
        case .webPage: ["text/html"]
        case .webAsset: ["text/javascript", "text/css", "application/javascript"]
        default: ["application/json", "application/problem+json"]
        }
    }

    func checkAccept(_ request: Request, _ op: Operation) throws(Problem) {
        guard let accept = request.headers[.accept], !accept.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        let offered = Self.produces(op)
        for part in accept.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = pieces.first else { continue }
            if pieces.dropFirst().contains(where: { p in
                let kv = p.replacingOccurrences(of: " ", with: "")
                return kv.hasPrefix("q=") && Double(kv.dropFirst(2)) == 0
            }) { continue }
            if type == "*/*" { return }
            if type.hasSuffix("/*"), offered.contains(where: { $0.hasPrefix(type.dropLast()) }) { return }
            if offered.contains(type) { return }
        }
        throw Problem(.notAcceptable, status: 406, detail: "this resource is available as \(offered.joined(separator: ", ")) only", field: "Accept")
    }

    static func bodyTypes(_ op: Operation) -> [String]? {
        switch op {
        case .putSeeker, .profileRecommendations, .putPosting, .recordOutcome, .createKey: ["application/json"]
        case .importPostings: ["application/x-ndjson", "application/jsonl", "application/json-lines"]
        default: nil
        }
    }

    func checkContentType(_ request: Request, _ op: Operation) throws(Problem) {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maxBodyBytes {
            throw Problem(.payloadTooLarge, status: 413, detail: "the body is \(length) bytes; at most \(configuration.maxBodyBytes) are accepted", field: "body")
        }
        guard let types = Self.bodyTypes(op) else { return }
        let raw = request.headers[.contentType] ?? ""
        let type = raw.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard types.contains(type) else {
            throw Problem(.unsupportedMediaType, status: 415,
                          detail: "Content-Type must be \(types.joined(separator: " or "))\(type.isEmpty ? "" : ", not \(type)")", field: "Content-Type")
        }
    }

    /// The caller's key. A failure is 401, or 429 once the client address has failed too often
    /// this minute (guessing gets slower; a person with a valid key on the same address is not
    /// locked out).
    func authenticate(_ request: Request, client: String) throws -> Caller {
        let now = Date()
        func fail(_ detail: String, reason: String) -> Problem {
            metrics.authFailures.increment()
            if let wait = failures.recordOrBlock(client, now: now.timeIntervalSince1970) {
                metrics.rateLimited.increment()
                var p = Problem(.rateLimited, status: 429, detail: "too many failed authentications from this address; retry in \(wait) s")
                p.retryAfter = wait
                return p
            }
            var p = Problem(.unauthorized, status: 401, detail: detail, field: "Authorization")
            p.reason = reason
            return p
        }
        // a throttled address's wrong secrets no longer count towards locking the key they name
        let throttled = failures.blocked(client, now: now.timeIntervalSince1970) != nil
        guard let header = request.headers[.authorization] else { throw fail("an API key is required: Authorization: Bearer <key>", reason: "missing") }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw fail("use Authorization: Bearer <key>", reason: "invalid") }
        switch try catalog.authenticate(token: String(parts[1]).trimmingCharacters(in: .whitespaces), now: now, policy: configuration.lockout,
                                        countFailures: !throttled) {
        case .accepted(let key): return Caller(key: key, client: client)
        case .malformed, .unknown, .rejected(lockedNow: false): throw fail("the API key is not valid", reason: "invalid")
        case .rejected(lockedNow: true): throw fail("the API key is not valid; after repeated failures it is now locked for \(Int(configuration.lockout.duration / 60)) minutes", reason: "locked")
        case .locked(let until): throw fail("the API key is locked after repeated failures until \(until); an admin can unlock it", reason: "locked")
        case .expired: throw fail("the API key has expired; ask an admin for a new one", reason: "expired")
        case .revoked: throw fail("the API key has been revoked", reason: "revoked")
        }
    }

    // MARK: Responses

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func raw(_ bytes: [UInt8], type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The problem as sent: every caller-influenced text (detail, field, per-line errors) passes the
    /// personal-data redactor, whatever the handler put in it.
    package static func problemResponse(_ problem: Problem) -> Response {
        var p = problem
        p.detail = PersonalDataRedactor.redact(p.detail).text
        p.field = p.field.map { PersonalDataRedactor.redact($0).text }
        p.errors = p.errors?.map { e in
            Problem.LineError(line: e.line, field: e.field.map { PersonalDataRedactor.redact($0).text }, reason: PersonalDataRedactor.redact(e.reason).text)
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        if let r = p.retryAfter { headers[.retryAfter] = String(r) }
        if let a = p.allow { headers[.allow] = a.joined(separator: ", ") }
        if p.status == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"jobmatch\"" }
        let data = (try? encoder.encode(p)) ?? Data()
        return Response(status: .init(code: p.status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: Deadline

    /// Runs `body`, answering 503 when it has not finished within `seconds`. A request answered
    /// 503 leaves no trace: its side effects (catalog writes, access-log records) each first claim
    /// the request's ``DeadlineToken``, which fails once the deadline has passed — and once one has
    /// claimed it, the deadline no longer applies and the request is answered when its write is
    /// done. Pure computation that ignores cancellation finishes in the background, unseen.
    func withDeadline(_ seconds: Double, _ body: @escaping @Sendable () async throws -> Response) async throws -> Response {
        let token = DeadlineToken()
        let answered = Locked(false)
        let claim: @Sendable () -> Bool = { answered.withLock { done -> Bool in defer { done = true }; return !done } }
        return try await withCheckedThrowingContinuation { (c: CheckedContinuation<Response, any Error>) in
            let timer = Locked<Task<Void, Never>?>(nil)
            let work = DeadlineToken.$current.withValue(token) {
                Task {
                    let result: Result<Response, any Error>
                    do { result = .success(try await body()) } catch { result = .failure(error) }
                    if claim() {
                        timer.withLock { $0?.cancel() }
                        c.resume(with: result)
                    }
                }
            }
            let t = Task {
                try? await Task.sleep(for: .seconds(seconds))
                if !Task.isCancelled, token.expire(), claim() {
                    work.cancel()
                    c.resume(throwing: Problem(.deadlineExceeded, status: 503, detail: "no answer within \(seconds) s; nothing was changed or recorded — try again"))
                }
            }
            timer.withLock { $0 = t }
            if answered.withLock({ $0 }) { t.cancel() }
        }
    }

    /// Blocking work (SQLite writes, index updates, engine loads), one at a time, off the
    /// cooperative pool; skipped (CancellationError) when the request's deadline has passed.
    func serialized<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let token = DeadlineToken.current
        return try await withCheckedThrowingContinuation { c in
            writeQueue.async {
                guard token?.beginCommit() ?? true else { return c.resume(throwing: CancellationError()) }
                c.resume(with: Result { try work() })
            }
        }
    }

    /// Appends access-log records on their own queue (not behind a long import or reload), off the
    /// cooperative pool; skipped when the request's deadline has passed, so a 503 logs nothing.
    func appendAccess(_ entries: [AccessEntry]) async throws {
        let token = DeadlineToken.current
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            logQueue.async { [catalog, auditKey] in
                guard token?.beginCommit() ?? true else { return c.resume(throwing: CancellationError()) }
                c.resume(with: Result { try catalog.appendAccess(entries, auditKey: auditKey) }.map { _ in () })
            }
        }
    }

    /// Brings the index up to the catalog and swaps in the new engine (call on `writeQueue`).
    func reloadEngineLocked() throws {
        let opened = try IndexMaintenance.engine(catalog, model: model)
        for n in opened.notes { logger.notice("\(n)") }
        let fresh = Self.makeState(opened.engine)
        state.withLock { $0 = fresh }
        publishGauges()
    }
}

/// A request's commit point (see ``JobMatchService/withDeadline(_:_:)``): either a side effect
/// claims it first, or the deadline does.
final class DeadlineToken: Sendable {
    enum State { case running, committing, expired }
    private let state = Locked(State.running)
    @TaskLocal static var current: DeadlineToken?

    /// True when the side effect may go ahead (from now on the deadline no longer applies).
    func beginCommit() -> Bool {
        state.withLock { s in
            if s == .expired { return false }
            s = .committing
            return true
        }
    }

    /// True when the deadline wins (nothing has been committed).
    func expire() -> Bool {
        state.withLock { s in
            guard s == .running else { return false }
            s = .expired
            return true
        }
    }
}

/// Files of `Sources/JobMatchService/Resources`, found without `Bundle.module` (whose accessor
/// stops the process when the bundle is missing): SwiftPM's resource bundle beside the
/// executable, else the source tree this binary was built from. A missing file is nil, and the
/// route that serves it answers 503.
enum ServiceResources {
    static let bundleName = "JobMatch_JobMatchService.resources"

    static var directories: [URL] {
        var dirs = [Bundle.main.bundleURL.appendingPathComponent(bundleName)]
        if let exe = CommandLine.arguments.first {
            dirs.append(URL(fileURLWithPath: exe).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent(bundleName))
        }
        dirs.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources"))
        return dirs
    }

    static func bytes(_ name: String) -> [UInt8]? {
        for d in directories {
            if let data = FileManager.default.contents(atPath: d.appendingPathComponent(name).path) { return Array(data) }
        }
        return nil
    }
}
