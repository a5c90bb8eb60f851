#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A run of a file's bytes, held as the array it comes from so that a large file can be
/// checksummed and written without first being copied into one buffer. Numbers are laid out
/// little-endian (``LittleEndian``).
package enum FilePiece: Sendable {
    case bytes([UInt8])
    case uint32s([UInt32])
    case floats([Float])

    package var count: Int {
        switch self {
        case .bytes(let b): b.count
        case .uint32s(let v): 4 * v.count
        case .floats(let v): 4 * v.count
        }
    }

    /// Writes the piece's bytes to `fd` (retrying short writes); the errno of a failure, or 0.
    func write(to fd: Int32) -> Int32 {
        func all(_ raw: UnsafeRawBufferPointer) -> Int32 {
            var written = 0
            while written < raw.count {
                let n = systemWrite(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += n
            }
            return 0
        }
        #if _endian(little)
        switch self {
        case .bytes(let b): return b.withUnsafeBytes(all)
        case .uint32s(let v): return v.withUnsafeBytes(all)
        case .floats(let v): return v.withUnsafeBytes(all)
        }
        #else
        var out: [UInt8] = []
        append(to: &out)
        return out.withUnsafeBytes(all)
        #endif
    }

    /// Appends the piece's bytes to `out`.
    package func append(to out: inout [UInt8]) {
        switch self {
        case .bytes(let b): out.append(contentsOf: b)
        case .uint32s(let v): LittleEndian.append(v, to: &out)
        case .floats(let v): LittleEndian.append(v, to: &out)
        }
    }

    /// The CRC-32C of the pieces' bytes end to end.
    package static func checksum(_ pieces: [FilePiece]) -> UInt32 {
        var crc: UInt32 = 0
        for p in pieces {
            switch p {
            case .bytes(let b): crc = CRC32C.checksum(b[...], continuing: crc)
            #if _endian(little)
            case .uint32s(let v): crc = v.withUnsafeBytes { CRC32C.checksum(raw: $0, continuing: crc) }
            case .floats(let v): crc = v.withUnsafeBytes { CRC32C.checksum(raw: $0, continuing: crc) }
            #else
            default:
                var out: [UInt8] = []
                p.append(to: &out)
                crc = CRC32C.checksum(out[...], continuing: crc)
            #endif
            }
        }
        return crc
    }

    /// The pieces' bytes in one array.
    package static func joined(_ pieces: [FilePiece]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(pieces.reduce(0) { $0 + $1.count })
        for p in pieces { p.append(to: &out) }
        return out
    }
}
