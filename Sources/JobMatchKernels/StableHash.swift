/// Fixed hashes (the same values on every run and machine), for anything whose layout or
/// on-disk bytes depend on a hash. `Hasher` is seeded per process and cannot be used there.
package enum StableHash {
    /// 64-bit FNV-1a over bytes.
    @inline(__always)
    package static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }

    /// 64-bit FNV-1a over a string's UTF-8 bytes.
    package static func fnv1a(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }

    /// SplitMix64's step and finaliser: a well-mixed 64-bit value of `x`.
    @inline(__always)
    package static func splitMix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
