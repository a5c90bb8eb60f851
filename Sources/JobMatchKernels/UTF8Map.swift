/// A map from strings to `UInt32` values keyed by the strings' UTF-8 bytes (FNV-1a, open
/// addressing, linear probing), for interning many short terms.
///
/// `Dictionary<String, _>` hashes a Korean string through Unicode normalisation on every lookup;
/// this map hashes and compares raw bytes. Two canonically equivalent strings with different
/// bytes are therefore *different* keys here: callers that need `String` equality resolve a
/// miss through a `String`-keyed dictionary once per new byte sequence.
package struct UTF8Map: Sendable {
    /// Key bytes, end to end; key `i` is `bytes[starts[i]..<starts[i + 1]]`.
    private var bytes: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    private var values: [UInt32] = []
    /// Key index + 1 per slot, 0 for an empty slot; the count is a power of two.
    private var slots: [UInt32] = [UInt32](repeating: 0, count: 64)

    package init() {}

    package var count: Int { values.count }

    /// The value stored for exactly these bytes.
    package func value(for key: String) -> UInt32? {
        var k = key
        return k.withUTF8 { u in
            let h = Self.hash(u)
            return slots.withUnsafeBufferPointer { slots in
                hashes.withUnsafeBufferPointer { hashes in
                    starts.withUnsafeBufferPointer { starts in
                        bytes.withUnsafeBufferPointer { bytes in
                            let mask = slots.count - 1
                            var s = Int(truncatingIfNeeded: h) & mask
                            while true {
                                let e = Int(slots[s])
                                if e == 0 { return nil }
                                if hashes[e - 1] == h {
                                    let lo = starts[e - 1], n = starts[e] - lo
                                    if n == u.count, u.count == 0 || memoryEquals(bytes.baseAddress! + lo, u.baseAddress!, n) { return values[e - 1] }
                                }
                                s = (s + 1) & mask
                            }
                        }
                    }
                }
            }
        }
    }

    /// Stores `value` for these bytes (replacing the value of a key already present).
    package mutating func insert(_ key: String, _ value: UInt32) {
        if (count + 1) * 2 > slots.count { grow() }
        var k = key
        k.withUTF8 { u in
            let h = Self.hash(u)
            let mask = slots.count - 1
            var s = Int(truncatingIfNeeded: h) & mask
            while true {
                let e = Int(slots[s])
                if e == 0 { break }
                if hashes[e - 1] == h && equal(e - 1, u) {
                    values[e - 1] = value
                    return
                }
                s = (s + 1) & mask
            }
            bytes.append(contentsOf: u)
            starts.append(bytes.count)
            hashes.append(h)
            values.append(value)
            slots[s] = UInt32(values.count)
        }
    }

    @inline(__always)
    private func memoryEquals(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        for j in 0..<n where a[j] != b[j] { return false }
        return true
    }

    private func equal(_ i: Int, _ u: UnsafeBufferPointer<UInt8>) -> Bool {
        let lo = starts[i], hi = starts[i + 1]
        guard hi - lo == u.count else { return false }
        return bytes.withUnsafeBufferPointer { b in
            for j in 0..<u.count where b[lo + j] != u[j] { return false }
            return true
        }
    }

    private mutating func grow() {
        var next = [UInt32](repeating: 0, count: slots.count * 2)
        let mask = next.count - 1
        for (i, h) in hashes.enumerated() {
            var s = Int(truncatingIfNeeded: h) & mask
            while next[s] != 0 { s = (s + 1) & mask }
            next[s] = UInt32(i + 1)
        }
        slots = next
    }

    /// FNV-1a over the bytes, then SplitMix64's finaliser so that the low bits (the slot) mix well.
    private static func hash(_ u: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in u { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        var z = h
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
