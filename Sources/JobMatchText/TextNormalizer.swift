internal import Foundation

/// Character classes the analyzer distinguishes after normalisation.
package enum CharClass: UInt8, Sendable {
    case hangul, han, kana, jamo, letter, digit, plus, hash, dot, space, other
}

/// Normalised text with, for every normalised scalar, the UTF-16 range of the original text
/// it came from (so offsets always point into what the user wrote).
package struct NormalizedText: Sendable {
    package var scalars: [Unicode.Scalar] = []
    package var classes: [CharClass] = []
    package var starts: [Int32] = []
    package var ends: [Int32] = []
    /// Whether `starts` and `ends` are filled: index building needs only the scalars and their
    /// classes, and skips them.
    package var keepsOffsets = true

    package init(keepsOffsets: Bool = true) { self.keepsOffsets = keepsOffsets }

    package var count: Int { scalars.count }

    package mutating func removeAll() {
        scalars.removeAll(keepingCapacity: true)
        classes.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }

    /// Room for `n` scalars in each array (one allocation each instead of growing by doubling).
    mutating func reserveCapacity(_ n: Int) {
        scalars.reserveCapacity(n)
        classes.reserveCapacity(n)
        if keepsOffsets {
            starts.reserveCapacity(n)
            ends.reserveCapacity(n)
        }
    }

    @inline(__always)
    mutating func append(_ s: Unicode.Scalar, start: Int, end: Int) {
        scalars.append(s)
        classes.append(TextNormalizer.classify(s))
        if keepsOffsets {
            starts.append(Int32(truncatingIfNeeded: start))
            ends.append(Int32(truncatingIfNeeded: end))
        }
    }
}

/// NFKC (which also folds full-width forms to half-width), case folding, and Hangul jamo
/// folded to the compatibility block — applied cluster by cluster, keeping offsets.
///
/// The fast path covers ASCII and precomposed Hangul syllables, which is nearly all text;
/// any other cluster (NFD Hangul, full-width Latin, compatibility characters such as `㈜`)
/// goes through Foundation's NFKC.
package enum TextNormalizer {
    package static func normalize(_ text: String) -> NormalizedText {
        var out = NormalizedText()
        normalize(text, into: &out)
        return out
    }

    package static func normalize(_ text: String, into out: inout NormalizedText) {
        out.removeAll()
        // a scalar takes 1–4 UTF-8 bytes: enough room for all but expanding compatibility forms
        out.reserveCapacity(text.utf8.count)
        var pending: [Unicode.Scalar] = []
        var pendingStart = 0
        var offset = 0
        var iterator = text.unicodeScalars.makeIterator()
        var next = iterator.next()
        while let s = next {
            next = iterator.next()
            let width = s.utf16.count
            if pending.isEmpty {
                if let n = next, isNonStarter(n) {
                    pending.append(s)
                    pendingStart = offset
                } else if let fast = fastPath(s) {
                    out.append(fast, start: offset, end: offset + width)
                } else {
                    slowPath([s], start: offset, end: offset + width, into: &out)
                }
            } else {
                pending.append(s)
                if let n = next, isNonStarter(n) {
                    // the cluster goes on
                } else {
                    slowPath(pending, start: pendingStart, end: offset + width, into: &out)
                    pending.removeAll(keepingCapacity: true)
                }
            }
            offset += width
        }
    }

    @inline(__always)
    static func fastPath(_ s: Unicode.Scalar) -> Unicode.Scalar? {
        let v = s.value
        if v < 0x80 {
            if v >= 0x41 && v <= 0x5A { return Unicode.Scalar(v + 0x20) }
            return s
        }
        if v >= 0xAC00 && v <= 0xD7A3 { return s }
        if v < UInt32(BMPTable.limit) { return BMPTable.entries[Int(v)] & BMPTable.unchanged != 0 ? s : nil }
        return isUnchanged(s) ? s : nil
    }

    /// Whether NFKC and case folding leave `s` alone (most punctuation and symbols) and it is
    /// no conjoining jamo: what ``fastPath(_:)`` returns unchanged, from the Unicode properties.
    static func isUnchanged(_ s: Unicode.Scalar) -> Bool {
        if (0x3131...0x318E).contains(s.value) { return true }
        return !s.properties.changesWhenNFKCCaseFolded && !s.properties.changesWhenLowercased && !(0x1100...0x11FF).contains(s.value)
    }

    @inline(__always)
    static func isNonStarter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x300 { return false }
        if v >= 0xAC00 && v <= 0xD7A3 { return false }
        if v < UInt32(BMPTable.limit) { return BMPTable.entries[Int(v)] & BMPTable.nonStarter != 0 }
        return isNonStarterByProperties(s)
    }

    /// ``isNonStarter(_:)`` from the Unicode properties.
    static func isNonStarterByProperties(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x300 { return false }
        if (0x1160...0x11FF).contains(v) || (0xD7B0...0xD7FF).contains(v) { return true }
        if (0xFE00...0xFE0F).contains(v) { return true }
        return s.properties.canonicalCombiningClass != .notReordered
    }

    /// The Unicode-property answers of ``classify(_:)``, ``isNonStarter(_:)`` and
    /// ``fastPath(_:)`` for every scalar below U+3400 (Latin, punctuation, symbols, CJK marks,
    /// kana, compatibility jamo, enclosed forms), worked out once: looking the properties up
    /// scalar by scalar was a tenth of index building. Bits 0–3: the class; bit 4: a non-starter;
    /// bit 5: left unchanged by NFKC and case folding.
    enum BMPTable {
        static let limit = 0x3400
        static let nonStarter: UInt8 = 1 << 4, unchanged: UInt8 = 1 << 5
        static let entries: [UInt8] = (0..<limit).map { v in
            guard let s = Unicode.Scalar(v) else { return 0 }
            var e = classifyByProperties(s).rawValue
            if isNonStarterByProperties(s) { e |= nonStarter }
            if isUnchanged(s) { e |= unchanged }
            return e
        }
    }

    static func slowPath(_ cluster: [Unicode.Scalar], start: Int, end: Int, into out: inout NormalizedText) {
        var raw = String.UnicodeScalarView()
        raw.append(contentsOf: composeHangul(cluster))
        let normalized = String(raw).precomposedStringWithCompatibilityMapping.lowercased()
        for s in normalized.unicodeScalars {
            out.append(compatibilityJamo(s), start: start, end: end)
        }
    }

    /// Canonical Hangul composition (L+V → LV, LV+T → LVT), done arithmetically: Foundation's
    /// NFKC on Linux leaves a precomposed syllable followed by a conjoining final (가 + ᆨ) apart.
    static func composeHangul(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        for s in scalars {
            let v = s.value
            if let last = out.last?.value {
                if (0x1100...0x1112).contains(last) && (0x1161...0x1175).contains(v) {
                    out[out.count - 1] = Unicode.Scalar(0xAC00 + ((last - 0x1100) * 21 + (v - 0x1161)) * 28)!
                    continue
                }
                if (0xAC00...0xD7A3).contains(last) && (last - 0xAC00) % 28 == 0 && (0x11A8...0x11C2).contains(v) {
                    out[out.count - 1] = Unicode.Scalar(last + (v - 0x11A7))!
                    continue
                }
            }
            out.append(s)
        }
        return out
    }

    private static let leadingJamo: [UInt32] = [
        0x3131, 0x3132, 0x3134, 0x3137, 0x3138, 0x3139, 0x3141, 0x3142, 0x3143, 0x3145,
        0x3146, 0x3147, 0x3148, 0x3149, 0x314A, 0x314B, 0x314C, 0x314D, 0x314E,
    ]
    private static let trailingJamo: [UInt32] = [
        0x3131, 0x3132, 0x3133, 0x3134, 0x3135, 0x3136, 0x3137, 0x3139, 0x313A, 0x313B,
        0x313C, 0x313D, 0x313E, 0x313F, 0x3140, 0x3141, 0x3142, 0x3144, 0x3145, 0x3146,
        0x3147, 0x3148, 0x314A, 0x314B, 0x314C, 0x314D, 0x314E,
    ]

    /// Conjoining jamo left alone after NFKC (no syllable to join) → compatibility jamo, so
    /// `ㄱ` typed either way is one character.
    static func compatibilityJamo(_ s: Unicode.Scalar) -> Unicode.Scalar {
        let v = s.value
        if (0x1100...0x1112).contains(v) { return Unicode.Scalar(leadingJamo[Int(v - 0x1100)])! }
        if (0x1161...0x1175).contains(v) { return Unicode.Scalar(0x314F + (v - 0x1161))! }
        if (0x11A8...0x11C2).contains(v) { return Unicode.Scalar(trailingJamo[Int(v - 0x11A8)])! }
        return s
    }

    @inline(__always)
    package static func classify(_ s: Unicode.Scalar) -> CharClass {
        let v = s.value
        if v >= 0xAC00 && v <= 0xD7A3 { return .hangul }
        if v < UInt32(BMPTable.limit) { return CharClass(rawValue: BMPTable.entries[Int(v)] & 0x0F)! }
        return classifyByProperties(s)
    }

    /// ``classify(_:)`` from the Unicode properties (and the ranges of the scripts).
    static func classifyByProperties(_ s: Unicode.Scalar) -> CharClass {
        let v = s.value
        if v < 0x80 {
            switch v {
            case 0x61...0x7A, 0x41...0x5A: return .letter
            case 0x30...0x39: return .digit
            case 0x2B: return .plus
            case 0x23: return .hash
            case 0x2E: return .dot
            case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D: return .space
            default: return .other
            }
        }
        if v >= 0xAC00 && v <= 0xD7A3 { return .hangul }
        if v >= 0x3131 && v <= 0x318E { return v == 0x318D ? .other : .jamo }  // ㆍ is used as a middle dot
        if (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0xF900...0xFAFF).contains(v) { return .han }
        if (0x3040...0x30FF).contains(v) { return s.properties.isAlphabetic && v != 0x30FB ? .kana : .other }
        let p = s.properties
        if p.isWhitespace { return .space }
        if p.numericType == .decimal { return .digit }
        if p.isAlphabetic { return .letter }
        return .other
    }
}
