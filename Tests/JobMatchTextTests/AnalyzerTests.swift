import Foundation
import JobMatchKernels
import JobMatchTestSupport
@testable import JobMatchText
import Testing

@Suite("Korean analyzer: golden outputs")
struct AnalyzerGoldenTests {
    let a = KoreanAnalyzer()

    @Test func bigramsAcrossSpaces() {
        expectTokens(a, "물류 센터 지게차",
                     terms: ["물류", "류센", "센터", "터지", "지게", "게차"],
                     offsets: [(0, 2), (1, 4), (3, 5), (4, 7), (6, 8), (7, 9)],
                     kinds: Array(repeating: .bigram, count: 6))
    }

    @Test func spacingDoesNotMatter() {
        #expect(a.terms("물류 센터") == a.terms("물류센터"))
        #expect(a.terms("지게차 운전 기사") == a.terms("지게차운전기사"))
    }

    @Test func scriptRunsSplitFirst() {
        expectTokens(a, "IT개발자3년",
                     terms: ["it", "개발", "발자", "3", "년"],
                     offsets: [(0, 2), (2, 4), (3, 5), (5, 6), (6, 7)],
                     kinds: [.word, .bigram, .bigram, .number, .unigram])
        expectTokens(a, "한국abc", terms: ["한국", "abc"], offsets: [(0, 2), (2, 5)], kinds: [.bigram, .word])
    }

    @Test func loneSyllableIsUnigram() {
        expectTokens(a, "빵 / 떡", terms: ["빵", "떡"], offsets: [(0, 1), (4, 5)], kinds: [.unigram, .unigram])
    }

    @Test func programmingWordsKeepTheirSymbols() {
        expectTokens(a, "C++ / .NET, 3D", terms: ["c++", ".net", "3d"], offsets: [(0, 3), (6, 10), (12, 14)], kinds: [.word, .word, .word])
        expectTokens(a, "c#과 f#", terms: ["c#", "과", "f#"], offsets: [(0, 2), (2, 3), (4, 6)])
        expectTokens(a, "node.js 3.5년 경력.", terms: ["node.js", "3.5", "년경", "경력"], kinds: [.word, .number, .bigram, .bigram])
        expectTokens(a, "1+1", terms: ["1", "1"])
    }

    @Test func fullWidthAndCaseFold() {
        expectTokens(a, "ＪＡＶＡ개발", terms: ["java", "개발"], offsets: [(0, 4), (4, 6)], kinds: [.word, .bigram])
        #expect(a.terms("Excel EXCEL excel") == ["excel", "excel", "excel"])
    }

    @Test func compatibilityJamoFolded() {
        // compatibility ㅋ (U+314B) and conjoining ᄏ (U+110F) give the same term
        #expect(a.terms("ㅋㅋ") == ["ㅋㅋ"])
        #expect(a.terms("\u{110F}\u{110F}") == ["ㅋㅋ"])
        #expect(a.analyze("ㅋㅋ").first?.kind == .jamo)
    }

    @Test func compatibilityCharactersNormalised() {
        // ㈜ → (주); offsets still point at the original character
        let t = a.analyze("㈜대성")
        #expect(t.map(\.term) == ["주", "대성"])
        #expect(t[0].start == 0 && t[0].end == 1)
    }

    @Test func nfdEqualsNfc() {
        let text = "물류센터 지게차 운전원, 요양보호사 1급"
        let nfd = text.decomposedStringWithCanonicalMapping
        #expect(nfd.unicodeScalars.count > text.unicodeScalars.count)
        #expect(a.terms(nfd) == a.terms(text))
        // offsets are into the NFD original: the first bigram covers 물 (3 jamo) + 류 (2 jamo)
        #expect(a.analyze(nfd).first.map { [$0.start, $0.end] } == [0, 5])
    }

    @Test("a syllable followed by a conjoining final composes like NFC")
    func partiallyDecomposedHangul() {
        #expect(a.terms("\u{AC00}\u{11A8}물류") == a.terms("각물류"))
        #expect(a.terms("정규직ㆍ계약직") == a.terms("정규직, 계약직"))
    }

    @Test("case folding agrees with lowercasing where Unicode folds to upper case (Cherokee)")
    func cherokee() {
        #expect(a.terms("ᏣᎳᎩ") == a.terms("ꮳꮃꭹ"))
    }

    @Test func trigramsWhenConfigured() {
        let tri = KoreanAnalyzer(configuration: AnalyzerConfiguration(ngramSizes: [2, 3]))
        expectTokens(tri, "지게차", terms: ["지게", "지게차", "게차"], kinds: [.bigram, .trigram, .bigram])
    }

    @Test func stopTermsDropped() {
        let s = KoreanAnalyzer(configuration: AnalyzerConfiguration(stopTerms: ["에서"]))
        #expect(s.terms("센터에서") == ["센터", "터에"])
    }

    @Test func emptyAndSymbolOnly() {
        #expect(a.analyze("").isEmpty)
        #expect(a.analyze("  \n\t ・…!!").isEmpty)
    }

    @Test func configurationValidation() {
        #expect(throws: AnalyzerConfigurationError.self) { try AnalyzerConfiguration(ngramSizes: []).validate() }
        #expect(throws: AnalyzerConfigurationError.self) { try AnalyzerConfiguration(ngramSizes: [1]).validate() }
        #expect(throws: AnalyzerConfigurationError.self) { try AnalyzerConfiguration(ngramSizes: [2, 2]).validate() }
    }
}

@Suite("Korean analyzer: properties")
struct AnalyzerPropertyTests {
    let a = KoreanAnalyzer()
    let syllables = Array("가나다라마바사아자차카타파하물류센터지게운전요양보호사원")
    let words = ["java", "c++", "sql", "3d", "excel"]

    @Test("spacing invariance on seeded random text")
    func spacingInvariance() {
        var rng = SeededRandom(seed: 21)
        for _ in 0..<300 {
            var pieces: [String] = []
            for _ in 0..<Int.random(in: 1...12, using: &rng) {
                if Int.random(in: 0..<5, using: &rng) == 0 {
                    pieces.append(words.randomElement(using: &rng)!)
                } else {
                    pieces.append(String(syllables.randomElement(using: &rng)!))
                }
            }
            let tight = pieces.joined()
            let spaced = pieces.map { $0 + String(repeating: " ", count: Int.random(in: 0...2, using: &rng)) }.joined()
            // Latin words next to each other must stay apart in the tight form
            if zip(pieces, pieces.dropFirst()).contains(where: { $0.0.first!.isASCII && $0.1.first!.isASCII }) { continue }
            #expect(a.terms(tight) == a.terms(spaced), "\(tight) vs \(spaced)")
        }
    }

    @Test("NFC/NFD invariance on seeded random text")
    func normalisationInvariance() {
        var rng = SeededRandom(seed: 5)
        for _ in 0..<300 {
            let text = String((0..<Int.random(in: 0...20, using: &rng)).map { _ in
                Int.random(in: 0..<6, using: &rng) == 0 ? " " : Character(Unicode.Scalar(UInt32.random(in: 0xAC00...0xD7A3, using: &rng))!)
            })
            #expect(a.terms(text.decomposedStringWithCanonicalMapping) == a.terms(text))
        }
    }

    @Test("random strings never crash and offsets stay inside the original")
    func robustness() {
        let alphabet: [String] = ["가", "힣", "ㄱ", "ᄀ", "ᅡ", "ᆨ", "a", "Z", "0", "9", "+", "#", ".", " ", "\n", "\t", "-", "@",
                                  "é", "e\u{301}", "Ａ", "０", "㈜", "漢", "字", "カ", "😀", "👩‍💻", "\u{200D}", "\u{FE0F}", "\u{0}", "\u{FFFD}", "،", "ß"]
        var rng = SeededRandom(seed: 99)
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
            let length = text.utf16.count
            var lastStart = -1
            for t in a.analyze(text) {
                #expect(t.start >= 0 && t.start < t.end && t.end <= length, "\(t) in \(text.debugDescription)")
                #expect(t.start >= lastStart)
                #expect(!t.term.isEmpty)
                lastStart = t.start
            }
        }
    }

    @Test("terms are the normalised text of their offsets (clean alphabet)")
    func offsetsPointAtTheTerm() {
        var rng = SeededRandom(seed: 8)
        let alphabet = ["물", "류", "센", "터", "Java", "SQL", " ", "3", "년", "c++", ", "]
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 1...15, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
            let utf16 = Array(text.utf16)
            for t in a.analyze(text) {
                let original = String(decoding: utf16[t.start..<t.end], as: UTF16.self)
                #expect(original.lowercased().filter { !$0.isWhitespace } == t.term, "\(t) in \(text)")
            }
        }
    }
}

@Suite("Display width")
struct DisplayWidthTests {
    @Test func koreanIsTwoCells() {
        #expect(DisplayWidth.of("지게차") == 6)
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.pad("지게차", to: 8) == "지게차  ")
        #expect(DisplayWidth.of(DisplayWidth.pad("물류센터지게차운전원", to: 9)) == 9)
    }
}

@Suite("Text normaliser: the table of scalars")
struct NormalizerTableTests {
    @Test("classes, non-starters and the fast path agree with the Unicode properties for every scalar of the BMP")
    func tableAgreesWithProperties() {
        // the table covers U+0000–U+33FF and the shortcuts ASCII and the Hangul syllables; above
        // the BMP everything is looked up in the properties
        var checked = 0
        var wrong: [String] = []
        for v in UInt32(0)...0xFFFF {
            guard let s = Unicode.Scalar(v) else { continue }
            let unchanged: Unicode.Scalar? = v >= 0x41 && v <= 0x5A ? Unicode.Scalar(v + 0x20) : (v < 0x80 || TextNormalizer.isUnchanged(s) ? s : nil)
            if TextNormalizer.classify(s) != TextNormalizer.classifyByProperties(s)
                || TextNormalizer.isNonStarter(s) != TextNormalizer.isNonStarterByProperties(s)
                || TextNormalizer.fastPath(s) != unchanged
            {
                wrong.append("U+" + String(v, radix: 16))
            }
            checked += 1
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(20))")
        #expect(checked == 0x10000 - 0x800)
        // spot checks that the reference itself is right
        #expect(TextNormalizer.classify("가") == .hangul && TextNormalizer.classify("ㄱ") == .jamo && TextNormalizer.classify("٣") == .digit)
        #expect(TextNormalizer.isNonStarter("\u{301}") && TextNormalizer.isNonStarter("\u{1161}") && !TextNormalizer.isNonStarter("가"))
        #expect(TextNormalizer.fastPath("•") == "•" && TextNormalizer.fastPath("…") == nil && TextNormalizer.fastPath("㈜") == nil)
    }
}

@Suite("Korean analyzer: terms as bytes")
struct AnalyzerBytesTests {
    /// Random text from pieces of every class the analyzer tells apart.
    static func randomText(_ rng: inout SeededRandom) -> String {
        let pieces = ["물류", "센터", " ", "지게차", "운전", "IT", "개발자", "3년", "C++", ".NET", "c#", "3D", "ㅋㅋ", "ㄱ", "漢字", "カナ",
                      "ＡＢＣ", "㈜", "e\u{301}", "가\u{11A8}", "\u{1100}\u{1161}", "-", "/", "·", "\n", "😀", "x.y", "…", "١٢", "  ", "a+b", "+", "#"]
        return (0..<Int.random(in: 0...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }

    @Test("appendTerms gives terms(_:) byte for byte, for every configuration", arguments: [
        AnalyzerConfiguration.standard,
        AnalyzerConfiguration(ngramSizes: [2, 3], joinAcrossSpaces: false, stopTerms: [], outputUnigrams: true),
        AnalyzerConfiguration(ngramSizes: [3], joinAcrossSpaces: true, stopTerms: ["물류", "it", "센터"], outputUnigrams: false),
    ])
    func bytesEqualStrings(_ configuration: AnalyzerConfiguration) async {
        let analyzer = KoreanAnalyzer(configuration: configuration)
        var rng = SeededRandom(seed: 11)
        var all = TermBytes()
        var expected: [String] = []
        var scratch = NormalizedText()  // reused from text to text, as index building does
        for round in 0..<2_000 {
            if round % 200 == 0 { await Task.yield() }  // let socket-bound tests run meanwhile
            let text = Self.randomText(&rng)
            var one = TermBytes()
            analyzer.appendTerms(text, to: &one)
            let terms = analyzer.terms(text)
            #expect((0..<one.count).map { one.term($0) } == terms, "\(text.debugDescription)")
            #expect((0..<one.count).map { Array(one.bytes[one.range($0)]) } == terms.map { Array($0.utf8) }, "\(text.debugDescription)")
            analyzer.appendTerms(text, to: &all, scratch: &scratch)
            expected += terms
        }
        // appending keeps what was there
        #expect((0..<all.count).map { all.term($0) } == expected)
        #expect(expected.count > 5_000)
    }

    @Test("appendTerm writes the UTF-8 of the picked scalars (1 to 4 bytes each) as one term, after what was there")
    func appendTermEncodes() {
        // one scalar of each UTF-8 length, at both ends of each length's range
        let scalars: [Unicode.Scalar] = ["\u{0}", "a", "\u{7F}", "\u{80}", "é", "\u{7FF}", "\u{800}", "가", "漢", "\u{FFFF}",
                                         "\u{10000}", "😀", "\u{10FFFF}"]
        var rng = SeededRandom(seed: 29)
        var terms = TermBytes()
        terms.append("앞")
        var expected = ["앞"]
        for round in 0..<500 {
            let picked = (0..<Int.random(in: 0...6, using: &rng)).map { _ in Int.random(in: 0..<scalars.count, using: &rng) }
            var s = String.UnicodeScalarView()
            for k in picked { s.append(scalars[k]) }
            switch round % 3 {
            case 0: terms.appendTerm(scalars, at: picked)
            case 1: terms.appendTerm(scalars, at: picked[...])
            default:
                // a bigram's two indices, as the analyzer passes them
                guard picked.count >= 2 else { terms.appendTerm(scalars, at: picked); break }
                let pair = CollectionOfTwo(picked[0], picked[1])
                #expect(Array(pair) == [picked[0], picked[1]] && pair.count == 2)
                terms.appendTerm(scalars, at: pair)
                s = String.UnicodeScalarView()
                s.append(scalars[picked[0]])
                s.append(scalars[picked[1]])
            }
            expected.append(String(s))
        }
        #expect(terms.count == expected.count)
        #expect((0..<terms.count).map { terms.term($0) } == expected)
        #expect(terms.bytes == Array(expected.joined().utf8))
        // an empty pick is an empty term, not a missing one
        #expect(expected.contains("") && Set(expected.map(\.utf8.count)).isSuperset(of: [0, 1, 2, 3, 4, 8]))
    }
}

@Suite("Appending nothing")
struct AppendNothingTests {
    /// Adding nothing must not write the count of the process's one shared empty array, as
    /// `append(addingCapacity: 0)` does: two threads doing so at once race. Only ThreadSanitizer
    /// sees that (CI's sanitizer run fails on its report; the test itself passes either way), and
    /// only with two threads. Here: terms with no scalars (the index's tests cover fields and
    /// documents without terms).
    @Test("empty terms on two threads at once: no write to the shared empty array")
    func emptyTermsConcurrently() {
        let scalars = Array("가나".unicodeScalars)
        let seen = Locked([Int](repeating: 0, count: 2))  // expectations on the test's own thread
        DispatchQueue.concurrentPerform(iterations: 2) { thread in
            var n = 0
            for _ in 0..<2_000 {
                var terms = TermBytes()
                terms.appendTerm(scalars, at: [Int]())
                n += terms.bytes.count + terms.count
            }
            seen.withLock { $0[thread] = n }
        }
        #expect(seen.withLock { $0 } == [2_000, 2_000])
    }
}
