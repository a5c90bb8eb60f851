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

/// Terms as UTF-8 bytes end to end, with no `String` per term: term `i` is
/// `bytes[(i == 0 ? 0 : ends[i - 1])..<ends[i]]`.
package struct TermBytes: Sendable, Equatable {
    package var bytes: [UInt8] = []
    package var ends: [UInt32] = []

    package init() {}

    package var count: Int { ends.count }

    /// The byte range of term `i`.
    package func range(_ i: Int) -> Range<Int> { (i == 0 ? 0 : Int(ends[i - 1]))..<Int(ends[i]) }

    /// Term `i` as a `String`.
    package func term(_ i: Int) -> String { String(decoding: bytes[range(i)], as: UTF8.self) }

    package mutating func append(_ term: String) {
        bytes.append(contentsOf: term.utf8)
        endTerm()
    }

    /// Ends the term whose bytes were appended since the last end.
    package mutating func endTerm() {
        ends.append(UInt32(bytes.count))
    }

    /// Appends one term: the UTF-8 of `scalars[k]` for each `k` of `indices`, in order. The bytes
    /// go through one `OutputSpan` (room for 4 bytes a scalar made once per term), not one
    /// `append` per byte, each of which checks that the buffer is unique and has room.
    ///
    /// Never `append(addingCapacity: 0)` (here and in the index builder): it sets the count even
    /// when it adds nothing, and an array without storage is the one empty array the whole
    /// process shares, so two threads doing so at once race (ThreadSanitizer reports it; CI's
    /// sanitizer run of c916444). A shared helper for the guard was measured: the standard
    /// library's append was then no longer inlined (6.28 → 6.55 G instructions on 10k postings).
    @inline(__always)
    package mutating func appendTerm<Indices: Collection<Int>>(_ scalars: [Unicode.Scalar], at indices: Indices) {
        if !indices.isEmpty {
            bytes.append(addingCapacity: 4 &* indices.count) { span in
                for k in indices { Self.encode(scalars[k], into: &span) }
            }
        }
        ends.append(UInt32(bytes.count))
    }

    @inline(__always)
    private static func encode(_ s: Unicode.Scalar, into span: inout OutputSpan<UInt8>) {
        let v = s.value
        if v < 0x80 {
            span.append(UInt8(v))
        } else if v < 0x800 {
            span.append(UInt8(0xC0 | v >> 6))
            span.append(UInt8(0x80 | v & 0x3F))
        } else if v < 0x1_0000 {
            span.append(UInt8(0xE0 | v >> 12))
            span.append(UInt8(0x80 | v >> 6 & 0x3F))
            span.append(UInt8(0x80 | v & 0x3F))
        } else {
            span.append(UInt8(0xF0 | v >> 18))
            span.append(UInt8(0x80 | v >> 12 & 0x3F))
            span.append(UInt8(0x80 | v >> 6 & 0x3F))
            span.append(UInt8(0x80 | v & 0x3F))
        }
    }

    package mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }
}
