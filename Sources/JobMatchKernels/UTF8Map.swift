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
        return k.withUTF8 { value(forBytes: $0) }
    }

    /// The value stored for exactly these bytes.
    package func value(forBytes u: UnsafeBufferPointer<UInt8>) -> UInt32? {
        switch probe(u, Self.hash(u)) {
        case .found(let e): values[e]
        case .empty: nil
        }
    }

    /// The value stored for exactly the bytes `bytes[range]`.
    package func value(in bytes: [UInt8], _ range: Range<Int>) -> UInt32? {
        bytes.withUnsafeBufferPointer { value(forBytes: UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// Stores `value` for these bytes (replacing the value of a key already present).
    package mutating func insert(_ key: String, _ value: UInt32) {
        var k = key
        k.withUTF8 { insert(bytes: $0, value) }
    }

    /// Stores `value` for these bytes (replacing the value of a key already present).
    package mutating func insert(bytes u: UnsafeBufferPointer<UInt8>, _ value: UInt32) {
        if (count + 1) * 2 > slots.count { grow() }
        let h = Self.hash(u)
        switch probe(u, h) {
        case .found(let e):
            values[e] = value
        case .empty(let s):
            bytes.append(contentsOf: u)
            starts.append(bytes.count)
            hashes.append(h)
            values.append(value)
            slots[s] = UInt32(values.count)
        }
    }

    private enum Probe {
        /// The key's index.
        case found(Int)
        /// The empty slot where the key would go.
        case empty(Int)
    }

    /// Linear probing from the hash's slot to the key or the first empty slot.
    private func probe(_ u: UnsafeBufferPointer<UInt8>, _ h: UInt64) -> Probe {
        slots.withUnsafeBufferPointer { slots in
            hashes.withUnsafeBufferPointer { hashes in
                starts.withUnsafeBufferPointer { starts in
                    bytes.withUnsafeBufferPointer { bytes in
                        let mask = slots.count - 1
                        var s = Int(truncatingIfNeeded: h) & mask
                        while true {
                            let e = Int(slots[s]) - 1
                            if e < 0 { return .empty(s) }
                            if hashes[e] == h {
                                let lo = starts[e]
                                if starts[e + 1] - lo == u.count, Self.same(bytes.baseAddress.map { $0 + lo }, u.baseAddress, u.count) {
                                    return .found(e)
                                }
                            }
                            s = (s + 1) & mask
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func same(_ a: UnsafePointer<UInt8>?, _ b: UnsafePointer<UInt8>?, _ n: Int) -> Bool {
        guard n > 0 else { return true }
        guard let a, let b else { return false }
        for j in 0..<n where a[j] != b[j] { return false }
        return true
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

    /// FNV-1a over the bytes, then SplitMix64 so that the low bits (the slot) mix well.
    @inline(__always)
    private static func hash(_ u: UnsafeBufferPointer<UInt8>) -> UInt64 {
        StableHash.splitMix(StableHash.fnv1a(u))
    }
}
