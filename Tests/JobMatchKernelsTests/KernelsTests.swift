import Foundation
import JobMatchKernels
import JobMatchTestSupport
import Synchronization
import Testing

@Suite("BLAS wrappers against scalar references")
struct BLASTests {
    func randomMatrix(_ r: Int, _ c: Int, _ rng: inout SeededRandom) -> DenseMatrix {
        DenseMatrix(rows: r, cols: c, storage: (0..<(r * c)).map { _ in Float.random(in: -1...1, using: &rng) })
    }

    func close(_ a: Float, _ b: Float) -> Bool { abs(a - b) <= 1e-4 * max(1, abs(b)) }

    @Test("dot on odd lengths", arguments: [1, 2])
    func dot(threads: Int) {
        BLAS.setThreads(threads)
        var rng = SeededRandom(seed: 7)
        for n in [0, 1, 3, 17, 1001] {
            let x = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
            let y = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
            #expect(close(BLAS.dot(x, y), ScalarReference.dot(x, y)), "n=\(n)")
        }
    }

    @Test("gemv on odd shapes", arguments: [1, 2])
    func gemv(threads: Int) {
        BLAS.setThreads(threads)
        var rng = SeededRandom(seed: 11)
        for (r, c) in [(1, 1), (3, 7), (130, 33), (0, 5)] {
            let a = randomMatrix(r, c, &rng)
            let x = (0..<c).map { _ in Float.random(in: -1...1, using: &rng) }
            var y: [Float] = []
            BLAS.gemv(a, x, into: &y)
            let ref = ScalarReference.gemv(a, x)
            #expect(y.count == ref.count)
            for i in 0..<ref.count { #expect(close(y[i], ref[i]), "(\(r)x\(c)) row \(i)") }
        }
    }

    @Test("gemm A·Bᵀ on odd shapes", arguments: [1, 2])
    func gemm(threads: Int) {
        BLAS.setThreads(threads)
        var rng = SeededRandom(seed: 13)
        for (m, n, k) in [(1, 1, 1), (257, 131, 19), (5, 64, 3), (33, 1, 70)] {
            let a = randomMatrix(m, k, &rng), b = randomMatrix(n, k, &rng)
            let c = BLAS.gemmABt(a, b), ref = ScalarReference.gemmABt(a, b)
            #expect(c.rows == m && c.cols == n)
            var worst: Float = 0
            for i in 0..<c.storage.count { worst = max(worst, abs(c.storage[i] - ref.storage[i]) / max(1, abs(ref.storage[i]))) }
            #expect(worst <= 1e-4, "\(m)x\(n)x\(k): relative error \(worst)")
        }
        BLAS.setThreads(1)
    }

    @Test("gemm A·Bᵀ into a reused buffer, also from two threads at once", arguments: [1, 2])
    func gemmInto(threads: Int) {
        BLAS.setThreads(threads)
        var rng = SeededRandom(seed: 17)
        let cases = [(64, 300, 17), (3, 1000, 32), (64, 300, 17), (0, 4, 4), (7, 9, 0)]
        let inputs = cases.map { (m, n, k) in (randomMatrix(m, k, &rng), randomMatrix(n, k, &rng)) }
        let worst = Locked<Float>(0)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            var c = DenseMatrix(rows: 0, cols: 0)
            for (a, b) in inputs {
                BLAS.gemmABt(a, b, into: &c)
                let ref = ScalarReference.gemmABt(a, b)
                precondition(c.rows == a.rows && c.cols == b.rows)
                var w: Float = 0
                for i in 0..<c.storage.count { w = max(w, abs(c.storage[i] - ref.storage[i]) / max(1, abs(ref.storage[i]))) }
                worst.withLock { $0 = max($0, w) }
            }
        }
        #expect(worst.withLock { $0 } <= 1e-4)
        BLAS.setThreads(1)
    }

    @Test func runtimeInfoNamesACore() {
        let info = BLAS.runtimeInfo
        #expect(!info.coreName.isEmpty)
        #expect(info.threads >= 1)
    }
}

@Suite("Top-k selection")
struct TopKTests {
    @Test("equals a full sort with ties broken by id")
    func matchesFullSort() {
        var rng = SeededRandom(seed: 3)
        for trial in 0..<200 {
            let n = Int.random(in: 0...300, using: &rng)
            let k = Int.random(in: 0...40, using: &rng)
            // few distinct scores → many ties
            let entries = (0..<n).map { TopK.Entry(score: Float(Int.random(in: 0...9, using: &rng)) / 4, id: UInt32($0)) }.shuffled(using: &rng)
            var top = TopK(k: 1)
            top.reset(k: k)
            for e in entries { top.insert(score: e.score, id: e.id) }
            let expected = entries.sorted { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) }.prefix(k)
            #expect(top.sorted() == Array(expected), "trial \(trial)")
        }
    }

    @Test func wouldEnterAgreesWithInsert() {
        var top = TopK(k: 2)
        top.insert(score: 1, id: 5)
        top.insert(score: 2, id: 6)
        #expect(top.wouldEnter(score: 1, id: 4))  // same score, smaller id ranks higher
        #expect(!top.wouldEnter(score: 1, id: 7))
        #expect(!top.wouldEnter(score: 0.5, id: 0))
    }
}

@Suite("Score accumulator")
struct ScoreAccumulatorTests {
    @Test func accumulatesAndResetsOnlyTouched() {
        var acc = ScoreAccumulator(capacity: 5)
        acc.accumulate(docs: [1, 3], impacts: [2, 4], weight: 0.5)
        acc.accumulate(docs: [3, 4], impacts: [1, 1], weight: 2)
        #expect(acc.scores == [0, 1, 0, 4, 2])
        #expect(acc.touched.sorted() == [1, 3, 4])
        acc.reset(capacity: 5)
        #expect(acc.scores == [0, 0, 0, 0, 0])
        #expect(acc.touched.isEmpty)
        acc.reset(capacity: 7)
        #expect(acc.capacity == 7)
    }

    @Test("dense and sparse modes give the same scores, and each clears the other's leftovers")
    func denseEqualsSparse() {
        var rng = SeededRandom(seed: 31)
        var sparse = ScoreAccumulator(capacity: 50), dense = ScoreAccumulator(capacity: 50)
        for round in 0..<40 {
            let lists: [([UInt32], [Float], Float)] = (0..<Int.random(in: 1...5, using: &rng)).map { _ in
                let docs = (0..<50).filter { _ in Bool.random(using: &rng) }.map(UInt32.init)
                return (docs, docs.map { _ in Float.random(in: 0...2, using: &rng) }, Float.random(in: 0.1...3, using: &rng))
            }
            sparse.begin(capacity: 50, expectedEntries: 0)
            dense.begin(capacity: 50, expectedEntries: round % 3 == 0 ? 0 : 1_000)
            for (d, w, q) in lists {
                sparse.accumulate(docs: d[...], impacts: w[...], weight: q)
                dense.accumulate(docs: d[...], impacts: w[...], weight: q)
            }
            #expect(sparse.scores == dense.scores, "round \(round)")
            var a: [Int] = [], b: [Int] = []
            sparse.forEachScored { d, _ in a.append(d) }
            dense.forEachScored { d, _ in b.append(d) }
            #expect(a.sorted() == b.sorted())
        }
    }

    @Test("a block of 8 queries gives each lane the very bits its query gets alone (missing terms add +0)")
    func blockLanesEqualSingleQueries() {
        var rng = SeededRandom(seed: 47)
        let n = 300
        // 30 terms' lists, ascending docs, positive impacts
        let lists: [([UInt32], [Float])] = (0..<30).map { _ in
            let p = Double.random(in: 0.01...0.9, using: &rng)
            let docs = (0..<n).filter { _ in Double.random(in: 0..<1, using: &rng) < p }.map(UInt32.init)
            return (docs, docs.map { _ in Float.random(in: 0.001...5, using: &rng) })
        }
        var block = BlockAccumulator()
        var single = ScoreAccumulator(capacity: n), loaded = ScoreAccumulator(capacity: n)
        for round in 0..<10 {
            let queryCount = round == 0 ? 1 : Int.random(in: 2...BlockAccumulator.width, using: &rng)
            // each query: a random subset of the terms (ascending), random weights
            let queries: [[(term: Int, weight: Float)]] = (0..<queryCount).map { _ in
                (0..<lists.count).filter { _ in Bool.random(using: &rng) }.map { ($0, Float.random(in: 0.01...4, using: &rng)) }
            }
            block.begin(capacity: n)
            for t in lists.indices {
                var w = SIMD8<Float>.zero
                for (lane, q) in queries.enumerated() { if let e = q.first(where: { $0.term == t }) { w[lane] = e.weight } }
                block.accumulate(docs: lists[t].0[...], impacts: lists[t].1[...], weights: w)
            }
            for (lane, q) in queries.enumerated() {
                single.begin(capacity: n, expectedEntries: 0)
                for (t, w) in q { single.accumulate(docs: lists[t].0[...], impacts: lists[t].1[...], weight: w) }
                loaded.load(lane: lane, of: block)
                #expect(loaded.scores.map(\.bitPattern) == single.scores.map(\.bitPattern), "round \(round) lane \(lane)")
                var a: [Int] = [], b: [Int] = []
                loaded.forEachScored { d, _ in a.append(d) }
                single.forEachScored { d, _ in b.append(d) }
                #expect(a.sorted() == b.sorted())
                // only some documents taken: those get the lane's bits, the rest keep theirs
                let before = loaded.scores
                let some: [[UInt32]] = [(0..<n).filter { $0 % 3 == lane % 3 }.map(UInt32.init), [], [UInt32(n - 1)]]
                let taken = Set(some.joined().map(Int.init))
                var other = ScoreAccumulator(capacity: n)
                other.load(lane: (lane + 1) % BlockAccumulator.width, of: block)
                let kept = other.scores
                other.load(lane: lane, of: block, documents: some)
                for d in 0..<n {
                    #expect(other.scores[d].bitPattern == (taken.contains(d) ? before[d] : kept[d]).bitPattern, "round \(round) lane \(lane) doc \(d)")
                }
                #expect(other.isDense && other.touched.isEmpty)
            }
        }
    }
}

@Suite("SHA-256")
struct SHA256Tests {
    @Test("FIPS 180 test vectors")
    func vectors() {
        #expect(SHA256.hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000)))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func incrementalEqualsOneShot() {
        let bytes = (0..<1000).map { UInt8($0 % 251) }
        var s = SHA256()
        s.update(Array(bytes[0..<3]))
        s.update(Array(bytes[3..<130]))
        s.update(Array(bytes[130...]))
        #expect(s.finalize() == SHA256.hash(bytes))
    }
}

@Suite("OpenBLAS kernel selection")
struct CoreSelectionTests {
    let avx512: Set<String> = ["avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq"]

    @Test func genericKernelOnAModernCPUIsReplaced() {
        #expect(BLASCoreSelection.recommendedCore(currentCore: "Prescott", cpuFlags: avx512, userValue: nil) == "SkylakeX")
        #expect(BLASCoreSelection.recommendedCore(currentCore: "Prescott", cpuFlags: ["avx", "avx2", "fma"], userValue: nil) == "Haswell")
        #expect(BLASCoreSelection.recommendedCore(currentCore: "Prescott", cpuFlags: ["avx"], userValue: nil) == "SandyBridge")
        #expect(BLASCoreSelection.recommendedCore(currentCore: "Prescott", cpuFlags: ["sse3"], userValue: nil) == nil)
    }

    @Test func aRecognisedCPUOrAUserChoiceIsLeftAlone() {
        #expect(BLASCoreSelection.recommendedCore(currentCore: "Cooperlake", cpuFlags: avx512, userValue: nil) == nil)
        #expect(BLASCoreSelection.recommendedCore(currentCore: "Zen", cpuFlags: avx512, userValue: nil) == nil)
        #expect(BLASCoreSelection.recommendedCore(currentCore: "Prescott", cpuFlags: avx512, userValue: "Prescott") == nil)
        #expect(BLASCoreSelection.recommendedCore(currentCore: "Prescott", cpuFlags: avx512, userValue: "Haswell") == nil)
    }
}

@Suite("General gemm and the symmetric eigensolver")
struct DenseAlgebraTests {
    @Test("gemm with transposes equals the scalar reference", arguments: [1, 2])
    func gemmTransposes(threads: Int) {
        BLAS.setThreads(threads)
        var rng = SeededRandom(seed: 41)
        func random(_ r: Int, _ c: Int) -> DenseMatrix {
            DenseMatrix(rows: r, cols: c, storage: (0..<(r * c)).map { _ in Float.random(in: -1...1, using: &rng) })
        }
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = ta ? random(13, 7) : random(7, 13)
            let b = tb ? random(5, 13) : random(13, 5)
            let c = BLAS.gemm(a, transposeA: ta, b, transposeB: tb), ref = ScalarReference.gemm(a, transposeA: ta, b, transposeB: tb)
            #expect(c.rows == 7 && c.cols == 5)
            for i in c.storage.indices { #expect(abs(c.storage[i] - ref.storage[i]) <= 1e-4 * max(1, abs(ref.storage[i]))) }
        }
        BLAS.setThreads(1)
    }

    @Test("Jacobi: A·v = λ·v, orthonormal vectors, descending values")
    func eigen() {
        var rng = SeededRandom(seed: 43)
        for n in [1, 2, 6, 17] {
            var m = DenseMatrix(rows: n, cols: n)
            for i in 0..<n { for j in i..<n { let x = Float.random(in: -1...1, using: &rng); m[i, j] = x; m[j, i] = x } }
            let e = SymmetricEigen.decompose(m)
            #expect(zip(e.values, e.values.dropFirst()).allSatisfy { $0 >= $1 })
            for k in 0..<n {
                for i in 0..<n {
                    var av = 0.0
                    for j in 0..<n { av += Double(m[i, j]) * e.vectors[j * n + k] }
                    #expect(abs(av - e.values[k] * e.vectors[i * n + k]) < 1e-5)
                }
                for k2 in 0..<n {
                    let dot = (0..<n).reduce(0.0) { $0 + e.vectors[$1 * n + k] * e.vectors[$1 * n + k2] }
                    #expect(abs(dot - (k == k2 ? 1 : 0)) < 1e-6)
                }
            }
        }
    }
}

@Suite("CRC-32C")
struct CRC32CTests {
    @Test("RFC 3720 / iSCSI check values, and the sliced form equals the bit-by-bit reference")
    func checkValues() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.software(Array("123456789".utf8)) == 0xE306_9283)
        var rng = SeededRandom(seed: 5)
        for n in [0, 1, 7, 8, 9, 63, 64, 1000] {
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(CRC32C.checksum(bytes) == CRC32C.reference(bytes), "\(n) bytes")
            #expect(CRC32C.software(bytes) == CRC32C.reference(bytes), "\(n) bytes, table-driven")
            if n > 3 {  // continuing over a split equals the whole
                #expect(CRC32C.checksum(bytes[3...], continuing: CRC32C.checksum(bytes[..<3])) == CRC32C.checksum(bytes))
            }
        }
    }

    @Test("combining two CRCs equals the CRC of the bytes end to end (against the bit-by-bit reference)")
    func combine() {
        var rng = SeededRandom(seed: 11)
        for (n, m) in [(0, 0), (0, 5), (5, 0), (1, 1), (3, 8), (17, 64), (100, 1_000), (1, 65_537), (4_099, 3)] {
            let a = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let b = (0..<m).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(CRC32C.combine(CRC32C.reference(a), CRC32C.reference(b), lengthOfB: m) == CRC32C.reference(a + b), "\(n) + \(m) bytes")
        }
    }

    @Test("a spill file holds what was appended: count, CRC, read back and written as a piece")
    func spillFile() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/spill-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var rng = SeededRandom(seed: 12)
        var all: [UInt8] = []
        var spill = try SpillFile(directory: dir)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "unlinked at once")
        for n in [0, 1, 5_000, 1 << 20, 3, (1 << 20) + 7] {  // runs across the 1 MiB read-back buffer
            let chunk = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            try spill.append(chunk)
            all += chunk
        }
        let spilled = spill.finish()
        #expect(spilled.count == all.count)
        #expect(spilled.crc == CRC32C.checksum(all))
        let head: [UInt8] = [9, 8, 7]
        let pieces: [FilePiece] = [.bytes(head), .spilled(spilled), .uint32s([1, 2])]
        let expected = head + all + [1, 0, 0, 0, 2, 0, 0, 0]
        #expect(FilePiece.joined(pieces) == expected)
        #expect(FilePiece.checksum(pieces) == CRC32C.checksum(expected))
        let path = dir + "/out.bin"
        try FileSystem.write(pieces: pieces, to: path)
        #expect([UInt8](try #require(FileManager.default.contents(atPath: path))) == expected)
        // written by two threads (each piece at its offset) or one, the file is the same
        let more: [FilePiece] = pieces + [.floats([1.5, -2]), .bytes([]), .uint32s([])] + pieces + [.bytes([1])]
        for parallelBytes in [0, 1 << 30] {
            for list in [pieces, more, [.bytes(head)], []] {
                try FileSystem.write(pieces: list, to: path, parallelBytes: parallelBytes)
                #expect([UInt8](try #require(FileManager.default.contents(atPath: path))) == FilePiece.joined(list), "\(list.count) pieces, from \(parallelBytes)")
            }
        }
        // bytes that changed in the scratch file after they were written are refused, naming it
        let fdDir = "/proc/self/fd"
        if let fds = try? FileManager.default.contentsOfDirectory(atPath: fdDir),
           let fd = fds.first(where: { ((try? FileManager.default.destinationOfSymbolicLink(atPath: fdDir + "/" + $0)) ?? "").contains(".spill-") }) {
            let handle = try #require(FileHandle(forWritingAtPath: fdDir + "/" + fd))
            try handle.seek(toOffset: 5_000)
            try handle.write(contentsOf: Data([all[5_000] ^ 1]))
            try handle.close()
            for parallelBytes in [0, 1 << 30] {
                #expect { try FileSystem.write(pieces: more, to: path, parallelBytes: parallelBytes) } throws: { error in
                    "\(error)".contains(spilled.path) && "\(error)".contains("Input/output error")
                }
            }
        } else {
            Issue.record("no /proc/self/fd entry for the scratch file")
        }
        // an empty spill is an empty piece
        let empty = try SpillFile(directory: dir).finish()
        #expect(empty.count == 0 && FilePiece.joined([.spilled(empty)]).isEmpty && FilePiece.checksum([.bytes(head), .spilled(empty)]) == CRC32C.checksum(head))
    }

    @Test("writing bytes replaces a file's contents, and works into a pipe (no seeking)")
    func writeBytesToFileAndPipe() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/write-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/out.txt"
        let long = [UInt8]((0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try FileSystem.write(long, to: path)
        try FileSystem.write(Array("짧음\n".utf8), to: path)  // truncates what was longer
        #expect([UInt8](try #require(FileManager.default.contents(atPath: path))) == Array("짧음\n".utf8))
        // a pipe opened by path, as `--out /dev/stdout` is when stdout is piped
        let pipe = Pipe()
        let bytes = Array("seeker 0 posting 3\n".utf8)
        try FileSystem.write(bytes, to: "/dev/fd/\(pipe.fileHandleForWriting.fileDescriptor)")
        try pipe.fileHandleForWriting.close()
        #expect([UInt8](pipe.fileHandleForReading.readDataToEndOfFile()) == bytes)
        #expect { try FileSystem.write(bytes, to: dir + "/missing/out.txt") } throws: { "\($0)".contains("missing/out.txt") }
    }

    @Test("MappedBytes: a mapped file reads back what was written; ranges are checked copies")
    func mappedBytes() throws {
        let path = FileManager.default.temporaryDirectory.path + "/mapped-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var bytes: [UInt8] = []
        for v: UInt32 in [1, 0xDEAD_BEEF, 7] { for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
        bytes += [0x01, 0x02, 0x03]  // an unaligned tail
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let mapped = try MappedBytes(path: path)
        let held = MappedBytes(bytes: bytes, name: "held")
        for m in [mapped, held] {
            #expect(m.count == 15)
            #expect(m.uint32s(0..<12) == [1, 0xDEAD_BEEF, 7])
            #expect(m.uint32(at: 1) == 0xEF00_0000)  // unaligned read, little-endian: bytes 0 0 0 EF
            #expect(m.bytes(12..<15) == [1, 2, 3])
            #expect(m.crc32c(0..<15) == CRC32C.reference(bytes))
        }
        let empty = path + "-empty"
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(try MappedBytes(path: empty).count == 0)
        #expect(throws: MappedBytes.Failure.self) { try MappedBytes(path: path + "-missing") }
    }
}

@Suite("HMAC-SHA-256")
struct HMACTests {
    @Test("RFC 4231 test cases 1, 2, 4, 6 and 7 (short, text, composed and longer-than-block keys)")
    func vectors() {
        func hex(_ s: String) -> [UInt8] {
            var out: [UInt8] = []
            var i = s.startIndex
            while i < s.endIndex {
                let j = s.index(i, offsetBy: 2)
                out.append(UInt8(s[i..<j], radix: 16)!)
                i = j
            }
            return out
        }
        let cases: [([UInt8], [UInt8], String)] = [
            ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            (hex("0102030405060708090a0b0c0d0e0f10111213141516171819"), [UInt8](repeating: 0xcd, count: 50),
             "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
            ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            ([UInt8](repeating: 0xaa, count: 131),
             Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
             "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        ]
        for (key, message, expected) in cases {
            #expect(SHA256.hex(HMACSHA256.authenticate(message, key: key)) == expected)
        }
    }

    @Test("constant-time comparison: equal, one bit apart, other length")
    func compare() {
        let a: [UInt8] = Array(0..<32)
        var b = a
        #expect(HMACSHA256.constantTimeEqual(a, b))
        b[31] ^= 1
        #expect(!HMACSHA256.constantTimeEqual(a, b))
        #expect(!HMACSHA256.constantTimeEqual(a, Array(a.dropLast())))
    }
}

@Suite("C number formatting and MinHash agreement")
struct FormatAndMinHashTests {
    @Test("appendSignificant9 prints what String(format: \"%.9g\") prints")
    func significant9MatchesFoundation() {
        func significant9(_ x: Double) -> String {
            var bytes: [UInt8] = [0x7C]  // appended after what is there
            CFormat.appendSignificant9(x, to: &bytes)
            #expect(bytes.first == 0x7C)
            return String(decoding: bytes.dropFirst(), as: UTF8.self)
        }
        var rng = SeededRandom(seed: 23)
        var values: [Double] = [0, -0.0, 1, -1, 0.1, 1e-7, 123456789, 1234567891, 3.4028235e38, 1.17549435e-38, Double.leastNonzeroMagnitude, 2.5, 0.000123456789]
        for _ in 0..<2_000 {
            values.append(Double(Float.random(in: -3...3, using: &rng)))
            values.append(Double(Float(bitPattern: UInt32.random(in: 0..<0x7F80_0000, using: &rng))))
        }
        for x in values {
            #expect(significant9(x) == String(format: "%.9g", x), "\(x.bitPattern)")
        }
        #expect(significant9(0.5) == "0.5")
        #expect(significant9(1.0 / 3) == "0.333333333")
        #expect(significant9(-2.5e-10) == "-2.5e-10")
    }

    @Test("agreements equals a position-by-position count, on any length and offset")
    func agreementsEqualsScalarCount() {
        var rng = SeededRandom(seed: 29)
        for n in [0, 1, 7, 8, 9, 63, 64, 65, 200] {
            for _ in 0..<20 {
                // small values so that many positions agree; offsets so the slices are unaligned
                let a = (0..<(n + 3)).map { _ in UInt32.random(in: 0..<3, using: &rng) }
                let b = (0..<(n + 5)).map { _ in UInt32.random(in: 0..<3, using: &rng) }
                let sa = a[1..<(1 + n)], sb = b[3..<(3 + n)]
                let expected = zip(sa, sb).filter { $0 == $1 }.count
                #expect(MinHashKernel.agreements(sa, sb) == expected, "n=\(n)")
            }
        }
        let same = [UInt32](repeating: 9, count: 64)
        #expect(MinHashKernel.agreements(same[...], same[...]) == 64)
    }
}

@Suite("Row minimum (MinHash kernel) against a scalar loop")
struct RowMinimumTests {
    /// Both kernels (AVX2 when the CPU has it, and the portable loop), widths below, at and
    /// past the AVX2 kernel's blocks of 64 and 8 columns; values with the top bit set (an
    /// unsigned minimum, not a signed one).
    @Test(arguments: [1, 5, 8, 16, 24, 64, 72, 128, 133])
    func matchesScalar(width: Int) {
        var rng = SeededRandom(seed: UInt64(width))
        let rowCount = 37
        let table = (0..<(rowCount * width)).map { _ in UInt32.random(in: 0...UInt32.max, using: &rng) }
        for n in [0, 1, 2, 9, 100] {
            let rows = (0..<n).map { _ in UInt32.random(in: 0..<UInt32(rowCount), using: &rng) }
            let start = (0..<(3 * width)).map { _ in UInt32.random(in: 0...UInt32.max, using: &rng) }
            var expected = start
            for r in rows {
                for j in 0..<width { expected[width + j] = min(expected[width + j], table[Int(r) * width + j]) }
            }
            for vectorised in [false, true] {
                var out = start
                RowMinimum.fold(table, width: width, rows: rows, into: &out, at: width, vectorised: vectorised)
                #expect(out == expected, "width \(width), \(n) rows, vectorised \(vectorised)")
            }
            var out = start
            RowMinimum.fold(table, width: width, rows: rows, into: &out, at: width)
            #expect(out == expected, "width \(width), \(n) rows, default kernel")
        }
    }

    #if os(Linux) && arch(x86_64)
    /// The CPUID check agrees with what the kernel reports (the flags in /proc/cpuinfo; Linux lists
    /// avx and avx2 only when it saves the YMM registers): on a machine with AVX2, CI's included,
    /// the test above runs the AVX2 kernel (on one without, it cannot, and this passes).
    @Test("the AVX2 kernel is chosen exactly when the CPU and OS have AVX2")
    func choosesAVX2() throws {
        let info = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = try #require(info.split(separator: "\n").first { $0.hasPrefix("flags") })
        let words = Set(flags.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }))
        #expect(RowMinimum.usesAVX2 == (words.contains("avx2") && words.contains("avx")), "\(flags)")
    }
    #endif
}

@Suite("UTF8Map against a Dictionary")
struct UTF8MapTests {
    @Test func agreesWithDictionary() {
        var rng = SeededRandom(seed: 11)
        // NUL among the letters: keys that differ only by trailing zero bytes are other keys
        let alphabet = Array("가나다라마바사아자차카타파하abc1 \u{0}").map(String.init)
        var map = UTF8Map(), reference: [String: UInt32] = [:]
        for i in 0..<8_000 {
            // 0–18 bytes: across the 8-byte words the hash reads
            let key = (0..<Int.random(in: 0...6, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
            let value = UInt32(i)
            #expect(map.value(for: key) == reference[key], "before inserting '\(key.debugDescription)'")
            let padded = Array("xy".utf8) + Array(key.utf8) + [0x7A]
            #expect(map.value(in: padded, 2..<(padded.count - 1)) == reference[key])
            if Bool.random(using: &rng) {
                map.insert(key, value)
                reference[key] = value
            }
        }
        #expect(map.count == reference.count)
        for (k, v) in reference { #expect(map.value(for: k) == v) }
        #expect(map.value(for: "없는 키") == nil)
    }

    @Test("Keys are bytes: canonically equivalent strings with other bytes are other keys")
    func bytesNotCanonicalEquivalence() {
        let composed = "\u{E9}", decomposed = "e\u{301}"
        #expect(composed == decomposed)
        var map = UTF8Map()
        map.insert(composed, 1)
        #expect(map.value(for: composed) == 1)
        #expect(map.value(for: decomposed) == nil)
        map.insert(decomposed, 2)
        #expect(map.value(for: composed) == 1 && map.value(for: decomposed) == 2 && map.count == 2)
    }
}

@Suite("UTF-8 text")
struct UTF8TextTests {
    @Test("a string exactly from bytes: valid UTF-8 kept byte for byte, anything else refused (as String(validating:))")
    func exactStrings() {
        var rng = SeededRandom(seed: 31)
        let samples = ["", "a", "물류센터 상하차", "\u{FFFD}", "（주）대성 — ＡＢＣ", "e\u{301}", "😀 emoji", String(repeating: "가", count: 40)]
        var cases: [[UInt8]] = samples.map { Array($0.utf8) }
        for _ in 0..<3_000 {
            var b = Array(samples[Int.random(in: 0..<samples.count, using: &rng)].utf8)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0 where !b.isEmpty: b[Int.random(in: 0..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            case 1 where !b.isEmpty: b.removeLast(Int.random(in: 1...min(3, b.count), using: &rng))
            case 2: b.insert(UInt8.random(in: 0x80...0xFF, using: &rng), at: Int.random(in: 0...b.count, using: &rng))
            default: b = (0..<Int.random(in: 0..<20, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            cases.append(b)
        }
        var valid = 0
        for b in cases {
            let slice = ([7] + b + [9])[1..<(b.count + 1)]  // a slice inside a larger array
            let expected = String(validating: b, as: UTF8.self)
            #expect(UTF8Text.string(exactly: slice) == expected, "\(b)")
            if let s = UTF8Text.string(exactly: slice) {
                #expect(Array(s.utf8) == b)
                valid += 1
            }
        }
        #expect(valid >= samples.count && valid < cases.count, "both kinds exercised: \(valid) valid of \(cases.count)")
    }
}

@Suite("Sorted search")
struct SortedSearchTests {
    @Test("lower bound and membership equal a linear scan, on arrays and slices, with repeats and at the ends")
    func agreesWithLinearScan() {
        var rng = SeededRandom(seed: 53)
        for n in [0, 1, 2, 3, 7, 64, 129] {
            let values = (0..<n).map { _ in UInt32.random(in: 0..<40, using: &rng) }.sorted()
            let slice = ([0] + values + [99])[1..<(n + 1)]
            for x in UInt32(0)..<42 {
                let expected = values.firstIndex { $0 >= x } ?? n
                #expect(SortedSearch.lowerBound(values, x) == expected, "n \(n) x \(x)")
                #expect(SortedSearch.lowerBound(slice, x) == expected + 1, "slice: n \(n) x \(x)")
                #expect(SortedSearch.contains(values, x) == values.contains(x))
                #expect(SortedSearch.contains(slice, x) == values.contains(x))
                // the generic forms on another element type (the ones above on arrays of UInt32
                // and their slices are the concrete forms and the generic ones in turn)
                #expect(SortedSearch.lowerBound(values.map(Int.init), Int(x)) == expected)
                #expect(SortedSearch.contains(values.map(Int.init), Int(x)) == values.contains(x))
            }
        }
    }
}
