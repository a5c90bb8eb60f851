import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
@testable import JobMatchService
import JobMatchKernels
import JobMatchRanking
import JobMatchSample
import JobMatchStore
import JobMatchTestSupport

/// Log lines captured in memory (to check what the service writes to its log).
final class CapturedLog: Sendable {
    let lines = Locked<[String]>([])
    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    struct Handler: LogHandler {
        let sink: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let meta = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            sink.lines.withLock { $0.append("\(event.level) \(event.message) \(meta)") }
        }
    }

    var logger: Logger { Logger(label: "test") { _ in Handler(sink: self) } }
}

/// A data directory with a generated sample (postings and seekers in several offices), keys for
/// each role, and a service over it.
struct ServiceFixture {
    static let asOf = Day(year: 2026, month: 11, day: 27)!
    let directory: String
    let service: JobMatchService
    let log: CapturedLog
    let catalog: Catalog
    let seekers: [Seeker]
    let postings: [Posting]
    /// Two offices that both have seekers in the sample.
    let officeA: String
    let officeB: String
    let counsellorA: String
    let counsellorB: String
    let staff: String
    let admin: String

    init(postings postingCount: Int = 300, seekers seekerCount: Int = 60, configure: (inout ServiceConfiguration) -> Void = { _ in }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("jobmatch-service-\(UUID().uuidString)").path
        let sample = SampleGenerator.generate(SampleConfiguration(seed: 7, postings: postingCount, seekers: seekerCount))
        let p = JSONLines.parsePostings(Array(sample.postingsJSONL.utf8), file: "postings")
        let s = JSONLines.parseSeekers(Array(sample.seekersJSONL.utf8), file: "seekers")
        try #require(p.errors.isEmpty && s.errors.isEmpty)
        postings = p.records
        seekers = s.records
        let c = try Catalog(directory: directory)
        _ = try c.upsert(postings: postings)
        _ = try c.upsert(seekers: seekers)
        catalog = c
        var counts: [String: Int] = [:]
        for seeker in seekers { counts[seeker.office!, default: 0] += 1 }
        let offices = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
        officeA = offices[0]
        officeB = offices[1]
        counsellorA = try c.createKey(name: "상담가A", office: offices[0], role: .counsellor, validDays: 30).token
        counsellorB = try c.createKey(name: "상담가B", office: offices[1], role: .counsellor, validDays: 30).token
        staff = try c.createKey(name: "직원", office: offices[0], role: .staff, validDays: 30).token
        admin = try c.createKey(name: "관리자", office: offices[0], role: .admin, validDays: 30).token
        var config = ServiceConfiguration()
        config.asOf = Self.asOf
        config.rateLimitPerSecond = 0
        configure(&config)
        log = CapturedLog()
        service = try JobMatchService(dataDirectory: directory, model: try Fixtures.defaultModel(), configuration: config, logger: log.logger)
    }

    func seekers(of office: String) -> [Seeker] { seekers.filter { $0.office == office } }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// Runs `body` against the service's router (no sockets).
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await service.application().test(.router, body)
    }
}

extension HTTPFields {
    static func bearer(_ token: String, json: Bool = false) -> HTTPFields {
        var h = HTTPFields()
        h[.authorization] = "Bearer \(token)"
        if json { h[.contentType] = "application/json" }
        return h
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
}

func buffer(_ s: String) -> ByteBuffer { ByteBuffer(string: s) }
