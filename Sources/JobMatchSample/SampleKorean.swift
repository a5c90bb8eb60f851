/// Small Korean text helpers: particles (조사) chosen by the final consonant, number formatting.
enum Korean {
    /// Whether the word's last pronounced syllable ends in a consonant (받침), and whether it is ㄹ.
    /// Trailing punctuation and parenthesised remarks are skipped; digits and Latin letters are
    /// read the Korean way (1 = 일, L = 엘, …).
    static func finalSound(_ word: String) -> (hasFinal: Bool, isRieul: Bool) {
        var depth = 0
        for scalar in word.unicodeScalars.reversed() {
            let v = scalar.value
            if v == 0x29 { depth += 1; continue }   // ')'
            if v == 0x28 { depth = max(0, depth - 1); continue }  // '('
            if depth > 0 { continue }
            switch v {
            case 0xAC00...0xD7A3:
                let jong = (v - 0xAC00) % 28
                return (jong != 0, jong == 8)
            case 0x30...0x39:
                switch v - 0x30 {
                case 1, 7, 8: return (true, true)
                case 0, 3, 6: return (true, false)
                default: return (false, false)
                }
            case 0x41...0x5A, 0x61...0x7A:
                let lower = v | 0x20
                if lower == 0x6C || lower == 0x72 { return (true, true) }     // l, r
                if lower == 0x6D || lower == 0x6E { return (true, false) }    // m, n
                return (false, false)
            default:
                continue
            }
        }
        return (false, false)
    }

    /// 을/를
    static func eul(_ word: String) -> String { word + (finalSound(word).hasFinal ? "을" : "를") }
    /// 으로/로 (ㄹ받침 → 로)
    static func euro(_ word: String) -> String {
        let s = finalSound(word)
        return word + (s.hasFinal && !s.isRieul ? "으로" : "로")
    }
    /// 이라/라
    static func ira(_ word: String) -> String { word + (finalSound(word).hasFinal ? "이라" : "라") }

    /// 3200 → "3,200"
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }

    /// Removes one randomly chosen space, e.g. "물류 센터" → "물류센터".
    static func dropOneSpace(_ text: String, _ rng: inout SampleRandom) -> String {
        let chars = Array(text)
        let spaces = chars.indices.filter { chars[$0] == " " }
        guard !spaces.isEmpty else { return text }
        var copy = chars
        copy.remove(at: rng.pick(spaces))
        return String(copy)
    }

    static func paddedID(_ prefix: String, _ number: Int, width: Int) -> String {
        let digits = String(number)
        return prefix + (digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits)
    }
}
