import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import JobMatchService
import JobMatchRanking
import JobMatchStore
import JobMatchTestSupport

/// The counsellors' web page as the service serves it, and the API it relies on (`/v1/me`, 401
/// reasons, filters). The page itself is driven in a real browser by `Tools/web-e2e.sh`.
@Suite("Web page and the API behind it")
struct WebPageTests {
    static let webDirectory = Fixtures.repositoryRoot + "/Sources/JobMatchService/Resources/web"

    @Test("the page and its assets: served with a same-origin-only policy; other names are 404")
    func served() async throws {
        let f = try ServiceFixture(postings: 120, seekers: 20)
        defer { f.remove() }
        try await f.test { client in
            try await client.execute(uri: "/", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "text/html; charset=utf-8")
                let csp = r.headers[.contentSecurityPolicy] ?? ""
                #expect(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && csp.contains("connect-src 'self'"))
                #expect(csp.contains("form-action 'none'") && csp.contains("frame-ancestors 'none'"))
                #expect(r.headers[.xContentTypeOptions] == "nosniff")
                #expect(r.text.contains("<html lang=\"ko\">"))
                #expect(r.text.contains("src=\"/web/app.js\"") && r.text.contains("href=\"/web/app.css\""))
            }
            try await client.execute(uri: "/web/app.js", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(r.text.contains("sessionStorage"))
            }
            try await client.execute(uri: "/web/app.css", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "text/css; charset=utf-8")
            }
            for name in ["index.html", "openapi.yaml", "index.htm", "..%2Fopenapi.yaml", "%2E%2E", "app.js%00"] {
                try await client.execute(uri: "/web/\(name)", method: .get) { r in
                    #expect(r.status == .notFound, "\(name)")
                    #expect(r.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                }
            }
            try await client.execute(uri: "/web/app.js", method: .post) { r in #expect(r.status == .methodNotAllowed) }
        }
    }

    @Test("the page loads nothing from elsewhere, and every element the script looks up exists")
    func selfContained() throws {
        let html = try String(contentsOfFile: Self.webDirectory + "/index.html", encoding: .utf8)
        let js = try String(contentsOfFile: Self.webDirectory + "/app.js", encoding: .utf8)
        let css = try String(contentsOfFile: Self.webDirectory + "/app.css", encoding: .utf8)
        for (name, text) in [("index.html", html), ("app.js", js), ("app.css", css)] {
            #expect(!text.contains("http://") && !text.contains("https://") && !text.contains("//cdn"), "\(name) refers to another site")
            #expect(!text.contains("@import") && !text.contains("@font-face"), "\(name) loads a font or style sheet")
        }
        // no inline script or style (the policy would block them), no HTML built from strings
        #expect(!html.contains("<script>") && !html.contains("style="))
        #expect(html.firstMatch(of: /\son[a-z]+\s*=/) == nil, "an inline event handler")
        #expect(!js.contains("innerHTML") && !js.contains("outerHTML") && !js.contains("insertAdjacentHTML") && !js.contains("document.write"))
        #expect(!js.contains("localStorage"))
        // $("id") in the script ↔ id="id" in the page
        let ids = Set(js.matches(of: /\$\("([A-Za-z0-9-]+)"\)/).map { String($0.output.1) })
        #expect(ids.count > 30)
        for id in ids.sorted() { #expect(html.contains("id=\"\(id)\""), "the page has no element #\(id)") }
        // every form control has a label
        var controls = 0
        for tag in html.matches(of: /<(input|select|textarea)\b[^>]*>/) {
            guard let id = String(tag.output.0).firstMatch(of: /\sid="([^"]+)"/)?.output.1 else {
                Issue.record("a form control without an id (so without a label): \(tag.output.0)")
                continue
            }
            controls += 1
            #expect(html.contains("for=\"\(id)\""), "#\(id) has no label")
        }
        #expect(controls >= 8)
    }

    @Test("/v1/me describes the calling key without its secret; a refused key says why (reason)")
    func me() async throws {
        let f = try ServiceFixture(postings: 120, seekers: 20)
        defer { f.remove() }
        let expired = try f.catalog.createKey(name: "지난", office: f.officeA, role: .counsellor, validDays: 1, now: Date().addingTimeInterval(-2 * 86_400)).token
        let revoked = try f.catalog.createKey(name: "취소", office: f.officeA, role: .counsellor, validDays: 30)
        #expect(try f.catalog.revokeKey(id: revoked.key.id))
        let secret = String(f.counsellorA.split(separator: "_")[2])
        try await f.test { client in
            try await client.execute(uri: "/v1/me", method: .get, headers: .bearer(f.counsellorA)) { r in
                #expect(r.status == .ok)
                #expect(r.object["name"] as? String == "상담가A")
                #expect(r.object["office"] as? String == f.officeA)
                #expect(r.object["role"] as? String == "counsellor")
                #expect(r.object["expiresAt"] as? String != nil)
                #expect(!r.text.contains(secret))
            }
            try await client.execute(uri: "/v1/me", method: .get, headers: .bearer(f.staff)) { r in #expect(r.object["role"] as? String == "staff") }
            let cases: [(HTTPFields, String)] = [
                (HTTPFields(), "missing"),
                (.bearer("jm_000000000000_" + String(repeating: "0", count: 64)), "invalid"),
                (.bearer(expired), "expired"),
                (.bearer(revoked.token), "revoked"),
            ]
            for (headers, reason) in cases {
                try await client.execute(uri: "/v1/me", method: .get, headers: headers) { r in
                    #expect(r.status == .unauthorized)
                    #expect(r.object["reason"] as? String == reason)
                }
            }
        }
    }

    @Test("filters narrow the seeker's own constraints (equal to the engine on the narrowed seeker); widening is 400")
    func filters() async throws {
        let f = try ServiceFixture()
        defer { f.remove() }
        let model = try Fixtures.defaultModel()
        let engine = MatchEngine(postings: f.postings, model: model)
        let mine = f.seekers(of: f.officeA)
        // a seeker with two regions (so the filter narrows), whose narrowed list is not empty
        let seeker = try #require(mine.first { s in
            guard s.regions.count >= 2 else { return false }
            var n = s
            n.regions = [s.regions.last!]
            return !engine.recommend(n, top: 5, asOf: ServiceFixture.asOf).isEmpty
        })
        let region = seeker.regions.last!
        try await f.test { client in
            let query = "region=\(region.description.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            try await client.execute(uri: "/v1/seekers/\(seeker.id)/recommendations?top=20&\(query)", method: .get, headers: .bearer(f.counsellorA)) { r in
                #expect(r.status == .ok)
                var narrowed = seeker
                narrowed.regions = [region]
                let expected = engine.recommend(narrowed, top: 20, asOf: ServiceFixture.asOf)
                let results = (r.object["results"] as? [[String: Any]]) ?? []
                #expect(!results.isEmpty)
                #expect(results.map { $0["postingId"] as? String } == expected.map(\.postingID))
                for x in results {
                    if let text = x["region"] as? String, let posted = Region.parse(text) { #expect(region.admits(posted) != .outside) }
                }
                let c = r.object["constraints"] as? [String: Any] ?? [:]
                #expect(c["regions"] as? [String] == [region.description])
                #expect(c["narrowed"] as? Bool == true)
            }
            try await client.execute(uri: "/v1/seekers/\(seeker.id)/recommendations", method: .get, headers: .bearer(f.counsellorA)) { r in
                let c = r.object["constraints"] as? [String: Any] ?? [:]
                #expect(c["regions"] as? [String] == seeker.regions.map(\.description))
                #expect(c["narrowed"] as? Bool == false)
                let occupations = (c["occupations"] as? [[String: Any]]) ?? []
                #expect(occupations.map { $0["code"] as? String } == seeker.desiredOccupations.map { $0 })
                #expect(occupations.allSatisfy { ($0["name"] as? String).map { !$0.isEmpty } ?? false })
            }
            // one employment type: the seeker's own first one, or any type for a seeker who stated none
            let typed = try #require(mine.first { s in
                var n = s
                n.employmentTypes = [s.employmentTypes.first ?? .regular]
                return !engine.recommend(n, top: 5, asOf: ServiceFixture.asOf).isEmpty
            })
            let type = typed.employmentTypes.first ?? .regular
            let typeQuery = "employmentType=\(type.korean.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            try await client.execute(uri: "/v1/seekers/\(typed.id)/recommendations?top=20&\(typeQuery)", method: .get, headers: .bearer(f.counsellorA)) { r in
                #expect(r.status == .ok)
                var narrowed = typed
                narrowed.employmentTypes = [type]
                let results = (r.object["results"] as? [[String: Any]]) ?? []
                #expect(!results.isEmpty)
                #expect(results.map { $0["postingId"] as? String } == engine.recommend(narrowed, top: 20, asOf: ServiceFixture.asOf).map(\.postingID))
                #expect((r.object["constraints"] as? [String: Any])?["employmentTypes"] as? [String] == [type.korean])
            }
            // outside the seeker's regions, a type the seeker did not ask for, a floor below theirs
            let outside = Region.provinces.map(\.short).first { p in !seeker.regions.contains { $0.sido == p } }!
            let otherType = EmploymentType.allCases.first { !seeker.employmentTypes.contains($0) }!
            var bad = ["region=\(outside.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", "minSalary=abc", "minSalary=-5", "region="]
            if !seeker.employmentTypes.isEmpty { bad.append("employmentType=\(otherType.korean.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)") }
            if let floor = seeker.salaryFloor, floor > 0 { bad.append("minSalary=\(floor - 1)") }
            for q in bad {
                try await client.execute(uri: "/v1/seekers/\(seeker.id)/recommendations?\(q)", method: .get, headers: .bearer(f.counsellorA)) { r in
                    #expect(r.status == .badRequest, "\(q)")
                    #expect(r.object["field"] as? String == String(q.split(separator: "=")[0]), "\(q)")
                }
            }
            // a higher floor: every result states a salary reaching it, or states none
            let floor = (seeker.salaryFloor ?? 0) + 1000
            try await client.execute(uri: "/v1/seekers/\(seeker.id)/recommendations?top=30&minSalary=\(floor)", method: .get, headers: .bearer(f.counsellorA)) { r in
                #expect(r.status == .ok)
                var narrowed = seeker
                narrowed.salaryFloor = floor
                let results = (r.object["results"] as? [[String: Any]]) ?? []
                #expect(results.map { $0["postingId"] as? String } == engine.recommend(narrowed, top: 30, asOf: ServiceFixture.asOf).map(\.postingID))
                for x in results { if let hi = x["salaryMax"] as? Int { #expect(hi >= floor) } }
            }
        }
    }

    @Test("a seeker's recorded outcomes come back oldest first, for the caller's office only, access-logged")
    func outcomesOfASeeker() async throws {
        let f = try ServiceFixture(postings: 120, seekers: 30)
        defer { f.remove() }
        let seeker = f.seekers(of: f.officeA)[0]
        let postings = f.postings.filter(\.isOpen).prefix(2).map(\.id)
        try await f.test { client in
            try await client.execute(uri: "/v1/seekers/\(seeker.id)/outcomes", method: .get, headers: .bearer(f.counsellorA)) { r in
                #expect(r.status == .ok)
                #expect((r.object["outcomes"] as? [Any])?.isEmpty == true)
            }
            for (posting, body) in [(postings[0], #""outcome":"shown""#), (postings[1], #""outcome":"not-suitable","reason":"통근 거리 010-1234-5678""#)] {
                let json = #"{"seekerId":"\#(seeker.id)","postingId":"\#(posting)",\#(body)}"#
                try await client.execute(uri: "/v1/outcomes", method: .post, headers: .bearer(f.counsellorA, json: true), body: buffer(json)) { r in
                    #expect(r.status == .created)
                }
            }
            try await client.execute(uri: "/v1/seekers/\(seeker.id)/outcomes", method: .get, headers: .bearer(f.counsellorA)) { r in
                #expect(r.status == .ok)
                let list = (r.object["outcomes"] as? [[String: Any]]) ?? []
                #expect(list.map { $0["postingId"] as? String } == postings)
                #expect(list.map { $0["outcome"] as? String } == ["shown", "not-suitable"])
                #expect((list.last?["reason"] as? String)?.contains("010-1234-5678") == false)
            }
            var notFound = ""
            try await client.execute(uri: "/v1/seekers/\(seeker.id)/outcomes", method: .get, headers: .bearer(f.counsellorB)) { r in
                #expect(r.status == .notFound)
                notFound = r.text.replacingOccurrences(of: seeker.id, with: "ID")
            }
            try await client.execute(uri: "/v1/seekers/NO-SUCH-SEEKER/outcomes", method: .get, headers: .bearer(f.counsellorB)) { r in
                #expect(r.text.replacingOccurrences(of: "NO-SUCH-SEEKER", with: "ID") == notFound)
            }
        }
        let reads = try f.catalog.accessRecords().filter { $0.action == "outcome.read" }
        #expect(reads.count == 2 && reads.allSatisfy { $0.seekerId == seeker.id && $0.office == f.officeA })
    }
}
