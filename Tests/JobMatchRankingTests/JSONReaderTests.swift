import Foundation
@testable import JobMatchRanking
import JobMatchTestSupport
import Testing

/// The reader against a reference: Foundation's `JSONSerialization`, its numbers told apart by
/// their C type as JobMatch did before it had its own reader.
private func reference(_ text: [UInt8]) -> JSONValue? {
    guard let any = try? JSONSerialization.jsonObject(with: Data(text), options: [.fragmentsAllowed]) else { return nil }
    return convert(any)
}

private func convert(_ any: Any) -> JSONValue {
    switch any {
    case let s as String: return .string(s)
    case let n as NSNumber:
        switch String(cString: n.objCType) {
        case "c", "B": return .bool(n.boolValue)
        case "d", "f": return .double(n.doubleValue)
        case "Q" where n.uint64Value > UInt64(Int.max): return .double(n.doubleValue)
        default: return .int(n.intValue)
        }
    case let a as [Any]: return .array(a.map(convert))
    case let o as [String: Any]: return .object(o.mapValues(convert))
    default: return .null
    }
}

/// Equal, except where Foundation's reader is known to be off: it rounds long mantissas
/// inexactly (`1844674.4073709551615` → …555, not the correctly rounded …552 that
/// `Double(String)` gives) and returns some 19-digit negative integers as doubles.
private func agrees(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
    func close(_ x: Double, _ y: Double) -> Bool { x == y || abs(x - y) <= 1e-15 * max(abs(x), abs(y)) }
    switch (a, b) {
    case (nil, nil): return true
    case (.double(let x)?, .double(let y)?): return close(x, y)
    case (.int(let x)?, .double(let y)?): return x.magnitude >= 1_000_000_000_000_000_000 && close(Double(x), y)
    case (.array(let x)?, .array(let y)?): return x.count == y.count && zip(x, y).allSatisfy { agrees($0, $1) }
    case (.object(let x)?, .object(let y)?): return x.count == y.count && x.allSatisfy { agrees($0.value, y[$0.key]) }
    default: return a == b
    }
}

private func parse(_ s: String) -> JSONValue? { try? JSONValue.parse(Array(s.utf8)[...]) }

@Suite("JSON reader")
struct JSONReaderTests {
    @Test("values, numbers and escapes")
    func values() {
        #expect(parse(#"{"a":[1,-2,3.5,true,false,null,"x"],"b":{}}"#)
            == .object(["a": .array([.int(1), .int(-2), .double(3.5), .bool(true), .bool(false), .null, .string("x")]), "b": .object([:])]))
        #expect(parse(" \t\r\n7 \n") == .int(7))
        #expect(parse("-0") == .int(0))
        #expect(parse("-0.0") == .double(-0.0))
        #expect(parse("1.0") == .double(1))
        #expect(parse("1E+2") == .double(100))
        #expect(parse("1e-400") == .double(0))
        #expect(parse("9223372036854775807") == .int(.max))
        #expect(parse("-9223372036854775808") == .int(.min))
        #expect(parse("9223372036854775808") == .double(9223372036854775808))
        #expect(parse("123456789012345678901234567890") == .double(Double("123456789012345678901234567890")!))
        // correctly rounded, as Double(String)
        #expect(parse("1844674.4073709551615") == .double(Double("1844674.4073709551615")!))
        #expect(parse("-9223372036815477580") == .int(-9_223_372_036_815_477_580))
        #expect(parse(#""\"\\\/\b\f\n\r\t\u0041\u00e9\uD83D\uDE00\u0000""#) == .string("\"\\/\u{8}\u{C}\n\r\tAé😀\u{0}"))
        #expect(parse(#""한국어 \uAC00""#) == .string("한국어 가"))
    }

    @Test("invalid texts are refused, with the offset and what was expected")
    func invalid() {
        for bad in ["", " ", "01", "1.", ".5", "-", "--1", "+1", "1e", "1E400", "-1e400", "NaN", "Infinity", "tru", "nul",
                    "[1,]", #"{"a":1,}"#, "[1]x", #"{"a" 1}"#, "1 2", #""a\#tb""#, #""\x""#, #""\ud800""#, #""\udc00x""#,
                    #""\ud800\u0041""#, #""\u12G4""#, #"{a:1}"#, "[", "{", #"{"a":"#, #""abc"#, "'a'", "[1 2]", "\u{FEFF}1"] {
            #expect(parse(bad) == nil, "\(bad.debugDescription)")
        }
        #expect(throws: JSONSyntaxError(offset: 7, expected: "',' or '}'", truncated: false)) { try JSONValue.parse(Array(#"{"a":1 "b":2}"#.utf8)[...]) }
        #expect(throws: JSONSyntaxError(offset: 8, expected: "',' or '}'", truncated: true)) { try JSONValue.parse(Array(#"{"a":"x""#.utf8)[...]) }
        #expect(throws: JSONSyntaxError(offset: 5, expected: "a value", truncated: false)) { try JSONValue.parse(Array(#"{"a":,}"#.utf8)[...]) }
        // offsets count from the slice's start
        let line = Array(#"xx{"a":}"#.utf8)
        #expect(throws: JSONSyntaxError(offset: 5, expected: "a value", truncated: false)) { try JSONValue.parse(line[2...]) }
    }

    @Test("nesting deeper than 512 is refused without exhausting the stack")
    func depth() {
        func nested(_ n: Int) -> String { String(repeating: "[", count: n) + String(repeating: "]", count: n) }
        #expect(parse(nested(512)) != nil)
        #expect(parse(nested(513)) == nil)
        #expect(parse(nested(100_000)) == nil)
        #expect(parse(String(repeating: #"{"a":"#, count: 513) + "1" + String(repeating: "}", count: 513)) == nil)
    }

    @Test("the first field given twice at the top level is reported; nested duplicates keep the last value")
    func duplicates() throws {
        let r = try JSONValue.parseReportingDuplicate(Array(#"{"a":1,"b":{"c":1,"c":2},"b":3,"a":4,"b":5}"#.utf8)[...])
        #expect(r.duplicateKey == "b")
        #expect(r.value == .object(["a": .int(4), "b": .int(5)]))
        let n = try JSONValue.parseReportingDuplicate(Array(#"{"x":{"c":1,"c":2}}"#.utf8)[...])
        #expect(n.duplicateKey == nil)
        #expect(n.value == .object(["x": .object(["c": .int(2)])]))
        // names compare as Strings: an escaped or canonically equivalent spelling is the same field
        #expect(try JSONValue.parseReportingDuplicate(Array(#"{"é":1,"\u00e9":2}"#.utf8)[...]).duplicateKey == "é")
        #expect(try JSONValue.parseReportingDuplicate(Array("{\"é\":1,\"e\u{301}\":2}".utf8)[...]).duplicateKey != nil)
    }

    /// A random JSON text: values of every kind, escapes, non-ASCII, random white space.
    private func randomText(_ rng: inout SeededRandom, depth: Int = 0) -> String {
        func ws() -> String { ["", "", " ", "\n", "\t ", "\r\n"].randomElement(using: &rng)! }
        func str() -> String {
            var s = "\""
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                s += ["a", "가", "é", "😀", "\\n", "\\\"", "\\\\", "\\/", "\\u0041", "\\uAC00", "\\ud83d\\ude00", "\\u0000", " ", "1"].randomElement(using: &rng)!
            }
            return s + "\""
        }
        let kind = depth >= 4 ? Int.random(in: 0...3, using: &rng) : Int.random(in: 0...5, using: &rng)
        switch kind {
        case 0: return str()
        case 1:
            return ["0", "-0", "7", "-12", "3.25", "-0.5e3", "1E2", "2e-3", "9223372036854775807", "-922337203685477580",
                    "18446744073709551615", "99999999999999999999", "1.7976931348623157e308", "5e-324"].randomElement(using: &rng)!
        case 2: return ["true", "false", "null"].randomElement(using: &rng)!
        case 3: return "\(Int.random(in: -1_000_000...1_000_000, using: &rng))"
        case 4:
            let items = (0..<Int.random(in: 0...4, using: &rng)).map { _ in ws() + randomText(&rng, depth: depth + 1) + ws() }
            return "[" + (items.isEmpty ? ws() : items.joined(separator: ",")) + "]"
        default:
            var keys = Set<String>()
            var members: [String] = []
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                let k = str()
                guard keys.insert(k).inserted else { continue }
                members.append(ws() + k + ws() + ":" + ws() + randomText(&rng, depth: depth + 1) + ws())
            }
            return "{" + (members.isEmpty ? ws() : members.joined(separator: ",")) + "}"
        }
    }

    @Test("random texts: the same values as Foundation's parser; mutated texts never accepted where it refuses")
    func differential() async {
        var rng = SeededRandom(seed: 20261206)
        var accepted = 0, refused = 0
        for round in 0..<3000 {
            // long CPU-bound tests yield now and then, so that tests waiting on sockets (which
            // time out) are not starved on a loaded 2-core machine
            if round % 100 == 0 { await Task.yield() }
            let text = Array(randomText(&rng).utf8)
            let ours = try? JSONValue.parse(text[...])
            let theirs = reference(text)
            #expect(ours != nil && agrees(ours, theirs), "round \(round): \(String(decoding: text, as: UTF8.self).debugDescription)")
            // one random byte changed, removed or inserted
            var m = text
            let bytes: [UInt8] = Array(#"{}[]",:\ -+.eE0159tfnu"#.utf8) + [0x01, 0xC3]
            let at = Int.random(in: 0...m.count, using: &rng)
            switch Int.random(in: 0...2, using: &rng) {
            case 0 where at < m.count: m[at] = bytes.randomElement(using: &rng)!
            case 1 where at < m.count: m.remove(at: at)
            default: m.insert(bytes.randomElement(using: &rng)!, at: at)
            }
            let mOurs = try? JSONValue.parse(m[...])
            let mTheirs = reference(m)
            if let mOurs {
                accepted += 1
                #expect(agrees(mOurs, mTheirs), "round \(round) mutated: \(String(decoding: m, as: UTF8.self).debugDescription)")
            } else {
                refused += 1
            }
        }
        // both outcomes occur, so neither branch is vacuous
        #expect(accepted > 300 && refused > 300, "\(accepted) accepted, \(refused) refused")
    }
}

@Suite("Trimming the fields of a record")
struct TrimmingTests {
    @Test("only the given ASCII scalars go, from both ends, CR LF included; the rest stays byte for byte")
    func trimming() {
        #expect(" \t 서울 강남구\t ".trimmingCharacters(in: " \t") == "서울 강남구")
        #expect("\r\n 스킬 \r\n".trimmingCharacters(in: " \t\n\r") == "스킬")
        #expect("a b".trimmingCharacters(in: " ") == "a b")
        #expect("   ".trimmingCharacters(in: " ").isEmpty && "".trimmingCharacters(in: " ").isEmpty)
        // NFD Hangul and a combining mark after a space are not split or normalised
        let nfd = "\u{1100}\u{1161} \u{301}x "
        #expect(Array(nfd.trimmingCharacters(in: " ").utf8) == Array("\u{1100}\u{1161} \u{301}x".utf8))
        #expect(Substring("  x  ").trimmingCharacters(in: " ") == "x")
        #expect(" \t\r\n".containsOnly(" \t\n\r") && "".containsOnly(" ") && !" . ".containsOnly(" "))
        #expect(!"\u{3000}".containsOnly(" \t\n\r"))  // an ideographic space is not in the set
    }
}
