/// Removes personal data from free text before anything else sees it: resident registration
/// numbers (주민등록번호, whole, front part or masked), Korean phone numbers (also masked and
/// international forms) and e-mail addresses (also obfuscated forms such as `(at)`, `골뱅이`) are
/// replaced by `***`, so none of their digits or letters reach the analyzer, the vocabulary, the
/// index, any output or any log.
///
/// Detection runs on a folded view of the text, one scalar for one scalar: full-width ASCII to
/// ASCII, every Unicode dash to `-`, every space or invisible format character to a space,
/// star-like marks to `*`. Numbers are read as groups of digits (any script) or of mask marks
/// (`*`, `#`, `x`, `●`), joined by gaps of spaces with at most one of `- . / _ ~ ( ) · ㆍ , : |`.
/// A chain of groups is a phone number when it starts with a Korean mobile, area or service prefix
/// (`010`, `02`, `031`, `070`, `0505`, `+82 10`, `0082`, …) and has the usual lengths; a resident
/// number is a valid YYMMDD plus a 7-digit tail starting 1–8 (masked or not), or just the front
/// `YYMMDD-N`. Where candidates overlap, the one covering more digits wins, so
/// `접수 2026-01-02 010-5678-9012` masks the phone, not the date.
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

    /// Redacts until nothing is left to redact: masking one match can leave a remainder that is a
    /// match of its own (`a.1234r@ex.@ex.com` → `***.@ex.com`; found by the fuzzer), so passes
    /// repeat until one finds nothing. Each pass that redacts removes at least one `@`/"at" or
    /// digit and the mask has neither, so this ends.
    package static func redact(_ text: String) -> Result {
        var result = redactOnce(text)
        guard !result.redactions.isEmpty else { return result }
        while true {
            let again = redactOnce(result.text)
            if again.redactions.isEmpty { return result }
            result = Result(text: again.text, redactions: result.redactions + again.redactions)
        }
    }

    static func redactOnce(_ text: String) -> Result {
        let (emails, numbers) = mayHold(text)
        guard emails || numbers else { return Result(text: text, redactions: []) }
        var original: [Unicode.Scalar] = []
        original.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars { original.append(c) }
        let s = original.map(fold)
        var candidates = emails ? emailCandidates(s) : []
        if numbers { candidates += numberCandidates(s) }
        guard !candidates.isEmpty else { return Result(text: text, redactions: []) }
        // Strongest first (e-mails, then more digits), then leftmost; keep those that do not overlap.
        candidates.sort { $0.weight > $1.weight || ($0.weight == $1.weight && $0.range.lowerBound < $1.range.lowerBound) }
        var covered = [Bool](repeating: false, count: s.count)
        var chosen: [Candidate] = []
        for c in candidates where !c.range.contains(where: { covered[$0] }) {
            for i in c.range { covered[i] = true }
            chosen.append(c)
        }
        chosen.sort { $0.range.lowerBound < $1.range.lowerBound }
        var out = String.UnicodeScalarView()
        var cursor = 0
        for c in chosen {
            out.append(contentsOf: original[cursor..<c.range.lowerBound])
            out.append(contentsOf: mask.unicodeScalars)
            cursor = c.range.upperBound
        }
        out.append(contentsOf: original[cursor...])
        return Result(text: String(out), redactions: chosen.map(\.kind))
    }

    /// What one pass over `text` can find, worked out in one walk over its scalars without
    /// copying them; a pass that can find neither returns the text as it is.
    /// - `emails`: an e-mail needs an `@` (after folding), `골뱅이` or a written-out "at"
    ///   (what ``hasBracketedAt(_:)`` looks for, read from the scalars).
    /// - `numbers`: every number candidate covers at least 7 digits or mask marks, and its first
    ///   group (digits, as ``groups(_:)`` reads them) either has 6 or more digits or is one
    ///   that ``classify(_:_:nextGroupTouches:)`` can start from: exactly a phone prefix
    ///   (``isPrefixGroup(count:value:)``), `82` or `0082` (an `00X` start needs an `82` group
    ///   next, which starts a chain of its own). From such a group on, the chain of groups
    ///   (joined only by gaps of at most 6 spaces and separators; mask marks counted and never
    ///   breaking it: more than the scan joins) must reach 7 digits and marks. Times, dates and
    ///   amounts (`09:00~18:00`, `5,000,000원`) are so ruled out without the full scan.
    static func mayHold(_ text: String) -> (emails: Bool, numbers: Bool) {
        var emails = false
        var marks = 0
        // the digit group being read: its length and its first four digits as a number
        var run = 0, value = 0
        var longGroup = false, reached = false
        // a chain that began at a group a candidate can start from: digits and marks since then,
        // and the gap since the last digit or mark
        var chain = false
        var chainCount = 0, gap = 0
        // the two scalars before this one, for "at)" / "at]" (as ``hasBracketedAt(_:)`` reads bytes)
        var a: UInt32 = 0, b: UInt32 = 0
        for u in text.unicodeScalars {
            var c = u
            let v = u.value
            defer { (a, b) = (b, v) }
            if v >= 0x80 {
                if v >= 0xAC00 && v <= 0xD7A3 {  // Hangul syllables: most of the text
                    if u == "골" { emails = true }
                    run = 0
                    chain = false
                    continue
                }
                if v >= 0xFF00 && v <= 0xFF7F { emails = true }  // full width (lead bytes EF BC, EF BD)
                c = fold(u)
            } else if v == 0x09 {
                c = " "
            } else if (v == 0x29 || v == 0x5D) && (a | 0x20 == 0x61) && (b | 0x20 == 0x74) {
                emails = true
            }
            if isDigit(c) {
                if run == 0 { value = 0 }
                run += 1
                if run <= 4 { value = value * 10 + digitValue(c) }
                if run >= 6 { longGroup = true }
                marks += 1
                gap = 0
                if chain { chainCount += 1 }
            } else {
                if run > 0 {
                    if !chain && isPrefixGroup(count: run, value: value) {
                        chain = true
                        chainCount = run
                    }
                    run = 0
                }
                if isMaskMark(c) {
                    marks += 1
                    gap = 0
                    if chain { chainCount += 1 }
                } else if c == " " || isSeparator(c) {
                    gap += 1
                    if gap > 6 { chain = false }
                } else {
                    if c == "@" { emails = true }
                    chain = false
                }
            }
            if chain && chainCount >= 7 { reached = true }
        }
        return (emails, marks >= 7 && (longGroup || reached))
    }

    /// Whether a group of `count` (< 6) digits whose first four make `value` can start a number
    /// candidate: exactly a phone prefix (`02`, `010`, `031`, `0505`, …: ``mobilePrefixes``,
    /// ``areaPrefixes``), `82` or `0082`. Tests compare it with ``prefixLength(_:)``.
    static func isPrefixGroup(count: Int, value: Int) -> Bool {
        switch count {
        case 2: return value == 82 || value == 2
        case 3:
            guard value < 100 else { return false }
            let (x, y) = (value / 10, value % 10)
            return (x == 1 && [0, 1, 6, 7, 8, 9].contains(y)) || ((x == 6 || x == 7 || x == 8) && y == 0) || ((3...6).contains(x) && (1...5).contains(y))
        case 4: return value == 82 || (502...508).contains(value)
        default: return false
        }
    }

    /// One of ``separators`` (a folded scalar), without hashing.
    @inline(__always)
    static func isSeparator(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x2D, 0x2E, 0x2F, 0x5F, 0x7E, 0x28, 0x29, 0xB7, 0x2C, 0x3A, 0x7C: return true
        default: return false
        }
    }

    /// Whether the text may hold an @ written out ("at" in either case before `)` or `]`), by
    /// bytes. Any full-width form (U+FF01–U+FF5E, lead bytes EF BC / EF BD) also counts, since
    /// folding turns `（ａｔ）` into `(at)`: a superset of what the e-mail scan can match there.
    /// ``mayHold(_:)`` asks the same of the scalars as it walks them; this is the reference its
    /// tests compare with.
    static func hasBracketedAt(_ text: String) -> Bool {
        var a: UInt8 = 0, b: UInt8 = 0
        for c in text.utf8 {
            if (c == 0x29 || c == 0x5D) && (a | 0x20 == 0x61) && (b | 0x20 == 0x74) { return true }
            if b == 0xEF && (c == 0xBC || c == 0xBD) { return true }
            a = b
            b = c
        }
        return false
    }

    /// Whether the string contains personal data (for refusing ids that do).
    package static func containsPersonalData(_ text: String) -> Bool {
        !redact(text).redactions.isEmpty
    }

    // MARK: Folding

    static func fold(_ s: Unicode.Scalar) -> Unicode.Scalar {
        let v = s.value
        if v < 0x80 { return v == 0x09 ? " " : s }
        if v >= 0xAC00 && v <= 0xD7A3 { return s }  // Hangul syllables: most of the text
        if (0xFF01...0xFF5E).contains(v) { return Unicode.Scalar(v - 0xFEE0)! }
        switch v {
        case 0xFE6B: return "@"
        case 0x2212, 0x2043, 0xFE63: return "-"
        case 0x2217, 0x204E, 0x2731, 0x25CF, 0x25CB, 0x25EF, 0x2022: return "*"
        case 0x318D, 0x00B7, 0x2027, 0x30FB: return "·"
        case 0x3161: return "-"  // ㅡ typed as a dash
        default: break
        }
        switch s.properties.generalCategory {
        case .dashPunctuation: return "-"
        case .spaceSeparator, .format, .lineSeparator, .paragraphSeparator: return " "
        default: return s
        }
    }

    // MARK: Numbers

    struct Group {
        var range: Range<Int>
        /// Digit values; `-1` for a mask mark.
        var digits: [Int]
        var isMask: Bool { digits.first == -1 }
        var count: Int { digits.count }
    }

    @inline(__always)
    static func isDigit(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return s.value >= 0x30 && s.value <= 0x39 }
        if s.value >= 0xAC00 && s.value <= 0xD7A3 { return false }
        return s.properties.numericType == .decimal
    }

    static func digitValue(_ s: Unicode.Scalar) -> Int {
        if s.value < 0x80 { return Int(s.value) - 0x30 }
        return Int(s.properties.numericValue ?? 0)
    }

    static func isMaskMark(_ s: Unicode.Scalar) -> Bool { s == "*" || s == "#" || s == "x" || s == "X" }

    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        (s.value >= 0x41 && s.value <= 0x5A) || (s.value >= 0x61 && s.value <= 0x7A)
    }

    static let separators: Set<Unicode.Scalar> = ["-", ".", "/", "_", "~", "(", ")", "·", ",", ":", "|"]

    /// Whether the gap `s[range]` joins two groups: spaces and at most one separator, ≤ 6 long.
    /// A digit group and a mask group may also touch (`1******`).
    static func joins(_ s: [Unicode.Scalar], _ range: Range<Int>, _ a: Group, _ b: Group) -> Bool {
        if range.isEmpty { return a.isMask != b.isMask }
        guard range.count <= 6 else { return false }
        var seps = 0
        for i in range {
            if s[i] == " " { continue }
            if separators.contains(s[i]) { seps += 1 } else { return false }
        }
        return seps <= 2 && (seps <= 1 || s[range].contains("(") || s[range].contains(")"))
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

    /// YYMMDD that is a real calendar day (any century).
    static func isBirthDate(_ d: [Int]) -> Bool {
        guard d.count == 6, !d.contains(-1) else { return false }
        let m = d[2] * 10 + d[3], day = d[4] * 10 + d[5]
        return (1...12).contains(m) && (1...31).contains(day)
    }

    static func groups(_ s: [Unicode.Scalar]) -> [Group] {
        var out: [Group] = []
        var i = 0
        while i < s.count {
            let start = i
            if isDigit(s[i]) {
                var digits: [Int] = []
                while i < s.count && isDigit(s[i]) {
                    digits.append(digitValue(s[i]))
                    i += 1
                }
                out.append(Group(range: start..<i, digits: digits))
            } else if isMaskMark(s[i]) {
                while i < s.count && isMaskMark(s[i]) { i += 1 }
                // a run of marks counts only when it is not part of a word (`box`, `XXL`)
                let letterBefore = start > 0 && isLetter(s[start - 1])
                let letterAfter = i < s.count && isLetter(s[i])
                let onlyLetters = s[start..<i].allSatisfy { $0 == "x" || $0 == "X" }
                if (3...8).contains(i - start) && !(onlyLetters && (letterBefore || letterAfter)) {
                    out.append(Group(range: start..<i, digits: [Int](repeating: -1, count: i - start)))
                }
            } else {
                i += 1
            }
        }
        return out
    }

    /// `skipHopeless`: chains whose first group can start no candidate are not classified (every
    /// phone prefix, `82` and `00X` start with 0 or 8; a resident number's first group has 6 or
    /// more digits), so dates, times and amounts cost little. Tests compare it with `false`.
    static func numberCandidates(_ s: [Unicode.Scalar], skipHopeless: Bool = true) -> [Candidate] {
        let gs = groups(s)
        var out: [Candidate] = []
        for g in gs.indices where !gs[g].isMask {
            if skipHopeless && gs[g].count < 6 && gs[g].digits[0] != 0 && gs[g].digits[0] != 8 { continue }
            var chain = [gs[g]]
            var k = g
            while k + 1 < gs.count, chain.count < 6, joins(s, gs[k].range.upperBound..<gs[k + 1].range.lowerBound, gs[k], gs[k + 1]) {
                k += 1
                chain.append(gs[k])
            }
            for n in stride(from: chain.count, through: 1, by: -1) {
                if let cand = classify(Array(chain.prefix(n)), s, nextGroupTouches: n < chain.count) {
                    out.append(cand)
                    break
                }
            }
            // Front and back of a resident number written apart: "900101 뒷자리 1234567".
            if gs[g].count == 6 && isBirthDate(gs[g].digits), g + 1 < gs.count {
                let next = gs[g + 1]
                if next.count == 7, !next.isMask, (1...8).contains(next.digits[0]),
                    next.range.lowerBound - gs[g].range.upperBound <= 12
                {
                    out.append(Candidate(range: gs[g].range.lowerBound..<next.range.upperBound, kind: .residentRegistrationNumber, weight: 13))
                }
            }
        }
        return out
    }

    static func classify(_ c: [Group], _ s: [Unicode.Scalar], nextGroupTouches: Bool) -> Candidate? {
        let lengths = c.map(\.count)
        let all = c.flatMap(\.digits)
        var span = c[0].range.lowerBound..<c[c.count - 1].range.upperBound
        func candidate(_ kind: Kind) -> Candidate { Candidate(range: span, kind: kind, weight: all.count) }

        // Resident registration numbers.
        let front = c[0].digits
        if front.count == 13 && isBirthDate(Array(front.prefix(6))) && (1...8).contains(front[6]) {
            return candidate(.residentRegistrationNumber)
        }
        if front.count == 6 && isBirthDate(front) {
            let tail = c.dropFirst().flatMap(\.digits)
            let tailOK = tail.first.map { $0 == -1 || (1...8).contains($0) } ?? false
            if tailOK && tail.count == 7 && (c.count == 2 || c.count == 3) { return candidate(.residentRegistrationNumber) }
            // the front part alone, "900101-1"
            if c.count == 2 && tail.count == 1 && (1...8).contains(tail[0]) && !nextGroupTouches { return candidate(.residentRegistrationNumber) }
        }

        // International: +82 / 0082 / 00X 82, then the number without its leading 0 ("(0)" allowed).
        var rest: [Group]? = nil
        if c.count >= 2 && (front == [8, 2] || front == [0, 0, 8, 2]) {
            rest = Array(c.dropFirst())
        } else if c.count >= 3 && front.count == 3 && front[0] == 0 && front[1] == 0 && c[1].digits == [8, 2] {
            rest = Array(c.dropFirst(2))
        } else if c.count == 1 && front.count >= 11 && (front.starts(with: [8, 2]) || front.starts(with: [0, 0, 8, 2])) {
            let skip = front.starts(with: [8, 2]) ? 2 : 4
            rest = [Group(range: c[0].range, digits: Array(front.dropFirst(skip)))]
        }
        if var r = rest {
            if r.first?.digits == [0] { r.removeFirst() }
            let digits = r.flatMap(\.digits)
            if (9...10).contains(digits.count), !(r.first?.isMask ?? true), prefixLength([0] + digits) > 0 {
                var lower = span.lowerBound
                if lower > 0 && s[lower - 1] == "+" { lower -= 1 }
                span = lower..<span.upperBound
                return candidate(.phone)
            }
        }

        // Domestic phone numbers.
        guard !c[0].isMask else { return nil }
        let p = prefixLength(front)
        guard p > 0 else { return nil }
        var ok = false
        if c.count == 1 {
            ok = (7...8).contains(front.count - p)
        } else if front.count == p {
            let tail = Array(lengths.dropFirst())
            ok = tail == [3, 4] || tail == [4, 4] || tail == [7] || tail == [8]
        }
        guard ok else { return nil }
        // an opening bracket around the area code goes too: "(02) 123-4567"
        let after = c[0].range.upperBound
        if span.lowerBound > 0 && s[span.lowerBound - 1] == "(" && after < s.count && s[after] == ")" {
            span = (span.lowerBound - 1)..<span.upperBound
        }
        return candidate(.phone)
    }

    // MARK: E-mail

    static func isEmailLocal(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return s == "." || s == "_" || s == "%" || s == "+" || s == "-"
        }
    }

    static func isDomainLetter(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0xAC00...0xD7A3: return true
        default: return s == "-"
        }
    }

    static func emailCandidates(_ s: [Unicode.Scalar]) -> [Candidate] {
        var out: [Candidate] = []
        var i = 0
        while i < s.count {
            // the "at": @, (at), [at], 골뱅이 (spaces around allowed)
            var atEnd = -1
            var strong = false
            if s[i] == "@" {
                atEnd = i + 1
                while atEnd < s.count && s[atEnd] == "@" { atEnd += 1 }
                strong = true
            } else if bracketedAt(s, i) {
                atEnd = i + 4
            } else if s[i] == "골" && matches(s, i, "골뱅이") {
                atEnd = i + 3
            }
            guard atEnd > 0 else {
                i += 1
                continue
            }
            var localEnd = i
            while localEnd > 0 && s[localEnd - 1] == " " && i - localEnd < 2 { localEnd -= 1 }
            var lo = localEnd
            while lo > 0 && isEmailLocal(s[lo - 1]) { lo -= 1 }
            var j = atEnd
            while j < s.count && s[j] == " " && j - atEnd < 2 { j += 1 }
            // domain labels separated by dots, spaces allowed around a dot ("naver . com")
            var hi = j
            var dots = 0
            var lastLabel = j
            var k = j
            while k < s.count && isDomainLetter(s[k]) { k += 1 }
            if k > j { hi = k }
            while hi > j {
                var d = hi
                while d < s.count && s[d] == " " && d - hi < 2 { d += 1 }
                guard d < s.count && s[d] == "." else { break }
                d += 1
                while d < s.count && s[d] == " " && d - hi < 4 { d += 1 }
                var e = d
                while e < s.count && isDomainLetter(s[e]) { e += 1 }
                guard e > d else { break }
                lastLabel = d
                hi = e
                dots += 1
            }
            // the top-level label is ASCII: "naver.com으로" ends at "com"
            if dots > 0, let firstHangul = (lastLabel..<hi).first(where: { s[$0].value >= 0xAC00 }) {
                hi = firstHangul
                if hi == lastLabel { dots -= 1 }
            }
            let localLength = localEnd - lo
            let domainLength = hi - j
            if localLength >= 1 && domainLength >= 2 && (dots > 0 || (strong && localLength >= 2)) {
                out.append(Candidate(range: lo..<hi, kind: .email, weight: 1_000))
                i = hi
            } else {
                i = atEnd
            }
        }
        return out
    }

    /// `(at)` or `[at]` at `i`, "at" in any case.
    static func bracketedAt(_ s: [Unicode.Scalar], _ i: Int) -> Bool {
        guard i + 3 < s.count else { return false }
        let close: Unicode.Scalar
        switch s[i] {
        case "(": close = ")"
        case "[": close = "]"
        default: return false
        }
        return (s[i + 1] == "a" || s[i + 1] == "A") && (s[i + 2] == "t" || s[i + 2] == "T") && s[i + 3] == close
    }

    static func matches(_ s: [Unicode.Scalar], _ at: Int, _ word: String) -> Bool {
        var k = at
        for w in word.unicodeScalars {
            guard k < s.count, s[k] == w else { return false }
            k += 1
        }
        return true
    }
}
