import CKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Numbers printed exactly as C's `printf` prints them, without Foundation's format machinery
/// (`String(format:)` builds a CFString per call, which cost more than a ranking in the batch's
/// TREC output).
package enum CFormat {
    /// `printf("%.9g", x)` appended to `out` as bytes (no `String` made): nine significant
    /// digits, enough to give back a `Float` exactly.
    package static func appendSignificant9(_ x: Double, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 40) { buffer in
            guard let base = buffer.baseAddress else { return }
            // through C: Swift's `withVaList` boxed the argument and cast it at run time (half
            // of the 7,200 instructions a call that formatting took, callgrind, the batch's
            // TREC output)
            let n = Int(jm_format_g9(x, base, buffer.count))
            // at most 16 characters ("-1.23456789e-308"), so the buffer always holds all of it
            precondition(n >= 0 && n < buffer.count, "CFormat: snprintf wrote \(n) characters")
            for i in 0..<n { out.append(UInt8(bitPattern: base[i])) }
        }
    }
}

/// MinHash signature comparison.
package enum MinHashKernel {
    /// How many positions of `a` and `b` hold the same value (`a.count == b.count`), eight at a time.
    package static func agreements(_ a: ArraySlice<UInt32>, _ b: ArraySlice<UInt32>) -> Int {
        precondition(a.count == b.count, "MinHashKernel: signatures differ in length")
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                let n = pa.count
                var lanes = SIMD8<UInt32>.zero
                var j = 0
                if let ra = pa.baseAddress, let rb = pb.baseAddress {
                    let (rawA, rawB) = (UnsafeRawPointer(ra), UnsafeRawPointer(rb))
                    while j + 8 <= n {
                        let va = rawA.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<UInt32>.self)
                        let vb = rawB.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<UInt32>.self)
                        lanes &+= SIMD8<UInt32>.zero.replacing(with: 1, where: va .== vb)
                        j += 8
                    }
                }
                var same = Int(lanes.wrappedSum())
                while j < n {
                    if pa[j] == pb[j] { same += 1 }
                    j += 1
                }
                return same
            }
        }
    }
}

/// Strings ordered by their UTF-8 bytes: code-point order, which for NFC strings (every term the
/// analyser makes) is the order of `String`'s `<`, without its Unicode-normalising slow path.
package enum UTF8Order {
    /// Negative, zero or positive as `a`'s UTF-8 bytes sort before, equal or after `b`'s.
    @inline(__always)
    package static func compare(_ a: String, _ b: String) -> Int {
        let fast = a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb in compare(pa, pb) }
        }
        if let r = fast ?? nil { return r }
        for (x, y) in zip(a.utf8, b.utf8) where x != y { return x < y ? -1 : 1 }
        return a.utf8.count - b.utf8.count
    }

    static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = min(a.count, b.count)
        var i = 0
        while i < n {
            if a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
            i += 1
        }
        return a.count - b.count
    }
}
