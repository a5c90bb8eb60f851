import CKernels

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of iSCSI, ext4 and
/// many storage formats: the CPU's instruction when there is one (SSE4.2, C in `CKernels`),
/// else table-driven, slicing by 8 bytes.
package enum CRC32C {
    /// Eight 256-entry tables back to back: `table[k * 256 + i]`.
    static let table: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            t[i] = c
        }
        for k in 1..<8 {
            for i in 0..<256 { t[k * 256 + i] = (t[(k - 1) * 256 + i] >> 8) ^ t[Int(t[(k - 1) * 256 + i] & 0xFF)] }
        }
        return t
    }()

    /// The CRC-32C of `bytes` (continuing from `crc`, the value of the bytes before them).
    package static func checksum(_ bytes: ArraySlice<UInt8>, continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum(raw: $0, continuing: crc) }
    }

    /// Whether the CPU's CRC-32C instruction is used (x86-64 with SSE4.2).
    package static let usesHardware = jm_crc32c_hardware_available() == 1

    static func checksum(raw bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        if usesHardware, let base = bytes.baseAddress {
            return jm_crc32c_hardware(crc, base.assumingMemoryBound(to: UInt8.self), bytes.count)
        }
        return software(raw: bytes, continuing: crc)
    }

    /// Table-driven, slicing by 8 (the portable path; tests compare both with the reference).
    package static func software(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { software(raw: $0, continuing: crc) }
    }

    static func software(raw bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        table.withUnsafeBufferPointer { t in
            var c = ~crc
            var i = 0
            let end = bytes.count
            while end - i >= 8 {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let lo = c ^ UInt32(truncatingIfNeeded: word)
                let hi = UInt32(truncatingIfNeeded: word >> 32)
                c = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)] ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                    ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)] ^ t[256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
                i += 8
            }
            while i < end {
                c = t[Int((c ^ UInt32(bytes[i])) & 0xFF)] ^ (c >> 8)
                i += 1
            }
            return ~c
        }
    }

    package static func checksum(_ bytes: [UInt8]) -> UInt32 { checksum(bytes[...]) }

    /// The CRC-32C of `a` followed by `b`, from the CRC of `a`, the CRC of `b` and `b`'s length,
    /// without the bytes: appending `length` zero bits to a CRC is linear over GF(2), so it is a
    /// 32×32 bit matrix, squared for each power of two of the length.
    package static func combine(_ crcA: UInt32, _ crcB: UInt32, lengthOfB length: Int) -> UInt32 {
        precondition(length >= 0, "CRC32C.combine: negative length")
        guard length > 0 else { return crcA }
        func times(_ matrix: [UInt32], _ vector: UInt32) -> UInt32 {
            var sum: UInt32 = 0, v = vector, i = 0
            while v != 0 {
                if v & 1 != 0 { sum ^= matrix[i] }
                v >>= 1
                i += 1
            }
            return sum
        }
        func square(_ matrix: [UInt32]) -> [UInt32] { matrix.map { times(matrix, $0) } }
        // one zero bit: shift right, folding the polynomial in when the low bit falls out
        var oneBit = [UInt32](repeating: 0, count: 32)
        oneBit[0] = 0x82F6_3B78
        for n in 1..<32 { oneBit[n] = 1 << UInt32(n - 1) }
        var zeros = square(square(square(oneBit)))  // eight zero bits: one zero byte
        var crc = crcA, n = length
        while n > 0 {
            if n & 1 != 0 { crc = times(zeros, crc) }
            n >>= 1
            if n > 0 { zeros = square(zeros) }
        }
        return crc ^ crcB
    }

    /// Bit-by-bit reference (tests compare the fast form with it).
    package static func reference(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        }
        return ~c
    }
}
