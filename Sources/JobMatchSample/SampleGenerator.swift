/// Parameters of a synthetic sample.
package struct SampleConfiguration: Sendable, Equatable {
    package var seed: UInt64
    package var postings: Int
    package var seekers: Int
    /// "YYYY-MM-DD". Deadlines are spread around this date; qrels only judge postings whose
    /// deadline is on or after it. A malformed date falls back to 2026-11-27.
    package var asOf: String

    package init(seed: UInt64 = 42, postings: Int = 2000, seekers: Int = 200, asOf: String = "2026-11-27") {
        self.seed = seed
        self.postings = postings
        self.seekers = seekers
        self.asOf = asOf
    }
}

/// Generated sample: JSON Lines (one object per line, each line ending in "\n") and TREC qrels.
package struct SampleData: Sendable {
    package var postingsJSONL: String
    package var seekersJSONL: String
    /// "seekerId 0 postingId rel\n", sorted by seeker id then posting id; rel ∈ {1, 2}.
    package var qrels: String

    package init(postingsJSONL: String, seekersJSONL: String, qrels: String) {
        self.postingsJSONL = postingsJSONL
        self.seekersJSONL = seekersJSONL
        self.qrels = qrels
    }
}

/// Deterministic generator of Korean job postings, job seekers and graded relevance judgments.
///
/// The same configuration always yields byte-identical output. Posting *i* and seeker *j* draw
/// from their own random streams, so they do not change when more entities are requested
/// (only near-duplicate postings refer back to an earlier posting).
package enum SampleGenerator {
    package static func generate(_ config: SampleConfiguration) -> SampleData {
        let asOfDay = SampleDate.parse(config.asOf) ?? SampleDate.dayNumber(year: 2026, month: 11, day: 27)
        let postingCount = max(0, config.postings)
        let seekerCount = max(0, config.seekers)
        let postingWidth = max(6, String(postingCount).count)
        let seekerWidth = max(5, String(seekerCount).count)

        var postings: [PostingRecord] = []
        postings.reserveCapacity(postingCount)
        for i in 0..<postingCount {
            var rng = SampleRandom(seed: config.seed, stream: 1, index: i)
            let id = Korean.paddedID("P", i + 1, width: postingWidth)
            if i >= 20 && rng.chance(0.03) {
                let source = i - 1 - rng.below(min(i, 300))
                postings.append(nearDuplicate(of: postings[source], id: id, &rng))
            } else {
                postings.append(makePosting(id: id, asOfDay: asOfDay, &rng))
            }
        }

        var seekers: [SeekerRecord] = []
        seekers.reserveCapacity(seekerCount)
        for j in 0..<seekerCount {
            var rng = SampleRandom(seed: config.seed, stream: 2, index: j)
            seekers.append(makeSeeker(id: Korean.paddedID("S", j + 1, width: seekerWidth), &rng))
        }

        return SampleData(
            postingsJSONL: encodePostings(postings),
            seekersJSONL: encodeSeekers(seekers),
            qrels: SampleQrels.judge(seekers: seekers, postings: postings, asOfDay: asOfDay)
        )
    }

    // MARK: Postings

    private static func makePosting(id: String, asOfDay: Int, _ rng: inout SampleRandom) -> PostingRecord {
        let occupationIndex = SampleOccupations.choice.pick(&rng)
        let occ = SampleOccupations.all[occupationIndex]

        let region: RegionRef? = rng.chance(0.05) ? nil : SampleRegions.postingRegion(&rng)

        var employment: [Int] = []
        if !rng.chance(0.30) {
            employment.append(rng.pick(occ.employment))
            if rng.chance(0.08) {
                let second = rng.chance(0.5) ? rng.pick(occ.employment) : rng.below(EmploymentType.labels.count)
                if second != employment[0] { employment.append(second) }
            }
            employment.sort()
        }

        var experienceMin = 0
        var experienceMax = 0
        if rng.chance(0.45) {
            experienceMax = rng.chance(0.3) ? 0 : rng.int(in: 1...(occ.maxExperience + 2))
        } else {
            experienceMin = min(rng.pick([1, 1, 2, 2, 3, 3, 5, 7, 10]), occ.maxExperience)
            experienceMax = experienceMin + rng.pick([0, 1, 2, 3, 5])
        }

        var salary: (min: Int, max: Int)?
        if !rng.chance(0.08) {
            let span = occ.salaryHigh - occ.salaryLow
            let boost = min(experienceMin, 10) * span / 15
            let low = roundTo50(min(occ.salaryLow + Int(Double(span) * 0.45 * rng.unit()) + boost, occ.salaryHigh))
            let high = rng.chance(0.15) ? low : low + max(50, roundTo50(Int(Double(span) * (0.15 + 0.45 * rng.unit()))))
            salary = (low, high)
        }

        let education = rng.pick(occ.education)
        let skills = rng.sample(occ.skills, count: rng.int(in: 2...5))
        let certificates = rng.sample(occ.certificates, count: rng.pick([0, 0, 1, 1, 1, 2]))

        var deadline: Int?
        let d = rng.unit()
        if d < 0.05 {
            deadline = nil
        } else if d < 0.15 {
            deadline = asOfDay - rng.int(in: 1...45)
        } else {
            deadline = asOfDay + rng.int(in: 0...60)
        }
        let expired = deadline.map { $0 < asOfDay } ?? false
        let closed = rng.chance(expired ? 0.4 : 0.045)

        let company = SampleText.company(for: occ, &rng)
        let title = SampleText.postingTitle(for: occ, region: region, employment: employment, &rng)
        let description = SampleText.postingDescription(
            SampleText.PostingFacts(
                occupation: occ, company: company, region: region, employment: employment, salary: salary,
                experience: (experienceMin, experienceMax), education: education, skills: skills,
                certificates: certificates, deadline: deadline.map(SampleDate.format)),
            &rng)

        return PostingRecord(
            id: id, title: title, company: company, description: description, occupation: occupationIndex,
            region: region, employment: employment, salaryMin: salary?.min, salaryMax: salary?.max,
            experienceMin: experienceMin, experienceMax: experienceMax, education: education,
            skills: skills, certificates: certificates, deadline: deadline, closed: closed)
    }

    /// Same company and job, title worded slightly differently, small change in the text.
    private static func nearDuplicate(of source: PostingRecord, id: String, _ rng: inout SampleRandom) -> PostingRecord {
        var copy = source
        copy.id = id
        copy.title = SampleText.nearDuplicateTitle(source.title, &rng)
        switch rng.below(3) {
        case 0: copy.description = source.description + "\n※ 재공고입니다. 이전에 지원하신 분은 다시 지원하지 않으셔도 됩니다."
        case 1: copy.description = source.description.replacingBullets()
        default: break
        }
        if let deadline = source.deadline, rng.chance(0.5) {
            copy.deadline = deadline + rng.int(in: 3...14)
        }
        return copy
    }

    private static func roundTo50(_ value: Int) -> Int {
        (value + 25) / 50 * 50
    }

    // MARK: Seekers

    private static func makeSeeker(id: String, _ rng: inout SampleRandom) -> SeekerRecord {
        let occupationIndex = SampleOccupations.choice.pick(&rng)
        let occ = SampleOccupations.all[occupationIndex]
        let desiredTitle = SampleText.desiredTitle(for: occ, &rng)

        var desired = [occupationIndex]
        let related = SampleOccupations.related[occupationIndex]
        if !related.isEmpty && rng.chance(0.25) {
            desired.append(rng.pick(related))
        }

        let regions = SampleRegions.seekerRegions(&rng)

        var employment: [Int] = []
        if rng.chance(0.45) {
            employment.append(rng.pick(occ.employment))
            if rng.chance(0.35) {
                let second = rng.chance(0.7) ? rng.pick(occ.employment) : rng.below(EmploymentType.labels.count)
                if second != employment[0] { employment.append(second) }
            }
            employment.sort()
        }

        var salaryFloor: Int?
        if rng.chance(0.4) {
            let span = occ.salaryHigh - occ.salaryLow
            salaryFloor = (occ.salaryLow + Int(Double(span) * 0.4 * rng.unit())) / 100 * 100
        }

        let e = rng.unit()
        let experienceYears = e < 0.3 ? 0 : e < 0.75 ? rng.int(in: 1...5) : e < 0.93 ? rng.int(in: 6...12) : rng.int(in: 13...25)

        var education = rng.pick(occ.education)
        if education == "학력무관" {
            education = rng.pick(["고졸", "고졸", "고졸", "초대졸", "대졸"])
        }

        var skills = rng.sample(occ.skills, count: rng.int(in: 2...5))
        if rng.chance(0.15) {
            let extra = rng.pick(SampleText.genericSeekerSkills)
            if !skills.contains(extra) { skills.append(extra) }
        }
        let c = rng.unit()
        var certificates = rng.sample(occ.certificates, count: c < 0.4 ? 0 : c < 0.8 ? 1 : 2)
        if rng.chance(0.2) {
            let license = rng.pick(["운전면허 1종 보통", "운전면허 2종 보통"])
            if !certificates.contains(license) { certificates.append(license) }
        }

        let regionTexts = regions.map(\.text)
        let employmentLabels = employment.map { EmploymentType.labels[$0] }
        let profile = SampleText.profile(
            SampleText.SeekerFacts(
                occupation: occ, experienceYears: experienceYears, education: education, skills: skills,
                certificates: certificates, regions: regionTexts, employment: employmentLabels),
            &rng)

        return SeekerRecord(
            id: id, desiredTitle: desiredTitle, occupation: occupationIndex, desiredOccupations: desired,
            regions: regions, employment: employment, salaryFloor: salaryFloor, experienceYears: experienceYears,
            education: education, skills: skills, certificates: certificates, profile: profile)
    }

    // MARK: Encoding

    private static func encodePostings(_ postings: [PostingRecord]) -> String {
        var w = JSONLinesWriter(reserve: postings.count * 2400)
        for p in postings {
            w.beginObject()
            w.field("id", p.id)
            w.field("title", p.title)
            w.field("company", p.company)
            w.field("description", p.description)
            w.field("occupation", SampleOccupations.all[p.occupation].code)
            if let region = p.region { w.field("region", region.text) }
            if !p.employment.isEmpty {
                w.field("employmentType", p.employment.map { EmploymentType.labels[$0] }.joined(separator: " · "))
            }
            if let salaryMin = p.salaryMin, let salaryMax = p.salaryMax {
                w.field("salaryMin", salaryMin)
                w.field("salaryMax", salaryMax)
            }
            w.field("experienceMin", p.experienceMin)
            w.field("experienceMax", p.experienceMax)
            w.field("education", p.education)
            w.field("skills", p.skills)
            w.field("certificates", p.certificates)
            if let deadline = p.deadline { w.field("deadline", SampleDate.format(deadline)) }
            w.field("status", p.closed ? "closed" : "open")
            w.endObject()
        }
        return w.text
    }

    private static func encodeSeekers(_ seekers: [SeekerRecord]) -> String {
        var w = JSONLinesWriter(reserve: seekers.count * 1200)
        for s in seekers {
            w.beginObject()
            w.field("id", s.id)
            w.field("desiredTitle", s.desiredTitle)
            w.field("desiredOccupations", s.desiredOccupations.map { SampleOccupations.all[$0].code })
            w.field("regions", s.regions.map(\.text))
            w.field("employmentTypes", s.employment.map { EmploymentType.labels[$0] })
            if let floor = s.salaryFloor { w.field("salaryFloor", floor) }
            w.field("experienceYears", s.experienceYears)
            w.field("education", s.education)
            w.field("skills", s.skills)
            w.field("certificates", s.certificates)
            w.field("profile", s.profile)
            w.field("office", s.office)
            w.endObject()
        }
        return w.text
    }
}

struct PostingRecord: Sendable {
    var id: String
    var title: String
    var company: String
    var description: String
    var occupation: Int
    var region: RegionRef?
    /// Indices into `EmploymentType.labels`, ascending; empty when unspecified.
    var employment: [Int]
    var salaryMin: Int?
    var salaryMax: Int?
    var experienceMin: Int
    var experienceMax: Int
    var education: String
    var skills: [String]
    var certificates: [String]
    /// Day number (see `SampleDate`); nil = 상시채용.
    var deadline: Int?
    var closed: Bool
}

struct SeekerRecord: Sendable {
    var id: String
    /// The seeker's 고용센터, from the first region's 시도 (no random draw: other fields stay as before).
    var office: String {
        guard let r = regions.first else { return "서울고용센터" }
        return SampleRegions.provinces[r.province].name + "고용센터"
    }
    var desiredTitle: String
    /// The seeker's true occupation (always `desiredOccupations[0]`).
    var occupation: Int
    var desiredOccupations: [Int]
    var regions: [RegionRef]
    var employment: [Int]
    var salaryFloor: Int?
    var experienceYears: Int
    var education: String
    var skills: [String]
    var certificates: [String]
    var profile: String
}

extension String {
    /// Swaps the bullet style of every line ("- " ↔ "· "), a cosmetic edit for near-duplicates.
    fileprivate func replacingBullets() -> String {
        split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.hasPrefix("- ") { return "· " + line.dropFirst(2) }
            if line.hasPrefix("· ") || line.hasPrefix("• ") { return "- " + line.dropFirst(2) }
            return String(line)
        }.joined(separator: "\n")
    }
}
