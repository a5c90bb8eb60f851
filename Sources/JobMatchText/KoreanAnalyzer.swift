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

    /// The terms of ``terms(_:)``, appended to `out` as UTF-8 bytes without building a `String`
    /// per term (index building).
    package func appendTerms(_ text: String, to out: inout TermBytes) {
        var scratch = NormalizedText(keepsOffsets: false)
        appendTerms(text, to: &out, scratch: &scratch)
    }

    /// ``appendTerms(_:to:)`` normalising into `scratch` (its arrays reused from text to text;
    /// its `keepsOffsets` is set to false: no offsets are kept).
    package func appendTerms(_ text: String, to out: inout TermBytes, scratch norm: inout NormalizedText) {
        norm.keepsOffsets = false
        TextNormalizer.normalize(text, into: &norm)
        let scalars = norm.scalars
        scan(norm) { source, _, _, _ in
            if !stopTerms.isEmpty && stopTerms.contains(Self.string(source, scalars)) { return }
            switch source {
            case .range(let r): out.appendTerm(scalars, at: r)
            case .picked(let ks): out.appendTerm(scalars, at: ks)
            case .pair(let a, let b): out.appendTerm(scalars, at: CollectionOfTwo(a, b))
            }
        }
    }

    /// Streams tokens to `emit` in order of position.
    package func analyze(_ text: String, _ emit: (Token) -> Void) {
        let norm = TextNormalizer.normalize(text)
        var position = 0
        scan(norm) { source, first, last, kind in
            let term = Self.string(source, norm.scalars)
            if !stopTerms.isEmpty && stopTerms.contains(term) { return }
            emit(Token(term: term, start: Int(norm.starts[first]), end: Int(norm.ends[last]), position: position, kind: kind))
            position += 1
        }
    }

    /// A term's scalars in the normalised text: consecutive, or picked from a run (n-grams
    /// joined across spaces).
    enum TermSource {
        case range(Range<Int>)
        case picked(ArraySlice<Int>)
        /// Two scalars (a bigram: the common case, without retaining the run's array).
        case pair(Int, Int)
    }

    static func string(_ source: TermSource, _ scalars: [Unicode.Scalar]) -> String {
        var s = String.UnicodeScalarView()
        switch source {
        case .range(let r): for k in r { s.append(scalars[k]) }
        case .picked(let ks): for k in ks { s.append(scalars[k]) }
        case .pair(let a, let b): s.append(scalars[a]); s.append(scalars[b])
        }
        return String(s)
    }

    /// The analysis itself: each term's scalars, the normalised scalars its offsets in the
    /// original text run from and to (the first's start, the last's end) and its kind, in order
    /// of position.
    private func scan(_ norm: NormalizedText, _ send: (TermSource, Int, Int, TokenKind) -> Void) {
        var run: [Int] = []
        run.reserveCapacity(64)
        let n = norm.count
        let cls = norm.classes

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
                while j < n && cls[j] == .jamo { j += 1 }
                send(.range(i..<j), i, j - 1, .jamo)
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
                send(.range(i..<j), i, j - 1, hasLetter ? .word : .number)
                i = j
            default:
                i += 1
            }
        }
    }

    private func emitNGrams(
        _ run: [Int], _ norm: NormalizedText, _ send: (TermSource, Int, Int, TokenKind) -> Void
    ) {
        let length = run.count
        let smallest = sizes[0]
        if length < smallest {
            send(.picked(run[...]), run[0], run[length - 1], length == 1 ? .unigram : .bigram)
            return
        }
        for start in 0..<length {
            if configuration.outputUnigrams {
                let k = run[start]
                send(.range(k..<(k + 1)), k, k, .unigram)
            }
            for size in sizes where start + size <= length {
                if size == 2 {
                    send(.pair(run[start], run[start + 1]), run[start], run[start + 1], .bigram)
                } else {
                    send(.picked(run[start..<(start + size)]), run[start], run[start + size - 1], .trigram)
                }
            }
        }
    }
}

/// Two indices as a collection (a bigram's scalars for ``TermBytes/appendTerm(_:at:)``).
struct CollectionOfTwo: RandomAccessCollection {
    let first: Int, second: Int
    init(_ first: Int, _ second: Int) { (self.first, self.second) = (first, second) }
    var startIndex: Int { 0 }
    var endIndex: Int { 2 }
    subscript(i: Int) -> Int { i == 0 ? first : second }
}
