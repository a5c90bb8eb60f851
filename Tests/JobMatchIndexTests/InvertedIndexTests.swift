import Foundation
@testable import JobMatchIndex
import JobMatchKernels
import JobMatchTestSupport
import JobMatchText
import Testing

@Suite("Inverted index against the brute-force reference")
struct InvertedIndexTests {
    func randomCorpus(_ rng: inout SeededRandom, docs: Int) -> [[[String]]] {
        let vocab = (0..<40).map { "t\($0)" }
        return (0..<docs).map { _ in
            (0..<3).map { f in
                let len = Int.random(in: 0...(f == 2 ? 30 : 6), using: &rng)
                return (0..<len).map { _ in vocab[min(Int.random(in: 0..<40, using: &rng), Int.random(in: 0..<40, using: &rng))] }
            }
        }
    }

    @Test("a block over a class partition gives the accepted classes' documents the whole lists' bits, on any number of threads")
    func classPartitionKeepsBits() {
        var rng = SeededRandom(seed: 31)
        for trial in 0..<25 {
            let docs = randomCorpus(&rng, docs: Int.random(in: 1...150, using: &rng))
            var builder = IndexBuilder()
            for d in docs { builder.add(fields: d) }
            let index = builder.build(parameters: BM25Parameters(k1: 1.2, b: 0.75, fieldWeights: [2, 1.5, 1]))
            let classCount = Int.random(in: 1...6, using: &rng)
            let classes = (0..<docs.count).map { _ in UInt8.random(in: 0..<UInt8(classCount), using: &rng) }
            let minimum = [1, 5, 40, 10_000][trial % 4]  // all lists split … none
            let partitions = [1, 2, 3].map { ClassPartition(index: index, classes: classes, classCount: classCount, minimumLength: minimum, threads: $0) }
            let queries: [[WeightedTerm]] = (0..<Int.random(in: 1...8, using: &rng)).map { _ in
                Array(Set((0..<Int.random(in: 0...12, using: &rng)).map { _ in UInt32.random(in: 0..<UInt32(max(1, index.vocabulary.count)), using: &rng) }))
                    .filter { Int($0) < index.vocabulary.count }.sorted().map { WeightedTerm(term: $0, weight: Float.random(in: 0.1...3, using: &rng)) }
            }
            var whole = BlockAccumulator()
            index.accumulate(block: queries, into: &whole)
            let accepted = UInt64.random(in: 0..<(1 << UInt64(classCount)), using: &rng)
            for (n, partition) in partitions.enumerated() {
                var part = BlockAccumulator()
                index.accumulate(block: queries, into: &part, only: (partition, accepted))
                for d in 0..<docs.count {
                    if accepted & (1 << UInt64(classes[d])) != 0 {
                        for lane in 0..<BlockAccumulator.width {
                            #expect(part.scores[d][lane].bitPattern == whole.scores[d][lane].bitPattern, "trial \(trial) threads \(n + 1) doc \(d)")
                        }
                    } else if minimum == 1 {
                        #expect(part.scores[d] == .zero, "trial \(trial): a document of a class not accepted was scored")
                    }
                }
            }
        }
    }

    @Test("index scores equal the reference on seeded random corpora")
    func matchesReference() {
        var rng = SeededRandom(seed: 17)
        for trial in 0..<30 {
            let docs = randomCorpus(&rng, docs: Int.random(in: 1...120, using: &rng))
            let params = BM25Parameters(k1: Double.random(in: 0.5...2, using: &rng), b: Double.random(in: 0...1, using: &rng),
                                        fieldWeights: [Double.random(in: 0...3, using: &rng), 1.5, 1])
            var builder = IndexBuilder()
            for d in docs { builder.add(fields: d) }
            let index = builder.build(parameters: params)
            var query: [String: Double] = [:]
            for _ in 0..<Int.random(in: 1...6, using: &rng) { query["t\(Int.random(in: 0..<45, using: &rng))"] = Double.random(in: 0.1...3, using: &rng) }
            let weighted = query.compactMap { (t, w) in index.vocabulary.id(of: t).map { WeightedTerm(term: $0, weight: Float(w)) } }
                .sorted { $0.term < $1.term }
            var acc = ScoreAccumulator(capacity: 0)
            index.accumulate(weighted, into: &acc)
            let ref = ReferenceScorer.scores(documents: docs, query: query, parameters: params)
            for d in 0..<docs.count {
                let got = Double(acc.scores[d])
                #expect(abs(got - ref[d]) <= 1e-4 * max(1, abs(ref[d])), "trial \(trial) doc \(d): \(got) vs \(ref[d])")
            }
        }
    }

    @Test("over several runs of builder entries the index equals the reference, and impacts handed out in runs are the kept ones")
    func entryRunsAndEmittedImpacts() throws {
        var rng = SeededRandom(seed: 41)
        let run = IndexBuilder.chunkDocuments
        for count in [0, 1, run - 1, run, run + 1, 2 * run, 2 * run + 577] {
            let docs = randomCorpus(&rng, docs: count)
            let params = BM25Parameters(k1: 1.1, b: 0.7, fieldWeights: [2, 1.5, 1])
            var builder = IndexBuilder()
            for d in docs { builder.add(fields: d) }
            let index = builder.build(parameters: params)
            // posting lists: every document containing the term, ascending, once
            for (t, term) in index.vocabulary.terms.enumerated() {
                let expected = docs.indices.filter { d in docs[d].contains { $0.contains(term) } }.map(UInt32.init)
                #expect(Array(index.postings(UInt32(t)).docs) == expected, "\(count) documents, term \(term)")
            }
            var query: [String: Double] = [:]
            for i in 0..<5 { query["t\(i * 7)"] = Double(i + 1) / 2 }
            let weighted = query.compactMap { (t, w) in index.vocabulary.id(of: t).map { WeightedTerm(term: $0, weight: Float(w)) } }
                .sorted { $0.term < $1.term }
            var acc = ScoreAccumulator(capacity: 0)
            index.accumulate(weighted, into: &acc)
            let ref = ReferenceScorer.scores(documents: docs, query: query, parameters: params)
            for d in 0..<count {
                #expect(abs(Double(acc.scores[d]) - ref[d]) <= 1e-4 * max(1, abs(ref[d])), "\(count) documents, doc \(d)")
            }
            for size in [1, 7, 4096] {
                var again = IndexBuilder()
                for d in docs { again.add(fields: d) }
                var emitted: [Float] = [], calls = 0
                let bare = again.build(parameters: params, impactsRun: size) { (impacts: inout [Float]) throws(Never) in
                    #expect(impacts.count <= size)
                    emitted += impacts
                    calls += 1
                }
                #expect(bare.impacts.isEmpty && emitted.count == index.docs.count && calls >= 1)
                #expect(emitted.map(\.bitPattern) == index.impacts.map(\.bitPattern), "\(count) documents, runs of \(size)")
                #expect(bare.docs == index.docs && bare.termFrequencies == index.termFrequencies && bare.signatures == index.signatures)
                let file = IndexFile.pieces(bare, impacts: .floats(emitted), records: .bytes([1, 2, 3]))
                var bytes: [UInt8] = []
                for piece in file { piece.append(to: &bytes) }
                #expect(bytes == IndexFile.encode(index, records: [1, 2, 3]))
            }
        }
    }

    @Test("impacts worked out by two threads, in any runs, are bit for bit the one-by-one formula's (term frequencies of 128 and 255 or more too)")
    func impactsBitForBit() throws {
        var rng = SeededRandom(seed: 47)
        for trial in 0..<6 {
            var docs = randomCorpus(&rng, docs: [1, 5, 700, 3000, 5000, 9000][trial])
            // a term repeated past one byte (255 or more) and past LEB128's one byte (128 or more)
            docs[0][2] += [String](repeating: "t3", count: 300) + [String](repeating: "t5", count: 130)
            let params = BM25Parameters(k1: Double.random(in: 0.5...2, using: &rng), b: Double.random(in: 0...1, using: &rng),
                                        fieldWeights: [Double.random(in: 0.5...3, using: &rng), 1.5, 0.7])
            var reference: [UInt32]? = nil
            for (parallel, run) in [(false, Int.max), (true, Int.max), (true, 1), (true, 3), (true, 4099), (false, 7)] {
                var builder = IndexBuilder()
                for d in docs { builder.add(fields: d) }
                var emitted: [Float] = []
                let index = builder.build(parameters: params, impactsRun: run, parallel: parallel) { (impacts: inout [Float]) throws(Never) in
                    emitted += impacts
                }
                let bits = emitted.map(\.bitPattern)
                if let reference {
                    #expect(bits == reference, "trial \(trial), parallel \(parallel), runs of \(run)")
                    continue
                }
                reference = bits
                // the formula entry by entry, from the index's own statistics and stream
                var expected: [UInt32] = []
                var pos = 0
                let n = index.documentCount
                for term in 0..<index.vocabulary.count {
                    for slot in Int(index.offsets[term])..<Int(index.offsets[term + 1]) {
                        let d = Int(index.docs[slot])
                        var sum = 0.0, first = true
                        for f in 0..<3 {
                            let tf = try #require(TermFrequencyStream.next(index.termFrequencies, &pos))
                            guard tf > 0 else { continue }
                            let idf = BM25Parameters.idf(documentCount: n, documentFrequency: Int(index.fieldDocumentFrequency[term * 3 + f]))
                            let x = params.fieldWeights[f] * idf
                                * params.tfPart(tf: Int(tf), length: Int(index.fieldLengths[d * 3 + f]), averageLength: index.averageFieldLengths[f])
                            sum = first ? x : sum + x
                            first = false
                        }
                        expected.append(Float(sum).bitPattern)
                    }
                }
                #expect(pos == index.termFrequencies.count)
                #expect(bits == expected, "trial \(trial)")
                #expect(bits.contains { $0 != 0 })
            }
        }
    }

    @Test("documents counted on other threads with the terms known so far give the index of documents added plainly")
    func countedDocuments() {
        var rng = SeededRandom(seed: 43)
        let params = BM25Parameters(k1: 1.1, b: 0.7, fieldWeights: [2, 1.5, 1])
        func terms(_ fields: [[String]]) -> DocumentTerms {
            var d = DocumentTerms()
            for f in fields {
                for t in f { d.terms.append(t) }
                d.endField()
            }
            return d
        }
        var docs = randomCorpus(&rng, docs: 2 * IndexBuilder.chunkDocuments + 300)
        // term frequencies past the one-byte limit, a repeated term across fields, empty fields
        docs[1_500] = [Array(repeating: "t3", count: 300), ["t3", "t3"], Array(repeating: "t5", count: 70_000)]
        docs[1_501] = [[], [], []]
        var plain = IndexBuilder()
        for d in docs { plain.add(fields: d) }
        let expected = plain.build(parameters: params)
        var counted = IndexBuilder(), counter = TermCounter()
        var known = counted.knownTerms  // empty: nothing counted until the first batch is in
        var countedDocuments = 0
        for (i, d) in docs.enumerated() {
            if i % 256 == 0 { known = counted.knownTerms }  // a batch boundary
            var document = terms(d)
            document.count(with: known, &counter)
            if let c = document.counts {
                countedDocuments += 1
                // the counts are each field's distinct terms in first-occurrence order, with their tf
                var start = 0
                for (f, field) in d.enumerated() {
                    var order: [String] = [], tf: [String: UInt32] = [:]
                    for t in field {
                        if tf[t] == nil { order.append(t) }
                        tf[t, default: 0] += 1
                    }
                    let got = (start..<c.fieldEnds[f]).map { k in (counted.vocabulary.terms[Int(c.ids[k])], c.tf[k]) }
                    #expect(got.map { $0.0 } == order && got.map { $0.1 } == order.map { tf[$0]! }, "document \(i) field \(f)")
                    start = c.fieldEnds[f]
                }
            } else {
                // a term the builder had not seen when the batch began
                #expect(d.joined().contains { known.ids.value(for: $0) == nil }, "document \(i)")
            }
            counted.add(document)
        }
        #expect(countedDocuments > docs.count / 2)
        #expect(counted.build(parameters: params) == expected)
    }

    /// Fields and documents without terms add nothing through a span; on two threads at once
    /// that must not write the count of the process's shared empty array (a race only
    /// ThreadSanitizer sees: CI's sanitizer run fails on its report). Each thread's index is
    /// also checked against the one of the same documents added plainly.
    @Test("documents with empty fields, counted and added on two threads at once, give the plainly built index")
    func emptyFieldsOnTwoThreads() {
        let params = BM25Parameters(k1: 1.2, b: 0.75, fieldWeights: [2, 1.5, 1])
        let docs: [[[String]]] = [[["a"], [], []], [[], [], []], [[], ["b", "b"], []], [["a"], [], ["c", "a"]], [[], [], []]]
        var plain = IndexBuilder()
        for d in docs + docs { plain.add(fields: d) }
        let expected = plain.build(parameters: params)
        let mismatches = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            for _ in 0..<100 {
                var builder = IndexBuilder(), counter = TermCounter()
                for d in docs { builder.add(fields: d) }  // the terms, known from here on
                let known = builder.knownTerms
                for d in docs {
                    var document = DocumentTerms()
                    for field in d {
                        for t in field { document.terms.append(t) }
                        document.endField()
                    }
                    document.count(with: known, &counter)
                    if document.counts == nil { mismatches.withLock { $0 += 1 } }
                    builder.add(document)
                }
                if builder.build(parameters: params) != expected { mismatches.withLock { $0 += 1 } }
            }
        }
        #expect(mismatches.withLock { $0 } == 0)
    }

    @Test func postingListsAreSortedAndDocumentFrequenciesCount() {
        var builder = IndexBuilder()
        builder.add(fields: [["a", "b"], [], ["a"]])
        builder.add(fields: [[], ["b"], []])
        builder.add(fields: [["a"], [], []])
        let index = builder.build(parameters: BM25Parameters())
        let a = index.vocabulary.id(of: "a")!, b = index.vocabulary.id(of: "b")!
        #expect(Array(index.postings(a).docs) == [0, 2])
        #expect(Array(index.postings(b).docs) == [0, 1])
        #expect(index.documentFrequency[Int(a)] == 2)
        #expect(index.fieldDocumentFrequency[Int(a) * 3 + 0] == 2)
        #expect(index.fieldDocumentFrequency[Int(a) * 3 + 2] == 1)
        #expect(index.impact(term: a, doc: 1) == 0)
        #expect(index.impact(term: a, doc: 2) > 0)
    }

    @Test("MinHash signatures estimate the Jaccard similarity of title + description terms")
    func similarity() {
        var builder = IndexBuilder()
        let words = (0..<200).map { "w\($0)" }
        builder.add(fields: [Array(words[0..<20]), ["skill"], Array(words[20..<100])])   // 0
        builder.add(fields: [Array(words[0..<20]), ["other"], Array(words[20..<100])])   // 1: same text, skills ignored
        builder.add(fields: [Array(words[100..<120]), [], Array(words[120..<200])])      // 2: disjoint
        builder.add(fields: [Array(words[0..<20]), [], Array(words[60..<140])])          // 3: 60 of 140 shared
        let index = builder.build(parameters: BM25Parameters())
        #expect(index.similarity(0, 1) == 1)
        #expect(index.similarity(0, 2) <= 0.1)
        let s = index.similarity(0, 3)
        #expect(s > 0.2 && s < 0.7, "estimate \(s) of 60/140")
    }

    @Test("Terms are one term when their strings are equal, whatever their bytes")
    func canonicalEquivalentTerms() {
        var builder = IndexBuilder()
        builder.add(fields: [["caf\u{E9}", "x"], [], ["cafe\u{301}", "caf\u{E9}"]])
        builder.add(fields: [["cafe\u{301}"], [], []])
        let index = builder.build(parameters: BM25Parameters())
        #expect(index.vocabulary.count == 2)
        let id = index.vocabulary.id(of: "caf\u{E9}")!
        #expect(index.vocabulary.id(of: "cafe\u{301}") == id)
        #expect(Array(index.postings(id).docs) == [0, 1])
        #expect(index.fieldDocumentFrequency[Int(id) * 3 + 2] == 1)
    }

    @Test("A signature is, per position, the least hash of the document's title + description terms")
    func signatureDefinition() {
        var builder = IndexBuilder()
        let docs: [[[String]]] = [
            [["지게", "게차"], ["skill"], ["물류", "지게"]],
            [[], ["only-skill"], []],
            [["a"], [], ["b", "c", "a", "d"]],
        ]
        for d in docs { builder.add(fields: d) }
        let index = builder.build(parameters: BM25Parameters())
        let k = InvertedIndex.signatureLength
        for (i, d) in docs.enumerated() {
            let terms = Set(d[0] + d[2])
            let expected = (0..<k).map { j in
                terms.map { t in
                    UInt32(truncatingIfNeeded: InvertedIndex.mix(InvertedIndex.textHash(t) &+ UInt64(j) &* 0x9E37_79B9_7F4A_7C15) >> 32)
                }.min() ?? .max
            }
            #expect(Array(index.signatures[(i * k)..<((i + 1) * k)]) == expected, "document \(i)")
        }
    }

    @Test func luceneIDF() {
        // ln(1 + (N − df + 0.5)/(df + 0.5))
        #expect(abs(BM25Parameters.idf(documentCount: 10, documentFrequency: 2) - 1.4816045409242156) < 1e-12)
    }
}

@Suite("Index file format")
struct IndexFileTests {
    func sample() -> InvertedIndex {
        var builder = IndexBuilder()
        let a = KoreanAnalyzer()
        for t in ["물류센터 지게차", "요양보호사 모집", "Java 개발자", "지게차 기사"] { builder.add(fields: [a.terms(t), [], a.terms(t + " 우대")]) }
        return builder.build(parameters: BM25Parameters())
    }

    @Test func roundTrip() throws {
        let index = sample()
        let bytes = IndexFile.encode(index)
        #expect(try IndexFile.decode(bytes, file: "x") == index)
        #expect(IndexFile.encode(index) == bytes, "encoding is deterministic")
    }

    @Test("Written piece by piece, the file is the encoded bytes")
    func piecesWriteTheSameFile() throws {
        let index = sample()
        let records = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let bytes = IndexFile.encode(index, records: records)
        let pieces = IndexFile.pieces(index, records: records)
        #expect(pieces.count > 3 && pieces.reduce(0) { $0 + $1.count } == bytes.count)
        #expect(FilePiece.checksum(pieces) == CRC32C.checksum(bytes[...]))
        #expect(IndexFile.fingerprint(pieces) == IndexFile.fingerprint(bytes))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jm-pieces-\(UInt64.random(in: 0...UInt64.max)).bin").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try FileSystem.write(pieces: pieces, to: path)
        let read = try #require(FileManager.default.contents(atPath: path))
        #expect([UInt8](read) == bytes)
        #expect(try IndexFile.decode([UInt8](read), file: path) == index)
    }

    @Test("every single-byte flip is detected")
    func corruptionDetected() {
        let bytes = IndexFile.encode(sample())
        for i in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 200)) {
            var damaged = bytes
            damaged[i] ^= 0x5A
            #expect(throws: IndexFileError.self) { try IndexFile.decode(damaged, file: "index.bin") }
        }
    }

    @Test("1,000 seeded byte flips, truncations, zeroed pages and appended bytes: every one refused with a typed error naming the file (and the section when it is one)")
    func seededCorruption() {
        // a bigger index so that damage lands in every section
        var builder = IndexBuilder()
        let a = KoreanAnalyzer()
        var rng = SeededRandom(seed: 2026)
        let words = ["물류", "센터", "지게차", "요양", "보호사", "개발자", "Java", "용접", "간호", "조리", "경비", "운전", "사무", "회계", "영업"]
        for _ in 0..<300 {
            let text = (0..<12).map { _ in words[Int.random(in: 0..<words.count, using: &rng)] }.joined(separator: " ")
            builder.add(fields: [a.terms(text), [], a.terms(text + " 우대")])
        }
        let bytes = IndexFile.encode(builder.build(parameters: BM25Parameters()))
        var detected = 0, namedSections: Set<String> = []
        for trial in 0..<1_000 {
            var damaged = bytes
            switch trial % 4 {
            case 0:  // flip one to eight bits of one byte
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                damaged[i] ^= UInt8.random(in: 1...255, using: &rng)
            case 1:  // truncate
                damaged = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
            case 2:  // zero a 4 KiB-aligned page (or what is left of it)
                let page = Int.random(in: 0...(bytes.count / 4096), using: &rng) * 4096
                for i in page..<min(bytes.count, page + 4096) { damaged[i] = 0 }
            default:  // bytes appended
                damaged += (0..<Int.random(in: 1...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            if damaged == bytes { continue }
            do {
                _ = try IndexFile.decode(damaged, file: "index.bin")
                Issue.record("trial \(trial): damaged file accepted")
            } catch {
                detected += 1
                #expect(error.file == "index.bin")
                if let s = error.section { namedSections.insert(s) }
            }
        }
        #expect(detected >= 990)
        #expect(namedSections.count >= 8, "damage inside sections is reported with the section's name: \(namedSections.sorted())")
    }

    @Test func truncationAndWrongMagicNamed() {
        let bytes = IndexFile.encode(sample())
        for cut in [0, 3, 20, bytes.count / 2, bytes.count - 1] {
            #expect(throws: IndexFileError.self) { try IndexFile.decode(Array(bytes.prefix(cut)), file: "index.bin") }
        }
        // a reserved header word other than 0, with the table's checksum made to match (found by
        // the fuzzer: the reader must accept only what the writer produces)
        var reserved = bytes
        reserved[14] = 0x22
        let tableEnd = 16 + 24 * IndexFile.Section.allCases.count
        let crc = CRC32C.checksum(reserved[0..<tableEnd])
        for i in 0..<4 { reserved[reserved.count - 12 + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
        #expect(throws: IndexFileError.self) { try IndexFile.decode(reserved, file: "index.bin") }
        var wrong = bytes
        wrong[0] = UInt8(ascii: "X")
        do {
            _ = try IndexFile.decode(wrong, file: "dir/index.bin")
            Issue.record("accepted a file with the wrong magic")
        } catch {
            #expect(error.description.hasPrefix("dir/index.bin:"))
            #expect(error.description.contains("magic"))
        }
    }

    @Test("merging two segments with deletions equals a fresh build of the documents kept")
    func mergeEqualsFreshBuild() throws {
        var rng = SeededRandom(seed: 23)
        for trial in 0..<40 {
            let docsA = InvertedIndexTests().randomCorpus(&rng, docs: Int.random(in: 0...60, using: &rng))
            var docsB = InvertedIndexTests().randomCorpus(&rng, docs: Int.random(in: 0...20, using: &rng))
            if trial % 5 == 0 && !docsB.isEmpty {  // term frequencies past the packed 10 bits
                docsB[0][2] += Array(repeating: "t1", count: 1_500) + Array(repeating: "big", count: 70_000)
            }
            if trial % 7 == 0 { docsB.append([["새말", "t3"], [], ["새말"]]) }  // terms only the delta has
            let params = BM25Parameters(k1: Double.random(in: 0.5...2, using: &rng), b: Double.random(in: 0...1, using: &rng),
                                        fieldWeights: [Double.random(in: 0...3, using: &rng), 1.5, 1])
            func build(_ docs: [[[String]]]) -> InvertedIndex {
                var b = IndexBuilder()
                for d in docs { b.add(fields: d) }
                return b.build(parameters: params)
            }
            let a = build(docsA), b = build(docsB)
            // keep a random subset of each, interleaved at random (each segment's order kept)
            let keptA = (0..<docsA.count).filter { _ in Double.random(in: 0..<1, using: &rng) < 0.8 }
            let keptB = (0..<docsB.count).filter { _ in Double.random(in: 0..<1, using: &rng) < 0.9 }
            var order: [(segment: Int, doc: UInt32)] = []
            var x = 0, y = 0
            while x < keptA.count || y < keptB.count {
                if y >= keptB.count || (x < keptA.count && Bool.random(using: &rng)) {
                    order.append((0, UInt32(keptA[x]))); x += 1
                } else {
                    order.append((1, UInt32(keptB[y]))); y += 1
                }
            }
            let merged = try InvertedIndex.merged(a, b, order: order, parameters: params)
            let fresh = build(order.map { $0.segment == 0 ? docsA[Int($0.doc)] : docsB[Int($0.doc)] })
            #expect(merged == fresh, "trial \(trial): \(order.count) documents")
            // and merging the result with an empty segment changes nothing
            let again = try InvertedIndex.merged(merged, build([]), order: (0..<order.count).map { (0, UInt32($0)) }, parameters: params)
            #expect(again == fresh)
        }
    }

    @Test("term hashes are fixed values (MinHash signatures are stored in segments)")
    func goldenHashes() {
        #expect(InvertedIndex.textHash("") == 0xCBF2_9CE4_8422_2325)
        #expect(InvertedIndex.textHash("a") == 0xAF63_DC4C_8601_EC8C)
        #expect(InvertedIndex.mix(0) == 0xE220_A839_7B1D_CDAF)
    }

    @Test("term frequencies are exact around the one-byte limits (builder entries, posting lists) and the one-byte varint")
    func largeTermFrequencies() {
        var b = IndexBuilder()
        b.add(fields: [["x"], [], []])
        let counts = [("a", 254), ("b", 255), ("c", 256), ("d", 1_023), ("e", 1_500), ("f", 70_000)]
        b.add(fields: [Array(repeating: "a", count: 254) + Array(repeating: "b", count: 255),
                       Array(repeating: "c", count: 256),
                       counts.dropFirst(3).flatMap { Array(repeating: $0.0, count: $0.1) } + ["a"]])
        let index = b.build(parameters: BM25Parameters(k1: 1.2, b: 0.75, fieldWeights: [1.5, 1, 1]))
        // one document per term but "x": entries in term order, three fields each
        var pos = 0
        var values: [UInt32] = []
        while let v = TermFrequencyStream.next(index.termFrequencies, &pos) { values.append(v) }
        #expect(values == [254, 0, 1, 255, 0, 0, 0, 256, 0, 0, 0, 1_023, 0, 0, 1_500, 0, 0, 70_000, 1, 0, 0])
        // the same in a later run of builder entries (past the first 1,024 documents), with a
        // last, partial run of documents that have no terms at all
        var later = IndexBuilder()
        let run = IndexBuilder.chunkDocuments
        for _ in 0..<(run + 476) { later.add(fields: [["x"], [], []]) }
        later.add(fields: [["x"], Array(repeating: "c", count: 300), Array(repeating: "f", count: 70_000)])
        for _ in 0..<(run - 477) { later.add(fields: [["x"], [], []]) }
        for _ in 0..<7 { later.add(fields: [[], [], []]) }  // a third run, of documents without terms
        let far = later.build(parameters: BM25Parameters(k1: 1.2, b: 0.75, fieldWeights: [1.5, 1, 1]))
        #expect(far.documentCount == 2 * run + 7)
        let c = far.vocabulary.id(of: "c")!, f = far.vocabulary.id(of: "f")!, x = far.vocabulary.id(of: "x")!
        #expect(Array(far.postings(c).docs) == [UInt32(run + 476)] && Array(far.postings(f).docs) == [UInt32(run + 476)])
        #expect(Array(far.postings(x).docs) == (0..<UInt32(2 * run)).map { $0 })
        pos = 0
        values = []
        while let v = TermFrequencyStream.next(far.termFrequencies, &pos) { values.append(v) }
        #expect(values.count == 3 * (2 * run + 2))
        #expect(Array(values[0..<3]) == [0, 300, 0] && Array(values[3..<6]) == [0, 0, 70_000] && Array(values[6..<9]) == [1, 0, 0])
        // below 128 the lists' bytes are the stream itself; 128 is the first two-byte varint
        for (top, expected) in [(127, [UInt8]([2, 0, 0, 0, 127, 0, 0, 0, 1, 0, 0, 1])), (128, [2, 0, 0, 0, 0x80, 0x01, 0, 0, 0, 1, 0, 0, 1])] {
            var small = IndexBuilder()
            small.add(fields: [["x", "x"], [], ["z"]])
            small.add(fields: [[], Array(repeating: "y", count: top), ["z"]])
            let i = small.build(parameters: BM25Parameters(k1: 1.2, b: 0.75, fieldWeights: [1.5, 1, 1]))
            #expect(i.termFrequencies == expected, "\(top)")
        }
    }

    @Test("merge refuses an order that repeats or reorders a segment's documents")
    func mergeChecksOrder() {
        var builder = IndexBuilder()
        builder.add(fields: [["a"], [], []])
        builder.add(fields: [["b"], [], []])
        let a = builder.build(parameters: BM25Parameters())
        #expect(throws: InvertedIndex.MergeError.self) { try InvertedIndex.merged(a, a, order: [(0, 1), (0, 0)], parameters: BM25Parameters()) }
        #expect(throws: InvertedIndex.MergeError.self) { try InvertedIndex.merged(a, a, order: [(0, 0), (0, 0)], parameters: BM25Parameters()) }
        #expect(throws: InvertedIndex.MergeError.self) { try InvertedIndex.merged(a, a, order: [(1, 5)], parameters: BM25Parameters()) }
    }

    @Test("term ids follow sorted term order, whatever order documents introduced them")
    func canonicalVocabulary() {
        var one = IndexBuilder(), two = IndexBuilder()
        one.add(fields: [["다", "가"], [], ["나"]])
        two.add(fields: [["가"], [], ["나", "다"]])
        #expect(one.build(parameters: BM25Parameters()).vocabulary.terms == ["가", "나", "다"])
        #expect(two.build(parameters: BM25Parameters()).vocabulary.terms == ["가", "나", "다"])
    }
}
