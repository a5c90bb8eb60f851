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
    /// Bytes waiting in a scratch file (``SpillFile``), copied through a small buffer.
    case spilled(SpilledBytes)

    package var count: Int {
        switch self {
        case .bytes(let b): b.count
        case .uint32s(let v): 4 * v.count
        case .floats(let v): 4 * v.count
        case .spilled(let s): s.count
        }
    }

    /// Writes all of `raw` to `fd` at `offset` (`pwrite(2)`), or at the descriptor's position
    /// when `offset` is nil (`write(2)`, which pipes and terminals need), retrying short
    /// writes; the errno of a failure, or 0.
    static func writeAll(_ raw: UnsafeRawBufferPointer, to fd: Int32, at offset: Int?) -> Int32 {
        var written = 0
        while written < raw.count {
            let from = raw.baseAddress! + written, left = raw.count - written
            let n = if let offset { pwrite(fd, from, left, off_t(offset + written)) } else { systemWrite(fd, from, left) }
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if n == 0 { return EIO }  // no progress (not seen on regular files): fail, do not spin
            written += n
        }
        return 0
    }

    /// Writes the piece's bytes to `fd` from `offset` on (retrying short writes); the errno of
    /// a failure, or 0.
    func write(to fd: Int32, at offset: Int) -> Int32 {
        var at = offset
        let all = { (raw: UnsafeRawBufferPointer) -> Int32 in
            defer { at += raw.count }
            return Self.writeAll(raw, to: fd, at: at)
        }
        if case .spilled(let s) = self { return s.forEachChunk(all) }
        #if _endian(little)
        switch self {
        case .bytes(let b): return b.withUnsafeBytes(all)
        case .uint32s(let v): return v.withUnsafeBytes(all)
        case .floats(let v): return v.withUnsafeBytes(all)
        case .spilled: return 0  // written above
        }
        #else
        var out: [UInt8] = []
        append(to: &out)
        return out.withUnsafeBytes(all)
        #endif
    }

    /// Appends the piece's bytes to `out`. A spilled piece is read back; a scratch file that
    /// cannot be read stops the process (it was written by this process moments before).
    package func append(to out: inout [UInt8]) {
        switch self {
        case .bytes(let b): out.append(contentsOf: b)
        case .uint32s(let v): LittleEndian.append(v, to: &out)
        case .floats(let v): LittleEndian.append(v, to: &out)
        case .spilled(let s):
            let code = s.forEachChunk { raw in
                out.append(contentsOf: raw)
                return 0
            }
            precondition(code == 0, "FilePiece: the scratch file cannot be read back (errno \(code))")
        }
    }

    /// The CRC-32C of the pieces' bytes end to end.
    package static func checksum(_ pieces: [FilePiece]) -> UInt32 {
        var crc: UInt32 = 0
        for p in pieces {
            switch p {
            case .bytes(let b): crc = CRC32C.checksum(b[...], continuing: crc)
            case .spilled(let s): crc = CRC32C.combine(crc, s.crc, lengthOfB: s.count)
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

#if canImport(Glibc)
private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { Glibc.write(fd, p, n) }
#elseif canImport(Darwin)
private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { Darwin.write(fd, p, n) }
#endif
