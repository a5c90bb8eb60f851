import Foundation

/// One line of a recommendation's explanation. The contributions of all lines add up to the
/// recommendation's score (within float rounding), so a counsellor can read the score aloud
/// as its reasons.
package struct Reason: Sendable, Equatable, Codable {
    package enum Kind: String, Sendable, Codable {
        /// A word (or phrase) of the posting that matched the seeker's words.
        case matchedWord
        /// The remaining matched words, folded into one line.
        case otherWords
        case occupationExact
        /// The dense (LSA) similarity of the seeker's and the posting's text.
        case contentSimilarity
        case occupationGroup
        /// For a seeker who names no occupation: the posting's occupation is the one most of the
        /// postings closest to the seeker's career text have (model `inferredOccupations`).
        case occupationInferred
        case experience
        case education
        /// The posting's title begins with the same letters as the seeker's desired title
        /// (model `titleStartWeight`; `words` holds the letters in common).
        case titleStart
        /// A stated constraint the posting does not state (zero contribution; check by hand).
        case unstated
    }

    package var kind: Kind
    /// Korean text to read aloud, e.g. `일치 단어 '지게차'`.
    package var label: String
    /// For ``Kind/matchedWord``: the posting's own words that matched; for ``Kind/titleStart``:
    /// the letters the two titles begin with.
    package var words: String?
    package var contribution: Double

    package init(kind: Kind, label: String, words: String? = nil, contribution: Double) {
        self.kind = kind
        self.label = label
        self.words = words
        self.contribution = contribution
    }

    /// `일치 단어 '지게차' +0.42`
    package var text: String {
        let sign = contribution < 0 ? "−" : "+"
        return "\(label) \(sign)\(Self.format(abs(contribution)))"
    }

    /// Two-decimal figures for `reasons` that add up exactly to the two-decimal `total`
    /// (largest-remainder rounding), so a counsellor reading the lines aloud gets the total.
    package static func displayed(_ reasons: [Reason], total: Double) -> [String] {
        let target = Int((total * 100).rounded())
        var cents = reasons.map { Int(floor(max(0, $0.contribution) * 100 + 1e-9)) }
        var left = target - cents.reduce(0, +)
        let order = reasons.indices.sorted {
            let a = max(0, reasons[$0].contribution) * 100 - Double(cents[$0])
            let b = max(0, reasons[$1].contribution) * 100 - Double(cents[$1])
            return a > b || (a == b && $0 < $1)
        }
        var k = 0
        while left > 0 && !order.isEmpty {
            cents[order[k % order.count]] += 1
            left -= 1
            k += 1
        }
        return cents.map { c in "+\(c / 100).\(c % 100 < 10 ? "0" : "")\(c % 100)" }
    }

    package static func format(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        let whole = Int(r)
        let frac = Int(((r - Double(whole)) * 100).rounded())
        return "\(whole).\(frac < 10 ? "0" : "")\(frac)"
    }
}

/// Why a posting may not be recommended to a seeker (hard constraints: vetoes, never penalties).
package enum Veto: Sendable, Equatable, Codable, CustomStringConvertible {
    case closed
    case deadlinePassed(deadline: String, asOf: String)
    case outsideRegion(posting: String, accepted: [String])
    case regionUnstated
    case regionNationwide
    case districtUnstated(posting: String, accepted: [String])
    case employmentTypeMismatch(posting: [String], accepted: [String])
    case employmentTypeUnstated
    case salaryBelowFloor(postingMax: Int, floor: Int)
    case salaryUnstated

    /// Korean, for counsellors.
    package var description: String {
        switch self {
        case .closed: "마감된 공고 (status closed)"
        case .deadlinePassed(let d, let asOf): "접수 마감일 지남 (마감 \(d), 기준일 \(asOf))"
        case .outsideRegion(let p, let a): "희망 지역 밖 (공고 '\(p)', 희망 \(a.joined(separator: ", ")))"
        case .regionUnstated: "근무지역 미기재 (정책: 제외)"
        case .regionNationwide: "근무지역 '전국' — 실제 근무지를 알 수 없음 (정책: 제외)"
        case .districtUnstated(let p, let a): "근무지역 시군구 미기재 (공고 '\(p)', 희망 \(a.joined(separator: ", ")); 정책: 제외)"
        case .employmentTypeMismatch(let p, let a): "고용형태 불일치 (공고 \(p.joined(separator: "·")), 희망 \(a.joined(separator: ", ")))"
        case .employmentTypeUnstated: "고용형태 미기재 (정책: 제외)"
        case .salaryBelowFloor(let m, let f): "급여 상한이 희망 하한보다 낮음 (공고 최대 \(m)만원, 희망 \(f)만원 이상)"
        case .salaryUnstated: "급여 미기재 (정책: 제외)"
        }
    }
}
