/// The standard JobMatch analysis chain:
/// normalise (NFKC, width, case, jamo) → segment by script → n-grams over Hangul/Han runs
/// (joined across spaces, so spacing does not matter) and whole words over Latin/number runs.
///
/// ```
/// "물류 센터 지게차"  → 물류 류센 센터 터지 지게 게차        (bigrams across the spaces)
/// "IT개발자3년"      → it | 개발 발자 | 3 | 년             (script runs first; lone 년 → unigram)
/// "C++ / .NET, 3D"   → c++ | .net | 3d
/// ```
package struct KoreanAnalyzer: Sendable {
    package let configuration: AnalyzerConfiguration
    private let sizes: [Int]
    private let stopTerms: Set<String>

    package init(configuration: AnalyzerConfiguration = .standard) {
        self.configuration = configuration
        self.sizes = configuration.ngramSizes.sorted()
        self.stopTerms = Set(configuration.stopTerms)
    }

    package func analyze(_ text: String) -> [Token] {
        var tokens: [Token] = []
        analyze(text) { tokens.append($0) }
        return tokens
    }

    package func terms(_ text: String) -> [String] {
        var out: [String] = []
        analyze(text) { out.append($0.term) }
        return out
    }

    /// Streams tokens to `emit` in order of position.
    package func analyze(_ text: String, _ emit: (Token) -> Void) {
        let norm = TextNormalizer.normalize(text)
        var position = 0
        var run: [Int] = []
        run.reserveCapacity(64)
        let n = norm.count
        let cls = norm.classes

        func send(_ term: String, _ start: Int, _ end: Int, _ kind: TokenKind) {
            if !stopTerms.isEmpty && stopTerms.contains(term) { return }
            emit(Token(term: term, start: start, end: end, position: position, kind: kind))
            position += 1
        }

        func isAlnum(_ i: Int) -> Bool { i >= 0 && i < n && (cls[i] == .letter || cls[i] == .digit) }

        var i = 0
        while i < n {
            let c = cls[i]
            switch c {
            case .hangul, .han, .kana:
                run.removeAll(keepingCapacity: true)
                run.append(i)
                var j = i + 1
                while j < n {
                    if cls[j] == c {
                        run.append(j)
                        j += 1
                    } else if configuration.joinAcrossSpaces && cls[j] == .space {
                        var k = j
                        while k < n && cls[k] == .space { k += 1 }
                        if k < n && cls[k] == c { j = k } else { break }
                    } else {
                        break
                    }
                }
                emitNGrams(run, norm, send)
                i = j
            case .jamo:
                var j = i
                var s = String.UnicodeScalarView()
                while j < n && cls[j] == .jamo {
                    s.append(norm.scalars[j])
                    j += 1
                }
                send(String(s), Int(norm.starts[i]), Int(norm.ends[j - 1]), .jamo)
                i = j
            case .letter, .digit, .dot:
                var j = i
                if c == .dot {
                    // ".net": a leading dot counts only before a letter and after no word character
                    guard i + 1 < n, cls[i + 1] == .letter, !isAlnum(i - 1) else {
                        i += 1
                        continue
                    }
                    j += 1
                }
                var hasLetter = false
                while j < n {
                    if cls[j] == .letter {
                        hasLetter = true
                        j += 1
                    } else if cls[j] == .digit {
                        j += 1
                    } else if cls[j] == .dot && isAlnum(j - 1) && isAlnum(j + 1) {
                        j += 1
                    } else {
                        break
                    }
                }
                if hasLetter && j < n {
                    if cls[j] == .hash && !isAlnum(j + 1) {
                        j += 1
                    } else if cls[j] == .plus {
                        var k = j
                        while k < n && k - j < 2 && cls[k] == .plus { k += 1 }
                        if !isAlnum(k) { j = k }
                    }
                }
                var s = String.UnicodeScalarView()
                for k in i..<j { s.append(norm.scalars[k]) }
                send(String(s), Int(norm.starts[i]), Int(norm.ends[j - 1]), hasLetter ? .word : .number)
                i = j
            default:
                i += 1
            }
        }
    }

    private func emitNGrams(
        _ run: [Int], _ norm: NormalizedText, _ send: (String, Int, Int, TokenKind) -> Void
    ) {
        let length = run.count
        let smallest = sizes[0]
        if length < smallest {
            var s = String.UnicodeScalarView()
            for k in run { s.append(norm.scalars[k]) }
            send(String(s), Int(norm.starts[run[0]]), Int(norm.ends[run[length - 1]]), length == 1 ? .unigram : .bigram)
            return
        }
        for start in 0..<length {
            if configuration.outputUnigrams {
                let k = run[start]
                send(String(Character(norm.scalars[k])), Int(norm.starts[k]), Int(norm.ends[k]), .unigram)
            }
            for size in sizes where start + size <= length {
                var s = String.UnicodeScalarView()
                for k in start..<(start + size) { s.append(norm.scalars[run[k]]) }
                let kind: TokenKind = size == 2 ? .bigram : .trigram
                send(String(s), Int(norm.starts[run[start]]), Int(norm.ends[run[start + size - 1]]), kind)
            }
        }
    }
}
