#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Durable file operations (POSIX): the few system calls the store needs, kept here with the
/// project's other C calls. Foundation's `replaceItemAt` on Linux can remove the destination
/// before failing; these do exactly one atomic step each.
package enum FileSystem {
    package struct Failure: Error, CustomStringConvertible, Sendable {
        package var operation: String
        package var path: String
        package var code: Int32
        package init(operation: String, path: String, code: Int32) {
            self.operation = operation
            self.path = path
            self.code = code
        }
        package var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
    }

    /// Flushes a file's (or directory's) data and metadata to the device.
    package static func fsync(_ path: String) throws(Failure) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Failure(operation: "open", path: path, code: errno) }
        defer { close(fd) }
        guard systemFsync(fd) == 0 else { throw Failure(operation: "fsync", path: path, code: errno) }
    }

    /// `rename(2)`: atomically puts `source` in place of `destination` (same file system), then
    /// fsyncs the file and its directory so the new name survives a crash.
    package static func atomicReplace(_ destination: String, with source: String) throws(Failure) {
        try fsync(source)
        guard rename(source, destination) == 0 else { throw Failure(operation: "rename to \(destination)", path: source, code: errno) }
        let dir = destination.contains("/") ? String(destination[..<destination.lastIndex(of: "/")!]) : "."
        try fsync(dir.isEmpty ? "/" : dir)
    }
}

/// The file operations a durable write needs, behind a protocol so that tests can inject disk-full
/// and I/O errors (``FileSystem/real`` is the one used otherwise).
package protocol FileOperations: Sendable {
    /// Creates or truncates `path` and writes all of `bytes` (not yet fsync'd).
    func write(_ bytes: [UInt8], to path: String) throws(FileSystem.Failure)
    /// Creates or truncates `path` and writes the pieces' bytes end to end (not yet fsync'd).
    func write(pieces: [FilePiece], to path: String) throws(FileSystem.Failure)
    /// fsync `source`, rename(2) it over `destination`, fsync the directory.
    func atomicReplace(_ destination: String, with source: String) throws(FileSystem.Failure)
    func remove(_ path: String)
}

extension FileSystem {
    package struct Real: FileOperations {
        package init() {}
        package func write(_ bytes: [UInt8], to path: String) throws(FileSystem.Failure) { try FileSystem.write(bytes, to: path) }
        package func write(pieces: [FilePiece], to path: String) throws(FileSystem.Failure) { try FileSystem.write(pieces: pieces, to: path) }
        package func atomicReplace(_ destination: String, with source: String) throws(FileSystem.Failure) {
            try FileSystem.atomicReplace(destination, with: source)
        }
        package func remove(_ path: String) { unlink(path) }
    }

    package static let real = Real()

    /// Creates or truncates `path` and writes every byte in order (retrying short writes, so a
    /// pipe such as `/dev/stdout` works too); errors carry errno, so a full disk says "No space
    /// left on device".
    package static func write(_ bytes: [UInt8], to path: String, permissions: UInt32 = 0o644) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode_t(permissions))
        guard fd >= 0 else { throw Failure(operation: "create", path: path, code: errno) }
        defer { close(fd) }
        let code = bytes.withUnsafeBytes { FilePiece.writeAll($0, to: fd, at: nil) }
        if code != 0 { throw Failure(operation: "write", path: path, code: code) }
    }
}

extension FileOperations {
    /// The pieces joined into one array and written with `write(_:to:)` (for test doubles that
    /// count or cut bytes; ``FileSystem/Real`` writes the pieces without joining them).
    package func write(pieces: [FilePiece], to path: String) throws(FileSystem.Failure) {
        try write(FilePiece.joined(pieces), to: path)
    }
}

extension FileSystem {
    /// Creates or truncates `path` and writes the pieces, each straight from its array, at
    /// their offsets; errors carry errno. From `parallelBytes` on (and with two cores) two
    /// threads write about half of the pieces each: copying a large file into the page cache
    /// is otherwise one core's work while the other waits (a second per 300 MB on these
    /// machines). The failure reported is that of the first piece that failed.
    package static func write(pieces: [FilePiece], to path: String, permissions: UInt32 = 0o644,
                              parallelBytes: Int = 64 << 20) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode_t(permissions))
        guard fd >= 0 else { throw Failure(operation: "create", path: path, code: errno) }
        defer { close(fd) }
        var starts: [Int] = []
        var total = 0
        for p in pieces {
            starts.append(total)
            total += p.count
        }
        let offsets = starts
        // the second thread starts at the piece boundary nearest the middle
        let split = total >= parallelBytes && pieces.count >= 2 && Parallel.processors >= 2
            ? (1..<pieces.count).min { abs(2 * offsets[$0] - total) < abs(2 * offsets[$1] - total) }!
            : pieces.count
        let codes = Locked([Int32](repeating: 0, count: pieces.count))
        let run = { @Sendable (range: Range<Int>) in
            for i in range {
                let code = pieces[i].write(to: fd, at: offsets[i])
                if code != 0 {
                    codes.withLock { $0[i] = code }
                    return
                }
            }
        }
        if split < pieces.count {
            Parallel.both({ run(0..<split) }, { run(split..<pieces.count) })
        } else {
            run(0..<pieces.count)
        }
        let failures = codes.withLock { $0 }
        guard let i = failures.firstIndex(where: { $0 != 0 }) else { return }
        if case .spilled(let s) = pieces[i] {
            throw Failure(operation: "copy the scratch file \(s.path) (unlinked) into", path: path, code: failures[i])
        }
        throw Failure(operation: "write", path: path, code: failures[i])
    }
}

/// An advisory lock on a file (`flock(2)`), held until the object goes away: shared for readers,
/// exclusive for a writer. Locks belong to the open file, so one process must not take the same
/// lock twice.
package final class FileLock {
    private let fd: Int32

    package init(_ path: String, exclusive: Bool) throws(FileSystem.Failure) {
        let fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw FileSystem.Failure(operation: "open lock", path: path, code: errno) }
        while flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0 {
            if errno == EINTR { continue }
            let code = errno
            close(fd)
            throw FileSystem.Failure(operation: "lock", path: path, code: code)
        }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

#if canImport(Glibc)
private func systemFsync(_ fd: Int32) -> Int32 { Glibc.fsync(fd) }
#elseif canImport(Darwin)
private func systemFsync(_ fd: Int32) -> Int32 { Darwin.fsync(fd) }
#endif

#if canImport(Glibc)
private func systemRead(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int { Glibc.read(fd, p, n) }
#elseif canImport(Darwin)
private func systemRead(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int { Darwin.read(fd, p, n) }
#endif

/// A file read front to back in blocks through one reused buffer (`read(2)`), for inputs too
/// large to hold whole. The descriptor is closed when the reader goes away.
package struct FileBlockReader: ~Copyable {
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8]

    /// Opens `path` for reading, `blockBytes` (at least 1) at a time.
    package init(path: String, blockBytes: Int) throws(FileSystem.Failure) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystem.Failure(operation: "open", path: path, code: errno) }
        self.fd = fd
        self.path = path
        buffer = [UInt8](repeating: 0, count: max(1, blockBytes))
    }

    deinit { close(fd) }

    /// The next block: `blockBytes` bytes, fewer only where the file ends; nil at its end. The
    /// slice shares the reader's buffer: let it go before asking for the next block.
    package mutating func next() throws(FileSystem.Failure) -> ArraySlice<UInt8>? {
        var got = 0
        let fd = self.fd
        let code: Int32 = buffer.withUnsafeMutableBytes { raw in
            while got < raw.count {
                let n = systemRead(fd, raw.baseAddress! + got, raw.count - got)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if n == 0 { break }
                got += n
            }
            return 0
        }
        if code != 0 { throw FileSystem.Failure(operation: "read", path: path, code: code) }
        return got == 0 ? nil : buffer[..<got]
    }
}
