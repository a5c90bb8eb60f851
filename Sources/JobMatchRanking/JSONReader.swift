/// Why a text is not JSON: where, and what was expected there. Never quotes the text (it may
/// hold personal data).
package struct JSONSyntaxError: Error, Sendable, Equatable {
    /// Offset of the offending byte from the start of the text (the text's length when it ends
    /// too early).
    package var offset: Int
    /// What was expected at `offset`, e.g. `',' or '}'`.
    package var expected: String
    /// Whether the text ended inside a value (a cut-off record, or no value at all).
    package var truncated: Bool

    /// The error as a sentence, `where` naming the text ("of the line"; may be empty).
    package func reason(in place: String) -> String {
        let at = place.isEmpty ? "" : " \(place)"
        return truncated
            ? "not valid JSON: the text ends before the value is complete (truncated?)"
            : "not valid JSON at byte \(offset + 1)\(at): expected \(expected)"
    }
}

extension JSONValue {
    /// Deepest nesting of arrays and objects accepted (as Foundation's parser).
    package static let maxDepth = 512

    /// Parses one JSON text (RFC 8259, strict: no trailing commas, comments, `NaN` or leading
    /// zeros; lone surrogate escapes and numbers beyond ±1.8e308 are errors). An integer literal
    /// that fits in `Int` is `.int`; any other number is `.double`. When an object has a field
    /// twice, the last value is kept.
    package static func parse(_ bytes: ArraySlice<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        try parseReportingDuplicate(bytes).value
    }

    /// ``parse(_:)``, and the first field name that occurs twice in the top-level object (in
    /// the order the second occurrences appear; names compare as `String`s).
    package static func parseReportingDuplicate(_ bytes: ArraySlice<UInt8>) throws(JSONSyntaxError) -> (value: JSONValue, duplicateKey: String?) {
        let result: Result<(JSONValue, String?), JSONSyntaxError> = bytes.withUnsafeBufferPointer { p in
            var reader = JSONReader(p)
            do throws(JSONSyntaxError) {
                let v = try reader.document()
                return .success((v, reader.duplicateKey))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// A recursive-descent reader over UTF-8 bytes.
private struct JSONReader {
    let p: UnsafeBufferPointer<UInt8>
    var i = 0
    var depth = 0
    var duplicateKey: String?

    init(_ p: UnsafeBufferPointer<UInt8>) { self.p = p }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    func fail(_ expected: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: i, expected: expected, truncated: i >= p.count)
    }

    mutating func skipSpace() {
        while i < p.count {
            let c = p[i]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            i += 1
        }
    }

    mutating func document() throws(JSONSyntaxError) -> JSONValue {
        skipSpace()
        let v = try value()
        skipSpace()
        if i < p.count { throw fail("the end of the text") }
        return v
    }

    mutating func value() throws(JSONSyntaxError) -> JSONValue {
        guard i < p.count else { throw fail("a value") }
        switch p[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case Self.quote: return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw fail("a value")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let n = word.utf8CodeUnitCount
        let w = UnsafeBufferPointer(start: word.utf8Start, count: n)
        for k in 0..<n {
            guard i < p.count, p[i] == w[k] else { throw fail("'\(word)'") }
            i += 1
        }
    }

    mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > JSONValue.maxDepth { throw fail("at most \(JSONValue.maxDepth) nested arrays and objects") }
        i += 1
    }

    mutating func object() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        var members: [String: JSONValue] = [:]
        // a record's fields (about 15 in a posting) without growing the table on the way
        if depth == 1 { members.reserveCapacity(16) }
        skipSpace()
        if i < p.count && p[i] == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard i < p.count, p[i] == Self.quote else { throw fail("a field name in double quotes") }
            let key = try string()
            skipSpace()
            guard i < p.count, p[i] == UInt8(ascii: ":") else { throw fail("':' after the field name") }
            i += 1
            skipSpace()
            let v = try value()
            if members.updateValue(v, forKey: key) != nil, depth == 1, duplicateKey == nil { duplicateKey = key }
            skipSpace()
            guard i < p.count else { throw fail("',' or '}'") }
            switch p[i] {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "}"):
                i += 1
                depth -= 1
                return .object(members)
            default: throw fail("',' or '}'")
            }
        }
    }

    mutating func array() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        var items: [JSONValue] = []
        skipSpace()
        if i < p.count && p[i] == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return .array(items)
        }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            guard i < p.count else { throw fail("',' or ']'") }
            switch p[i] {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "]"):
                i += 1
                depth -= 1
                return .array(items)
            default: throw fail("',' or ']'")
            }
        }
    }

    func text(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONSyntaxError) -> String {
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw JSONSyntaxError(offset: offset, expected: "UTF-8 text", truncated: false)
        }
        return s
    }

    /// A string from its opening quote; `i` ends after the closing quote.
    mutating func string() throws(JSONSyntaxError) -> String {
        i += 1
        let start = i
        while i < p.count {
            let c = p[i]
            if c == Self.quote {
                i += 1
                return try text(UnsafeBufferPointer(rebasing: p[start..<(i - 1)]), at: start)
            }
            if c == Self.backslash { break }
            if c < 0x20 { throw fail("no control character in a string (escape it)") }
            i += 1
        }
        guard i < p.count else { throw fail("'\"' closing the string") }
        var out = [UInt8](UnsafeBufferPointer(rebasing: p[start..<i]))
        while i < p.count {
            // the bytes up to the next quote, backslash or control character, copied at once
            // (descriptions hold a "\n" every line: byte by byte was most of the parsing)
            let plain = i
            while i < p.count, p[i] != Self.quote, p[i] != Self.backslash, p[i] >= 0x20 { i += 1 }
            if i > plain { out.append(contentsOf: UnsafeBufferPointer(rebasing: p[plain..<i])) }
            guard i < p.count else { break }
            let c = p[i]
            if c == Self.quote {
                i += 1
                return try out.withUnsafeBufferPointer { o throws(JSONSyntaxError) in try text(o, at: start) }
            }
            if c < 0x20 { throw fail("no control character in a string (escape it)") }
            i += 1
            guard i < p.count else { throw fail("an escape") }
            switch p[i] {
            case Self.quote: out.append(0x22)
            case Self.backslash: out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                i += 1
                var v = try hex4()
                if (0xDC00...0xDFFF).contains(v) {
                    i -= 4
                    throw fail("a high surrogate before a low one (\\uD800–\\uDBFF)")
                }
                if (0xD800...0xDBFF).contains(v) {
                    guard i + 1 < p.count, p[i] == Self.backslash, p[i + 1] == UInt8(ascii: "u") else {
                        var e = fail("'\\u' and a low surrogate after a high one")
                        e.truncated = i + 1 >= p.count
                        throw e
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else {
                        i -= 4
                        throw fail("a low surrogate (\\uDC00–\\uDFFF) after a high one")
                    }
                    v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                }
                out.append(contentsOf: Unicode.UTF8.encode(Unicode.Scalar(v)!)!)
                continue
            default: throw fail("an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
            }
            i += 1
        }
        throw fail("'\"' closing the string")
    }

    /// Four hex digits from `i`; `i` ends after them.
    mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard i < p.count else { throw fail("four hex digits") }
            let c = p[i]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: throw fail("four hex digits")
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }

    func digit(at k: Int) -> Bool { k < p.count && p[k] >= UInt8(ascii: "0") && p[k] <= UInt8(ascii: "9") }

    mutating func number() throws(JSONSyntaxError) -> JSONValue {
        let start = i
        let negative = p[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard digit(at: i) else { throw fail("a digit") }
        if p[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while digit(at: i) { i += 1 }
        }
        var integer = true
        if i < p.count && p[i] == UInt8(ascii: ".") {
            integer = false
            i += 1
            guard digit(at: i) else { throw fail("a digit after '.'") }
            while digit(at: i) { i += 1 }
        }
        if i < p.count && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            integer = false
            i += 1
            if i < p.count && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) { i += 1 }
            guard digit(at: i) else { throw fail("a digit in the exponent") }
            while digit(at: i) { i += 1 }
        }
        if integer {
            var magnitude: UInt64 = 0
            var fits = true
            for k in (negative ? start + 1 : start)..<i {
                let (a, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (b, o2) = a.addingReportingOverflow(UInt64(p[k] - UInt8(ascii: "0")))
                if o1 || o2 {
                    fits = false
                    break
                }
                magnitude = b
            }
            if fits && magnitude <= UInt64(Int.max) { return .int(negative ? -Int(magnitude) : Int(magnitude)) }
            if fits && negative && magnitude == UInt64(Int.max) + 1 { return .int(.min) }
        }
        let literal = String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self)
        guard let d = Double(literal), d.isFinite else {
            throw JSONSyntaxError(offset: start, expected: "a number within ±1.8e308", truncated: false)
        }
        return .double(d)
    }
}
