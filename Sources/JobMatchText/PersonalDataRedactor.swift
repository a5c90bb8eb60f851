/// Removes personal data from free text before anything else sees it: resident registration
/// numbers (주민등록번호, also masked forms), Korean phone numbers and e-mail addresses are
/// replaced by `***`, so none of their digits or letters reach the analyzer, the vocabulary,
/// the index, any output or any log.
///
/// Numbers are read as groups of digits (any script, e.g. full-width `０１０`) joined by short
/// gaps: spaces, and at most one of `- . – — － ㅡ / _ ~ ) ·`. A chain of groups is a phone number
/// when it starts with a Korean mobile, area or service prefix (`010`, `02`, `031`, `070`,
/// `0505`, `+82 10`, …) and has the usual lengths; a resident number is 6 + 7 digits (or 13 in a
/// row, or 6 digits followed by a masked tail such as `-1******`). Where candidates overlap, the
/// one covering more digits wins, so `접수 2026-01-02 010-5678-9012` masks the phone, not the date.
package enum PersonalDataRedactor {
    package static let mask = "***"

    package enum Kind: String, Sendable, CaseIterable {
        case residentRegistrationNumber, phone, email
    }

    package struct Result: Sendable, Equatable {
        package var text: String
        package var redactions: [Kind]
    }

    struct Candidate {
        var range: Range<Int>
        var kind: Kind
        var weight: Int
    }

    package static func redact(_ text: String) -> Result {
        var needsWork = false
        for s in text.unicodeScalars where isDigit(s) || s == "@" || s == "＠" {
            needsWork = true
            break
        }
        guard needsWork else { return Result(text: text, redactions: []) }
        let scalars = Array(text.unicodeScalars)
        var candidates: [Candidate] = []
        for i in scalars.indices where scalars[i] == "@" || scalars[i] == "＠" {
            if let span = emailSpan(scalars, at: i) { candidates.append(Candidate(range: span, kind: .email, weight: 1_000)) }
        }
        candidates += numberCandidates(scalars)
        guard !candidates.isEmpty else { return Result(text: text, redactions: []) }
        // Strongest first (e-mails, then more digits), then leftmost; keep those that do not overlap.
        candidates.sort { $0.weight > $1.weight || ($0.weight == $1.weight && $0.range.lowerBound < $1.range.lowerBound) }
        var chosen: [Candidate] = []
        for c in candidates where !chosen.contains(where: { $0.range.overlaps(c.range) }) { chosen.append(c) }
        chosen.sort { $0.range.lowerBound < $1.range.lowerBound }
        var out = String.UnicodeScalarView()
        var cursor = 0
        for c in chosen {
            out.append(contentsOf: scalars[cursor..<c.range.lowerBound])
            out.append(contentsOf: mask.unicodeScalars)
            cursor = c.range.upperBound
        }
        out.append(contentsOf: scalars[cursor...])
        return Result(text: String(out), redactions: chosen.map(\.kind))
    }

    /// Whether the string is a resident registration number (possibly masked) and nothing more.
    package static func looksLikeResidentNumber(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        let digits = scalars.indices.filter { isDigit(scalars[$0]) }
        guard let first = digits.first, let last = digits.last else { return false }
        return numberCandidates(scalars).contains {
            $0.kind == .residentRegistrationNumber && $0.range.lowerBound <= first && $0.range.upperBound > last
        }
    }

    // MARK: Numbers

    struct Group {
        var range: Range<Int>
        var digits: [Int]
    }

    @inline(__always)
    static func isDigit(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return s.value >= 0x30 && s.value <= 0x39 }
        return s.properties.numericType == .decimal
    }

    static func digitValue(_ s: Unicode.Scalar) -> Int {
        if s.value < 0x80 { return Int(s.value) - 0x30 }
        return Int(s.properties.numericValue ?? 0)
    }

    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || s == "\u{3000}" || s == "\u{A0}"
    }

    static let separators: Set<Unicode.Scalar> = [
        "-", ".", "–", "—", "－", "‐", "‑", "ㅡ", "/", "_", "~", "～", "．", ")", "）", "·",
    ]

    static let masks: Set<Unicode.Scalar> = ["*", "＊", "x", "X", "●", "○"]

    /// Whether the gap `s[range]` joins two digit groups: spaces, at most one separator, spaces.
    static func joins(_ s: [Unicode.Scalar], _ range: Range<Int>) -> Bool {
        guard !range.isEmpty, range.count <= 4 else { return false }
        var seps = 0
        for i in range {
            if isSpace(s[i]) { continue }
            if separators.contains(s[i]) { seps += 1 } else { return false }
        }
        return seps <= 1
    }

    static let mobilePrefixes: Set<[Int]> = [[0, 1, 0], [0, 1, 1], [0, 1, 6], [0, 1, 7], [0, 1, 8], [0, 1, 9]]
    static let areaPrefixes: Set<[Int]> = {
        var p: Set<[Int]> = [[0, 2], [0, 7, 0], [0, 8, 0], [0, 6, 0]]
        for a in [3, 4, 5, 6] { for b in 1...5 { p.insert([0, a, b]) } }
        for d in 2...8 { p.insert([0, 5, 0, d]) }  // 050x safe numbers
        return p
    }()

    /// Length of a valid Korean phone prefix at the start of `digits` (0 when none).
    static func prefixLength(_ digits: [Int]) -> Int {
        for n in [4, 3, 2] where digits.count >= n {
            let p = Array(digits.prefix(n))
            if mobilePrefixes.contains(p) || areaPrefixes.contains(p) { return n }
        }
        return 0
    }

    static func numberCandidates(_ s: [Unicode.Scalar]) -> [Candidate] {
        var groups: [Group] = []
        var i = 0
        while i < s.count {
            guard isDigit(s[i]) else {
                i += 1
                continue
            }
            let start = i
            var digits: [Int] = []
            while i < s.count && isDigit(s[i]) {
                digits.append(digitValue(s[i]))
                i += 1
            }
            groups.append(Group(range: start..<i, digits: digits))
        }
        var out: [Candidate] = []
        for g in groups.indices {
            // the chain of joined groups starting at g (at most 4)
            var chain = [groups[g]]
            var k = g
            while k + 1 < groups.count, chain.count < 4, joins(s, groups[k].range.upperBound..<groups[k + 1].range.lowerBound) {
                k += 1
                chain.append(groups[k])
            }
            for n in stride(from: chain.count, through: 1, by: -1) {
                let c = Array(chain.prefix(n))
                if let cand = classify(c, s) {
                    out.append(cand)
                    break
                }
            }
        }
        return out
    }

    static func classify(_ c: [Group], _ s: [Unicode.Scalar]) -> Candidate? {
        let lengths = c.map(\.digits.count)
        let all = c.flatMap(\.digits)
        var span = c[0].range.lowerBound..<c[c.count - 1].range.upperBound
        func candidate(_ kind: Kind) -> Candidate { Candidate(range: span, kind: kind, weight: all.count) }

        // Resident registration number: 6 + 7, or 13 in a row.
        if lengths == [6, 7] || lengths == [13] { return candidate(.residentRegistrationNumber) }
        // Masked: 6 digits, a separator, then a 7-character tail of digits and mask marks
        // (900101-1******, 900101-*******).
        if lengths == [6] || lengths == [6, 1] {
            let sixEnd = c[0].range.upperBound
            var j = sixEnd
            while j < s.count && j - sixEnd < 2 && (isSpace(s[j]) || s[j] == "-" || s[j] == "－") { j += 1 }
            var tail = 0
            var masked = 0
            while j < s.count && tail < 7 && (isDigit(s[j]) || masks.contains(s[j])) {
                if masks.contains(s[j]) { masked += 1 }
                tail += 1
                j += 1
            }
            if tail == 7 && masked >= 4 {
                span = c[0].range.lowerBound..<j
                return Candidate(range: span, kind: .residentRegistrationNumber, weight: 13)
            }
        }
        // +82 / 82 country code, leading zero of the prefix dropped.
        if c.count >= 3, c[0].digits == [8, 2] {
            let rest = [0] + c.dropFirst().flatMap(\.digits)
            let restLengths = Array(lengths.dropFirst())
            let p = prefixLength(rest)
            if p > 0, restLengths.first.map({ $0 + 1 == p }) == true, isPhoneTail(Array(restLengths.dropFirst())) {
                var lower = span.lowerBound
                if lower > 0 && (s[lower - 1] == "+" || s[lower - 1] == "＋") { lower -= 1 }
                span = lower..<span.upperBound
                return candidate(.phone)
            }
        }
        let p = prefixLength(all)
        guard p > 0 else { return nil }
        var ok = false
        if c.count == 1 {
            ok = (7...8).contains(all.count - p)
        } else if lengths[0] == p {
            ok = isPhoneTail(Array(lengths.dropFirst()))
        }
        guard ok else { return nil }
        // include an opening bracket before an area code: "(02) 123-4567"
        if span.lowerBound > 0 && (s[span.lowerBound - 1] == "(" || s[span.lowerBound - 1] == "（") {
            span = (span.lowerBound - 1)..<span.upperBound
        }
        return candidate(.phone)
    }

    /// After the prefix: 3–4 + 4 digits, or 7–8 in one group.
    static func isPhoneTail(_ lengths: [Int]) -> Bool {
        lengths == [3, 4] || lengths == [4, 4] || lengths == [7] || lengths == [8]
    }

    // MARK: E-mail

    static func fold(_ s: Unicode.Scalar) -> Unicode.Scalar {
        // full-width ASCII → ASCII
        if (0xFF01...0xFF5E).contains(s.value) { return Unicode.Scalar(s.value - 0xFEE0)! }
        return s
    }

    static func isEmailLocal(_ raw: Unicode.Scalar) -> Bool {
        let s = fold(raw)
        switch s.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return "._%+-".unicodeScalars.contains(s)
        }
    }

    static func isEmailDomain(_ raw: Unicode.Scalar) -> Bool {
        let s = fold(raw)
        switch s.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return s == "." || s == "-"
        }
    }

    /// The e-mail address around the `@` at `at` (one space either side of it is tolerated).
    static func emailSpan(_ s: [Unicode.Scalar], at: Int) -> Range<Int>? {
        var localEnd = at
        if localEnd > 0 && isSpace(s[localEnd - 1]) { localEnd -= 1 }
        var lo = localEnd
        while lo > 0 && isEmailLocal(s[lo - 1]) { lo -= 1 }
        var domainStart = at + 1
        if domainStart < s.count && isSpace(s[domainStart]) { domainStart += 1 }
        var hi = domainStart
        while hi < s.count && isEmailDomain(s[hi]) { hi += 1 }
        while hi > domainStart && (fold(s[hi - 1]) == "." || fold(s[hi - 1]) == "-") { hi -= 1 }
        guard lo < localEnd, hi > domainStart else { return nil }
        let domain = s[domainStart..<hi].map(fold)
        guard let dot = domain.firstIndex(of: "."), dot > domain.startIndex, domain.last != "." else { return nil }
        return lo..<hi
    }
}
