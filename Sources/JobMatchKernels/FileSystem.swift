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

#if canImport(Glibc)
private func systemFsync(_ fd: Int32) -> Int32 { Glibc.fsync(fd) }
#elseif canImport(Darwin)
private func systemFsync(_ fd: Int32) -> Int32 { Darwin.fsync(fd) }
#endif
