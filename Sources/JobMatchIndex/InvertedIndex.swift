package import JobMatchKernels
package import JobMatchText

/// Collects analysed documents (terms per field) and builds an ``InvertedIndex``.
package struct IndexBuilder: Sendable {
    package private(set) var vocabulary = Vocabulary()
    /// Term bytes → id: most lookups end here without hashing the `String` (see ``UTF8Map``);
    /// a miss is resolved through `vocabulary` (`String` equality) and remembered.
    private var byteIDs = UTF8Map()
    /// Flat (term, field, tf) entries of every document, in runs of ``chunkDocuments``
    /// documents (`entryChunks`; the run being filled is `entries`) so that laying out the
    /// posting lists can let each run go once it is copied. Five bytes an entry (tens of
    /// millions of them at 100k postings): the term id and field packed in one `UInt32`
    /// (``Entry``), the tf in one byte, a tf of 255 or more in `entryLargeTF` (keyed by the
    /// entry's number over all documents).
    private var entryChunks: [(entries: [UInt32], tf: [UInt8])] = []
    private var entries: [UInt32] = []
    private var entryTF: [UInt8] = []
    private var entryLargeTF: [Int: UInt32] = [:]
    /// Entries of the documents before the run being filled.
    private var entriesBefore = 0
    private var docStart: [Int] = [0]
    private var lengths: [UInt32] = []
    /// Counts the terms of the field being added (no dictionary).
    private var counter = TermCounter()
    /// Per term id: the documents containing it (any field), and the last one counted.
    private var documentFrequency: [UInt32] = []
    private var lastDocument: [Int32] = []
    /// MinHash: per term id its ``InvertedIndex/signatureLength`` hash values (from its text);
    /// a document's signature, the position-wise minimum over its title and description terms,
    /// is folded while the posting lists are laid out.
    private var hashRows: [UInt32] = []

    /// Documents per run of entries.
    static let chunkDocuments = 1024

    package init() {}

    package var documentCount: Int { docStart.count - 1 }

    private var entryCount: Int { entriesBefore + entries.count }

    private mutating func termID(_ u: UnsafeBufferPointer<UInt8>) -> UInt32 {
        if let id = byteIDs.value(forBytes: u) { return id }
        let term = String(decoding: u, as: UTF8.self)
        let id = vocabulary.intern(term)
        byteIDs.insert(bytes: u, id)
        if Int(id) >= documentFrequency.count {
            documentFrequency.append(0)
            lastDocument.append(-1)
            let h0 = InvertedIndex.textHash(term)
            for j in 0..<InvertedIndex.signatureLength {
                hashRows.append(UInt32(truncatingIfNeeded: InvertedIndex.mix(h0 &+ UInt64(j) &* 0x9E37_79B9_7F4A_7C15) >> 32))
            }
        }
        return id
    }

    /// Adds one document; `fields[f]` are the terms of ``IndexField`` `f` in order.
    /// Returns its document number (0, 1, 2, … in the order added).
    @discardableResult
    package mutating func add(fields: [[String]]) -> UInt32 {
        precondition(fields.count == IndexField.allCases.count, "IndexBuilder.add: expected \(IndexField.allCases.count) fields")
        var document = DocumentTerms()
        for terms in fields {
            for t in terms { document.terms.append(t) }
            document.endField()
        }
        return add(document)
    }

    /// The term ids given so far, for analysis threads to count documents with
    /// (``DocumentTerms/count(with:_:)``) while this builder adds others.
    package var knownTerms: KnownTerms { KnownTerms(ids: byteIDs) }

    /// Adds one document given as bytes (``DocumentTerms``); the same as ``add(fields:)`` of its
    /// terms as `String`s. Returns its document number. A document already counted
    /// (``DocumentTerms/count(with:_:)``) is added from its counts, without looking its terms up.
    @discardableResult
    package mutating func add(_ document: DocumentTerms) -> UInt32 {
        precondition(document.fieldEnds.count == IndexField.allCases.count, "IndexBuilder.add: expected \(IndexField.allCases.count) fields")
        let d = Int32(documentCount)
        if let counts = document.counts {
            precondition(counts.fieldEnds.count == document.fieldEnds.count, "IndexBuilder.add: counts of other fields")
            let ids = counts.ids, tf = counts.tf
            let n = ids.count
            precondition(tf.count == n && counts.fieldEnds.last == n, "IndexBuilder.add: counts of other lengths")
            // What `append` does entry by entry, array by array: each array's room made once for
            // the document and written through a span (no uniqueness check per element).
            for k in 0..<n where tf[k] >= UInt32(UInt8.max) { entryLargeTF[entryCount + k] = tf[k] }
            // (nothing appended for a document without terms: see TermBytes.appendTerm)
            if n > 0 {
                var first = 0, k = 0
                entries.append(addingCapacity: n) { span in
                    for (f, end) in document.fieldEnds.enumerated() {
                        var occurrences = 0
                        while k < counts.fieldEnds[f] {
                            span.append(Entry.pack(term: ids[k], field: f))
                            occurrences += Int(tf[k])
                            k += 1
                        }
                        // counts of other terms (changed since they were counted) would not add up
                        precondition(occurrences == end - first, "IndexBuilder.add: the counts are not the document's terms")
                        first = end
                    }
                }
                entryTF.append(addingCapacity: n) { span in
                    for k in 0..<n { span.append(UInt8(min(tf[k], UInt32(UInt8.max)))) }
                }
            } else {
                precondition(document.fieldEnds.allSatisfy { $0 == 0 }, "IndexBuilder.add: the counts are not the document's terms")
            }
            // both tables taken out of self for the loop (two spans of self at once overlap)
            var last: [Int32] = [], frequency: [UInt32] = []
            swap(&last, &lastDocument)
            swap(&frequency, &documentFrequency)
            if #available(macOS 26.0, iOS 26.0, tvOS 26.0, watchOS 26.0, visionOS 26.0, *) {
                var lastSpan = last.mutableSpan, frequencySpan = frequency.mutableSpan
                for k in 0..<n where lastSpan[Int(ids[k])] != d {
                    lastSpan[Int(ids[k])] = d
                    frequencySpan[Int(ids[k])] += 1
                }
            } else {  // Array.mutableSpan is newer than the package's macOS 14
                for k in 0..<n where last[Int(ids[k])] != d {
                    last[Int(ids[k])] = d
                    frequency[Int(ids[k])] += 1
                }
            }
            swap(&last, &lastDocument)
            swap(&frequency, &documentFrequency)
            var first = 0
            for end in document.fieldEnds {
                lengths.append(UInt32(end - first))
                first = end
            }
            return finishDocument(d)
        }
        let terms = document.terms
        terms.bytes.withUnsafeBufferPointer { bytes in
            var t = 0
            for (f, end) in document.fieldEnds.enumerated() {
                counter.startField()
                let first = t
                while t < end {
                    let r = terms.range(t)
                    let id = Int(termID(UnsafeBufferPointer(rebasing: bytes[r])))
                    counter.count(id, vocabulary.count)
                    t += 1
                }
                for id in counter.order { append(id, counter.countInField[Int(id)], field: f, document: d) }
                lengths.append(UInt32(end - first))
            }
        }
        return finishDocument(d)
    }

    /// One entry: term `id` occurs `tf` times in field `f` of document `d`.
    @inline(__always)
    private mutating func append(_ id: UInt32, _ tf: UInt32, field f: Int, document d: Int32) {
        if tf >= UInt32(UInt8.max) { entryLargeTF[entryCount] = tf }
        entries.append(Entry.pack(term: id, field: f))
        entryTF.append(UInt8(min(tf, UInt32(UInt8.max))))
        if lastDocument[Int(id)] != d {
            lastDocument[Int(id)] = d
            documentFrequency[Int(id)] += 1
        }
    }

    private mutating func finishDocument(_ d: Int32) -> UInt32 {
        docStart.append(entryCount)
        if documentCount % Self.chunkDocuments == 0 {
            entriesBefore += entries.count
            entryChunks.append((entries, entryTF))
            entries = []
            entryTF = []
        }
        return UInt32(d)
    }

    /// The index of the documents added. Term ids follow the terms' sorted order (not the
    /// order they were met), so the same set of documents always gives the same index, however
    /// it was assembled (``InvertedIndex/merged(_:_:order:)`` relies on it).
    /// Consuming: the documents' entries are let go run by run as the posting lists are laid
    /// out, before the impacts are worked out (lower peak memory).
    package consuming func build(parameters: BM25Parameters) -> InvertedIndex {
        laidOut(parameters).finish(parameters: parameters)
    }

    /// ``build(parameters:)`` with the impacts handed to `emit` in runs of about `run` values, in
    /// slot order, instead of being kept (``PostingLists/finish(parameters:run:parallel:emit:)``): the
    /// index returned has no impacts. The segment's largest section need not be held.
    /// `parallel` chooses how the impacts are worked out (``PostingLists/finish(parameters:run:parallel:emit:)``;
    /// nil: by the machine), for tests.
    package consuming func build<E: Error>(parameters: BM25Parameters, impactsRun run: Int, parallel: Bool? = nil,
                                           emitImpacts emit: (inout [Float]) throws(E) -> Void) throws(E) -> InvertedIndex {
        try laidOut(parameters).finish(parameters: parameters, run: run, parallel: parallel, emit: emit)
    }

    private consuming func laidOut(_ parameters: BM25Parameters) -> PostingLists {
        let fieldCount = IndexField.allCases.count
        precondition(parameters.fieldWeights.count == fieldCount, "BM25Parameters: need \(fieldCount) field weights")
        // what only adding needed goes before the lists take their pages
        byteIDs = UTF8Map()
        counter = TermCounter()
        lastDocument = []
        return postingLists()
    }

    /// The documents' entries as posting lists (term ids in sorted term order), with the
    /// documents' MinHash signatures. Run by run of entries: one thread copies the run into the
    /// lists while the other folds its documents' signatures, then the run is let go.
    mutating func postingLists() -> PostingLists {
        if !entries.isEmpty || entryChunks.isEmpty {
            entriesBefore += entries.count
            entryChunks.append((entries, entryTF))
            entries = []
            entryTF = []
        }
        let n = documentCount
        let t = vocabulary.count
        // canonical term ids: the rank of the term in sorted order
        let sortedOld = (0..<t).sorted { vocabulary.terms[$0] < vocabulary.terms[$1] }
        var newID = [UInt32](repeating: 0, count: t)
        for (rank, old) in sortedOld.enumerated() { newID[old] = UInt32(rank) }
        var offsets = [UInt32](repeating: 0, count: t + 1)
        for (rank, old) in sortedOld.enumerated() { offsets[rank + 1] = offsets[rank] + documentFrequency[old] }
        var lists = PostingLists(vocabulary: Vocabulary(terms: sortedOld.map { vocabulary.terms[$0] }), documentCount: n, fieldLengths: lengths, offsets: offsets)
        let fill = Locked(ListFill(offsets: offsets))
        let k = InvertedIndex.signatureLength
        var signatures = [UInt32](repeating: .max, count: n * k)
        let folded = Locked<[UInt32]>([])
        let (docStart, largeTF, hashRows, ids) = (docStart, entryLargeTF, hashRows, newID)
        for c in entryChunks.indices {
            let chunk = entryChunks[c]
            entryChunks[c] = ([], [])
            let documents = (c * Self.chunkDocuments)..<min(n, (c + 1) * Self.chunkDocuments)
            Parallel.both({
                fill.withLock { $0.add(chunk, documents: documents, docStart: docStart, largeTF: largeTF, newID: ids) }
            }, {
                let s = Self.signatures(chunk.entries, documents: documents, docStart: docStart, hashRows: hashRows)
                folded.withLock { $0 = s }
            })
            folded.withLock { s in
                if let first = documents.first { signatures.replaceSubrange((first * k)..<(first * k + s.count), with: s) }
                s = []
            }
            if c % 4 == 3 { Memory.releaseFreePages() }
        }
        entryChunks = []
        let filled = fill.withLock { f in
            defer { f = ListFill(offsets: []) }
            return f
        }
        precondition(filled.cursor.indices.allSatisfy { filled.cursor[$0] == offsets[$0 + 1] }, "IndexBuilder: posting lists not filled")
        lists.docs = filled.docs
        lists.tfBytes = filled.tfBytes
        lists.largeTF = filled.largeTF
        lists.wideTF = filled.wideTF
        lists.signatures = signatures
        return lists
    }

    /// The posting lists being filled, run by run of builder entries, in document order.
    private struct ListFill: Sendable {
        var docs: [UInt32]
        var tfBytes: [UInt8]
        var largeTF: [Int: UInt32] = [:]
        var wideTF = false
        /// Per term: the next slot, the last document given a slot, and that slot.
        var cursor: [UInt32]
        var lastDoc: [Int32]
        var slotOf: [Int]

        init(offsets: [UInt32]) {
            let slots = Int(offsets.last ?? 0)
            // Unfilled (not zeroed): ``add`` writes every slot exactly once, all three of its
            // bytes, before anything reads them (each term's cursor runs from its offset to the
            // next, checked when done), so the pages are taken only as they are filled, while
            // the runs of entries are let go.
            docs = Memory.unfilled(count: slots)
            tfBytes = Memory.unfilled(count: 3 * slots)
            cursor = Array(offsets.dropLast())
            lastDoc = [Int32](repeating: -1, count: cursor.count)
            slotOf = [Int](repeating: 0, count: cursor.count)
        }

        mutating func add(_ chunk: (entries: [UInt32], tf: [UInt8]), documents: Range<Int>, docStart: [Int], largeTF entryLargeTF: [Int: UInt32], newID: [UInt32]) {
            guard let first = documents.first else { return }
            let base = docStart[first]
            for d in documents {
                for e in docStart[d]..<docStart[d + 1] {
                    let entry = chunk.entries[e - base]
                    let term = Int(newID[Entry.term(entry)])
                    if lastDoc[term] != Int32(d) {
                        lastDoc[term] = Int32(d)
                        let slot = Int(cursor[term])
                        slotOf[term] = slot
                        cursor[term] += 1
                        docs[slot] = UInt32(d)
                        tfBytes[3 * slot] = 0
                        tfBytes[3 * slot + 1] = 0
                        tfBytes[3 * slot + 2] = 0
                    }
                    let tf = chunk.tf[e - base] == UInt8.max ? entryLargeTF[e]! : UInt32(chunk.tf[e - base])
                    let i = 3 * slotOf[term] + Entry.field(entry)
                    if tf >= 128 {
                        wideTF = true
                        if tf >= 255 { largeTF[i] = tf }
                    }
                    tfBytes[i] = UInt8(min(tf, 255))
                }
            }
        }
    }

    /// MinHash signatures of `documents` (whose entries are `entries`, from `docStart[first]`):
    /// per document the position-wise minimum of its title and description terms' hash rows.
    private static func signatures(_ entries: [UInt32], documents: Range<Int>, docStart: [Int], hashRows: [UInt32]) -> [UInt32] {
        let k = InvertedIndex.signatureLength
        guard let first = documents.first else { return [] }
        let base = docStart[first]
        var out = [UInt32](repeating: .max, count: documents.count * k)
        var rows: [UInt32] = []
        let skills = IndexField.skills.rawValue
        for d in documents {
            rows.removeAll(keepingCapacity: true)
            for e in docStart[d]..<docStart[d + 1] where Entry.field(entries[e - base]) != skills {
                rows.append(UInt32(Entry.term(entries[e - base])))
            }
            RowMinimum.fold(hashRows, width: k, rows: rows, into: &out, at: (d - first) * k)
        }
        return out
    }
}

/// One document's terms for ``IndexBuilder/add(_:)``, field after field in ``IndexField`` order,
/// as UTF-8 bytes (no `String` per term).
package struct DocumentTerms: Sendable, Equatable {
    package var terms = TermBytes()
    /// The number of terms up to the end of each field.
    package var fieldEnds: [Int] = []
    /// Per field, its distinct terms' ids in the order they first occur and how often each
    /// occurs (what ``IndexBuilder/add(_:)`` works out itself otherwise), when every term had
    /// an id already: see ``count(with:_:)``.
    package private(set) var counts: Counts?

    package struct Counts: Sendable, Equatable {
        package var ids: [UInt32] = []
        package var tf: [UInt32] = []
        /// The number of distinct terms up to the end of each field.
        package var fieldEnds: [Int] = []
    }

    package init() {}

    /// Looks the terms up in `known` (this builder's ``IndexBuilder/knownTerms``) and counts
    /// them per field, so that the builder adds the document without hashing a term: done on
    /// the analysis threads while the builder (one thread) adds earlier documents. Leaves
    /// `counts` nil when a term has no id yet (the builder then gives it one as it adds the
    /// document): either way the builder adds the same entries. `scratch` is reused from
    /// document to document.
    package mutating func count(with known: KnownTerms, _ scratch: inout TermCounter) {
        counts = nil
        var c = Counts()
        c.fieldEnds.reserveCapacity(fieldEnds.count)
        var t = 0
        for end in fieldEnds {
            scratch.startField()
            while t < end {
                guard let id = known.ids.value(in: terms.bytes, terms.range(t)) else { return }
                scratch.count(Int(id), known.count)
                t += 1
            }
            let order = scratch.order, counted = scratch.countInField
            c.ids.append(contentsOf: order)
            if !order.isEmpty {  // (not for a field without terms: see TermBytes.appendTerm)
                c.tf.append(addingCapacity: order.count) { span in
                    for id in order { span.append(counted[Int(id)]) }
                }
            }
            c.fieldEnds.append(c.ids.count)
        }
        counts = c
    }

    /// Ends the current field (the terms appended since the previous end belong to it).
    package mutating func endField() { fieldEnds.append(terms.count) }

    /// Each field's terms as Strings.
    package var fields: [[String]] {
        var start = 0
        return fieldEnds.map { end in
            defer { start = end }
            return (start..<end).map { terms.term($0) }
        }
    }
}

/// A read-only copy of the term ids an ``IndexBuilder`` had given (``IndexBuilder/knownTerms``).
package struct KnownTerms: Sendable {
    let ids: UTF8Map
    var count: Int { ids.count }
}

/// Per-field term counting without a dictionary (``IndexBuilder/add(_:)``,
/// ``DocumentTerms/count(with:_:)``): per term id its count in the field being counted and the
/// field it belongs to (`stamp`); the arrays grow to the vocabulary as ids appear.
package struct TermCounter: Sendable {
    var countInField: [UInt32] = []
    var fieldStamp: [UInt32] = []
    var stamp: UInt32 = 0
    /// The field's distinct term ids in the order they first occur.
    var order: [UInt32] = []

    package init() {}

    mutating func startField() {
        if stamp == .max {
            for i in fieldStamp.indices { fieldStamp[i] = 0 }
            stamp = 0
        }
        stamp += 1
        order.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    mutating func count(_ id: Int, _ terms: Int) {
        if id >= fieldStamp.count {
            let n = max(terms, id + 1) - fieldStamp.count
            fieldStamp.append(contentsOf: repeatElement(0, count: n))
            countInField.append(contentsOf: repeatElement(0, count: n))
        }
        if fieldStamp[id] == stamp {
            countInField[id] += 1
        } else {
            fieldStamp[id] = stamp
            countInField[id] = 1
            order.append(UInt32(id))
        }
    }
}

extension IndexBuilder {
    /// A builder entry's term id (low 30 bits) and field (high 2 bits) in one word.
    enum Entry {
        static let termBits: UInt32 = 30

        @inline(__always)
        static func pack(term: UInt32, field: Int) -> UInt32 {
            precondition(term < 1 << termBits && field < 4, "IndexBuilder: 2^30 or more terms, or more than 4 fields")
            return term | UInt32(field) << termBits
        }

        @inline(__always)
        static func term(_ e: UInt32) -> Int { Int(e & (1 << termBits - 1)) }

        @inline(__always)
        static func field(_ e: UInt32) -> Int { Int(e >> termBits) }
    }
}

/// Posting lists with per-field term frequencies, before BM25 statistics and impacts: what both
/// a fresh build and a merge of segments produce, so that both end in the same ``finish``.
struct PostingLists {
    var vocabulary: Vocabulary
    var documentCount: Int
    var fieldLengths: [UInt32]
    var offsets: [UInt32]
    var docs: [UInt32] = []
    /// Per entry, the three fields' term frequencies, one byte each (`tfBytes[3 · slot + field]`);
    /// a value of 255 or more holds 255 and the true count is in `largeTF` (keyed by that
    /// position). While every value is below 128 these bytes are, byte for byte, the
    /// `termFrequencies` stream (LEB128 of a value below 128 is the value), which ``finish``
    /// then takes over without a copy.
    var tfBytes: [UInt8] = []
    var largeTF: [Int: UInt32] = [:]
    /// Some term frequency is 128 or more: the stream is encoded anew.
    var wideTF = false
    var signatures: [UInt32] = []

    init(vocabulary: Vocabulary, documentCount: Int, fieldLengths: [UInt32], offsets: [UInt32]) {
        self.vocabulary = vocabulary
        self.documentCount = documentCount
        self.fieldLengths = fieldLengths
        self.offsets = offsets
    }

    @inline(__always)
    mutating func setTF(slot: Int, field: Int, _ tf: UInt32) {
        let i = 3 * slot + field
        if tf >= 128 {
            wideTF = true
            if tf >= 255 { largeTF[i] = tf } else { largeTF[i] = nil }
        }
        tfBytes[i] = UInt8(min(tf, 255))
    }

    mutating func appendEntry(doc: UInt32, tf: (UInt32, UInt32, UInt32)) {
        let slot = docs.count
        docs.append(doc)
        tfBytes.append(0)
        tfBytes.append(0)
        tfBytes.append(0)
        setTF(slot: slot, field: 0, tf.0)
        setTF(slot: slot, field: 1, tf.1)
        setTF(slot: slot, field: 2, tf.2)
    }

    @inline(__always)
    func tf(slot: Int, field: Int) -> UInt32 {
        let i = 3 * slot + field
        let b = tfBytes[i]
        return b == 255 ? largeTF[i]! : UInt32(b)
    }

    /// BM25 statistics of exactly these documents, impacts, and the term-frequency stream.
    consuming func finish(parameters: BM25Parameters) -> InvertedIndex {
        var kept: [Float] = []
        let index = finish(parameters: parameters, run: .max) { (impacts: inout [Float]) throws(Never) in swap(&kept, &impacts) }
        return index.with(impacts: kept)
    }

    /// ``finish(parameters:)`` with the impacts handed to `emit` in slot order, in runs of `run`
    /// values (the last may be shorter; the buffer is emptied after each call), instead of being
    /// kept: the index returned has no impacts. For writing a segment without holding its
    /// largest section. The impacts of each run are worked out by two threads, half each
    /// (`parallel`: with two or more cores and runs of 4,096 or more; tests set it), from the
    /// per-term field weights × idf and the per-document length parts, both worked out once: the
    /// same operations as the one-by-one formula, so the same bits, however the run is split.
    consuming func finish<E: Error>(parameters: BM25Parameters, run: Int, parallel: Bool? = nil,
                                    emit: (inout [Float]) throws(E) -> Void) throws(E) -> InvertedIndex {
        let fieldCount = InvertedIndex.fieldCount
        let n = documentCount
        let t = vocabulary.count
        var totalLength = [Double](repeating: 0, count: fieldCount)
        for d in 0..<n {
            for f in 0..<fieldCount { totalLength[f] += Double(fieldLengths[d * fieldCount + f]) }
        }
        let avg = totalLength.map { n > 0 ? $0 / Double(n) : 0 }
        precondition(fieldCount == 3 && tfBytes.count == 3 * docs.count && parameters.fieldWeights.count == fieldCount,
                     "PostingLists: three term frequencies per entry and three field weights")
        // per document and field, tfPart's length part
        var lengthParts = [Double](repeating: 0, count: n * fieldCount)
        for d in 0..<n {
            for f in 0..<fieldCount {
                lengthParts[d * fieldCount + f] = parameters.lengthPart(length: Int(fieldLengths[d * fieldCount + f]), averageLength: avg[f])
            }
        }
        // per term: documents, documents per field (a term frequency of 0 is a zero byte; 255
        // stands for a larger one), and the field weight × idf per field
        var dfDoc = [UInt32](repeating: 0, count: t)
        var dfField = [UInt32](repeating: 0, count: t * fieldCount)
        var weights = [Double](repeating: 0, count: t * fieldCount)
        for term in 0..<t {
            let lo = Int(offsets[term]), hi = Int(offsets[term + 1])
            dfDoc[term] = UInt32(hi - lo)
            var c0: UInt32 = 0, c1: UInt32 = 0, c2: UInt32 = 0
            for slot in lo..<hi {
                if tfBytes[3 * slot] != 0 { c0 += 1 }
                if tfBytes[3 * slot + 1] != 0 { c1 += 1 }
                if tfBytes[3 * slot + 2] != 0 { c2 += 1 }
            }
            for (f, c) in [c0, c1, c2].enumerated() {
                dfField[term * fieldCount + f] = c
                weights[term * fieldCount + f] = parameters.fieldWeights[f] * BM25Parameters.idf(documentCount: n, documentFrequency: Int(c))
            }
        }
        let total = docs.count
        let size = max(1, run)
        let split = parallel ?? (Parallel.processors >= 2 && min(size, total) >= 4096)
        let (docs, tfBytes, largeTF, offsets, parts) = (docs, tfBytes, largeTF, offsets, lengthParts)
        let weightsByTerm = weights
        /// The impacts of `slots`, in order.
        @Sendable func impacts(_ slots: Range<Int>) -> [Float] {
            var out: [Float] = []
            out.reserveCapacity(slots.count)
            guard !slots.isEmpty else { return out }
            // the term whose list holds the first slot
            var term = SortedSearch.lowerBound(offsets) { Int($0) <= slots.lowerBound } - 1
            var slot = slots.lowerBound
            while slot < slots.upperBound {
                while Int(offsets[term + 1]) <= slot { term += 1 }
                let end = min(Int(offsets[term + 1]), slots.upperBound)
                for s in slot..<end {
                    let d = Int(docs[s]) * 3
                    var sum = 0.0
                    var first = true
                    for f in 0..<3 {
                        let b = tfBytes[3 * s + f]
                        guard b != 0 else { continue }
                        let tf = b == 255 ? largeTF[3 * s + f]! : UInt32(b)
                        let x = weightsByTerm[term * 3 + f] * parameters.tfPart(tf: Int(tf), lengthPart: parts[d + f])
                        sum = first ? x : sum + x
                        first = false
                    }
                    out.append(Float(sum))
                }
                slot = end
            }
            return out
        }
        // each run in steps of at most `step` slots, both halves of a step at once: the buffer
        // is the run's only copy (no second copy of a whole run, which is every impact when
        // `run` is `.max`)
        let step = 1 << 18
        var buffer: [Float] = []
        var start = 0
        repeat {
            let end = start + min(size, total - start)
            buffer.reserveCapacity(end - start)
            var from = start
            while from < end {
                let to = from + min(step, end - from)
                if split && to - from >= 2 {
                    let (lo, mid) = (from, from + (to - from) / 2)
                    let halves = Locked<([Float], [Float])>(([], []))
                    Parallel.both({
                        let a = impacts(lo..<mid)
                        halves.withLock { $0.0 = a }
                    }, {
                        let b = impacts(mid..<to)
                        halves.withLock { $0.1 = b }
                    })
                    halves.withLock { h in
                        buffer.append(contentsOf: h.0)
                        buffer.append(contentsOf: h.1)
                        h = ([], [])
                    }
                } else {
                    buffer.append(contentsOf: impacts(from..<to))
                }
                from = to
            }
            try emit(&buffer)
            buffer.removeAll(keepingCapacity: true)
            start = end
        } while start < total
        var stream: [UInt8] = []
        if wideTF {
            stream.reserveCapacity(total * fieldCount + total / 8)
            for slot in 0..<total {
                for f in 0..<fieldCount { TermFrequencyStream.append(tf(slot: slot, field: f), to: &stream) }
            }
        }
        return InvertedIndex(
            parameters: parameters, vocabulary: vocabulary, documentCount: n,
            documentFrequency: dfDoc, fieldDocumentFrequency: dfField,
            fieldLengths: fieldLengths, averageFieldLengths: avg,
            offsets: offsets, docs: docs, impacts: [], signatures: signatures, termFrequencies: wideTF ? stream : tfBytes)
    }
}

/// The `termFrequencies` section: per posting-list entry (in the order of `docs`), the term's
/// frequency in each field as an unsigned LEB128 varint.
enum TermFrequencyStream {
    static func append(_ value: UInt32, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// The next value at `position` (advanced), nil when the stream ends or is malformed.
    static func next(_ bytes: [UInt8], _ position: inout Int) -> UInt32? {
        var v: UInt32 = 0
        var shift: UInt32 = 0
        while position < bytes.count, shift < 35 {
            let b = bytes[position]
            position += 1
            guard shift < 28 || b < 0x10 else { return nil }
            v |= UInt32(b & 0x7F) << shift
            if b < 0x80 { return v }
            shift += 7
        }
        return nil
    }
}

extension InvertedIndex {
    package struct MergeError: Error, CustomStringConvertible, Sendable {
        package var description: String
    }

    /// One index over the documents of two segments: `order[i]` names the segment (0 = `a`,
    /// 1 = `b`) and document that becomes document `i`; documents not named are dropped (deleted
    /// or superseded). Statistics (document count, document frequencies, average lengths) are
    /// recomputed over exactly the documents kept, and terms no document keeps are dropped, so
    /// the result equals ``IndexBuilder/build(parameters:)`` over the same documents in the same
    /// order. Both segments must be built with the same field weights; `parameters` apply.
    /// Within each segment `order` must keep the documents' relative order.
    package static func merged(_ a: InvertedIndex, _ b: InvertedIndex, order: [(segment: Int, doc: UInt32)], parameters: BM25Parameters) throws(MergeError) -> InvertedIndex {
        let fc = fieldCount
        let k = signatureLength
        var newA = [Int32](repeating: -1, count: a.documentCount)
        var newB = [Int32](repeating: -1, count: b.documentCount)
        var lengths: [UInt32] = []
        lengths.reserveCapacity(order.count * fc)
        var signatures: [UInt32] = []
        signatures.reserveCapacity(order.count * k)
        var lastA = -1, lastB = -1
        for (i, o) in order.enumerated() {
            let d = Int(o.doc)
            let source = o.segment == 0 ? a : b
            guard d < source.documentCount else { throw MergeError(description: "merge: document \(d) is not in segment \(o.segment)") }
            if o.segment == 0 {
                guard d > lastA else { throw MergeError(description: "merge: segment 0's documents out of order at \(d)") }
                lastA = d
                newA[d] = Int32(i)
            } else {
                guard d > lastB else { throw MergeError(description: "merge: segment 1's documents out of order at \(d)") }
                lastB = d
                newB[d] = Int32(i)
            }
            lengths += source.fieldLengths[(d * fc)..<(d * fc + fc)]
            signatures += source.signatures[(d * k)..<(d * k + k)]
        }
        // Walk both vocabularies (sorted) together; each segment's entries are read in file
        // order, so its term-frequency stream is decoded sequentially.
        var posA = 0, posB = 0
        var terms: [String] = []
        var offsets: [UInt32] = [0]
        var lists = PostingLists(vocabulary: Vocabulary(), documentCount: order.count, fieldLengths: lengths, offsets: [])
        lists.signatures = signatures
        var merged: [(doc: UInt32, tf: (UInt32, UInt32, UInt32))] = []
        func read(_ x: InvertedIndex, _ term: Int, _ map: [Int32], _ pos: inout Int, into out: inout [(doc: UInt32, tf: (UInt32, UInt32, UInt32))]) throws(MergeError) {
            for slot in Int(x.offsets[term])..<Int(x.offsets[term + 1]) {
                guard let t0 = TermFrequencyStream.next(x.termFrequencies, &pos), let t1 = TermFrequencyStream.next(x.termFrequencies, &pos),
                    let t2 = TermFrequencyStream.next(x.termFrequencies, &pos)
                else { throw MergeError(description: "merge: term-frequency stream ends early") }
                let nd = map[Int(x.docs[slot])]
                if nd >= 0 { out.append((UInt32(nd), (t0, t1, t2))) }
            }
        }
        var i = 0, j = 0
        let ta = a.vocabulary.terms, tb = b.vocabulary.terms
        var fromA: [(doc: UInt32, tf: (UInt32, UInt32, UInt32))] = [], fromB: [(doc: UInt32, tf: (UInt32, UInt32, UInt32))] = []
        while i < ta.count || j < tb.count {
            let term: String
            fromA.removeAll(keepingCapacity: true)
            fromB.removeAll(keepingCapacity: true)
            if j >= tb.count || (i < ta.count && ta[i] < tb[j]) {
                term = ta[i]
                try read(a, i, newA, &posA, into: &fromA)
                i += 1
            } else if i >= ta.count || tb[j] < ta[i] {
                term = tb[j]
                try read(b, j, newB, &posB, into: &fromB)
                j += 1
            } else {
                term = ta[i]
                try read(a, i, newA, &posA, into: &fromA)
                try read(b, j, newB, &posB, into: &fromB)
                i += 1
                j += 1
            }
            // both lists ascend in the new numbering: merge them
            merged.removeAll(keepingCapacity: true)
            var x = 0, y = 0
            while x < fromA.count || y < fromB.count {
                if y >= fromB.count || (x < fromA.count && fromA[x].doc < fromB[y].doc) {
                    merged.append(fromA[x]); x += 1
                } else {
                    merged.append(fromB[y]); y += 1
                }
            }
            guard !merged.isEmpty else { continue }
            terms.append(term)
            for e in merged { lists.appendEntry(doc: e.doc, tf: e.tf) }
            offsets.append(UInt32(lists.docs.count))
        }
        lists.vocabulary = Vocabulary(terms: terms)
        lists.offsets = offsets
        return lists.finish(parameters: parameters)
    }
}

/// A frozen inverted index in contiguous arrays: for term `t`, documents
/// `docs[offsets[t]..<offsets[t+1]]` (ascending) with their BM25 impacts (field-weighted sum of
/// per-field BM25, idf included). A query's score for a document is Σ weight(t) · impact(t, d).
package struct InvertedIndex: Sendable, Equatable {
    package let parameters: BM25Parameters
    package let vocabulary: Vocabulary
    package let documentCount: Int
    /// Documents containing the term in any field.
    package let documentFrequency: [UInt32]
    /// `[term * fieldCount + field]`.
    package let fieldDocumentFrequency: [UInt32]
    /// `[doc * fieldCount + field]`, in terms.
    package let fieldLengths: [UInt32]
    package let averageFieldLengths: [Double]
    package let offsets: [UInt32]
    package let docs: [UInt32]
    package let impacts: [Float]
    /// `signatureLength` MinHash values per document over its title + description terms:
    /// the share of equal values estimates the Jaccard similarity of two documents' term sets.
    package let signatures: [UInt32]
    /// Per entry, the term's frequency in each field (``TermFrequencyStream``): what a merge
    /// needs to recompute impacts when the statistics change.
    package let termFrequencies: [UInt8]

    package static let fieldCount = IndexField.allCases.count
    package static let signatureLength = 64

    /// The same index with `impacts` (one per entry of `docs`).
    func with(impacts: [Float]) -> InvertedIndex {
        InvertedIndex(
            parameters: parameters, vocabulary: vocabulary, documentCount: documentCount,
            documentFrequency: documentFrequency, fieldDocumentFrequency: fieldDocumentFrequency,
            fieldLengths: fieldLengths, averageFieldLengths: averageFieldLengths,
            offsets: offsets, docs: docs, impacts: impacts, signatures: signatures, termFrequencies: termFrequencies)
    }

    /// FNV-1a over the UTF-8 bytes: a fixed hash of a term's text.
    package static func textHash(_ term: String) -> UInt64 { StableHash.fnv1a(term) }

    /// SplitMix64's finaliser: a fixed, well-mixed hash of a term id (same bytes on every run).
    @inline(__always)
    package static func mix(_ x: UInt64) -> UInt64 { StableHash.splitMix(x) }

    /// Estimated Jaccard similarity of two documents' title + description terms (0 when either
    /// has no terms).
    package func similarity(_ a: UInt32, _ b: UInt32) -> Double {
        let k = Self.signatureLength
        if signatures[Int(a) * k] == .max || signatures[Int(b) * k] == .max { return 0 }
        let same = MinHashKernel.agreements(signatures[(Int(a) * k)..<(Int(a) * k + k)], signatures[(Int(b) * k)..<(Int(b) * k + k)])
        return Double(same) / Double(k)
    }

    package func postings(_ term: UInt32) -> (docs: ArraySlice<UInt32>, impacts: ArraySlice<Float>) {
        let lo = Int(offsets[Int(term)]), hi = Int(offsets[Int(term) + 1])
        return (docs[lo..<hi], impacts[lo..<hi])
    }

    /// Lucene idf over whole documents (used to normalise a query's score).
    package func documentIDF(_ term: UInt32?) -> Double {
        let df = term.map { Int(documentFrequency[Int($0)]) } ?? 0
        return BM25Parameters.idf(documentCount: documentCount, documentFrequency: df)
    }

    /// The impact of `term` in `doc`, 0 when absent (binary search; for explanations, not the hot path).
    package func impact(term: UInt32, doc: UInt32) -> Float {
        let (d, w) = postings(term)
        let lo = SortedSearch.lowerBound(d, doc)
        return lo < d.endIndex && d[lo] == doc ? w[lo] : 0
    }

    /// Term-at-a-time accumulation of `Σ weight · impact` into a reused accumulator.
    package func accumulate(_ query: [WeightedTerm], into accumulator: inout ScoreAccumulator) {
        var entries = 0
        for q in query { entries += Int(offsets[Int(q.term) + 1] - offsets[Int(q.term)]) }
        accumulator.begin(capacity: documentCount, expectedEntries: entries)
        for q in query {
            let (d, w) = postings(q.term)
            accumulator.accumulate(docs: d, impacts: w, weight: q.weight)
        }
    }

    /// ``accumulate(_:into:)`` for up to ``BlockAccumulator/width`` queries at once, lane `i` for
    /// `queries[i]`: the union of their terms in ascending term order, each list read once. Each
    /// lane gets the same bits as accumulating its query alone.
    ///
    /// With `only`, the long lists add only the entries of the classes set in `accepted` (from
    /// `partition`, built from this index): the other documents' scores are then incomplete, for
    /// callers that will not read them.
    package func accumulate(block queries: [[WeightedTerm]], into block: inout BlockAccumulator,
                            only: (partition: ClassPartition, accepted: UInt64)? = nil) {
        precondition(queries.count <= BlockAccumulator.width, "InvertedIndex: at most \(BlockAccumulator.width) queries per block")
        var all: [(term: UInt32, lane: Int, weight: Float)] = []
        all.reserveCapacity(queries.reduce(0) { $0 + $1.count })
        for (lane, q) in queries.enumerated() {
            // the single-query order (and one weight per term) is what makes the bits equal
            precondition(zip(q, q.dropFirst()).allSatisfy { $0.term < $1.term }, "InvertedIndex: a query's terms must ascend strictly")
            for t in q { all.append((t.term, lane, t.weight)) }
        }
        all.sort { $0.term < $1.term || ($0.term == $1.term && $0.lane < $1.lane) }
        block.begin(capacity: documentCount)
        var i = 0
        while i < all.count {
            let term = all[i].term
            var weights = SIMD8<Float>.zero
            while i < all.count && all[i].term == term {
                weights[all[i].lane] = all[i].weight
                i += 1
            }
            if let only, only.partition.isSplit(term) {
                for c in 0..<only.partition.classCount where only.accepted & (1 << UInt64(c)) != 0 {
                    if let (d, w) = only.partition.part(term: term, class: c), !d.isEmpty {
                        block.accumulate(docs: d, impacts: w, weights: weights)
                    }
                }
            } else {
                let (d, w) = postings(term)
                block.accumulate(docs: d, impacts: w, weights: weights)
            }
        }
    }

    /// Bytes held by the index arrays (for `stats`).
    package var byteCount: Int {
        offsets.count * 4 + docs.count * 4 + impacts.count * 4 + documentFrequency.count * 4 + signatures.count * 4
            + fieldDocumentFrequency.count * 4 + fieldLengths.count * 4 + termFrequencies.count
            + vocabulary.terms.reduce(0) { $0 + $1.utf8.count + 1 }
    }
}

/// A query term with its weight.
package struct WeightedTerm: Sendable, Equatable {
    package var term: UInt32
    package var weight: Float
    package init(term: UInt32, weight: Float) {
        self.term = term
        self.weight = weight
    }
}
