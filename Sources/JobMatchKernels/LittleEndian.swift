/// Bulk little-endian encoding of numeric arrays (the index file's layout): a plain copy of the
/// array's bytes on a little-endian machine, value by value elsewhere.
package enum LittleEndian {
    package static func append(_ values: [UInt32], to out: inout [UInt8]) {
        #if _endian(little)
        values.withUnsafeBytes { out.append(contentsOf: $0) }
        #else
        for v in values { for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
        #endif
    }

    package static func append(_ values: [Float], to out: inout [UInt8]) {
        #if _endian(little)
        values.withUnsafeBytes { out.append(contentsOf: $0) }
        #else
        for v in values { for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt32(i)))) } }
        #endif
    }
}
