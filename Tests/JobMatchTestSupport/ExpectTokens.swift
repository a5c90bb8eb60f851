package import JobMatchText
package import Testing

/// Lucene's `assertAnalyzesTo`: terms, offsets (UTF-16, into the original text) and kinds.
package func expectTokens(
    _ analyzer: KoreanAnalyzer, _ text: String,
    terms: [String], offsets: [(Int, Int)]? = nil, kinds: [TokenKind]? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let tokens = analyzer.analyze(text)
    #expect(tokens.map(\.term) == terms, "terms of \(text)", sourceLocation: sourceLocation)
    if let offsets {
        #expect(tokens.map { [$0.start, $0.end] } == offsets.map { [$0.0, $0.1] }, "offsets of \(text)", sourceLocation: sourceLocation)
    }
    if let kinds {
        #expect(tokens.map(\.kind) == kinds, "kinds of \(text)", sourceLocation: sourceLocation)
    }
    #expect(tokens.map(\.position) == Array(0..<tokens.count), "positions of \(text)", sourceLocation: sourceLocation)
}
