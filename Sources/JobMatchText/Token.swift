/// What produced a term (Lucene's token types, adapted).
package enum TokenKind: String, Sendable, Codable, CaseIterable {
    /// Two (or more, with trigrams on) adjacent Hangul/Han syllables.
    case bigram
    case trigram
    /// A Hangul/Han syllable with no neighbour in its run.
    case unigram
    /// A Latin(-script) word, possibly with digits and `+ # .` kept (`c++`, `.net`, `3d`).
    case word
    /// Digits only.
    case number
    /// A run of bare Hangul jamo (`ㅋㅋ`, `ㄱㄴ`).
    case jamo
}

/// One analysed term with offsets into the *original* text in UTF-16 code units
/// (as Lucene and JavaScript count), so a page or terminal can highlight the source.
package struct Token: Sendable, Equatable, CustomStringConvertible {
    package var term: String
    package var start: Int
    package var end: Int
    package var position: Int
    package var kind: TokenKind

    package init(term: String, start: Int, end: Int, position: Int, kind: TokenKind) {
        self.term = term
        self.start = start
        self.end = end
        self.position = position
        self.kind = kind
    }

    package var description: String { "\(term)[\(start),\(end))#\(position):\(kind.rawValue)" }
}
