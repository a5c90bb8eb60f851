import JobMatchText

/// The Korean analyzer on arbitrary bytes (decoded as UTF-8 with repair): never traps; the same
/// text gives the same tokens; every token's offsets lie inside the text (UTF-16 units) and
/// positions ascend; every term is non-empty; the index's byte path (`appendTerms`) gives the
/// same terms byte for byte; with trigrams on, too.
let standard = KoreanAnalyzer()
let trigrams = KoreanAnalyzer(configuration: AnalyzerConfiguration(ngramSizes: [2, 3]))

func fuzzOne(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    let length = text.utf16.count
    for analyzer in [standard, trigrams] {
        let tokens = analyzer.analyze(text)
        precondition(tokens == analyzer.analyze(text), "analysis is not deterministic")
        precondition(tokens.map(\.term) == analyzer.terms(text), "terms differ from the tokens' terms")
        var bytes = TermBytes()
        analyzer.appendTerms(text, to: &bytes)
        precondition(bytes.count == tokens.count && (0..<bytes.count).allSatisfy { Array(bytes.bytes[bytes.range($0)]) == Array(tokens[$0].term.utf8) },
                     "appendTerms differs from terms")
        var lastPosition = -1
        for t in tokens {
            precondition(!t.term.isEmpty, "empty term")
            precondition(0 <= t.start && t.start < t.end && t.end <= length, "offsets \(t.start)..<\(t.end) outside 0..<\(length)")
            precondition(t.position >= lastPosition, "positions go back")
            lastPosition = t.position
        }
    }
}
