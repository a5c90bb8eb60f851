import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import ServiceLifecycle
import Testing
@testable import JobMatchService
import JobMatchKernels
import JobMatchRanking
import JobMatchStore
import JobMatchTestSupport

@Suite("HTTP service: routes, authentication and roles")
struct ServiceAuthTests {
    @Test("public endpoints answer without a key; /metrics is Prometheus text with route templates, never ids")
    func publicEndpoints() async throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        let seeker = f.seekers(of: f.officeA)[0]
        try await f.test { client in
            try await client.execute(uri: "/healthz", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.object["status"] as? String == "ok")
            }
            try await client.execute(uri: "/readyz", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.object["status"] as? String == "ready")
                #expect(r.object["postings"] as? Int == f.postings.count)
                #expect((r.object["model"] as? String)?.hasPrefix("default") == true)
                #expect(!((r.object["openblasCore"] as? String) ?? "").isEmpty)
            }
            try await client.execute(uri: "/v1/seekers/\(seeker.id)/recommendations?top=3", method: .get, headers: .bearer(f.counsellorA)) { r in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/metrics", method: .get) { r in
                #expect(!r.text.contains("jobmatch_last_batch_age_seconds"))
            }
            try FileManager.default.createDirectory(atPath: f.directory + "/batch/2026-11-27", withIntermediateDirectories: true)
            try Data("S1 Q0 P1 1 1.0 t\n".utf8).write(to: URL(fileURLWithPath: f.directory + "/batch/2026-11-27/run.trec"))
            try await client.execute(uri: "/metrics", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.text.contains("jobmatch_last_batch_age_seconds"))
                #expect(r.headers[.contentType]?.hasPrefix("text/plain") == true)
                #expect(r.text.contains("jobmatch_http_requests_total{"))
                #expect(r.text.contains("route=\"/v1/seekers/{id}/recommendations\""))
                #expect(r.text.contains("jobmatch_http_request_duration_seconds_bucket"))
                #expect(r.text.contains("jobmatch_open_postings \(f.postings.filter(\.isOpen).count)"))
                let bytes = r.text.split(separator: "\n").first { $0.hasPrefix("jobmatch_index_bytes ") }.flatMap { Double($0.split(separator: " ")[1]) }
                #expect((bytes ?? 0) > 10_000)
                #expect(r.text.contains("jobmatch_access_log_records_total 1"))
                #expect(!r.text.contains(seeker.id))
            }
            // request log lines: route template, status, key id — no ids from the path, no query string
            let log = f.log.text
            #expect(log.contains("route=/v1/seekers/{id}/recommendations") && log.contains("status=200"))
            #expect(!log.contains(seeker.id) && !log.contains("top=") && !log.contains("?"))
            try await client.execute(uri: "/openapi.yaml", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/yaml")
                let committed = try String(contentsOfFile: Fixtures.repositoryRoot + "/openapi.yaml", encoding: .utf8)
                #expect(r.text == committed)
            }
        }
    }

    @Test("every route is in openapi.yaml and every operation there is a route")
    func specMatchesRoutes() throws {
        let spec = try String(contentsOfFile: Fixtures.repositoryRoot + "/openapi.yaml", encoding: .utf8)
        var documented: Set<String> = []
        var inPaths = false
        var path: String?
        for line in spec.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty { inPaths = line.hasPrefix("paths:") ; path = nil; continue }
            guard inPaths else { continue }
            if line.hasPrefix("  /") && line.hasSuffix(":") && !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast()).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
            } else if let p = path, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "put", "post", "delete", "patch"].contains(String(key)) { documented.insert("\(key.uppercased()) \(p)") }
            }
        }
        let routes = Set(Route.all.map { "\($0.method) \($0.template)" })
        #expect(documented == routes, "only in spec: \(documented.subtracting(routes).sorted()); only in code: \(routes.subtracting(documented).sorted())")
        for op in Operation.allCases { #expect(spec.contains("operationId: \(op.rawValue)")) }
    }

    @Test("no key, a malformed key, an unknown key, a wrong secret: 401 problem+json with WWW-Authenticate")
    func unauthenticated() async throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        let id = f.seekers(of: f.officeA)[0].id
        let good = f.counsellorA
        let wrongSecret = String(good.dropLast(4)) + (good.hasSuffix("0000") ? "1111" : "0000")
        let unknownID = "jm_000000000000_" + String(good.suffix(64))
        try await f.test { client in
            for headers: HTTPFields in [[:], .bearer("nonsense"), .bearer(unknownID), .bearer(wrongSecret), [.authorization: "Basic \(good)"]] {
                try await client.execute(uri: "/v1/seekers/\(id)", method: .get, headers: headers) { r in
                    #expect(r.status == .unauthorized)
                    #expect(r.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                    #expect(r.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                    #expect(r.object["type"] as? String == "urn:jobmatch:problem:unauthorized")
                    #expect(r.object["field"] as? String == "Authorization")
                    #expect(!r.text.contains(good.suffix(64)))
                }
            }
        }
    }

    @Test("five wrong secrets lock the key: then even the right one is refused until unlocked")
    func lockout() async throws {
        let f = try ServiceFixture { $0.failedAuthPerMinute = 1000 }
        defer { f.remove() }
        let id = f.seekers(of: f.officeA)[0].id
        let good = f.counsellorA
        let wrong = String(good.dropLast(4)) + (good.hasSuffix("0000") ? "1111" : "0000")
        try await f.test { client in
            for i in 1...5 {
                try await client.execute(uri: "/v1/seekers/\(id)", method: .get, headers: .bearer(wrong)) { r in
                    #expect(r.status == .unauthorized)
                    #expect(((r.object["detail"] as? String) ?? "").contains("now locked") == (i == 5))
                    #expect(r.object["reason"] as? String == (i == 5 ? "locked" : "invalid"))
                }
            }
            try await client.execute(uri: "/v1/seekers/\(id)", method: .get, headers: .bearer(good)) { r in
                #expect(r.status == .unauthorized)
                #expect(((r.object["detail"] as? String) ?? "").contains("locked"))
                #expect(r.object["reason"] as? String == "locked")
            }
            let keyID = String(good.split(separator: "_")[1])
            #expect(try f.catalog.unlockKey(id: keyID))
            try await client.execute(uri: "/v1/seekers/\(id)", method: .get, headers: .bearer(good)) { r in #expect(r.status == .ok) }
        }
    }

    @Test("four wrong secrets, then the right one, reset the count (lockout needs five in a row)")
    func failuresReset() throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        let good = f.counsellorA
        let wrong = String(good.dropLast(4)) + (good.hasSuffix("0000") ? "1111" : "0000")
        for _ in 0..<4 { #expect(try f.catalog.authenticate(token: wrong) == .rejected(lockedNow: false)) }
        guard case .accepted = try f.catalog.authenticate(token: good) else { Issue.record("right key refused"); return }
        for _ in 0..<4 { #expect(try f.catalog.authenticate(token: wrong) == .rejected(lockedNow: false)) }
        #expect(try f.catalog.authenticate(token: wrong) == .rejected(lockedNow: true))
    }

    @Test("expired and revoked keys are refused, saying which")
    func expiredAndRevoked() async throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        let id = f.seekers(of: f.officeA)[0].id
        let expired = try f.catalog.createKey(name: "지난", office: f.officeA, role: .counsellor, validDays: 1, now: Date().addingTimeInterval(-2 * 86_400)).token
        let revoked = try f.catalog.createKey(name: "취소", office: f.officeA, role: .counsellor, validDays: 30)
        #expect(try f.catalog.revokeKey(id: revoked.key.id))
        try await f.test { client in
            try await client.execute(uri: "/v1/seekers/\(id)", method: .get, headers: .bearer(expired)) { r in
                #expect(r.status == .unauthorized)
                #expect(((r.object["detail"] as? String) ?? "").contains("expired"))
            }
            try await client.execute(uri: "/v1/seekers/\(id)", method: .get, headers: .bearer(revoked.token)) { r in
                #expect(r.status == .unauthorized)
                #expect(((r.object["detail"] as? String) ?? "").contains("revoked"))
            }
        }
    }

    @Test("key names and offices: no surrounding spaces, no personal data, not empty")
    func keyLabels() throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        for (name, office) in [("김상담", f.officeA + " "), (" 김상담", f.officeA), ("", f.officeA), ("010-2222-3333", f.officeA), ("김상담", "a@b.co")] {
            #expect(throws: JobMatchError.self) { try f.catalog.createKey(name: name, office: office, role: .counsellor, validDays: 30) }
        }
    }

    @Test("the key is stored only as a hash: the database holds no token")
    func hashOnly() throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        let db = try Data(contentsOf: URL(fileURLWithPath: f.directory + "/catalog.sqlite"))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: f.directory + "/catalog.sqlite-wal"))) ?? Data()
        for token in [f.counsellorA, f.counsellorB, f.staff, f.admin] {
            let secret = Data(token.suffix(64).utf8)
            #expect(db.range(of: secret) == nil && wal.range(of: secret) == nil)
        }
    }

    @Test("roles: counsellors may not write postings or manage keys; staff may not read seekers; admins create keys that work")
    func roles() async throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        let seeker = f.seekers(of: f.officeA)[0]
        let posting = f.postings[0]
        try await f.test { client in
            try await client.execute(uri: "/v1/seekers/\(seeker.id)/recommendations", method: .get, headers: .bearer(f.staff)) { r in
                #expect(r.status == .forbidden)
                #expect(r.object["type"] as? String == "urn:jobmatch:problem:forbidden")
            }
            try await client.execute(uri: "/v1/postings/\(posting.id):close", method: .post, headers: .bearer(f.counsellorA)) { r in
                #expect(r.status == .forbidden)
            }
            try await client.execute(uri: "/v1/keys", method: .get, headers: .bearer(f.staff)) { r in #expect(r.status == .forbidden) }
            try await client.execute(uri: "/v1/search?q=%EC%9A%94%EC%96%91", method: .get, headers: .bearer(f.staff)) { r in #expect(r.status == .ok) }
            let made = try await client.execute(uri: "/v1/keys", method: .post, headers: .bearer(f.admin, json: true),
                                                body: buffer(#"{"name":"새상담가","office":"\#(f.officeA)","role":"counsellor","validDays":10}"#)) { r in
                #expect(r.status == .created)
                return (r.object["token"] as? String) ?? ""
            }
            try await client.execute(uri: "/v1/keys", method: .get, headers: .bearer(f.admin)) { r in
                #expect(r.status == .ok)
                #expect(r.text.contains("새상담가"))
                #expect(!r.text.contains(made.suffix(64)))
            }
            try await client.execute(uri: "/v1/seekers/\(seeker.id)", method: .get, headers: .bearer(made)) { r in #expect(r.status == .ok) }
            let keyID = String(made.split(separator: "_")[1])
            try await client.execute(uri: "/v1/keys/\(keyID):revoke", method: .post, headers: .bearer(f.admin)) { r in
                #expect(r.status == .ok)
                #expect(r.object["revokedAt"] != nil)
            }
            try await client.execute(uri: "/v1/seekers/\(seeker.id)", method: .get, headers: .bearer(made)) { r in #expect(r.status == .unauthorized) }
        }
    }
}

@Suite("HTTP service: office scoping, recommendations and the access log")
struct ServiceCounsellingTests {
    @Test("another office's seeker is a 404 exactly like a seeker that does not exist, on every seeker route")
    func officeScoping() async throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        let other = f.seekers(of: f.officeB)[0]
        let posting = f.postings[0].id
        try await f.test { client in
            for uri in ["/v1/seekers/\(other.id)", "/v1/seekers/\(other.id)/recommendations", "/v1/seekers/\(other.id)/why-not/\(posting)"] {
                let hidden = try await client.execute(uri: uri, method: .get, headers: .bearer(f.counsellorA)) { r in
                    #expect(r.status == .notFound)
                    return r.text.replacingOccurrences(of: other.id, with: "ID")
                }
                let missing = try await client.execute(uri: uri.replacingOccurrences(of: other.id, with: "S99999"), method: .get, headers: .bearer(f.counsellorA)) { r in
                    #expect(r.status == .notFound)
                    return r.text.replacingOccurrences(of: "S99999", with: "ID")
                }
                #expect(hidden == missing)
                try await client.execute(uri: uri, method: .get, headers: .bearer(f.counsellorB)) { r in #expect(r.status == .ok) }
            }
            try await client.execute(uri: "/v1/outcomes", method: .post, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"seekerId":"\#(other.id)","postingId":"\#(posting)","outcome":"shown"}"#)) { r in
                #expect(r.status == .notFound)
            }
            try await client.execute(uri: "/v1/seekers/\(other.id)", method: .put, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"desiredTitle":"지게차 운전"}"#)) { r in
                #expect(r.status == .notFound)
            }
        }
        #expect(try f.catalog.seeker(id: other.id) == other)
        // the 404s read nothing: no access-log record for the other office's seeker by A
        let records = try f.catalog.accessRecords()
        #expect(!records.contains { $0.seekerId == other.id && $0.office == f.officeA })
    }

    @Test("recommendations equal the engine's own, top and explain respected; bad parameters name the field")
    func recommendations() async throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        let engine = MatchEngine(postings: f.postings, model: try Fixtures.defaultModel())
        let mine = f.seekers(of: f.officeA).prefix(5)
        try await f.test { client in
            for s in mine {
                let expected = engine.recommend(s, top: 7, asOf: ServiceFixture.asOf, explain: true)
                try await client.execute(uri: "/v1/seekers/\(s.id)/recommendations?top=7&explain=true", method: .get, headers: .bearer(f.counsellorA)) { r in
                    #expect(r.status == .ok)
                    let results = (r.object["results"] as? [[String: Any]]) ?? []
                    #expect(results.map { $0["postingId"] as? String } == expected.map(\.postingID))
                    #expect(results.allSatisfy { !(($0["reasons"] as? [Any]) ?? []).isEmpty })
                    #expect(r.object["asOf"] as? String == "2026-11-27")
                }
            }
            let s = mine.first!
            try await client.execute(uri: "/v1/seekers/\(s.id)/recommendations", method: .get, headers: .bearer(f.counsellorA)) { r in
                let results = (r.object["results"] as? [[String: Any]]) ?? []
                #expect(results.count == min(10, engine.recommend(s, top: 10, asOf: ServiceFixture.asOf).count))
                #expect(results.allSatisfy { $0["reasons"] == nil })
            }
            for bad in ["top=0", "top=101", "top=abc", "explain=maybe"] {
                try await client.execute(uri: "/v1/seekers/\(s.id)/recommendations?\(bad)", method: .get, headers: .bearer(f.counsellorA)) { r in
                    #expect(r.status == .badRequest)
                    #expect(r.object["field"] as? String == String(bad.split(separator: "=")[0]))
                }
            }
        }
    }

    @Test("an unsaved profile is ranked; a resident registration number in it is refused with the field named")
    func profile() async throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        try await f.test { client in
            try await client.execute(uri: "/v1/recommendations?top=3", method: .post, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"desiredTitle":"지게차 운전원","regions":["경기"]}"#)) { r in
                #expect(r.status == .ok)
                #expect(((r.object["results"] as? [Any]) ?? []).count == 3)
            }
            try await client.execute(uri: "/v1/recommendations", method: .post, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"desiredTitle":"지게차","profile":"주민번호 900101-1234568 입니다"}"#)) { r in
                #expect(r.status == .unprocessableContent)
                #expect(r.object["field"] as? String == "profile")
                #expect(!r.text.contains("900101"))
            }
            try await client.execute(uri: "/v1/recommendations", method: .post, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"regions":["경기"]}"#)) { r in
                #expect(r.status == .unprocessableContent)
                #expect(r.object["field"] as? String == "desiredTitle")
            }
            try await client.execute(uri: "/v1/recommendations", method: .post, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"desiredTitle": "#)) { r in
                #expect(r.status == .badRequest)
                #expect(r.object["field"] as? String == "body")
            }
            // read as strictly as files: a trailing comma is refused, with where and what was expected
            try await client.execute(uri: "/v1/recommendations", method: .post, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"desiredTitle":"지게차",}"#)) { r in
                #expect(r.status == .badRequest)
                #expect(r.object["field"] as? String == "body")
                #expect((r.object["detail"] as? String ?? "").contains("at byte 29: expected a field name in double quotes"), "\(r.text)")
            }
            // a field given twice is refused (as in files), naming it; a byte-order mark is skipped
            try await client.execute(uri: "/v1/recommendations", method: .post, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"desiredTitle":"지게차","regions":["경기"],"desiredTitle":"용접"}"#)) { r in
                #expect(r.status == .badRequest)
                #expect((r.object["detail"] as? String ?? "").contains("field 'desiredTitle' appears twice"), "\(r.text)")
            }
            // malformed UTF-8 inside a string: the offending byte is named, not the string's start
            try await client.execute(uri: "/v1/recommendations", method: .post, headers: .bearer(f.counsellorA, json: true),
                                     body: ByteBuffer(bytes: Array(#"{"desiredTitle":"지게"#.utf8) + [0xEC, 0x28] + Array(#""}"#.utf8))) { r in
                #expect(r.status == .badRequest)
                #expect(r.object["field"] as? String == "body")
                #expect((r.object["detail"] as? String ?? "").contains("malformed UTF-8 at byte 24 of the body"), "\(r.text)")
            }
            try await client.execute(uri: "/v1/recommendations?top=3", method: .post, headers: .bearer(f.counsellorA, json: true),
                                     body: ByteBuffer(bytes: [0xEF, 0xBB, 0xBF] + Array(#"{"desiredTitle":"지게차 운전원","regions":["경기"]}"#.utf8))) { r in
                #expect(r.status == .ok, "\(r.text)")
            }
        }
    }

    @Test("why-not explains a veto, a rank and an unknown posting")
    func whyNot() async throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        let engine = MatchEngine(postings: f.postings, model: try Fixtures.defaultModel())
        let s = f.seekers(of: f.officeA).first { !$0.regions.isEmpty }!
        let top = engine.recommend(s, top: 10, asOf: ServiceFixture.asOf)
        let vetoed = f.postings.first { !engine.vetoes(seeker: s, doc: engine.documentNumber(of: $0.id)!, asOf: ServiceFixture.asOf).isEmpty }!
        try await f.test { client in
            try await client.execute(uri: "/v1/seekers/\(s.id)/why-not/\(vetoed.id)", method: .get, headers: .bearer(f.counsellorA)) { r in
                #expect(r.status == .ok)
                #expect(r.object["verdict"] as? String == "vetoed")
                #expect(!((r.object["vetoes"] as? [String]) ?? []).isEmpty)
            }
            if let first = top.first {
                try await client.execute(uri: "/v1/seekers/\(s.id)/why-not/\(first.postingID)", method: .get, headers: .bearer(f.counsellorA)) { r in
                    #expect(r.object["verdict"] as? String == "ranked")
                    #expect(r.object["rank"] as? Int == 1)
                }
            }
            try await client.execute(uri: "/v1/seekers/\(s.id)/why-not/P999999", method: .get, headers: .bearer(f.counsellorA)) { r in
                #expect(r.status == .notFound)
            }
        }
    }

    /// Over a real socket on loopback. Not HummingbirdTesting's `.live` framework: its client gives
    /// up after 20 s without a byte, and under the sanitizers on two busy cores the other tests'
    /// CPU-bound work can hold the cooperative pool (and so the server's handler) for minutes.
    /// This client waits up to 15 minutes; the server shuts down gracefully afterwards.
    @Test("over real sockets the access log records the client's address")
    func clientAddress() async throws {
        let f = try ServiceFixture { $0.port = 0 }
        defer { f.remove() }
        let s = f.seekers(of: f.officeA)[0]
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = f.service.application { port in portSink.yield(port); portSink.finish() }
        let group = ServiceGroup(configuration: .init(services: [app], logger: f.log.logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { portSink.finish() }  // a server that fails to start ends the wait for its port
                try await group.run()
            }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            #expect(port > 0)
            let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(900)))
            client.connect()
            do {
                let response = try await client.get("/v1/seekers/\(s.id)", headers: .bearer(f.counsellorA))
                #expect(response.status == .ok)
            } catch {
                try? await client.shutdown()
                await group.triggerGracefulShutdown()
                throw error
            }
            try await client.shutdown()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(try f.catalog.accessRecords().map(\.client) == ["127.0.0.1"])
    }

    @Test("every read of a seeker's data is access-logged (key, office, client, seeker, action) and the chain verifies")
    func accessLog() async throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        let mine = f.seekers(of: f.officeA)
        try await f.test { client in
            try await client.execute(uri: "/v1/seekers/\(mine[0].id)", method: .get, headers: .bearer(f.counsellorA)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/seekers/\(mine[1].id)/recommendations", method: .get, headers: .bearer(f.counsellorA)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/seekers/\(mine[1].id)/why-not/\(f.postings[0].id)", method: .get, headers: .bearer(f.counsellorA)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/search?q=%EC%A7%80%EA%B2%8C%EC%B0%A8", method: .get, headers: .bearer(f.counsellorA)) { #expect($0.status == .ok) }
        }
        let records = try f.catalog.accessRecords()
        let keyID = String(f.counsellorA.split(separator: "_")[1])
        #expect(records.map(\.action) == ["seeker.read", "recommendations", "why-not"])
        #expect(records.map(\.seekerId) == [mine[0].id, mine[1].id, mine[1].id])
        #expect(records.allSatisfy { $0.keyId == keyID && $0.office == f.officeA && !$0.client.isEmpty })
        #expect(records.map(\.seq) == [1, 2, 3])
        let key = try AuditKey.load(dataDirectory: f.directory, create: false)
        let v = try f.catalog.verifyAccessLog(auditKey: key)
        #expect(v.ok && v.records == 3 && v.headSeq == 3)
    }
}

@Suite("HTTP service: postings, outcomes and errors")
struct ServiceWriteTests {
    static func postingJSON(_ id: String, title: String, region: String = "서울 강남구", extra: String = "") -> String {
        #"{"id":"\#(id)","title":"\#(title)","company":"테스트물류","region":"\#(region)","employmentType":"정규직","description":"지게차 운전 및 상하차\#(extra)","deadline":"2027-01-31","status":"open"}"#
    }

    @Test("staff write postings: PUT, import and close reach the catalog and the served rankings at once")
    func postingWrites() async throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        try await f.test { client in
            try await client.execute(uri: "/v1/postings/PX1", method: .put, headers: .bearer(f.staff, json: true),
                                     body: buffer(Self.postingJSON("PX1", title: "희귀단어쿼크스 지게차 기사"))) { r in
                #expect(r.status == .created)
                #expect(r.object["result"] as? String == "inserted")
            }
            try await client.execute(uri: "/v1/postings/PX1", method: .put, headers: .bearer(f.staff, json: true),
                                     body: buffer(Self.postingJSON("PX1", title: "희귀단어쿼크스 지게차 기사"))) { r in
                #expect(r.status == .ok)
                #expect(r.object["result"] as? String == "unchanged")
            }
            try await client.execute(uri: "/v1/search?q=%ED%9D%AC%EA%B7%80%EB%8B%A8%EC%96%B4%EC%BF%BC%ED%81%AC%EC%8A%A4", method: .get, headers: .bearer(f.staff)) { r in
                #expect(((r.object["results"] as? [[String: Any]]) ?? []).first?["postingId"] as? String == "PX1")
            }
            try await client.execute(uri: "/v1/postings/PX1", method: .get, headers: .bearer(f.counsellorA)) { r in
                #expect(r.status == .ok)
                #expect(r.object["title"] as? String == "희귀단어쿼크스 지게차 기사")
            }
            try await client.execute(uri: "/v1/postings/PX1", method: .put, headers: .bearer(f.staff, json: true),
                                     body: buffer(Self.postingJSON("PX2", title: "다른 아이디"))) { r in
                #expect(r.status == .unprocessableContent)
                #expect(r.object["field"] as? String == "id")
            }
            try await client.execute(uri: "/v1/postings/PX1:close", method: .post, headers: .bearer(f.staff)) { r in
                #expect(r.status == .ok)
                #expect(r.object["changed"] as? Bool == true)
            }
            try await client.execute(uri: "/v1/search?q=%ED%9D%AC%EA%B7%80%EB%8B%A8%EC%96%B4%EC%BF%BC%ED%81%AC%EC%8A%A4", method: .get, headers: .bearer(f.staff)) { r in
                #expect(!((r.object["results"] as? [[String: Any]]) ?? []).contains { $0["postingId"] as? String == "PX1" })
            }
            try await client.execute(uri: "/v1/postings/NOPE:close", method: .post, headers: .bearer(f.staff)) { r in #expect(r.status == .notFound) }
            // import: one bad line rejects the whole body, naming the lines; nothing is written
            var h = HTTPFields.bearer(f.staff)
            h[.contentType] = "application/x-ndjson"
            let bad = [Self.postingJSON("PX3", title: "좋은 공고"), #"{"id":"PX4","title":"","status":"open"}"#,
                       Self.postingJSON("PX5", title: "주민번호", extra: " 문의 800101-1234567"),
                       // a line opened by a byte-order mark (files joined with `cat`) is checked too
                       "\u{FEFF}" + Self.postingJSON("PX6", title: "주민번호", extra: " 문의 800101-1234567")].joined(separator: "\n")
            try await client.execute(uri: "/v1/postings:import", method: .post, headers: h, body: buffer(bad)) { r in
                #expect(r.status == .unprocessableContent)
                let errors = (r.object["errors"] as? [[String: Any]]) ?? []
                #expect(errors.compactMap { $0["line"] as? Int } == [2, 3, 4])
                #expect(!r.text.contains("800101"))
            }
            #expect(try f.catalog.posting(id: "PX3") == nil)
            let good = [Self.postingJSON("PX3", title: "좋은 공고"), Self.postingJSON("PX1", title: "희귀단어쿼크스 지게차 기사")].joined(separator: "\n")
            try await client.execute(uri: "/v1/postings:import", method: .post, headers: h, body: buffer(good)) { r in
                #expect(r.status == .ok)
                #expect(r.object["inserted"] as? Int == 1)
                #expect(r.object["updated"] as? Int == 1)  // reopened: status open again
            }
            try await client.execute(uri: "/readyz", method: .get) { r in #expect(r.object["postings"] as? Int == f.postings.count + 2) }
        }
    }

    @Test("outcomes are recorded (reason redacted) and exported as qrels with the documented grades")
    func outcomes() async throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        let s = f.seekers(of: f.officeA)
        let p = f.postings.map(\.id)
        @Sendable func post(_ client: any TestClientProtocol, _ body: String) async throws -> (HTTPResponse.Status, [String: Any]) {
            try await client.execute(uri: "/v1/outcomes", method: .post, headers: .bearer(f.counsellorA, json: true), body: buffer(body)) { ($0.status, $0.object) }
        }
        try await f.test { client in
            #expect(try await post(client, #"{"seekerId":"\#(s[0].id)","postingId":"\#(p[0])","outcome":"shown"}"#).0 == .created)
            #expect(try await post(client, #"{"seekerId":"\#(s[0].id)","postingId":"\#(p[0])","outcome":"hired"}"#).0 == .created)
            #expect(try await post(client, #"{"seekerId":"\#(s[0].id)","postingId":"\#(p[1])","outcome":"applied"}"#).0 == .created)
            let ns = try await post(client, #"{"seekerId":"\#(s[1].id)","postingId":"\#(p[2])","outcome":"not-suitable","reason":"거리 멀음, 연락은 010-1234-5678"}"#)
            #expect(ns.0 == .created)
            #expect((ns.1["reason"] as? String)?.contains("010-1234-5678") == false)
            let noReason = try await post(client, #"{"seekerId":"\#(s[1].id)","postingId":"\#(p[2])","outcome":"not-suitable"}"#)
            #expect(noReason.0 == .badRequest && noReason.1["field"] as? String == "reason")
            let badKind = try await post(client, #"{"seekerId":"\#(s[1].id)","postingId":"\#(p[2])","outcome":"liked"}"#)
            #expect(badKind.0 == .badRequest && badKind.1["field"] as? String == "outcome")
            let missing = try await post(client, #"{"seekerId":"\#(s[1].id)","outcome":"shown"}"#)
            #expect(missing.0 == .badRequest && missing.1["field"] as? String == "postingId")
            let unknownPosting = try await post(client, #"{"seekerId":"\#(s[1].id)","postingId":"P999999","outcome":"shown"}"#)
            #expect(unknownPosting.0 == .notFound && unknownPosting.1["field"] as? String == "postingId")
        }
        let outcomes = try f.catalog.outcomes()
        #expect(outcomes.count == 4)
        #expect(Set(outcomes.compactMap(\.office)) == [f.officeA])
        let qrels = Catalog.qrels(outcomes)
        let expected = ["\(s[0].id) 0 \(p[0]) 3", "\(s[0].id) 0 \(p[1]) 1", "\(s[1].id) 0 \(p[2]) 0"]
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        #expect(qrels == expected.joined(separator: "\n") + "\n")
    }

    @Test("404, 405 with Allow, 406, 413, 415 and 429 with Retry-After are problem+json")
    func errors() async throws {
        let f = try ServiceFixture { c in
            c.maxBodyBytes = 4096
            c.rateLimitPerSecond = 0.01
            c.rateLimitBurst = 3
        }
        defer { f.remove() }
        let id = f.seekers(of: f.officeA)[0].id
        try await f.test { client in
            try await client.execute(uri: "/v2/nothing", method: .get) { r in
                #expect(r.status == .notFound)
                #expect(r.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            }
            try await client.execute(uri: "/v1/seekers/\(id)", method: .delete, headers: .bearer(f.admin)) { r in
                #expect(r.status == .methodNotAllowed)
                #expect(r.headers[.allow] == "GET, PUT")
            }
            try await client.execute(uri: "/healthz", method: .get, headers: [.accept: "text/html"]) { r in
                #expect(r.status == .notAcceptable)
                #expect(r.object["field"] as? String == "Accept")
            }
            try await client.execute(uri: "/healthz", method: .get, headers: [.accept: "text/html, application/*;q=0.5"]) { r in #expect(r.status == .ok) }
            var h = HTTPFields.bearer(f.admin, json: true)
            try await client.execute(uri: "/v1/recommendations", method: .post, headers: h, body: buffer(String(repeating: " ", count: 5000) + "{}")) { r in
                #expect(r.status == .contentTooLarge)
            }
            h[.contentType] = "text/plain"
            try await client.execute(uri: "/v1/recommendations", method: .post, headers: h, body: buffer("{}")) { r in
                #expect(r.status == .unsupportedMediaType)
                #expect(r.object["field"] as? String == "Content-Type")
            }
            // burst of 3 used up above (413, 415) and here; the next is limited
            try await client.execute(uri: "/v1/seekers/\(id)", method: .get, headers: .bearer(f.admin)) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/v1/seekers/\(id)", method: .get, headers: .bearer(f.admin)) { r in
                #expect(r.status == .tooManyRequests)
                #expect(Int(r.headers[.retryAfter] ?? "") ?? 0 >= 1)
            }
            // another key has its own bucket
            try await client.execute(uri: "/v1/seekers/\(id)", method: .get, headers: .bearer(f.counsellorA)) { r in #expect(r.status == .ok) }
        }
    }

    @Test("repeated failed authentications from one address turn into 429; a valid key from that address still works")
    func failedAuthLimit() async throws {
        let f = try ServiceFixture { $0.failedAuthPerMinute = 3 }
        defer { f.remove() }
        let guess = "jm_000000000000_" + String(repeating: "0", count: 64)
        try await f.test { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/v1/keys", method: .get, headers: .bearer(guess)) { #expect($0.status == .unauthorized) }
            }
            try await client.execute(uri: "/v1/keys", method: .get, headers: .bearer(guess)) { r in
                #expect(r.status == .tooManyRequests)
                #expect(Int(r.headers[.retryAfter] ?? "") ?? 0 >= 1)
            }
            try await client.execute(uri: "/v1/keys", method: .get) { #expect($0.status == .tooManyRequests) }
            try await client.execute(uri: "/v1/keys", method: .get, headers: .bearer(f.admin)) { #expect($0.status == .ok) }
        }
    }

    @Test("query strings decode as forms do: + is a space, %2B a plus; flags are exactly true or false")
    func queryDecoding() async throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        try await f.test { client in
            let plus = try await client.execute(uri: "/v1/search?q=%EC%A7%80%EA%B2%8C%EC%B0%A8+%EC%9A%B4%EC%A0%84", method: .get, headers: .bearer(f.staff)) { $0.text }
            let space = try await client.execute(uri: "/v1/search?q=%EC%A7%80%EA%B2%8C%EC%B0%A8%20%EC%9A%B4%EC%A0%84", method: .get, headers: .bearer(f.staff)) { $0.text }
            #expect(plus == space)
            try await client.execute(uri: "/v1/search?q=+", method: .get, headers: .bearer(f.staff)) { r in
                #expect(r.status == .badRequest && r.object["field"] as? String == "q")
            }
            for bad in ["", "1", "yes", "TRUE"] {
                try await client.execute(uri: "/v1/search?q=a&includeClosed=\(bad)", method: .get, headers: .bearer(f.staff)) { r in
                    #expect(r.status == .badRequest && r.object["field"] as? String == "includeClosed", "'\(bad)'")
                }
            }
        }
        // a literal suffix route is more specific than a bare parameter: GET …/X:close is a 405
        #expect(Route.resolve(method: "GET", path: "/v1/postings/P1:close") == .methodNotAllowed(allow: ["POST"]))
        guard case .found(let r, let params) = Route.resolve(method: "GET", path: "/v1/postings/P1") else { Issue.record("not found"); return }
        #expect(r.operation == .getPosting && params == ["id": "P1"])
        guard case .found(let c, let id) = Route.resolve(method: "POST", path: "/v1/postings/%EA%B3%B5%EA%B3%A01:close") else { Issue.record("not found"); return }
        #expect(c.operation == .closePosting && id == ["id": "공고1"])
    }

    @Test("past the deadline: 503 deadline-exceeded, and neither the write nor its access-log record happens")
    func deadlineThroughHandle() async throws {
        let f = try ServiceFixture { $0.requestDeadlineSeconds = 0.3 }
        defer { f.remove() }
        let s = f.seekers(of: f.officeA)[0]
        // hold the write queue and the access-log queue until both requests have timed out
        let release = DispatchSemaphore(value: 0)
        f.service.writeQueue.async { release.wait() }
        f.service.logQueue.async { release.wait() }
        try await f.test { client in
            try await client.execute(uri: "/v1/outcomes", method: .post, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"seekerId":"\#(s.id)","postingId":"\#(f.postings[0].id)","outcome":"applied"}"#)) { r in
                #expect(r.status == .serviceUnavailable)
                #expect(r.object["type"] as? String == "urn:jobmatch:problem:deadline-exceeded")
            }
            try await client.execute(uri: "/v1/seekers/\(s.id)/recommendations", method: .get, headers: .bearer(f.counsellorA)) { r in
                #expect(r.status == .serviceUnavailable)
            }
        }
        release.signal()
        release.signal()
        try await Task.sleep(for: .seconds(0.5))  // the queued write and append run now, and must give up
        #expect(try f.catalog.outcomes().isEmpty)
        #expect(try f.catalog.accessRecords().isEmpty)
        // with the queues free the same requests succeed and are recorded
        try await f.test { client in
            try await client.execute(uri: "/v1/seekers/\(s.id)/recommendations", method: .get, headers: .bearer(f.counsellorA)) { #expect($0.status == .ok) }
        }
        #expect(try f.catalog.accessRecords().count == 1)
    }

    @Test("a request past its deadline gets 503; one within it is answered")
    func deadline() async throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        await #expect(throws: Problem.self) {
            _ = try await f.service.withDeadline(0.05) {
                try await Task.sleep(for: .seconds(5))
                return Response(status: .ok)
            }
        }
        let fast = try await f.service.withDeadline(5) { Response(status: .accepted) }
        #expect(fast.status == .accepted)
    }
}

@Suite("HTTP service: personal data never leaves in clear")
struct ServicePrivacyTests {
    @Test("canary: planted phone, e-mail and resident numbers reach no log line, response, database page or index file")
    func canary() async throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        let phone = "010-9876-5432", email = "canary.person@example.org", rrn = "850505-1234561"
        let phoneDigits = "01098765432"
        let mine = f.seekers(of: f.officeA)[0]
        var responses: [String] = []
        let collected = Locked<[String]>([])
        try await f.test { client in
            func keep(_ r: TestResponse) { collected.withLock { $0.append(r.text + " " + r.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")) } }
            // a posting with a phone and an e-mail in its text (masked), one with a resident number (refused)
            try await client.execute(uri: "/v1/postings/PC1", method: .put, headers: .bearer(f.staff, json: true),
                                     body: buffer(ServiceWriteTests.postingJSON("PC1", title: "카나리아 공고", extra: " 문의 \(phone) \(email)"))) { keep($0) }
            try await client.execute(uri: "/v1/postings/PC2", method: .put, headers: .bearer(f.staff, json: true),
                                     body: buffer(ServiceWriteTests.postingJSON("PC2", title: "카나리아 둘", extra: " \(rrn)"))) { keep($0) }
            // a seeker profile with all three
            try await client.execute(uri: "/v1/seekers/\(mine.id)", method: .put, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"desiredTitle":"지게차","profile":"연락 \#(phone), \#(email)"}"#)) { keep($0) }
            try await client.execute(uri: "/v1/seekers/\(mine.id)", method: .put, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"desiredTitle":"지게차","skills":["\#(rrn)"]}"#)) { keep($0) }
            try await client.execute(uri: "/v1/seekers/\(mine.id)", method: .get, headers: .bearer(f.counsellorA)) { keep($0) }
            try await client.execute(uri: "/v1/seekers/\(mine.id)/recommendations?explain=true", method: .get, headers: .bearer(f.counsellorA)) { keep($0) }
            try await client.execute(uri: "/v1/postings/PC1", method: .get, headers: .bearer(f.counsellorA)) { keep($0) }
            // personal data in paths and queries: errors and logs must not echo them
            try await client.execute(uri: "/v1/seekers/\(phoneDigits)", method: .get, headers: .bearer(f.counsellorA)) { keep($0) }
            try await client.execute(uri: "/v1/seekers/\(email)/recommendations", method: .get, headers: .bearer(f.counsellorA)) { keep($0) }
            try await client.execute(uri: "/v1/search?q=\(phone)%20\(email)", method: .get, headers: .bearer(f.counsellorA)) { keep($0) }
            try await client.execute(uri: "/v1/nothing/\(rrn)?x=\(email)", method: .get) { keep($0) }
            try await client.execute(uri: "/v1/outcomes", method: .post, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"seekerId":"\#(mine.id)","postingId":"PC1","outcome":"not-suitable","reason":"본인 요청 \#(phone) \#(email)"}"#)) { keep($0) }
            try await client.execute(uri: "/v1/outcomes", method: .post, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"seekerId":"\#(mine.id)","postingId":"PC1","outcome":"shown","reason":"\#(rrn)"}"#)) { keep($0) }
            // personal data in a header and in JSON member names must not come back in errors
            var h = HTTPFields.bearer(f.counsellorA)
            h[.contentType] = "application/json; note=\(phone)"
            try await client.execute(uri: "/v1/recommendations", method: .post, headers: h, body: buffer("{}")) { keep($0) }
            h[.contentType] = phone
            try await client.execute(uri: "/v1/recommendations", method: .post, headers: h, body: buffer("{}")) { keep($0) }
            try await client.execute(uri: "/v1/recommendations", method: .post, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"desiredTitle":"지게차","\#(rrn)":"\#(rrn)","\#(email)":1}"#)) { keep($0) }
            try await client.execute(uri: "/v1/metrics", method: .get, headers: [.accept: email]) { keep($0) }
            try await client.execute(uri: "/metrics", method: .get) { keep($0) }
        }
        responses = collected.withLock { $0 }
        #expect(try f.catalog.posting(id: "PC2") == nil)  // refused, not masked
        #expect(try f.catalog.posting(id: "PC1")?.description?.contains("***") == true)
        var haystacks: [(String, Data)] = [("log", Data(f.log.text.utf8))]
        haystacks += responses.enumerated().map { ("response \($0.offset)", Data($0.element.utf8)) }
        for name in try FileManager.default.subpathsOfDirectory(atPath: f.directory) {
            var isDir: ObjCBool = false
            let path = f.directory + "/" + name
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
                haystacks.append((name, try Data(contentsOf: URL(fileURLWithPath: path))))
            }
        }
        #expect(haystacks.count > 5)
        for needle in [phone, phoneDigits, email, rrn, "850505"] {
            for (name, data) in haystacks {
                #expect(data.range(of: Data(needle.utf8)) == nil, "\(needle) found in \(name)")
            }
        }
    }
}

@Suite("HTTP service: every route × every role")
struct ServiceRoleMatrixTests {
    @Test("each role gets 403 exactly on the operations it may not do, on every route; public routes need no key")
    func matrix() async throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        let seeker = f.seekers(of: f.officeA)[0].id
        let posting = f.postings.first { $0.isOpen }!.id
        let keys: [(RoleName, String)] = [(.counsellor, f.counsellorA), (.staff, f.staff), (.admin, f.admin)]
        @Sendable func uri(_ r: Route) -> String {
            r.template.replacingOccurrences(of: "{id}", with: r.template.hasPrefix("/v1/seekers") ? seeker : r.template.hasPrefix("/v1/keys") ? "000000000000" : posting)
                .replacingOccurrences(of: "{postingId}", with: posting).replacingOccurrences(of: "{file}", with: "app.js") + (r.operation == .search ? "?q=%EC%A7%80%EA%B2%8C%EC%B0%A8" : "")
        }
        try await f.test { client in
            for route in Route.all {
                let method = HTTPRequest.Method(rawValue: route.method)!
                if route.operation.permission == .public {
                    try await client.execute(uri: uri(route), method: method) { r in #expect(r.status == .ok, "\(route.template)") }
                    continue
                }
                try await client.execute(uri: uri(route), method: method) { r in #expect(r.status == .unauthorized, "\(route.template)") }
                for (role, token) in keys {
                    var h = HTTPFields.bearer(token)
                    h[.contentType] = route.operation == .importPostings ? "application/x-ndjson" : "application/json"
                    try await client.execute(uri: uri(route), method: method, headers: h, body: buffer("")) { r in
                        let allowed = route.operation.permission.allows(role)
                        #expect((r.status == .forbidden) == !allowed, "\(route.method) \(route.template) as \(role): \(r.status)")
                        #expect(r.status != .internalServerError, "\(route.method) \(route.template) as \(role): \(r.text)")
                    }
                }
            }
        }
    }

    @Test("PUT seeker: inserted (201) into the key's office, updated (200), unchanged; another office in the body is refused")
    func putSeeker() async throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        try await f.test { client in
            try await client.execute(uri: "/v1/seekers/SNEW1", method: .put, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"desiredTitle":"물류 지게차 운전","regions":["경기"]}"#)) { r in
                #expect(r.status == .created && r.object["result"] as? String == "inserted")
            }
            try await client.execute(uri: "/v1/seekers/SNEW1", method: .put, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"desiredTitle":"물류 지게차 운전","regions":["경기","서울"]}"#)) { r in
                #expect(r.status == .ok && r.object["result"] as? String == "updated")
            }
            try await client.execute(uri: "/v1/seekers/SNEW1", method: .put, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"id":"SNEW1","desiredTitle":"물류 지게차 운전","regions":["경기","서울"],"office":"\#(f.officeA)"}"#)) { r in
                #expect(r.status == .ok && r.object["result"] as? String == "unchanged")
            }
            try await client.execute(uri: "/v1/seekers/SNEW2", method: .put, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"desiredTitle":"요양보호사","office":"\#(f.officeB)"}"#)) { r in
                #expect(r.status == .unprocessableContent && r.object["field"] as? String == "office")
            }
            // numbers, booleans and nulls pass through the body's reading as files read them
            try await client.execute(uri: "/v1/seekers/SNEW3", method: .put, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"desiredTitle":"용접","salaryFloor":3000.0,"experienceYears":null,"regions":["경기"]}"#)) { r in
                #expect(r.status == .created, "\(r.text)")
            }
            try await client.execute(uri: "/v1/seekers/SNEW4", method: .put, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"desiredTitle":"용접","experienceYears":true}"#)) { r in
                #expect(r.status == .unprocessableContent && r.object["field"] as? String == "experienceYears", "\(r.text)")
            }
            try await client.execute(uri: "/v1/seekers/SNEW4", method: .put, headers: .bearer(f.counsellorA, json: true),
                                     body: buffer(#"{"desiredTitle":"용접","salaryFloor":2500.5}"#)) { r in
                #expect(r.status == .unprocessableContent && r.object["field"] as? String == "salaryFloor", "\(r.text)")
            }
            try await client.execute(uri: "/v1/seekers/SNEW1", method: .get, headers: .bearer(f.counsellorB)) { r in #expect(r.status == .notFound) }
            try await client.execute(uri: "/v1/seekers/SNEW1/recommendations?top=3", method: .get, headers: .bearer(f.counsellorA)) { r in
                #expect(r.status == .ok && ((r.object["results"] as? [Any]) ?? []).count == 3)
            }
        }
        #expect(try f.catalog.seeker(id: "SNEW1")?.office == f.officeA)
        #expect(try f.catalog.seeker(id: "SNEW1")?.regions.count == 2)
        #expect(try f.catalog.seeker(id: "SNEW2") == nil)
        #expect(try f.catalog.seeker(id: "SNEW3")?.salaryFloor == 3000)
        #expect(try f.catalog.seeker(id: "SNEW4") == nil)
    }

    @Test("candidates rank only the caller's office's seekers, each listed seeker access-logged; closed posting is 409")
    func candidates() async throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        let engine = MatchEngine(postings: f.postings, model: try Fixtures.defaultModel())
        let mine = f.seekers(of: f.officeA)
        // a posting with candidates in office A
        let posting = try #require(f.postings.first { p in
            p.isOpen && !((try? engine.candidates(for: p.id, seekers: mine, top: 5, asOf: ServiceFixture.asOf, explain: false)) ?? []).isEmpty
        })
        let expected = try engine.candidates(for: posting.id, seekers: mine, top: 5, asOf: ServiceFixture.asOf, explain: false)
        try await f.test { client in
            try await client.execute(uri: "/v1/postings/\(posting.id)/candidates?top=5&explain=true", method: .get, headers: .bearer(f.counsellorA)) { r in
                #expect(r.status == .ok)
                let results = (r.object["results"] as? [[String: Any]]) ?? []
                #expect(results.map { $0["seekerId"] as? String } == expected.map(\.seekerID))
                #expect(results.allSatisfy { $0["reasons"] != nil })
            }
            let closed = try #require(f.postings.first { !$0.isOpen })
            try await client.execute(uri: "/v1/postings/\(closed.id)/candidates", method: .get, headers: .bearer(f.counsellorA)) { r in
                #expect(r.status == .conflict)
            }
            try await client.execute(uri: "/v1/postings/P999999/candidates", method: .get, headers: .bearer(f.counsellorA)) { r in
                #expect(r.status == .notFound)
            }
        }
        let logged = try f.catalog.accessRecords()
        #expect(logged.map(\.seekerId) == expected.map(\.seekerID))
        #expect(logged.allSatisfy { $0.action == "candidates" && $0.office == f.officeA })
    }
}
