import Foundation
import JobMatchSample
import Testing

// MARK: - Fixtures and helpers

/// One shared mid-size sample (3000 postings, 300 seekers) for the read-only checks.
private let fixtureConfig = SampleConfiguration(seed: 42, postings: 3000, seekers: 300)
private let fixture = SampleGenerator.generate(fixtureConfig)

private let provinces = ["서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기",
                         "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주"]
private let employmentLabels: Set<String> = ["정규직", "계약직", "시간제", "일용직", "인턴", "파견직"]
private let educationLevels: Set<String> = ["학력무관", "고졸", "초대졸", "대졸", "석사", "박사"]

private struct ParseFailure: Error, CustomStringConvertible {
    let description: String
}

private func lines(_ text: String) -> [Substring] {
    text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { $0 }
}

private func parseObjects(_ jsonl: String) throws -> [[String: Any]] {
    try lines(jsonl).map { line in
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        guard let dictionary = object as? [String: Any] else {
            throw ParseFailure(description: "not a JSON object: \(line.prefix(80))")
        }
        return dictionary
    }
}

private func isDate(_ text: String) -> Bool {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    return parts.count == 3 && parts[0].count == 4 && parts[1].count == 2 && parts[2].count == 2
        && parts.allSatisfy { $0.allSatisfy(\.isASCII) && Int($0) != nil }
}

private func isOccupationCode(_ text: String) -> Bool {
    text.count == 4 && text.allSatisfy { $0.isASCII && $0.isNumber }
}

/// Region rule, re-implemented independently: "서울" admits "서울 …"; "경기 성남시" admits "경기 성남시 …".
private func regionAdmits(_ seekerRegion: String, _ postingRegion: String) -> Bool {
    postingRegion == seekerRegion || postingRegion.hasPrefix(seekerRegion + " ")
}

private func employmentParts(_ value: String) -> [String] {
    value.components(separatedBy: " · ")
}

/// Returns the offending snippet if the text contains a phone-number-like or RRN-like digit pattern.
private func personalNumberPattern(in text: String) -> String? {
    let scalars = Array(text.unicodeScalars)
    var i = 0
    while i < scalars.count {
        guard (0x30...0x39).contains(scalars[i].value) else { i += 1; continue }
        var j = i
        while j < scalars.count && ((0x30...0x39).contains(scalars[j].value) || scalars[j] == "-") { j += 1 }
        let token = String(String.UnicodeScalarView(scalars[i..<j]))
        let groups = token.split(separator: "-", omittingEmptySubsequences: false).map(\.count)
        let digits = groups.reduce(0, +)
        // 0\d{1,2}-\d{3,4}-\d{4} (and the same shape without a leading 0), RRN \d{6}-\d{7}, or long digit runs.
        for k in groups.indices.dropLast(2) where (2...3).contains(groups[k]) && (3...4).contains(groups[k + 1]) && groups[k + 2] == 4 {
            return token
        }
        for k in groups.indices.dropLast() where groups[k] == 6 && groups[k + 1] == 7 {
            return token
        }
        if groups.contains(where: { $0 >= 9 }) || (groups.count > 1 && digits >= 10 && token.hasPrefix("0")) {
            return token
        }
        i = j
    }
    return nil
}

// MARK: - Configuration and determinism

@Test func defaultConfiguration() {
    let c = SampleConfiguration()
    #expect(c.seed == 42)
    #expect(c.postings == 2000)
    #expect(c.seekers == 200)
    #expect(c.asOf == "2026-11-27")
    #expect(c == SampleConfiguration(seed: 42, postings: 2000, seekers: 200, asOf: "2026-11-27"))
}

@Test func sameConfigurationIsByteIdentical() {
    let config = SampleConfiguration(seed: 7, postings: 600, seekers: 80)
    let a = SampleGenerator.generate(config)
    let b = SampleGenerator.generate(config)
    #expect(a.postingsJSONL == b.postingsJSONL)
    #expect(a.seekersJSONL == b.seekersJSONL)
    #expect(a.qrels == b.qrels)
}

@Test func differentSeedGivesDifferentOutput() {
    let a = SampleGenerator.generate(SampleConfiguration(seed: 1, postings: 300, seekers: 50))
    let b = SampleGenerator.generate(SampleConfiguration(seed: 2, postings: 300, seekers: 50))
    #expect(a.postingsJSONL != b.postingsJSONL)
    #expect(a.seekersJSONL != b.seekersJSONL)
    #expect(a.qrels != b.qrels)
}

@Test func entitiesDoNotDependOnRequestedCounts() {
    let small = SampleGenerator.generate(SampleConfiguration(seed: 9, postings: 250, seekers: 40))
    let large = SampleGenerator.generate(SampleConfiguration(seed: 9, postings: 700, seekers: 90))
    #expect(large.postingsJSONL.hasPrefix(small.postingsJSONL))
    #expect(large.seekersJSONL.hasPrefix(small.seekersJSONL))
}

@Test func emptyConfigurationProducesEmptyOutput() {
    let data = SampleGenerator.generate(SampleConfiguration(postings: 0, seekers: 0))
    #expect(data.postingsJSONL.isEmpty)
    #expect(data.seekersJSONL.isEmpty)
    #expect(data.qrels.isEmpty)
    let negative = SampleGenerator.generate(SampleConfiguration(postings: -5, seekers: -1))
    #expect(negative.postingsJSONL.isEmpty && negative.seekersJSONL.isEmpty && negative.qrels.isEmpty)
}

@Test func asOfMovesDeadlines() throws {
    let later = SampleGenerator.generate(SampleConfiguration(seed: 42, postings: 1000, seekers: 0, asOf: "2027-06-15"))
    let deadlines = try parseObjects(later.postingsJSONL).compactMap { $0["deadline"] as? String }
    let past = deadlines.filter { $0 < "2027-06-15" }.count
    #expect(deadlines.count > 900)
    #expect(past > 50 && past < 160)
    #expect(deadlines.allSatisfy { $0 >= "2027-04-01" && $0 <= "2027-08-31" })
    // A malformed date falls back to the default instead of failing.
    let fallback = SampleGenerator.generate(SampleConfiguration(seed: 42, postings: 50, seekers: 5, asOf: "not-a-date"))
    let reference = SampleGenerator.generate(SampleConfiguration(seed: 42, postings: 50, seekers: 5))
    #expect(fallback.postingsJSONL == reference.postingsJSONL)
}

// MARK: - Schema

@Test func postingLinesAreWellFormed() throws {
    #expect(fixture.postingsJSONL.hasSuffix("\n"))
    let rawLines = lines(fixture.postingsJSONL)
    #expect(rawLines.count == fixtureConfig.postings)
    #expect(rawLines.allSatisfy { $0.hasPrefix("{\"id\":\"P") && $0.hasSuffix("}") })
    let postings = try parseObjects(fixture.postingsJSONL)
    #expect(postings.count == fixtureConfig.postings)

    let allowed: Set<String> = ["id", "title", "company", "description", "occupation", "region", "employmentType",
                                "salaryMin", "salaryMax", "experienceMin", "experienceMax", "education", "skills",
                                "certificates", "deadline", "status"]
    var ids = Set<String>()
    for p in postings {
        let keys = Set(p.keys)
        #expect(keys.isSubset(of: allowed), "unexpected keys \(keys.subtracting(allowed))")
        for key in ["id", "title", "company", "description", "occupation", "education", "status"] {
            #expect((p[key] as? String).map { !$0.isEmpty } == true, "missing or empty \(key)")
        }
        let id = p["id"] as? String ?? ""
        #expect(id.hasPrefix("P") && id.count == 7)
        ids.insert(id)
        #expect(isOccupationCode(p["occupation"] as? String ?? ""))
        #expect(["open", "closed"].contains(p["status"] as? String ?? ""))
        #expect(educationLevels.contains(p["education"] as? String ?? ""))
        #expect((p["description"] as? String)?.contains("\n") == true, "description should be multi-line")

        let expMin = p["experienceMin"] as? Int
        let expMax = p["experienceMax"] as? Int
        #expect(expMin != nil && expMax != nil && expMin! >= 0 && expMin! <= expMax!)
        #expect(p["skills"] is [String] && !(p["skills"] as? [String] ?? []).isEmpty)
        #expect(p["certificates"] is [String])

        #expect((p["salaryMin"] == nil) == (p["salaryMax"] == nil))
        if let lo = p["salaryMin"] as? Int, let hi = p["salaryMax"] as? Int {
            #expect(lo >= 2000 && lo <= hi && hi < 20000)
        }
        if let region = p["region"] {
            let text = region as? String ?? ""
            #expect(provinces.contains(String(text.split(separator: " ").first ?? "")))
        }
        if let employment = p["employmentType"] {
            let parts = employmentParts(employment as? String ?? "")
            #expect(!parts.isEmpty && parts.allSatisfy { employmentLabels.contains($0) })
        }
        if let deadline = p["deadline"] {
            #expect(isDate(deadline as? String ?? ""))
        }
    }
    #expect(ids.count == postings.count, "posting ids must be unique")
}

@Test func seekerLinesAreWellFormed() throws {
    #expect(fixture.seekersJSONL.hasSuffix("\n"))
    let seekers = try parseObjects(fixture.seekersJSONL)
    #expect(seekers.count == fixtureConfig.seekers)
    let allowed: Set<String> = ["id", "desiredTitle", "desiredOccupations", "regions", "employmentTypes", "salaryFloor",
                                "experienceYears", "education", "skills", "certificates", "profile", "office"]
    var ids = Set<String>()
    for s in seekers {
        #expect(Set(s.keys).isSubset(of: allowed))
        // the office follows the first region's 시도 (the service scopes seekers by it)
        let firstRegion = ((s["regions"] as? [String]) ?? []).first.map { String($0.split(separator: " ")[0]) } ?? "서울"
        #expect(s["office"] as? String == firstRegion + "고용센터")
        for key in ["id", "desiredTitle", "education", "profile"] {
            #expect((s[key] as? String).map { !$0.isEmpty } == true, "missing or empty \(key)")
        }
        let id = s["id"] as? String ?? ""
        #expect(id.hasPrefix("S") && id.count == 6)
        ids.insert(id)
        let desired = s["desiredOccupations"] as? [String] ?? []
        #expect((1...2).contains(desired.count) && desired.allSatisfy(isOccupationCode))
        if desired.count == 2 {
            #expect(desired[0] != desired[1] && desired[0].prefix(2) == desired[1].prefix(2))
        }
        let regions = s["regions"] as? [String]
        #expect(regions != nil && regions!.count <= 3)
        for r in regions ?? [] {
            #expect(provinces.contains(String(r.split(separator: " ").first ?? "")))
        }
        let types = s["employmentTypes"] as? [String]
        #expect(types != nil && types!.allSatisfy { employmentLabels.contains($0) })
        if let floor = s["salaryFloor"] {
            #expect((floor as? Int).map { $0 >= 2000 && $0 < 20000 } == true)
        }
        #expect((s["experienceYears"] as? Int).map { $0 >= 0 && $0 <= 40 } == true)
        #expect(educationLevels.contains(s["education"] as? String ?? ""))
        #expect(s["skills"] is [String] && s["certificates"] is [String])
    }
    #expect(ids.count == seekers.count, "seeker ids must be unique")
    #expect(seekers.contains { ($0["regions"] as? [String])?.isEmpty == true }, "some seekers have no region")
    #expect(seekers.contains { ($0["regions"] as? [String])?.contains { $0.contains(" ") } == true },
            "some seekers name a 시군구")
    #expect(seekers.contains { $0["salaryFloor"] != nil } && seekers.contains { $0["salaryFloor"] == nil })
    #expect(seekers.contains { ($0["desiredOccupations"] as? [String])?.count == 2 })
}

// MARK: - Realism

@Test func postingDistributionLooksRealistic() throws {
    let postings = try parseObjects(fixture.postingsJSONL)
    let n = Double(postings.count)
    let regions = postings.compactMap { $0["region"] as? String }
    let seen = Set(regions.compactMap { $0.split(separator: " ").first.map(String.init) })
    #expect(seen == Set(provinces), "missing 시도: \(Set(provinces).subtracting(seen))")
    let capital = regions.filter { $0.hasPrefix("서울") || $0.hasPrefix("경기") }.count
    #expect(Double(capital) / n > 0.35, "regions should lean toward 서울/경기")

    let closed = Double(postings.filter { $0["status"] as? String == "closed" }.count) / n
    let past = Double(postings.filter { ($0["deadline"] as? String).map { $0 < fixtureConfig.asOf } ?? false }.count) / n
    let noRegion = Double(postings.filter { $0["region"] == nil }.count) / n
    let noType = Double(postings.filter { $0["employmentType"] == nil }.count) / n
    #expect(closed > 0.04 && closed < 0.13, "closed share \(closed)")
    #expect(past > 0.06 && past < 0.15, "past-deadline share \(past)")
    #expect(noRegion > 0.02 && noRegion < 0.09, "no-region share \(noRegion)")
    #expect(noType > 0.24 && noType < 0.36, "no-employment-type share \(noType)")
    #expect(postings.contains { ($0["employmentType"] as? String)?.contains(" · ") == true })
    #expect(postings.contains { $0["deadline"] == nil })

    let occupations = Set(postings.compactMap { $0["occupation"] as? String })
    #expect(occupations.count >= 40)
    #expect(Set(occupations.map { $0.prefix(1) }).count >= 8, "occupations should span the KECO major groups")

    // JSON escaping of quotes and newlines survives a round trip.
    #expect(postings.contains { ($0["description"] as? String)?.contains("\"안전 제일\"") == true })
}

@Test func nearDuplicatesArePresent() throws {
    let postings = try parseObjects(fixture.postingsJSONL)
    func normalized(_ title: String) -> String {
        var t = title.replacingOccurrences(of: "[재공고] ", with: "").replacingOccurrences(of: " (재공고)", with: "")
        for suffix in [" 추가 모집", " 모집", " 채용", " 구인", "모집", "채용", "구인"] where t.hasSuffix(suffix) {
            t = String(t.dropLast(suffix.count))
            break
        }
        return t.replacingOccurrences(of: " ", with: "")
    }
    var seen: [String: String] = [:]
    var pairs = 0
    for p in postings {
        let company = p["company"] as? String ?? ""
        let title = p["title"] as? String ?? ""
        let key = company + "|" + normalized(title) + "|" + (p["occupation"] as? String ?? "")
        if let earlier = seen[key], earlier != title { pairs += 1 }
        seen[key] = title
    }
    #expect(Double(pairs) / Double(postings.count) > 0.01, "near-duplicate pairs: \(pairs)")
}

@Test func seekerTitlesDifferFromPostingTitles() throws {
    let postingTitles = Set(try parseObjects(fixture.postingsJSONL).compactMap { $0["title"] as? String })
    let seekerTitles = try parseObjects(fixture.seekersJSONL).compactMap { $0["desiredTitle"] as? String }
    let identical = seekerTitles.filter { postingTitles.contains($0) }
    #expect(Double(identical.count) / Double(seekerTitles.count) < 0.05, "identical titles: \(identical)")
}

@Test func noPersonalDataShapes() {
    for (name, text) in [("postings", fixture.postingsJSONL), ("seekers", fixture.seekersJSONL)] {
        #expect(!text.contains("@"), "\(name) must not contain '@'")
        let hit = personalNumberPattern(in: text)
        #expect(hit == nil, "\(name) contains a phone/RRN-like number: \(hit ?? "")")
    }
    // The scanner itself works.
    #expect(personalNumberPattern(in: "연락처 010-1234-5678") != nil)
    #expect(personalNumberPattern(in: "02-123-4567") != nil)
    #expect(personalNumberPattern(in: "주 2-3일, 경력 1-2년") == nil)
    #expect(personalNumberPattern(in: "02-1234-5678") != nil)
    #expect(personalNumberPattern(in: "900101-1234567") != nil)
    #expect(personalNumberPattern(in: "마감 2026-11-27, 연봉 3,200~3,800만원, 09:00~18:00") == nil)
}

// MARK: - Qrels

@Test func qrelsAreConsistentWithTheRules() throws {
    let postings = try parseObjects(fixture.postingsJSONL)
    let seekers = try parseObjects(fixture.seekersJSONL)
    var postingByID: [String: [String: Any]] = [:]
    for p in postings { postingByID[p["id"] as? String ?? ""] = p }
    var seekerByID: [String: [String: Any]] = [:]
    for s in seekers { seekerByID[s["id"] as? String ?? ""] = s }

    let qrelLines = lines(fixture.qrels)
    #expect(!qrelLines.isEmpty)
    var judged: [String: [(posting: String, rel: Int)]] = [:]
    var previous: (String, String)?
    for line in qrelLines {
        let f = line.split(separator: " ").map(String.init)
        #expect(f.count == 4 && f[1] == "0")
        guard f.count == 4 else { continue }
        let (sid, pid, rel) = (f[0], f[2], Int(f[3]) ?? -1)
        #expect(rel == 1 || rel == 2)
        if let previous {
            #expect(previous.0 < sid || (previous.0 == sid && previous.1 < pid), "qrels must be sorted and unique")
        }
        previous = (sid, pid)
        guard let s = seekerByID[sid], let p = postingByID[pid] else {
            Issue.record("unknown id in qrels line: \(line)")
            continue
        }
        judged[sid, default: []].append((pid, rel))

        #expect(p["status"] as? String == "open")
        if let deadline = p["deadline"] as? String { #expect(deadline >= fixtureConfig.asOf) }
        let regions = s["regions"] as? [String] ?? []
        if !regions.isEmpty {
            let postingRegion = p["region"] as? String
            #expect(postingRegion != nil && regions.contains { regionAdmits($0, postingRegion!) },
                    "region mismatch \(regions) vs \(postingRegion ?? "none")")
        }
        let types = s["employmentTypes"] as? [String] ?? []
        if !types.isEmpty {
            let parts = (p["employmentType"] as? String).map(employmentParts) ?? []
            #expect(!Set(parts).isDisjoint(with: types))
        }
        if let floor = s["salaryFloor"] as? Int, let salaryMax = p["salaryMax"] as? Int {
            #expect(floor <= salaryMax)
        }
        let own = (s["desiredOccupations"] as? [String] ?? [""])[0]
        let code = p["occupation"] as? String ?? ""
        if rel == 2 {
            #expect(code == own)
        } else {
            #expect(code != own && code.prefix(2) == own.prefix(2))
        }
    }
    #expect(judged.values.allSatisfy { $0.count <= 200 })
    #expect(judged.values.contains { $0.contains { $0.rel == 2 } })
    #expect(judged.values.contains { $0.contains { $0.rel == 1 } })
}

@Test func qrelsAreCompleteUpToTheCap() throws {
    // Independent re-derivation of the full judgment set from the JSON alone.
    let postings = try parseObjects(fixture.postingsJSONL)
    let seekers = try parseObjects(fixture.seekersJSONL)
    var byGroup: [String: [[String: Any]]] = [:]
    for p in postings {
        guard p["status"] as? String == "open" else { continue }
        if let deadline = p["deadline"] as? String, deadline < fixtureConfig.asOf { continue }
        byGroup[String((p["occupation"] as? String ?? "").prefix(2)), default: []].append(p)
    }
    var expected: [String] = []
    for s in seekers {
        let sid = s["id"] as? String ?? ""
        let own = (s["desiredOccupations"] as? [String] ?? [""])[0]
        let regions = s["regions"] as? [String] ?? []
        let types = Set(s["employmentTypes"] as? [String] ?? [])
        let floor = s["salaryFloor"] as? Int
        var strong: [String] = []
        var weak: [String] = []
        for p in byGroup[String(own.prefix(2))] ?? [] {
            if !regions.isEmpty {
                guard let region = p["region"] as? String, regions.contains(where: { regionAdmits($0, region) }) else { continue }
            }
            if !types.isEmpty {
                let parts = Set((p["employmentType"] as? String).map(employmentParts) ?? [])
                if parts.isDisjoint(with: types) { continue }
            }
            if let floor, let salaryMax = p["salaryMax"] as? Int, floor > salaryMax { continue }
            let pid = p["id"] as? String ?? ""
            if p["occupation"] as? String == own { strong.append(pid) } else { weak.append(pid) }
        }
        strong.sort()
        weak.sort()
        let keptStrong = Array(strong.prefix(200))
        let keptWeak = Array(weak.prefix(200 - keptStrong.count))
        let kept = (keptStrong.map { ($0, 2) } + keptWeak.map { ($0, 1) }).sorted { $0.0 < $1.0 }
        expected += kept.map { "\(sid) 0 \($0.0) \($0.1)" }
    }
    let actual = lines(fixture.qrels).map(String.init)
    #expect(actual.count == expected.count)
    #expect(actual == expected)
}

@Test func qrelsCapAtTwoHundredPerSeeker() {
    // Few seekers, many postings: busy occupations hit the cap.
    let data = SampleGenerator.generate(SampleConfiguration(seed: 3, postings: 30000, seekers: 60))
    var counts: [Substring: Int] = [:]
    for line in lines(data.qrels) {
        counts[line.split(separator: " ")[0], default: 0] += 1
    }
    #expect(counts.values.allSatisfy { $0 <= 200 })
    #expect(counts.values.contains(200))
}

