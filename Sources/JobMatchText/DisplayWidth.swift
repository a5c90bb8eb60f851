/// Terminal display width (East Asian Wide and Fullwidth characters take two cells), so that
/// tables with Korean text line up.
package enum DisplayWidth {
    package static func of(_ text: String) -> Int {
        var w = 0
        for s in text.unicodeScalars { w += width(s) }
        return w
    }

    package static func width(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        if v < 0x20 { return 0 }
        if v < 0x300 { return 1 }
        if s.properties.canonicalCombiningClass != .notReordered { return 0 }
        if (0x1160...0x11FF).contains(v) || v == 0x200B || v == 0x200D { return 0 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
            || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA960...0xA97F).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
            || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v)
            || (0x20000...0x3FFFD).contains(v)
        {
            return 2
        }
        return 1
    }

    /// Pads (or truncates with `…`) to exactly `width` cells.
    package static func pad(_ text: String, to width: Int, alignRight: Bool = false) -> String {
        var current = of(text)
        var t = text
        if current > width {
            var out = ""
            var used = 0
            for ch in text {
                let cw = of(String(ch))
                if used + cw > width - 1 { break }
                out.append(ch)
                used += cw
            }
            t = out + "…"
            current = used + 1
        }
        let fill = String(repeating: " ", count: max(0, width - current))
        return alignRight ? fill + t : t + fill
    }
}
