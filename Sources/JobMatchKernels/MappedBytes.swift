#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if !_endian(little)
#error("index files are little-endian; MappedBytes copies sections as they are")
#endif

/// A read-only view of a file's bytes, memory-mapped (`mmap(2)`, `MAP_PRIVATE`, read-only) or
/// held in memory (tests, fuzzing). Every accessor checks its range and returns copies, so
/// callers never see a pointer: sections are checksummed and block-copied out of the mapping
/// without being parsed value by value.
package final class MappedBytes: @unchecked Sendable {
    // Immutable after init; the mapping is released in deinit. (Unchecked Sendable: the pointer
    // is only read, never written, and lives as long as the object.)
    private let base: UnsafeRawPointer?
    private let owned: [UInt8]?
    private let mappedLength: Int
    package let count: Int
    package let path: String

    package struct Failure: Error, CustomStringConvertible, Sendable {
        package var path: String
        package var reason: String
        package var description: String { "\(path): \(reason)" }
    }

    /// Maps `path` read-only.
    package init(path: String) throws(Failure) {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Failure(path: path, reason: "cannot open (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Failure(path: path, reason: "cannot stat (\(String(cString: strerror(errno))))") }
        let size = Int(st.st_size)
        owned = nil
        count = size
        if size == 0 {
            base = nil
            mappedLength = 0
            return
        }
        // MAP_POPULATE: the whole file is checksummed right away, so fault it in at once
        #if os(Linux)
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        let p = mmap(nil, size, PROT_READ, flags, fd, 0)
        guard let p, p != MAP_FAILED else { throw Failure(path: path, reason: "cannot map (\(String(cString: strerror(errno))))") }
        base = UnsafeRawPointer(p)
        mappedLength = size
    }

    /// Bytes already in memory (no file).
    package init(bytes: [UInt8], name: String) {
        owned = bytes
        base = nil
        mappedLength = 0
        count = bytes.count
        path = name
    }

    deinit {
        if let base, mappedLength > 0 { munmap(UnsafeMutableRawPointer(mutating: base), mappedLength) }
    }

    private func withRaw<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "MappedBytes: range \(range) outside 0..<\(count)")
        if let owned {
            return owned.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[range])) }
        }
        guard let base else { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return body(UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count))
    }

    /// CRC-32C of the bytes in `range`.
    package func crc32c(_ range: Range<Int>) -> UInt32 { withRaw(range) { CRC32C.checksum(raw: $0) } }

    package func bytes(_ range: Range<Int>) -> [UInt8] { withRaw(range) { [UInt8]($0) } }

    package func uint32(at offset: Int) -> UInt32 {
        withRaw(offset..<(offset + 4)) { $0.loadUnaligned(as: UInt32.self) }
    }

    package func uint64(at offset: Int) -> UInt64 {
        withRaw(offset..<(offset + 8)) { $0.loadUnaligned(as: UInt64.self) }
    }

    /// `range.count / 4` little-endian UInt32s (the range's length must be a multiple of 4).
    package func uint32s(_ range: Range<Int>) -> [UInt32] { copy(range, as: UInt32.self) }
    package func floats(_ range: Range<Int>) -> [Float] { copy(range, as: Float.self) }
    package func doubles(_ range: Range<Int>) -> [Double] { copy(range, as: Double.self) }

    private func copy<T: BitwiseCopyable>(_ range: Range<Int>, as: T.Type) -> [T] {
        let width = MemoryLayout<T>.stride
        precondition(range.count % width == 0, "MappedBytes: \(range.count) bytes is not a whole number of \(T.self)")
        let n = range.count / width
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "MappedBytes: range \(range) outside 0..<\(count)")
        guard n > 0 else { return [] }  // not the shared empty array's count (see Memory.unfilled)
        return withRaw(range) { src in
            [T](unsafeUninitializedCapacity: n) { buffer, initialized in
                if n > 0 { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: src) }
                initialized = n
            }
        }
    }
}
