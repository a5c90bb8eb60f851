import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import JobMatchKernels
import JobMatchTestSupport
import Testing

/// `jobmatch serve` as a process, with `keys`, `audit` and `outcomes` around it.
@Suite("jobmatch serve, keys, audit, outcomes", .serialized)
struct ServeCLITests {
    /// A blocking HTTP request (status, body).
    static func request(_ url: String, method: String = "GET", token: String? = nil, body: String? = nil) throws -> (Int, String) {
        var r = URLRequest(url: URL(string: url)!)
        r.httpMethod = method
        if let token { r.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            r.httpBody = Data(body.utf8)
            r.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let result = Locked<(Int, String)?>(nil)
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: r) { data, response, _ in
            result.withLock { $0 = ((response as? HTTPURLResponse)?.statusCode ?? -1, String(decoding: data ?? Data(), as: UTF8.self)) }
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + 30)
        return try #require(result.withLock { $0 })
    }

    @Test("keys → serve → requests → SIGTERM exits 0 → audit verify/report and outcomes export see what happened")
    func serveRoundTrip() throws {
        let dir = try temporaryDirectory("serve")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try CLI.run(["sample", "--out", dir, "--postings", "200", "--seekers", "30", "--as-of", "2026-11-27"]).status == 0)
        let data = ["--data-dir", dir + "/data"]
        #expect(try CLI.run(["ingest", "postings", dir + "/postings.jsonl"] + data).status == 0)
        #expect(try CLI.run(["ingest", "seekers", dir + "/seekers.jsonl"] + data).status == 0)
        let seekerLine = try String(contentsOfFile: dir + "/seekers.jsonl", encoding: .utf8).split(separator: "\n")[0]
        let seeker = try #require(try JSONSerialization.jsonObject(with: Data(seekerLine.utf8)) as? [String: Any])
        let seekerID = try #require(seeker["id"] as? String), office = try #require(seeker["office"] as? String)
        let postingID = "P000001"

        var r = try CLI.run(["keys", "create", "--name", "김상담", "--office", office, "--role", "counsellor"] + data)
        #expect(r.status == 0 && r.err.contains("shown once"))
        let token = r.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("jm_") && token.count == 3 + 12 + 1 + 64)
        r = try CLI.run(["keys", "create", "--name", "010-1234-5678", "--office", office, "--role", "counsellor"] + data)
        #expect(r.status == 2 && r.err.contains("personal data"))
        r = try CLI.run(["keys", "list", "--json"] + data)
        #expect(r.status == 0 && r.out.contains("김상담") && !r.out.contains(token.suffix(64)))

        let bin = try #require(CLI.binary)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin)
        p.arguments = ["serve", "--port", "0", "--as-of", "2026-11-27"] + data
        var env = ProcessInfo.processInfo.environment
        env["JOBMATCH_MODEL"] = Fixtures.repositoryRoot + "/Models/default"
        p.environment = env
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        var port: Int?
        var seen = ""
        let deadline = Date().addingTimeInterval(60)
        while port == nil && Date() < deadline && p.isRunning {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if let range = seen.range(of: "on http://127.0.0.1:") {
                port = Int(seen[range.upperBound...].prefix { $0.isNumber })
            }
        }
        let base = "http://127.0.0.1:\(try #require(port, "no port in: \(seen)"))"
        #expect(try Self.request(base + "/healthz").0 == 200)
        #expect(try Self.request(base + "/v1/seekers/\(seekerID)/recommendations?top=3", token: token).0 == 200)
        #expect(try Self.request(base + "/v1/seekers/\(seekerID)", token: token).0 == 200)
        let outcome = try Self.request(base + "/v1/outcomes", method: "POST", token: token,
                                       body: #"{"seekerId":"\#(seekerID)","postingId":"\#(postingID)","outcome":"interview"}"#)
        #expect(outcome.0 == 201, "\(outcome.1)")
        #expect(try Self.request(base + "/v1/seekers/\(seekerID)").0 == 401)

        let started = Date()
        kill(p.processIdentifier, SIGTERM)  // Tools/service-check.sh also sends it with a request in flight
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 0)
        #expect(Date().timeIntervalSince(started) < 10)

        r = try CLI.run(["audit", "verify"] + data)
        #expect(r.status == 0 && r.out.contains("3 record(s); chain intact"), "\(r.out)\(r.err)")
        let head = try #require(r.out.split(separator: "\n").last { $0.hasPrefix("head ") }).dropFirst(5)
        #expect(try CLI.run(["audit", "verify", "--head", String(head)] + data).status == 0)
        let wrongHead = String(head.dropLast()) + (head.hasSuffix("0") ? "1" : "0")
        r = try CLI.run(["audit", "verify", "--head", wrongHead] + data)
        #expect(r.status == 1 && r.out.contains("not the one recorded earlier"))
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "Asia/Seoul")!
        let month = String(format: "%04d-%02d", cal.component(.year, from: Date()), cal.component(.month, from: Date()))
        r = try CLI.run(["audit", "report", "--month", month, "--json"] + data)
        let people = try #require((try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])?["people"] as? [[String: Any]])
        #expect(people.count == 1 && people[0]["records"] as? Int == 3 && people[0]["seekers"] as? Int == 1 && people[0]["name"] as? String == "김상담")
        r = try CLI.run(["audit", "report", "--month", "2001-01"] + data)
        #expect(r.status == 0 && r.out.contains("0 record(s)"))

        r = try CLI.run(["outcomes", "export", "--qrels"] + data)
        #expect(r.status == 0 && r.out == "\(seekerID) 0 \(postingID) 2\n")

        let keyID = String(token.split(separator: "_")[1])
        #expect(try CLI.run(["keys", "revoke", keyID] + data).status == 0)
        #expect(try CLI.run(["keys", "revoke", "ffffffffffff"] + data).status == 1)
        #expect(try CLI.run(["keys", "list"] + data).out.contains("revoked"))
    }
}
