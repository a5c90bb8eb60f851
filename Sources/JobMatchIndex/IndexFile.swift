package import JobMatchKernels

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

/// The binary form of an ``InvertedIndex`` (`index.bin`), format 4 (docs/index-format.md):
///
/// ```
/// header   "JMIX" · UInt32 format version (4) · UInt32 section count · UInt32 0
/// table    per section: UInt32 id · UInt32 CRC-32C of its payload · UInt64 offset · UInt64 length
/// payloads contiguous, in table order (no padding: every byte is covered by a checksum)
/// footer   "JMXF" · UInt32 CRC-32C of header + table · UInt64 total file length
/// ```
/// Little-endian throughout. A file whose magic, version, length, table or any section checksum
/// does not match is refused with an ``IndexFileError`` naming the file and the section.
package enum IndexFile {
    package static let magic: [UInt8] = Array("JMIX".utf8)
    package static let footerMagic: [UInt8] = Array("JMXF".utf8)
    package static let formatVersion: UInt32 = 4
    static let headerSize = 16, entrySize = 24, footerSize = 16

    /// The sections, in file order.
    package enum Section: UInt32, CaseIterable, Sendable {
        case parameters = 1, counts, vocabulary, documentFrequency, fieldDocumentFrequency, fieldLengths, offsets, documents, impacts, signatures,
            termFrequencies, records

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
            case .termFrequencies: "termFrequencies"
            case .records: "records"
            }
        }
    }

    /// The file's bytes; `records` is an opaque payload stored (and checksummed) with the index
    /// (the ranking layer keeps the postings there).
    package static func encode(_ index: InvertedIndex, records: [UInt8] = []) -> [UInt8] {
        FilePiece.joined(pieces(index, records: records))
    }

    /// The file as pieces that share the index's arrays (``encode(_:records:)`` joins them):
    /// writing these pieces one by one never holds a second copy of the large sections.
    package static func pieces(_ index: InvertedIndex, records: [UInt8] = []) -> [FilePiece] {
        pieces(index, records: .bytes(records))
    }

    /// ``pieces(_:records:)`` with the `records` payload given as a piece (it may wait in a
    /// scratch file: ``FilePiece/spilled(_:)``), and likewise the impacts when the index was
    /// built without keeping them (``IndexBuilder/build(parameters:impactsRun:emitImpacts:)``):
    /// `impacts`, little-endian `Float`s, one per entry of `index.docs`.
    package static func pieces(_ index: InvertedIndex, impacts: FilePiece? = nil, records: FilePiece) -> [FilePiece] {
        let impacts = impacts ?? .floats(index.impacts)
        precondition(impacts.count == 4 * index.docs.count, "IndexFile: \(impacts.count) bytes of impacts for \(index.docs.count) entries")
        func writer(_ body: (inout ByteWriter) -> Void) -> FilePiece {
            var w = ByteWriter()
            body(&w)
            return .bytes(w.out)
        }
        func count(_ n: Int) -> FilePiece { writer { $0.u64(UInt64(n)) } }
        let sections: [(Section, [FilePiece])] = Section.allCases.map { s in
            switch s {
            case .parameters: (s, [writer { $0.f64(index.parameters.k1); $0.f64(index.parameters.b); $0.f64s(index.parameters.fieldWeights) }])
            case .counts: (s, [writer { $0.u64(UInt64(index.documentCount)); $0.f64s(index.averageFieldLengths) }])
            case .vocabulary:
                (s, [writer { w in
                    w.u64(UInt64(index.vocabulary.count))
                    for t in index.vocabulary.terms { w.u32(UInt32(t.utf8.count)); w.out.append(contentsOf: t.utf8) }
                }])
            case .documentFrequency: (s, [count(index.documentFrequency.count), .uint32s(index.documentFrequency)])
            case .fieldDocumentFrequency: (s, [count(index.fieldDocumentFrequency.count), .uint32s(index.fieldDocumentFrequency)])
            case .fieldLengths: (s, [count(index.fieldLengths.count), .uint32s(index.fieldLengths)])
            case .offsets: (s, [count(index.offsets.count), .uint32s(index.offsets)])
            case .documents: (s, [count(index.docs.count), .uint32s(index.docs)])
            case .impacts: (s, [count(index.docs.count), impacts])
            case .signatures: (s, [count(index.signatures.count), .uint32s(index.signatures)])
            case .termFrequencies: (s, [count(index.termFrequencies.count), .bytes(index.termFrequencies)])
            case .records: (s, [count(records.count), records])
            }
        }
        var head = ByteWriter()
        head.bytes(magic)
        head.u32(formatVersion)
        head.u32(UInt32(sections.count))
        head.u32(0)
        var offset = UInt64(headerSize + entrySize * sections.count)
        for (section, pieces) in sections {
            let length = pieces.reduce(0) { $0 + $1.count }
            head.u32(section.rawValue)
            head.u32(FilePiece.checksum(pieces))
            head.u64(offset)
            head.u64(UInt64(length))
            offset += UInt64(length)
        }
        var footer = ByteWriter()
        footer.bytes(footerMagic)
        footer.u32(CRC32C.checksum(head.out[...]))
        footer.u64(offset + UInt64(footerSize))
        return [.bytes(head.out)] + sections.flatMap(\.1) + [.bytes(footer.out)]
    }

    /// ``fingerprint(_:)`` of the file these pieces make (its last piece is the footer).
    package static func fingerprint(_ pieces: [FilePiece]) -> String {
        guard case .bytes(let footer)? = pieces.last, footer.count == footerSize else { return "" }
        return fingerprint(footer)
    }

    /// The footer's 16 bytes as hex: changes whenever any byte of the file does (it holds the
    /// checksum of the table, which holds every section's checksum).
    package static func fingerprint(_ bytes: [UInt8]) -> String {
        bytes.suffix(footerSize).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// The index in `bytes` (tests and fuzzing; files are read with ``decode(_:)``).
    package static func decode(_ bytes: [UInt8], file: String) throws(IndexFileError) -> InvertedIndex {
        try decode(MappedBytes(bytes: bytes, name: file)).index
    }

    /// Reads an index file: checks the header, footer, table and every section's CRC-32C, then
    /// block-copies the arrays out of the (mapped) bytes and checks their consistency.
    package static func decode(_ bytes: MappedBytes) throws(IndexFileError) -> (index: InvertedIndex, records: [UInt8]) {
        let layout = try verify(bytes)
        return (try index(bytes, layout), bytes.bytes(try payload(bytes, layout, .records)))
    }

    /// Where each section's payload lies in a file whose checksums all matched.
    package struct Layout: Sendable {
        var ranges: [Section: Range<Int>]
    }

    /// The opaque `records` payload's byte range.
    package static func records(_ bytes: MappedBytes, _ layout: Layout) throws(IndexFileError) -> Range<Int> {
        try payload(bytes, layout, .records)
    }

    /// A section's values: UInt64 count, then `count` values of `width` bytes filling the rest.
    static func payload(_ bytes: MappedBytes, _ layout: Layout, _ s: Section, width: Int = 1) throws(IndexFileError) -> Range<Int> {
        let r = layout.ranges[s]!
        guard r.count >= 8 else { throw IndexFileError(file: bytes.path, section: s.name, reason: "truncated") }
        let n = bytes.uint64(at: r.lowerBound)
        guard n <= UInt64(r.count - 8) / UInt64(width), Int(n) * width == r.count - 8 else {
            throw IndexFileError(file: bytes.path, section: s.name, reason: "length does not match its count")
        }
        return (r.lowerBound + 8)..<r.upperBound
    }

    /// Checks magic, version, length, the table and every section's CRC-32C.
    package static func verify(_ bytes: MappedBytes) throws(IndexFileError) -> Layout {
        let file = bytes.path
        func fail(_ r: String, _ section: Section? = nil) -> IndexFileError { IndexFileError(file: file, section: section?.name, reason: r) }
        let size = bytes.count
        guard size >= 8 else { throw fail("too short to be an index file (\(size) bytes)") }
        guard bytes.bytes(0..<4) == magic else { throw fail("not a JobMatch index file (bad magic)") }
        let version = bytes.uint32(at: 4)
        guard version == formatVersion else {
            throw fail("format version \(version), this build reads version \(formatVersion); rebuild the index")
        }
        guard size >= headerSize + footerSize else { throw fail("truncated: \(size) bytes") }
        // the reserved word must be what the writer puts there (found by the fuzzer: anything
        // accepted must be exactly what the writer produces)
        guard bytes.uint32(at: 12) == 0 else { throw fail("reserved header field is \(bytes.uint32(at: 12)), not 0") }
        guard bytes.bytes((size - footerSize)..<(size - footerSize + 4)) == footerMagic else {
            throw fail("footer missing or damaged (truncated file?)")
        }
        let tableCRC = bytes.uint32(at: size - footerSize + 4)
        let total = bytes.uint64(at: size - 8)
        guard total == UInt64(size) else { throw fail("length \(size) bytes, the footer says \(total): truncated or extended") }
        let sectionCount = Int(bytes.uint32(at: 8))
        guard sectionCount == Section.allCases.count, headerSize + entrySize * sectionCount <= size - footerSize else {
            throw fail("section table damaged (\(sectionCount) sections)")
        }
        let tableEnd = headerSize + entrySize * sectionCount
        guard bytes.crc32c(0..<tableEnd) == tableCRC else { throw fail("section table damaged (CRC-32C mismatch)") }
        var ranges: [Section: Range<Int>] = [:]
        var expectedOffset = UInt64(tableEnd)
        for (i, section) in Section.allCases.enumerated() {
            let entry = headerSize + entrySize * i
            let id = bytes.uint32(at: entry), crc = bytes.uint32(at: entry + 4)
            let offset = bytes.uint64(at: entry + 8), length = bytes.uint64(at: entry + 16)
            guard id == section.rawValue else { throw fail("unexpected section id \(id) where '\(section.name)' belongs", section) }
            guard offset == expectedOffset, length <= UInt64(size - footerSize) - offset else { throw fail("offset or length outside the file", section) }
            let range = Int(offset)..<Int(offset + length)
            guard bytes.crc32c(range) == crc else { throw fail("CRC-32C mismatch: the section is damaged; rebuild the index", section) }
            ranges[section] = range
            expectedOffset = offset + length
        }
        guard expectedOffset == UInt64(size - footerSize) else { throw fail("bytes between the last section and the footer") }
        return Layout(ranges: ranges)
    }

    /// The inverted index of a verified file: arrays block-copied, then checked for consistency.
    package static func index(_ bytes: MappedBytes, _ layout: Layout) throws(IndexFileError) -> InvertedIndex {
        let file = bytes.path
        let size = bytes.count
        let ranges = layout.ranges
        func fail(_ r: String, _ section: Section? = nil) -> IndexFileError { IndexFileError(file: file, section: section?.name, reason: r) }
        func values(_ s: Section, width: Int) throws(IndexFileError) -> Range<Int> { try payload(bytes, layout, s, width: width) }
        func u32s(_ s: Section) throws(IndexFileError) -> [UInt32] { bytes.uint32s(try values(s, width: 4)) }

        let parameterBytes = ranges[.parameters]!
        guard parameterBytes.count >= 24 else { throw fail("truncated", .parameters) }
        let k1 = Double(bitPattern: bytes.uint64(at: parameterBytes.lowerBound))
        let b = Double(bitPattern: bytes.uint64(at: parameterBytes.lowerBound + 8))
        let weightsCount = bytes.uint64(at: parameterBytes.lowerBound + 16)
        guard weightsCount == UInt64(InvertedIndex.fieldCount), parameterBytes.count == 24 + 8 * InvertedIndex.fieldCount else {
            throw fail("inconsistent section lengths", .parameters)
        }
        let weights = bytes.doubles((parameterBytes.lowerBound + 24)..<parameterBytes.upperBound)
        let countBytes = ranges[.counts]!
        guard countBytes.count == 16 + 8 * InvertedIndex.fieldCount,
            bytes.uint64(at: countBytes.lowerBound + 8) == UInt64(InvertedIndex.fieldCount)
        else { throw fail("inconsistent section lengths", .counts) }
        guard let n = Int(exactly: bytes.uint64(at: countBytes.lowerBound)), n <= size else { throw fail("implausible document count", .counts) }
        let avg = bytes.doubles((countBytes.lowerBound + 16)..<countBytes.upperBound)

        let vocabularyBytes = ranges[.vocabulary]!
        guard vocabularyBytes.count >= 8 else { throw fail("truncated", .vocabulary) }
        var reader = ByteReader(bytes: bytes.bytes(vocabularyBytes), position: 0)
        var terms: [String] = []
        do {
            guard let termCount = Int(exactly: try reader.u64()), termCount <= vocabularyBytes.count / 4 else {
                throw fail("implausible vocabulary size", .vocabulary)
            }
            terms.reserveCapacity(termCount)
            for _ in 0..<termCount {
                let len = Int(try reader.u32())
                let utf8 = try reader.take(len)
                guard let term = String(validating: utf8, as: UTF8.self) else { throw fail("a term is not valid UTF-8", .vocabulary) }
                terms.append(term)
            }
            guard reader.position == reader.bytes.count else { throw fail("bytes after the last term", .vocabulary) }
        } catch let e as IndexFileError {
            throw e
        } catch {
            throw fail("truncated", .vocabulary)
        }
        guard zip(terms, terms.dropFirst()).allSatisfy({ $0 < $1 }) else { throw fail("terms are not in sorted order", .vocabulary) }
        let termCount = terms.count
        let df = try u32s(.documentFrequency)
        let fdf = try u32s(.fieldDocumentFrequency)
        let lengths = try u32s(.fieldLengths)
        let offsets = try u32s(.offsets)
        let docs = try u32s(.documents)
        let impacts = bytes.floats(try values(.impacts, width: 4))
        let signatures = try u32s(.signatures)
        let tfs = bytes.bytes(try values(.termFrequencies, width: 1))
        let fc = InvertedIndex.fieldCount
        guard df.count == termCount else { throw fail("\(df.count) values for \(termCount) terms", .documentFrequency) }
        guard fdf.count == termCount * fc else { throw fail("\(fdf.count) values for \(termCount) terms", .fieldDocumentFrequency) }
        guard lengths.count == n * fc else { throw fail("\(lengths.count) values for \(n) documents", .fieldLengths) }
        guard offsets.count == termCount + 1, offsets.first == 0, Int(offsets.last ?? 0) == docs.count else {
            throw fail("\(offsets.count) offsets for \(termCount) terms and \(docs.count) entries", .offsets)
        }
        guard zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else { throw fail("posting-list offsets are not increasing", .offsets) }
        for t in 0..<termCount {
            var previous = -1
            for i in Int(offsets[t])..<Int(offsets[t + 1]) {
                let d = Int(docs[i])
                guard d > previous, d < n else { throw fail("document numbers out of range or not ascending in the list of term \(t)", .documents) }
                previous = d
            }
        }
        guard impacts.count == docs.count else { throw fail("\(impacts.count) impacts for \(docs.count) entries", .impacts) }
        guard signatures.count == n * InvertedIndex.signatureLength else { throw fail("\(signatures.count) values for \(n) documents", .signatures) }
        guard tfs.count >= docs.count * fc else { throw fail("\(tfs.count) bytes for \(docs.count) entries", .termFrequencies) }
        return InvertedIndex(
            parameters: BM25Parameters(k1: k1, b: b, fieldWeights: weights),
            vocabulary: Vocabulary(terms: terms), documentCount: n,
            documentFrequency: df, fieldDocumentFrequency: fdf, fieldLengths: lengths,
            averageFieldLengths: avg, offsets: offsets, docs: docs, impacts: impacts, signatures: signatures,
            termFrequencies: tfs)
    }
}

struct Truncated: Error {}

struct ByteWriter {
    var out: [UInt8] = []
    mutating func bytes(_ b: [UInt8]) { out.append(contentsOf: b) }
    mutating func u32(_ v: UInt32) { for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
    mutating func u64(_ v: UInt64) { for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
    mutating func f64(_ v: Double) { u64(v.bitPattern) }
    mutating func u32s(_ v: [UInt32]) { u64(UInt64(v.count)); LittleEndian.append(v, to: &out) }
    mutating func f32s(_ v: [Float]) { u64(UInt64(v.count)); LittleEndian.append(v, to: &out) }
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
    mutating func count(_ width: Int) throws -> Int {
        let n = try u64()
        guard n <= UInt64((bytes.count - position) / width) else { throw Truncated() }
        return Int(n)
    }
    mutating func f32s() throws -> [Float] {
        let n = try count(4)
        var out = [Float](); out.reserveCapacity(n)
        for _ in 0..<n { out.append(Float(bitPattern: try u32())) }
        return out
    }

    mutating func section() throws -> ByteReader {
        let n = try count(1)
        return ByteReader(bytes: Array(try take(n)), position: 0)
    }
}
