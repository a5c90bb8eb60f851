/// Removes personal data from free text before anything else sees it: resident registration
/// numbers (주민등록번호), Korean phone numbers and e-mail addresses are replaced by `***`, so
/// none of their digits or letters reach the analyzer, the vocabulary, the index, any output
/// or any log.
///
/// Digits of any script (e.g. full-width `０１０`) and the usual separators (`-`, `.`, space,
/// full-width `－`, brackets around an area code) are recognised.
package enum PersonalDataRedactor {
    package static let mask = "***"

    package enum Kind: String, Sendable, CaseIterable {
        case residentRegistrationNumber, phone, email
    }

    package struct Result: Sendable, Equatable {
        package var text: String
        package var redactions: [Kind]
    }

    /// Fast check: text without any digit and without `@` needs no work.
    package static func redact(_ text: String) -> Result {
        var needsWork = false
        for s in text.unicodeScalars where isDigit(s) || s == "@" || s == "＠" {
            needsWork = true
            break
        }
        guard needsWork else { return Result(text: text, redactions: []) }
        let scalars = Array(text.unicodeScalars)
        var spans: [(Range<Int>, Kind)] = []
        var i = 0
        while i < scalars.count {
            if scalars[i] == "@" || scalars[i] == "＠", let span = emailSpan(scalars, at: i) {
                spans.append((span, .email))
                i = span.upperBound
                continue
            }
            i += 1
        }
        i = 0
        while i < scalars.count {
            if isDigit(scalars[i]) && (i == 0 || !isDigit(scalars[i - 1])) && !spans.contains(where: { $0.0.contains(i) }) {
                if let (span, kind) = numberSpan(scalars, at: i) {
                    spans.append((span, kind))
                    i = span.upperBound
                    continue
                }
            }
            i += 1
        }
        guard !spans.isEmpty else { return Result(text: text, redactions: []) }
        spans.sort { $0.0.lowerBound < $1.0.lowerBound }
        var out = String.UnicodeScalarView()
        var cursor = 0
        for (span, _) in spans {
            if span.lowerBound < cursor { continue }
            out.append(contentsOf: scalars[cursor..<span.lowerBound])
            out.append(contentsOf: mask.unicodeScalars)
            cursor = span.upperBound
        }
        out.append(contentsOf: scalars[cursor...])
        return Result(text: String(out), redactions: spans.map(\.1))
    }

    /// Whether the whole string is shaped like a resident registration number.
    package static func looksLikeResidentNumber(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.firstIndex(where: isDigit),
            let (span, kind) = numberSpan(scalars, at: first)
        else { return false }
        return kind == .residentRegistrationNumber && span.count >= scalars.count - first
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

    static func isSeparator(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "-", ".", " ", "－", "‐", "‑", "–", "—", "．", "　", ")", "）": return true
        default: return false
        }
    }

    /// Groups of digits joined by single separators, starting at `start`.
    static func numberSpan(_ s: [Unicode.Scalar], at start: Int) -> (Range<Int>, Kind)? {
        var groups: [(value: [Int], range: Range<Int>)] = []
        var i = start
        while i < s.count, groups.count < 4 {
            var digits: [Int] = []
            let gStart = i
            while i < s.count && isDigit(s[i]) {
                digits.append(digitValue(s[i]))
                i += 1
            }
            if digits.isEmpty { break }
            groups.append((digits, gStart..<i))
            // one separator (or ") " after an area code) then more digits continues the number
            var j = i
            var seps = 0
            while j < s.count && isSeparator(s[j]) && seps < 2 {
                j += 1
                seps += 1
            }
            if seps > 0 && j < s.count && isDigit(s[j]) { i = j } else { break }
        }
        // Try the longest prefix of groups that has a known shape.
        var count = groups.count
        while count > 0 {
            let g = Array(groups[0..<count])
            let lengths = g.map(\.value.count)
            let all = g.flatMap(\.value)
            let span = g[0].range.lowerBound..<g[count - 1].range.upperBound
            // Resident registration number: 6 + 7 digits (or 13 in a row); 7th digit 0-9.
            if lengths == [6, 7] || lengths == [13] {
                return (span, .residentRegistrationNumber)
            }
            // A masked resident number "900101-1******" keeps 6 + 1 digits.
            if lengths == [6, 1], g[0].range.upperBound < span.upperBound,
                span.upperBound < s.count, s[span.upperBound] == "*"
            {
                var end = span.upperBound
                while end < s.count && s[end] == "*" { end += 1 }
                return (span.lowerBound..<end, .residentRegistrationNumber)
            }
            if all.first == 0 && isPhoneShape(lengths, all) {
                // include an opening bracket before an area code: "(02) 123-4567"
                var lower = span.lowerBound
                if lower > 0 && (s[lower - 1] == "(" || s[lower - 1] == "（") { lower -= 1 }
                return (lower..<span.upperBound, .phone)
            }
            // +82 10 1234 5678 (country code, leading zero dropped)
            if lengths.count >= 3, g[0].value == [8, 2], start > 0, s[start - 1] == "+" {
                let rest = Array(lengths.dropFirst())
                if rest.count >= 2 && (9...11).contains(rest.reduce(0, +) + 1) {
                    return ((start - 1)..<span.upperBound, .phone)
                }
            }
            count -= 1
        }
        return nil
    }

    static func isPhoneShape(_ lengths: [Int], _ digits: [Int]) -> Bool {
        let total = digits.count
        if lengths.count == 1 {
            // continuous: 01012345678, 0212345678
            return (9...11).contains(total) && (digits[1] == 1 || (2...6).contains(digits[1]))
        }
        if lengths.count == 3 {
            return (2...3).contains(lengths[0]) && (3...4).contains(lengths[1]) && lengths[2] == 4
        }
        if lengths.count == 2 {
            // 010-12345678 or 02-1234567: area code + the rest
            return (2...3).contains(lengths[0]) && (7...8).contains(lengths[1])
        }
        return false
    }

    static func isEmailLocal(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return "._%+-".unicodeScalars.contains(s)
        }
    }

    static func isEmailDomain(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return s == "." || s == "-"
        }
    }

    static func emailSpan(_ s: [Unicode.Scalar], at: Int) -> Range<Int>? {
        var lo = at
        while lo > 0 && isEmailLocal(s[lo - 1]) { lo -= 1 }
        var hi = at + 1
        while hi < s.count && isEmailDomain(s[hi]) { hi += 1 }
        while hi > at + 1 && (s[hi - 1] == "." || s[hi - 1] == "-") { hi -= 1 }
        guard lo < at, hi > at + 1 else { return nil }
        let domain = s[(at + 1)..<hi]
        guard domain.contains("."), domain.first != "." else { return nil }
        return lo..<hi
    }
}
