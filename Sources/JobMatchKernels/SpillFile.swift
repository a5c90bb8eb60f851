#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes written out to a scratch file instead of being held in memory, for a large section that
/// is produced early and written last (the postings' `records` while an index is built). The
/// file is unlinked as soon as it is created, so nothing is left behind whatever happens; the
/// descriptor is closed when the last ``SpilledBytes`` goes away. Built by appending, then
/// ``finish()`` gives the immutable ``SpilledBytes`` (count and CRC-32C known).
package struct SpillFile: ~Copyable {
    private let spilled: SpilledBytes
    private let path: String
    private var count = 0
    private var crc: UInt32 = 0

    /// Creates the scratch file in `directory` (the same file system as the file it is for).
    package init(directory: String) throws(FileSystem.Failure) {
        let path = directory + "/.spill-\(getpid()).tmp"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw FileSystem.Failure(operation: "create", path: path, code: errno) }
        unlink(path)
        self.path = path
        spilled = SpilledBytes(fd: fd)
    }

    /// Appends `bytes` to the file.
    package mutating func append(_ bytes: [UInt8]) throws(FileSystem.Failure) {
        let code = bytes.withUnsafeBytes { FilePiece.writeAll($0, to: spilled.fd) }
        if code != 0 { throw FileSystem.Failure(operation: "write", path: path, code: code) }
        crc = CRC32C.checksum(bytes[...], continuing: crc)
        count += bytes.count
    }

    /// The bytes appended, as a piece of a file to write.
    package consuming func finish() -> SpilledBytes {
        spilled.seal(count: count, crc: crc)
        return spilled
    }
}

/// The bytes of a finished ``SpillFile``: their count, CRC-32C and the open scratch file.
package final class SpilledBytes: @unchecked Sendable {
    // `count` and `crc` are set once, by `SpillFile.finish()`, before the object is shared;
    // the file is only read (`pread`) after that.
    let fd: Int32
    package private(set) var count = 0
    package private(set) var crc: UInt32 = 0

    fileprivate init(fd: Int32) { self.fd = fd }

    fileprivate func seal(count: Int, crc: UInt32) {
        self.count = count
        self.crc = crc
    }

    deinit { close(fd) }

    /// Calls `body` with each run of at most `chunk` bytes in order; the errno of a failed read
    /// (or EIO for a file shorter than `count`), or 0.
    func forEachChunk(chunk: Int = 1 << 20, _ body: (UnsafeRawBufferPointer) -> Int32) -> Int32 {
        var buffer = [UInt8](repeating: 0, count: min(chunk, max(count, 1)))
        var offset = 0
        while offset < count {
            let want = min(buffer.count, count - offset)
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, want, off_t(offset)) }
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if n == 0 { return EIO }
            let code = buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            if code != 0 { return code }
            offset += n
        }
        return 0
    }
}
