#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes written out to a scratch file instead of being held in memory, for a large section that
/// is produced early and written last (the postings' `records` while an index is built). The
/// file gets a fresh name (`O_EXCL`, never following a link) and is unlinked as soon as it is
/// created, so nothing is left behind whatever happens; the descriptor is closed when the last
/// ``SpilledBytes`` (or an unfinished ``SpillFile``) goes away. Built by appending, then
/// ``finish()`` gives the immutable ``SpilledBytes`` (count and CRC-32C known).
package struct SpillFile: ~Copyable {
    private let file: SpillDescriptor
    private let path: String
    private var count = 0
    private var crc: UInt32 = 0

    /// Creates the scratch file in `directory` (the same file system as the file it is for).
    package init(directory: String) throws(FileSystem.Failure) {
        var attempt = 0
        var path = "", fd: Int32 = -1
        while fd < 0 {
            path = directory + "/.spill-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
            fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd < 0 {
                attempt += 1
                guard errno == EEXIST && attempt < 100 else { throw FileSystem.Failure(operation: "create", path: path, code: errno) }
            }
        }
        let descriptor = SpillDescriptor(fd)
        guard unlink(path) == 0 else { throw FileSystem.Failure(operation: "unlink", path: path, code: errno) }
        file = descriptor
        self.path = path
    }

    /// Appends `bytes` to the file (written at the count so far, so the descriptor's offset is
    /// never relied on).
    package mutating func append(_ bytes: [UInt8]) throws(FileSystem.Failure) {
        let at = count
        let code = bytes.withUnsafeBytes { FilePiece.writeAll($0, to: file.fd, at: at) }
        if code != 0 { throw FileSystem.Failure(operation: "write", path: path, code: code) }
        crc = CRC32C.checksum(bytes[...], continuing: crc)
        count += bytes.count
    }

    /// The bytes appended, as a piece of a file to write.
    package consuming func finish() -> SpilledBytes {
        SpilledBytes(file: file, path: path, count: count, crc: crc)
    }
}

/// An open descriptor, closed when the object goes away.
final class SpillDescriptor: Sendable {
    let fd: Int32
    init(_ fd: Int32) { self.fd = fd }
    deinit { close(fd) }
}

/// The bytes of a finished ``SpillFile``: their count, CRC-32C and the open (unlinked) file.
package final class SpilledBytes: Sendable {
    let file: SpillDescriptor
    /// The scratch file's name when it was created (for messages; it is already unlinked).
    package let path: String
    package let count: Int
    package let crc: UInt32

    fileprivate init(file: SpillDescriptor, path: String, count: Int, crc: UInt32) {
        self.file = file
        self.path = path
        self.count = count
        self.crc = crc
    }

    /// Calls `body` with each run of at most `chunk` bytes in order, checking the bytes read
    /// against the CRC-32C taken when they were written; the errno of a failed read, EIO for a
    /// file shorter than `count` or bytes that changed, the first non-zero result of `body`, or 0.
    func forEachChunk(chunk: Int = 1 << 20, _ body: (UnsafeRawBufferPointer) -> Int32) -> Int32 {
        var buffer = [UInt8](repeating: 0, count: min(chunk, max(count, 1)))
        var offset = 0
        var read: UInt32 = 0
        while offset < count {
            let want = min(buffer.count, count - offset)
            let n = buffer.withUnsafeMutableBytes { pread(file.fd, $0.baseAddress!, want, off_t(offset)) }
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if n == 0 { return EIO }
            let code = buffer.withUnsafeBytes { raw in
                let run = UnsafeRawBufferPointer(rebasing: raw[0..<n])
                read = CRC32C.checksum(raw: run, continuing: read)
                return body(run)
            }
            if code != 0 { return code }
            offset += n
        }
        return read == crc ? 0 : EIO
    }
}
