import Foundation
package import JobMatchKernels

/// A latent semantic (LSA) projection: each vocabulary term's row of the right singular vectors
/// of the weighted document × term matrix. A document or query (terms with weights) maps to
/// `rank` dimensions by Σ weight · row(term), normalised to unit length.
package struct LatentProjection: Sendable, Equatable {
    package let terms: [String]
    package let singularValues: [Float]
    /// terms.count × rank, row-major.
    package let matrix: DenseMatrix

    package var rank: Int { matrix.cols }

    package init(terms: [String], singularValues: [Float], matrix: DenseMatrix) {
        precondition(matrix.rows == terms.count && singularValues.count == matrix.cols, "LatentProjection: shapes disagree")
        self.terms = terms
        self.singularValues = singularValues
        self.matrix = matrix
    }

    /// Σ weight · row(term), normalised to unit length (all zeros when nothing projects).
    package func project(_ weighted: [(row: Int, weight: Float)]) -> [Float] {
        var out = [Float](repeating: 0, count: rank)
        for (row, w) in weighted {
            let base = row * rank
            for j in 0..<rank { out[j] += w * matrix.storage[base + j] }
        }
        let norm = out.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        if norm > 0 { for j in 0..<rank { out[j] = Float(Double(out[j]) / norm) } }
        return out
    }
}

/// Truncated SVD by a randomised range finder with power iterations (Halko, Martinsson and
/// Tropp): the sparse products go through the caller's closures, the dense steps (Gram
/// matrices, rotations) through `BLAS.gemm`, the small eigenproblem through Jacobi rotations.
package enum RandomizedSVD {
    package struct Result: Sendable {
        package var singularValues: [Float]
        /// n × rank: right singular vectors as columns.
        package var v: DenseMatrix
    }

    /// - `multiply`: X (n × l) ↦ A·X (m × l); `multiplyTransposed`: Y (m × l) ↦ Aᵀ·Y (n × l).
    package static func compute(
        rows m: Int, cols n: Int, rank r: Int, oversample p: Int = 10, powerIterations q: Int = 2, seed: UInt64,
        multiply: (DenseMatrix) -> DenseMatrix, multiplyTransposed: (DenseMatrix) -> DenseMatrix
    ) -> Result {
        let l = max(1, min(r + p, min(m, n)))
        var rng = seed
        var omega = DenseMatrix(rows: n, cols: l)
        for i in 0..<omega.storage.count { omega.storage[i] = gaussian(&rng) }
        var q0 = orthonormalize(multiply(omega))
        for _ in 0..<q {
            let z = orthonormalize(multiplyTransposed(q0))
            q0 = orthonormalize(multiply(z))
        }
        let bt = multiplyTransposed(q0)  // n × l = (Qᵀ A)ᵀ
        let gram = BLAS.gemm(bt, transposeA: true, bt)  // l × l = B Bᵀ
        let eig = SymmetricEigen.decompose(gram)
        let keep = min(r, l)
        var u = DenseMatrix(rows: l, cols: keep)
        var sigma = [Float](repeating: 0, count: keep)
        for j in 0..<keep {
            let s = max(0, eig.values[j]).squareRoot()
            sigma[j] = Float(s)
            for i in 0..<l { u[i, j] = s > 1e-12 ? Float(eig.vectors[i * l + j] / s) : 0 }
        }
        return Result(singularValues: sigma, v: BLAS.gemm(bt, u))  // V = Bᵀ U Σ⁻¹
    }

    /// Columns of `y` made orthonormal through the Gram matrix: Q = Y·W·Λ^(-1/2).
    static func orthonormalize(_ y: DenseMatrix) -> DenseMatrix {
        let l = y.cols
        let eig = SymmetricEigen.decompose(BLAS.gemm(y, transposeA: true, y))
        var w = DenseMatrix(rows: l, cols: l)
        let top = eig.values.first ?? 0
        for j in 0..<l {
            let lambda = eig.values[j]
            guard lambda > top * 1e-10, lambda > 0 else { continue }  // drop directions lost to rounding
            let scale = 1 / lambda.squareRoot()
            for i in 0..<l { w[i, j] = Float(eig.vectors[i * l + j] * scale) }
        }
        return BLAS.gemm(y, w)
    }

    /// Standard normal numbers from SplitMix64 (Box–Muller), so a seed gives the same model.
    static func gaussian(_ state: inout UInt64) -> Float {
        func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return (Double((z ^ (z >> 31)) >> 11) + 0.5) / Double(1 << 53)
        }
        let u1 = next(), u2 = next()
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}

extension InvertedIndex {
    /// A·X for the document × term matrix A of the impacts: X has a row per vocabulary term, the
    /// result a row per document.
    package func documentsTimes(_ x: DenseMatrix) -> DenseMatrix { sparseProduct(x, transposed: false) }

    /// Aᵀ·Y: Y has a row per document, the result a row per vocabulary term.
    package func termsTimes(_ y: DenseMatrix) -> DenseMatrix { sparseProduct(y, transposed: true) }

    private func sparseProduct(_ input: DenseMatrix, transposed: Bool) -> DenseMatrix {
        precondition(input.rows == (transposed ? documentCount : vocabulary.count), "sparse product: shape mismatch")
        let l = input.cols
        var out = DenseMatrix(rows: transposed ? vocabulary.count : documentCount, cols: l)
        for t in 0..<vocabulary.count {
            let (docs, weights) = postings(UInt32(t))
            var j = weights.startIndex
            for d in docs {
                let w = weights[j]
                let (source, target) = transposed ? (Int(d) * l, t * l) : (t * l, Int(d) * l)
                for c in 0..<l { out.storage[target + c] += w * input.storage[source + c] }
                j += 1
            }
        }
        return out
    }

    /// Trains an LSA projection of this index's document × term matrix (entries: the BM25
    /// impacts), keeping `rank` dimensions.
    package func latentProjection(rank: Int, oversample: Int = 10, powerIterations: Int = 2, seed: UInt64 = 1) -> LatentProjection {
        let result = RandomizedSVD.compute(
            rows: documentCount, cols: vocabulary.count, rank: rank, oversample: oversample, powerIterations: powerIterations, seed: seed,
            multiply: documentsTimes, multiplyTransposed: termsTimes)
        return LatentProjection(terms: vocabulary.terms, singularValues: result.singularValues, matrix: result.v)
    }
}

/// The binary form of a ``LatentProjection`` (`lsa.f32` in a model folder):
///
/// ```
/// "JMLS" magic · UInt32 format version (1) · section: rank, term count, terms (UInt32 length +
/// UTF-8 each) · section: singular values (float32) · section: matrix (terms × rank float32,
/// row-major) · 32-byte SHA-256 of everything before it
/// ```
/// Little-endian throughout. A damaged or truncated file is refused naming the file.
package enum LatentProjectionFile {
    package static let magic: [UInt8] = Array("JMLS".utf8)
    package static let formatVersion: UInt32 = 1

    package static func encode(_ p: LatentProjection) -> [UInt8] {
        var w = ByteWriter()
        w.bytes(magic)
        w.u32(formatVersion)
        w.section { s in
            s.u64(UInt64(p.rank))
            s.u64(UInt64(p.terms.count))
            for t in p.terms { s.u32(UInt32(t.utf8.count)); s.bytes(Array(t.utf8)) }
        }
        w.section { $0.f32s(p.singularValues) }
        w.section { $0.f32s(p.matrix.storage) }
        w.bytes(SHA256.hash(w.out))
        return w.out
    }

    package static func decode(_ bytes: [UInt8], file: String) throws(IndexFileError) -> LatentProjection {
        func fail(_ r: String) -> IndexFileError { IndexFileError(file: file, reason: r) }
        guard bytes.count >= 40, Array(bytes[0..<4]) == magic else { throw fail("not a JobMatch LSA projection (bad magic or too short)") }
        let body = Array(bytes[0..<(bytes.count - 32)])
        guard SHA256.hash(body) == Array(bytes[(bytes.count - 32)...]) else { throw fail("checksum mismatch: the file is damaged") }
        var r = ByteReader(bytes: body, position: 4)
        do {
            let version = try r.u32()
            guard version == formatVersion else { throw fail("format version \(version), this build reads \(formatVersion)") }
            var head = try r.section()
            guard let rank = Int(exactly: try head.u64()), let count = Int(exactly: try head.u64()),
                rank <= bytes.count, count <= bytes.count
            else { throw fail("implausible shape") }
            var terms: [String] = []
            for _ in 0..<count { terms.append(String(decoding: try head.take(Int(try head.u32())), as: UTF8.self)) }
            var sv = try r.section()
            let values = try sv.f32s()
            var mx = try r.section()
            let storage = try mx.f32s()
            guard r.position == body.count, values.count == rank, storage.count == count * rank else { throw fail("inconsistent section lengths") }
            return LatentProjection(terms: terms, singularValues: values, matrix: DenseMatrix(rows: count, cols: rank, storage: storage))
        } catch let e as IndexFileError {
            throw e
        } catch {
            throw fail("truncated section")
        }
    }
}
