/// Employment types, with the Korean and English labels accepted in input.
package enum EmploymentType: String, Sendable, Codable, CaseIterable, Comparable {
    case regular, contract, partTime, daily, intern, dispatch, freelance, commission, trainee, alternativeService

    package static func < (a: Self, b: Self) -> Bool { a.sortKey < b.sortKey }
    private var sortKey: Int { Self.allCases.firstIndex(of: self)! }

    package var korean: String {
        switch self {
        case .regular: "정규직"
        case .contract: "계약직"
        case .partTime: "시간제"
        case .daily: "일용직"
        case .intern: "인턴"
        case .dispatch: "파견직"
        case .freelance: "프리랜서"
        case .commission: "위촉직"
        case .trainee: "교육생"
        case .alternativeService: "병역특례"
        }
    }

    private static let labels: [String: EmploymentType] = [
        "정규직": .regular, "정규": .regular, "regular": .regular, "full-time": .regular, "fulltime": .regular,
        "full time": .regular, "permanent": .regular,
        "계약직": .contract, "계약": .contract, "contract": .contract, "temporary": .contract,
        "시간제": .partTime, "파트": .partTime, "파트타임": .partTime, "아르바이트": .partTime, "알바": .partTime,
        "part-time": .partTime, "parttime": .partTime, "part time": .partTime,
        "일용직": .daily, "일용": .daily, "daily": .daily,
        "인턴": .intern, "인턴직": .intern, "intern": .intern, "internship": .intern,
        "파견직": .dispatch, "파견": .dispatch, "dispatch": .dispatch, "dispatched": .dispatch,
        "프리랜서": .freelance, "freelance": .freelance, "freelancer": .freelance,
        "위촉직": .commission, "위촉": .commission, "commission": .commission,
        "교육생": .trainee, "trainee": .trainee,
        "병역특례": .alternativeService, "alternative service": .alternativeService,
    ]

    /// Parses one label, or a list such as `정규직 · 계약직` (separators `·`, `,`, `/`).
    package static func parseList(_ text: String) -> (types: [EmploymentType], unknown: [String]) {
        var types: [EmploymentType] = []
        var unknown: [String] = []
        let parts = text.split(whereSeparator: { "·,/|ㆍ".contains($0) })
        for raw in parts {
            let label = raw.trimmingCharacters(in: " \t").lowercased()
            if label.isEmpty { continue }
            if let t = labels[label] {
                if !types.contains(t) { types.append(t) }
            } else {
                unknown.append(label)
            }
        }
        return (types.sorted(), unknown)
    }

    package static let acceptedLabels = "정규직, 계약직, 시간제(파트·아르바이트), 일용직, 인턴, 파견직, 프리랜서, 위촉직, 교육생, 병역특례 or regular, contract, part-time, daily, intern, dispatch, freelance, commission, trainee"
}

/// Education levels in order.
package enum Education: Int, Sendable, Codable, CaseIterable, Comparable {
    case any = 0, highSchool, college, university, master, doctorate

    package static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    package var korean: String {
        switch self {
        case .any: "학력무관"
        case .highSchool: "고졸"
        case .college: "초대졸"
        case .university: "대졸"
        case .master: "석사"
        case .doctorate: "박사"
        }
    }

    private static let labels: [String: Education] = [
        "학력무관": .any, "무관": .any, "any": .any, "none": .any,
        "고졸": .highSchool, "고등학교졸업": .highSchool, "high school": .highSchool, "highschool": .highSchool,
        "초대졸": .college, "전문대졸": .college, "전문학사": .college, "college": .college, "associate": .college,
        "대졸": .university, "학사": .university, "대학교졸업": .university, "university": .university, "bachelor": .university,
        "석사": .master, "master": .master, "masters": .master,
        "박사": .doctorate, "doctorate": .doctorate, "phd": .doctorate, "ph.d.": .doctorate,
    ]

    package static func parse(_ text: String) -> Education? {
        labels[text.trimmingCharacters(in: " \t").lowercased()]
    }

    package static let acceptedLabels = "학력무관, 고졸, 초대졸, 대졸, 석사, 박사 (or any, high school, college, university, master, doctorate)"
}

extension StringProtocol {
    /// Without the leading and trailing scalars that are in `set`, of which only the ASCII ones
    /// count (bytes are compared, so a CR LF at either end goes too); the string itself (no
    /// copy) when there are none.
    func trimmingCharacters(in set: String) -> String {
        let whole = Substring(self)
        let u = whole.utf8
        var lo = u.startIndex, hi = u.endIndex
        while lo < hi, Self.isIn(u[lo], set) { lo = u.index(after: lo) }
        while hi > lo, Self.isIn(u[u.index(before: hi)], set) { hi = u.index(before: hi) }
        if lo == u.startIndex && hi == u.endIndex, let s = self as? String { return s }
        return String(whole[lo..<hi])
    }

    /// Whether every scalar is in `set` (its ASCII ones), as `trimmingCharacters(in: set).isEmpty`
    /// without building the trimmed string.
    func containsOnly(_ set: String) -> Bool {
        utf8.allSatisfy { Self.isIn($0, set) }
    }

    @inline(__always)
    private static func isIn(_ byte: UInt8, _ set: String) -> Bool {
        byte < 0x80 && set.utf8.contains(byte)
    }
}
