import JobMatchText

/// An open (or closed) job posting, validated and with personal data already redacted.
package struct Posting: Sendable, Equatable {
    package var id: String
    package var title: String
    package var company: String?
    package var description: String?
    package var occupation: String?
    package var region: Region?
    /// `전국` stated: the posting names no single region.
    package var regionNationwide: Bool = false
    package var employmentTypes: [EmploymentType] = []
    package var salaryMin: Int?
    package var salaryMax: Int?
    package var experienceMin: Int?
    package var experienceMax: Int?
    package var education: Education?
    package var skills: [String] = []
    package var certificates: [String] = []
    package var deadline: Day?
    package var isOpen: Bool = true
    package var category: String?
    package var source: String?
    package var url: String?

    package init(id: String, title: String) {
        self.id = id
        self.title = title
    }
}

/// A job seeker's profile, validated and with personal data already redacted.
package struct Seeker: Sendable, Equatable {
    package var id: String
    package var desiredTitle: String?
    package var desiredOccupations: [String] = []
    package var regions: [Region] = []
    /// `전국` listed: no region constraint.
    package var regionsNationwide: Bool = false
    package var employmentTypes: [EmploymentType] = []
    package var salaryFloor: Int?
    package var experienceYears: Int?
    package var education: Education?
    package var skills: [String] = []
    package var certificates: [String] = []
    package var profile: String?
    /// The employment centre (고용센터) whose counsellors may see this seeker; nil = none yet.
    /// Office scoping in the HTTP service keys on it.
    package var office: String?

    package init(id: String) { self.id = id }
}

/// Interchange-schema parsing. Free text is redacted (``PersonalDataRedactor``) here, before
/// anything else can see it; `redactions` counts what was removed.
enum RecordParsing {
    static let maxSalary = 1_000_000  // 만원 per year
    static let maxYears = 70

    static func id(_ f: RecordFields) throws(FieldError) -> String {
        let id = try f.string("id", required: true)!
        if id.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 }) {
            throw FieldError(field: "id", reason: "must not contain spaces or control characters (TREC files split on spaces)")
        }
        if id.utf8.count > 200 { throw FieldError(field: "id", reason: "is longer than 200 bytes") }
        if PersonalDataRedactor.containsPersonalData(id) {
            throw FieldError(field: "id", reason: "looks like personal data (a resident registration number, phone or e-mail); use a pseudonymous id")
        }
        return id
    }

    /// An office name or code: 1–100 bytes, no control characters, no personal data.
    static func office(_ f: RecordFields) throws(FieldError) -> String? {
        guard let o = try f.string("office") else { return nil }
        let trimmed = o.trimmingCharacters(in: " \t")
        if trimmed.isEmpty { throw FieldError(field: "office", reason: "is empty") }
        if trimmed.utf8.count > 100 { throw FieldError(field: "office", reason: "is longer than 100 bytes") }
        if trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw FieldError(field: "office", reason: "must not contain control characters")
        }
        if PersonalDataRedactor.containsPersonalData(trimmed) { throw FieldError(field: "office", reason: "looks like personal data") }
        return trimmed
    }

    static func text(_ f: RecordFields, _ key: String, required: Bool = false, redactions: inout Int) throws(FieldError) -> String? {
        guard let raw = try f.string(key, required: required) else { return nil }
        let r = PersonalDataRedactor.redact(raw)
        redactions += r.redactions.count
        return r.text
    }

    static func texts(_ f: RecordFields, _ key: String, redactions: inout Int) throws(FieldError) -> [String] {
        try f.strings(key).map {
            let r = PersonalDataRedactor.redact($0)
            redactions += r.redactions.count
            return r.text
        }
    }

    static func occupation(_ raw: String?, field: String) throws(FieldError) -> String? {
        guard let raw else { return nil }
        let code = raw.trimmingCharacters(in: " \t")
        guard (2...4).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter) }) else {
            throw FieldError(field: field, reason: "expected a KECO code of 2–4 characters such as 0111 (2018) or 011 (2025)")
        }
        return code
    }

    static func region(_ raw: String, field: String) throws(FieldError) -> Region? {
        let t = raw.trimmingCharacters(in: " \t")
        if Region.nationwideLabels.contains(t) { return nil }
        guard let r = Region.parse(t) else {
            throw FieldError(field: field, reason: "unknown 시도; expected one of \(Region.provinces.map(\.short).joined(separator: " ")) (optionally followed by 시군구)")
        }
        return r
    }

    static func employmentTypes(_ raw: String, field: String) throws(FieldError) -> [EmploymentType] {
        let (types, unknown) = EmploymentType.parseList(raw)
        if !unknown.isEmpty {
            throw FieldError(field: field, reason: "unknown employment type label; accepted: \(EmploymentType.acceptedLabels)")
        }
        if types.isEmpty { throw FieldError(field: field, reason: "names no employment type") }
        return types
    }

    static func education(_ raw: String?, field: String) throws(FieldError) -> Education? {
        guard let raw else { return nil }
        guard let e = Education.parse(raw) else {
            throw FieldError(field: field, reason: "unknown education level; accepted: \(Education.acceptedLabels)")
        }
        return e
    }

    static func posting(_ f: RecordFields, redactions: inout Int) throws(FieldError) -> Posting {
        var p = Posting(id: try id(f), title: try text(f, "title", required: true, redactions: &redactions)!)
        p.company = try text(f, "company", redactions: &redactions)
        p.description = try text(f, "description", redactions: &redactions)
        p.occupation = try occupation(try f.string("occupation"), field: "occupation")
        if let r = try f.string("region"), !r.containsOnly(" \t") {
            p.region = try region(r, field: "region")
            p.regionNationwide = p.region == nil
        }
        if let t = try f.string("employmentType"), !t.containsOnly(" \t") {
            p.employmentTypes = try employmentTypes(t, field: "employmentType")
        }
        p.salaryMin = try f.int("salaryMin", range: 0...maxSalary)
        p.salaryMax = try f.int("salaryMax", range: 0...maxSalary)
        if let lo = p.salaryMin, let hi = p.salaryMax, lo > hi {
            throw FieldError(field: "salaryMax", reason: "is below salaryMin (\(hi) < \(lo))")
        }
        p.experienceMin = try f.int("experienceMin", range: 0...maxYears)
        p.experienceMax = try f.int("experienceMax", range: 0...maxYears)
        if let lo = p.experienceMin, let hi = p.experienceMax, lo > hi {
            throw FieldError(field: "experienceMax", reason: "is below experienceMin (\(hi) < \(lo))")
        }
        p.education = try education(try f.string("education"), field: "education")
        p.skills = try texts(f, "skills", redactions: &redactions)
        p.certificates = try texts(f, "certificates", redactions: &redactions)
        if let d = try f.string("deadline") {
            guard let day = Day.parse(d) else { throw FieldError(field: "deadline", reason: "expected a date YYYY-MM-DD") }
            p.deadline = day
        }
        switch try f.string("status") {
        case nil, "open"?: p.isOpen = true
        case "closed"?: p.isOpen = false
        default: throw FieldError(field: "status", reason: "expected 'open' or 'closed'")
        }
        p.category = try text(f, "category", redactions: &redactions)
        p.source = try text(f, "source", redactions: &redactions)
        p.url = try text(f, "url", redactions: &redactions)
        return p
    }

    static func seeker(_ f: RecordFields, redactions: inout Int) throws(FieldError) -> Seeker {
        var s = Seeker(id: try id(f))
        s.desiredTitle = try text(f, "desiredTitle", redactions: &redactions)
        s.desiredOccupations = try f.strings("desiredOccupations").enumerated().map { (i, c) throws(FieldError) in
            try occupation(c, field: "desiredOccupations[\(i)]")!
        }
        for (i, r) in try f.strings("regions").enumerated() {
            if let region = try region(r, field: "regions[\(i)]") {
                if !s.regions.contains(region) { s.regions.append(region) }
            } else {
                s.regionsNationwide = true
            }
        }
        if s.regionsNationwide { s.regions = [] }
        for (i, t) in try f.strings("employmentTypes").enumerated() {
            for e in try employmentTypes(t, field: "employmentTypes[\(i)]") where !s.employmentTypes.contains(e) {
                s.employmentTypes.append(e)
            }
        }
        s.employmentTypes.sort()
        s.salaryFloor = try f.int("salaryFloor", range: 0...maxSalary)
        s.experienceYears = try f.int("experienceYears", range: 0...maxYears)
        s.education = try education(try f.string("education"), field: "education")
        s.skills = try texts(f, "skills", redactions: &redactions)
        s.certificates = try texts(f, "certificates", redactions: &redactions)
        s.profile = try text(f, "profile", redactions: &redactions)
        s.office = try office(f)
        let hasQuery = [s.desiredTitle, s.profile].contains { ($0 ?? "").contains { !$0.isWhitespace } }
            || !s.skills.isEmpty || !s.certificates.isEmpty || !s.desiredOccupations.isEmpty
        if !hasQuery {
            throw FieldError(field: "desiredTitle", reason: "the profile has nothing to match on: give desiredTitle, desiredOccupations, skills, certificates or profile")
        }
        return s
    }
}
