#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Strings made from bytes that must already be valid UTF-8 (an index's stored postings).
package enum UTF8Text {
    /// The string whose UTF-8 is exactly `raw`, or nil when `raw` is not valid UTF-8.
    ///
    /// One decoding pass (the standard library's, which repairs malformed bytes with U+FFFD) and
    /// a `memcmp` of its result against the input: the result is valid UTF-8, so it equals the
    /// input only when the input was valid. `String(validating:as:)` gives the same answer but,
    /// being generic, looks up type metadata on every call, and a byte-wise check of the decoded
    /// string costs more than the decoding; either made opening a 100k-posting index slower.
    package static func string(exactly raw: ArraySlice<UInt8>) -> String? {
        let s = String(decoding: raw, as: UTF8.self)
        guard s.utf8.count == raw.count else { return nil }
        if raw.isEmpty { return s }
        let same = raw.withUnsafeBufferPointer { r in
            s.utf8.withContiguousStorageIfAvailable { o in memcmp(o.baseAddress!, r.baseAddress!, r.count) == 0 }
        }
        if let same { return same ? s : nil }
        return s.utf8.elementsEqual(raw) ? s : nil
    }
}
