import JobMatchKernels

/// Errors reading an index file; each names the file, the section when one is at fault, and
/// what is wrong.
package struct IndexFileError: Error, Sendable, Equatable, CustomStringConvertible {
    package var file: String
    package var section: String?
    package var reason: String

    package init(file: String, section: String? = nil, reason: String) {
        self.file = file
        self.section = section
        self.reason = reason
    }

    package var description: String { section.map { "\(file): section '\($0)': \(reason)" } ?? "\(file): \(reason)" }
}

/// The binary form of an ``InvertedIndex`` (`index.bin`), format 3 (docs/index-format.md):
///
/// ```
/// header   "JMIX" · UInt32 format version (3) · UInt32 section count · UInt32 0
/// table    per section: UInt32 id · UInt32 CRC-32C of its payload · UInt64 offset · UInt64 length
/// payloads contiguous, in table order (no padding: every byte is covered by a checksum)
/// footer   "JMXF" · UInt32 CRC-32C of header + table · UInt64 total file length
/// ```
/// Little-endian throughout. A file whose magic, version, length, table or any section checksum
/// does not match is refused with an ``IndexFileError`` naming the file and the section.
package enum IndexFile {
    package static let magic: [UInt8] = Array("JMIX".utf8)
    package static let footerMagic: [UInt8] = Array("JMXF".utf8)
    package static let formatVersion: UInt32 = 3
    static let headerSize = 16, entrySize = 24, footerSize = 16

    /// The sections, in file order.
    package enum Section: UInt32, CaseIterable, Sendable {
        case parameters = 1, counts, vocabulary, documentFrequency, fieldDocumentFrequency, fieldLengths, offsets, documents, impacts, signatures

        package var name: String {
            switch self {
            case .parameters: "parameters"
            case .counts: "counts"
            case .vocabulary: "vocabulary"
            case .documentFrequency: "documentFrequency"
            case .fieldDocumentFrequency: "fieldDocumentFrequency"
            case .fieldLengths: "fieldLengths"
            case .offsets: "offsets"
            case .documents: "documents"
            case .impacts: "impacts"
            case .signatures: "signatures"
            }
        }
    }

    package static func encode(_ index: InvertedIndex) -> [UInt8] {
        var payloads: [(Section, [UInt8])] = []
        func add(_ s: Section, _ body: (inout ByteWriter) -> Void) {
            var w = ByteWriter()
            body(&w)
            payloads.append((s, w.out))
        }
        add(.parameters) { $0.f64(index.parameters.k1); $0.f64(index.parameters.b); $0.f64s(index.parameters.fieldWeights) }
        add(.counts) { $0.u64(UInt64(index.documentCount)); $0.f64s(index.averageFieldLengths) }
        add(.vocabulary) { s in
            s.u64(UInt64(index.vocabulary.count))
            for t in index.vocabulary.terms { s.u32(UInt32(t.utf8.count)); s.bytes(Array(t.utf8)) }
        }
        add(.documentFrequency) { $0.u32s(index.documentFrequency) }
        add(.fieldDocumentFrequency) { $0.u32s(index.fieldDocumentFrequency) }
        add(.fieldLengths) { $0.u32s(index.fieldLengths) }
        add(.offsets) { $0.u32s(index.offsets) }
        add(.documents) { $0.u32s(index.docs) }
        add(.impacts) { $0.f32s(index.impacts) }
        add(.signatures) { $0.u32s(index.signatures) }
        var w = ByteWriter()
        w.bytes(magic)
        w.u32(formatVersion)
        w.u32(UInt32(payloads.count))
        w.u32(0)
        var offset = UInt64(headerSize + entrySize * payloads.count)
        for (section, bytes) in payloads {
            w.u32(section.rawValue)
            w.u32(CRC32C.checksum(bytes))
            w.u64(offset)
            w.u64(UInt64(bytes.count))
            offset += UInt64(bytes.count)
        }
        let tableCRC = CRC32C.checksum(w.out)
        for (_, bytes) in payloads { w.bytes(bytes) }
        w.bytes(footerMagic)
        w.u32(tableCRC)
        w.u64(UInt64(w.out.count + 8))
        return w.out
    }

    /// The footer's 16 bytes as hex: changes whenever any byte of the file does (it holds the
    /// checksum of the table, which holds every section's checksum).
    package static func fingerprint(_ bytes: [UInt8]) -> String {
        bytes.suffix(footerSize).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    package static func decode(_ bytes: [UInt8], file: String) throws(IndexFileError) -> InvertedIndex {
        func fail(_ r: String, _ section: Section? = nil) -> IndexFileError { IndexFileError(file: file, section: section?.name, reason: r) }
        guard bytes.count >= 8 else { throw fail("too short to be an index file (\(bytes.count) bytes)") }
        guard Array(bytes[0..<4]) == magic else { throw fail("not a JobMatch index file (bad magic)") }
        var head = ByteReader(bytes: Array(bytes.prefix(headerSize)), position: 4)
        let version = (try? head.u32()) ?? 0
        guard version == formatVersion else {
            throw fail("format version \(version), this build reads version \(formatVersion); rebuild the index")
        }
        guard bytes.count >= headerSize + footerSize else { throw fail("truncated: \(bytes.count) bytes") }
        var foot = ByteReader(bytes: Array(bytes.suffix(footerSize)), position: 0)
        guard let fm = try? foot.take(4), Array(fm) == footerMagic, let tableCRC = try? foot.u32(), let total = try? foot.u64() else {
            throw fail("footer missing or damaged (truncated file?)")
        }
        guard total == UInt64(bytes.count) else { throw fail("length \(bytes.count) bytes, the footer says \(total): truncated or extended") }
        let sectionCount = Int((try? head.u32()) ?? 0)
        let tableEnd = headerSize + entrySize * sectionCount
        guard sectionCount == Section.allCases.count, tableEnd <= bytes.count - footerSize else {
            throw fail("section table damaged (\(sectionCount) sections)")
        }
        guard CRC32C.checksum(bytes[0..<tableEnd]) == tableCRC else { throw fail("section table damaged (CRC-32C mismatch)") }
        var table = ByteReader(bytes: Array(bytes[headerSize..<tableEnd]), position: 0)
        var payload: [Section: ByteReader] = [:]
        var expectedOffset = UInt64(tableEnd)
        for section in Section.allCases {
            guard let id = try? table.u32(), let crc = try? table.u32(), let offset = try? table.u64(), let length = try? table.u64() else {
                throw fail("section table damaged")
            }
            guard id == section.rawValue else { throw fail("unexpected section id \(id) where '\(section.name)' belongs", section) }
            guard offset == expectedOffset, length <= UInt64(bytes.count - footerSize) - offset else { throw fail("offset or length outside the file", section) }
            let range = Int(offset)..<Int(offset + length)
            guard CRC32C.checksum(bytes[range]) == crc else { throw fail("CRC-32C mismatch: the section is damaged; rebuild the index", section) }
            payload[section] = ByteReader(bytes: Array(bytes[range]), position: 0)
            expectedOffset = offset + length
        }
        guard expectedOffset == UInt64(bytes.count - footerSize) else { throw fail("bytes between the last section and the footer") }
        var current = Section.parameters
        do {
            current = .parameters
            var p = payload[.parameters]!
            let k1 = try p.f64(), b = try p.f64(), weights = try p.f64s()
            current = .counts
            p = payload[.counts]!
            guard let n = Int(exactly: try p.u64()), n <= bytes.count else { throw fail("implausible document count", .counts) }
            let avg = try p.f64s()
            current = .vocabulary
            p = payload[.vocabulary]!
            guard let termCount = Int(exactly: try p.u64()), termCount <= bytes.count else { throw fail("implausible vocabulary size", .vocabulary) }
            var terms: [String] = []
            terms.reserveCapacity(termCount)
            for _ in 0..<termCount {
                let len = Int(try p.u32())
                terms.append(String(decoding: try p.take(len), as: UTF8.self))
            }
            current = .documentFrequency
            let df = try payload[.documentFrequency]!.u32sConsumingAll()
            current = .fieldDocumentFrequency
            let fdf = try payload[.fieldDocumentFrequency]!.u32sConsumingAll()
            current = .fieldLengths
            let lengths = try payload[.fieldLengths]!.u32sConsumingAll()
            current = .offsets
            let offsets = try payload[.offsets]!.u32sConsumingAll()
            current = .documents
            let docs = try payload[.documents]!.u32sConsumingAll()
            current = .impacts
            var s_impacts = payload[.impacts]!
            let impacts = try s_impacts.f32s()
            current = .signatures
            let signatures = try payload[.signatures]!.u32sConsumingAll()
            guard zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else { throw fail("posting-list offsets are not increasing", .offsets) }
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
            throw fail("truncated", current)
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
    /// A whole section of UInt32s (count + values, nothing after).
    mutating func u32sConsumingAll() throws -> [UInt32] {
        let v = try u32s()
        guard position == bytes.count else { throw Truncated() }
        return v
    }

    mutating func section() throws -> ByteReader {
        let n = try count(1)
        return ByteReader(bytes: Array(try take(n)), position: 0)
    }
}
