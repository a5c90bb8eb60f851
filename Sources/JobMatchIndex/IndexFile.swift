import JobMatchKernels

/// Errors reading an index file; each names the file and what is wrong.
package struct IndexFileError: Error, Sendable, Equatable, CustomStringConvertible {
    package var file: String
    package var reason: String
    package var description: String { "\(file): \(reason)" }
}

/// The binary form of an ``InvertedIndex`` (`index.bin`):
///
/// ```
/// "JMIX" magic · UInt32 format version (2) · sections in fixed order (BM25 parameters, counts
/// and average lengths, vocabulary, document frequencies, per-field document frequencies, field
/// lengths, posting-list offsets, documents, impacts, MinHash signatures), each UInt64 byte count + payload
/// · 32-byte SHA-256 of everything before it
/// ```
/// All integers and floats are little-endian. A file whose magic, version, lengths or checksum
/// do not match is refused with an ``IndexFileError`` naming the file and the reason.
package enum IndexFile {
    package static let magic: [UInt8] = Array("JMIX".utf8)
    package static let formatVersion: UInt32 = 2

    package static func encode(_ index: InvertedIndex) -> [UInt8] {
        var w = ByteWriter()
        w.bytes(magic)
        w.u32(formatVersion)
        w.section { $0.f64(index.parameters.k1); $0.f64(index.parameters.b); $0.f64s(index.parameters.fieldWeights) }
        w.section { $0.u64(UInt64(index.documentCount)); $0.f64s(index.averageFieldLengths) }
        w.section { s in
            s.u64(UInt64(index.vocabulary.count))
            for t in index.vocabulary.terms { s.u32(UInt32(t.utf8.count)); s.bytes(Array(t.utf8)) }
        }
        w.section { $0.u32s(index.documentFrequency) }
        w.section { $0.u32s(index.fieldDocumentFrequency) }
        w.section { $0.u32s(index.fieldLengths) }
        w.section { $0.u32s(index.offsets) }
        w.section { $0.u32s(index.docs) }
        w.section { $0.f32s(index.impacts) }
        w.section { $0.u32s(index.signatures) }
        let digest = SHA256.hash(w.out)
        w.bytes(digest)
        return w.out
    }

    package static func decode(_ bytes: [UInt8], file: String) throws(IndexFileError) -> InvertedIndex {
        func fail(_ r: String) -> IndexFileError { IndexFileError(file: file, reason: r) }
        guard bytes.count >= 8 + 32 else { throw fail("too short to be an index file (\(bytes.count) bytes)") }
        guard Array(bytes[0..<4]) == magic else { throw fail("not a JobMatch index file (bad magic)") }
        let body = Array(bytes[0..<(bytes.count - 32)])
        guard SHA256.hash(body) == Array(bytes[(bytes.count - 32)...]) else {
            throw fail("checksum mismatch: the file is damaged; rebuild it with `jobmatch index`")
        }
        var r = ByteReader(bytes: body, position: 4)
        do {
            let version = try r.u32()
            guard version == formatVersion else {
                throw fail("format version \(version), this build reads version \(formatVersion); rebuild the index")
            }
            var p = try r.section()
            let k1 = try p.f64(), b = try p.f64(), weights = try p.f64s()
            p = try r.section()
            guard let n = Int(exactly: try p.u64()), n <= bytes.count else { throw fail("implausible document count") }
            let avg = try p.f64s()
            p = try r.section()
            guard let termCount = Int(exactly: try p.u64()), termCount <= bytes.count else { throw fail("implausible vocabulary size") }
            var terms: [String] = []
            terms.reserveCapacity(termCount)
            for _ in 0..<termCount {
                let len = Int(try p.u32())
                terms.append(String(decoding: try p.take(len), as: UTF8.self))
            }
            var s_df = try r.section()
            let df = try s_df.u32s()
            var s_fdf = try r.section()
            let fdf = try s_fdf.u32s()
            var s_lengths = try r.section()
            let lengths = try s_lengths.u32s()
            var s_offsets = try r.section()
            let offsets = try s_offsets.u32s()
            var s_docs = try r.section()
            let docs = try s_docs.u32s()
            var s_impacts = try r.section()
            let impacts = try s_impacts.f32s()
            var s_signatures = try r.section()
            let signatures = try s_signatures.u32s()
            guard r.position == body.count else { throw fail("unexpected bytes after the last section") }
            guard zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else { throw fail("posting-list offsets are not increasing") }
            let fc = InvertedIndex.fieldCount
            guard weights.count == fc, avg.count == fc, df.count == termCount, fdf.count == termCount * fc,
                lengths.count == n * fc, offsets.count == termCount + 1, docs.count == impacts.count,
                Int(offsets.last ?? 0) == docs.count, docs.allSatisfy({ Int($0) < n }),
                signatures.count == n * InvertedIndex.signatureLength
            else { throw fail("inconsistent section lengths") }
            return InvertedIndex(
                parameters: BM25Parameters(k1: k1, b: b, fieldWeights: weights),
                vocabulary: Vocabulary(terms: terms), documentCount: n,
                documentFrequency: df, fieldDocumentFrequency: fdf, fieldLengths: lengths,
                averageFieldLengths: avg, offsets: offsets, docs: docs, impacts: impacts, signatures: signatures)
        } catch let e as IndexFileError {
            throw e
        } catch {
            throw fail("truncated section")
        }
    }
}

struct Truncated: Error {}

struct ByteWriter {
    var out: [UInt8] = []
    mutating func bytes(_ b: [UInt8]) { out.append(contentsOf: b) }
    mutating func u32(_ v: UInt32) { for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
    mutating func u64(_ v: UInt64) { for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
    mutating func f64(_ v: Double) { u64(v.bitPattern) }
    mutating func u32s(_ v: [UInt32]) { u64(UInt64(v.count)); for x in v { u32(x) } }
    mutating func f32s(_ v: [Float]) { u64(UInt64(v.count)); for x in v { u32(x.bitPattern) } }
    mutating func f64s(_ v: [Double]) { u64(UInt64(v.count)); for x in v { f64(x) } }
    mutating func section(_ body: (inout ByteWriter) -> Void) {
        var inner = ByteWriter()
        body(&inner)
        u64(UInt64(inner.out.count))
        bytes(inner.out)
    }
}

struct ByteReader {
    var bytes: [UInt8]
    var position: Int
    mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= bytes.count - position else { throw Truncated() }
        defer { position += n }
        return bytes[position..<(position + n)]
    }
    mutating func u32() throws -> UInt32 {
        let s = try take(4)
        var v: UInt32 = 0
        for (i, b) in s.enumerated() { v |= UInt32(b) << (8 * UInt32(i)) }
        return v
    }
    mutating func u64() throws -> UInt64 {
        let s = try take(8)
        var v: UInt64 = 0
        for (i, b) in s.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return v
    }
    mutating func f64() throws -> Double { Double(bitPattern: try u64()) }
    mutating func count(_ width: Int) throws -> Int {
        let n = try u64()
        guard n <= UInt64((bytes.count - position) / width) else { throw Truncated() }
        return Int(n)
    }
    mutating func u32s() throws -> [UInt32] {
        let n = try count(4)
        var out = [UInt32](); out.reserveCapacity(n)
        for _ in 0..<n { out.append(try u32()) }
        return out
    }
    mutating func f32s() throws -> [Float] {
        let n = try count(4)
        var out = [Float](); out.reserveCapacity(n)
        for _ in 0..<n { out.append(Float(bitPattern: try u32())) }
        return out
    }
    mutating func f64s() throws -> [Double] {
        let n = try count(8)
        var out = [Double](); out.reserveCapacity(n)
        for _ in 0..<n { out.append(try f64()) }
        return out
    }
    mutating func section() throws -> ByteReader {
        let n = try count(1)
        return ByteReader(bytes: Array(try take(n)), position: 0)
    }
}
