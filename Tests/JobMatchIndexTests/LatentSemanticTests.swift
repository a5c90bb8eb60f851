import JobMatchIndex
import JobMatchKernels
import JobMatchTestSupport
import Testing

@Suite("LSA: randomised SVD and projections")
struct LatentSemanticTests {
    @Test("the randomised SVD recovers a planted low-rank matrix")
    func plantedLowRank() {
        var rng = SeededRandom(seed: 5)
        let m = 80, n = 50, r = 4
        let planted: [Float] = [9, 5, 3, 1.5]
        // A = U · diag(planted) · Vᵀ with orthonormal U, V (Gram–Schmidt on random columns)
        func orthonormal(_ rows: Int) -> [[Double]] {
            var cols: [[Double]] = []
            while cols.count < r {
                var v = (0..<rows).map { _ in Double.random(in: -1...1, using: &rng) }
                for c in cols { let d = zip(v, c).map(*).reduce(0, +); v = zip(v, c).map { $0 - d * $1 } }
                let norm = v.map { $0 * $0 }.reduce(0, +).squareRoot()
                cols.append(v.map { $0 / norm })
            }
            return cols
        }
        let u = orthonormal(m), v = orthonormal(n)
        var a = DenseMatrix(rows: m, cols: n)
        for i in 0..<m { for j in 0..<n { a[i, j] = Float((0..<r).reduce(0.0) { $0 + u[$1][i] * Double(planted[$1]) * v[$1][j] }) } }
        let svd = RandomizedSVD.compute(
            rows: m, cols: n, rank: r, oversample: 6, powerIterations: 2, seed: 9,
            multiply: { BLAS.gemm(a, $0) }, multiplyTransposed: { BLAS.gemm(a, transposeA: true, $0) })
        for k in 0..<r {
            #expect(abs(svd.singularValues[k] - planted[k]) <= 1e-3 * planted[k], "σ\(k): \(svd.singularValues[k]) vs \(planted[k])")
            // the recovered right singular vector is the planted one up to sign
            let dot = (0..<n).reduce(0.0) { $0 + Double(svd.v[$1, k]) * v[k][$1] }
            #expect(abs(abs(dot) - 1) < 1e-3)
        }
    }

    func smallIndex() -> InvertedIndex {
        var builder = IndexBuilder()
        let docs = [["지게", "게차", "운전"], ["지게", "게차", "물류"], ["요양", "보호", "돌봄"], ["요양", "돌봄", "간호"], ["물류", "창고", "운전"]]
        for d in docs { builder.add(fields: [d, [], d + d]) }
        return builder.build(parameters: BM25Parameters())
    }

    @Test("projecting a document equals the naive product, normalised")
    func projectionEqualsNaiveProduct() {
        let index = smallIndex()
        let p = index.latentProjection(rank: 3, oversample: 2, powerIterations: 1, seed: 3)
        #expect(p.rank == 3 && p.terms == index.vocabulary.terms)
        let weighted: [(row: Int, weight: Float)] = [(0, 0.7), (2, 1.3), (5, 0.2)]
        let got = p.project(weighted)
        var naive = [Double](repeating: 0, count: 3)
        for (row, w) in weighted { for j in 0..<3 { naive[j] += Double(w) * Double(p.matrix[row, j]) } }
        let norm = naive.map { $0 * $0 }.reduce(0, +).squareRoot()
        for j in 0..<3 { #expect(abs(Double(got[j]) - naive[j] / norm) < 1e-5) }
        // documents on the same topic land close together
        func doc(_ d: UInt32) -> [Float] {
            p.project((0..<index.vocabulary.count).compactMap { t in
                let w = index.impact(term: UInt32(t), doc: d)
                return w > 0 ? (t, w) : nil
            })
        }
        func cos(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map(*).reduce(0, +) }
        #expect(cos(doc(2), doc(3)) > cos(doc(2), doc(0)))
    }

    @Test("projection file: round trip, same bytes, damage refused")
    func file() throws {
        let p = smallIndex().latentProjection(rank: 2, seed: 1)
        let bytes = LatentProjectionFile.encode(p)
        #expect(try LatentProjectionFile.decode(bytes, file: "lsa.f32") == p)
        #expect(LatentProjectionFile.encode(smallIndex().latentProjection(rank: 2, seed: 1)) == bytes, "same seed, same bytes")
        var damaged = bytes
        damaged[bytes.count / 2] ^= 1
        #expect(throws: IndexFileError.self) { try LatentProjectionFile.decode(damaged, file: "lsa.f32") }
        #expect(throws: IndexFileError.self) { try LatentProjectionFile.decode(Array(bytes.prefix(30)), file: "lsa.f32") }
    }
}
