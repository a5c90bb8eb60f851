internal import COpenBLAS

/// Safe wrappers over the few OpenBLAS routines JobMatch uses.
///
/// This file (with `BLAS+Runtime.swift`) is the only place in the project that calls C.
/// Every routine checks its shapes with a precondition and keeps pointers inside closures.
/// Each has a scalar twin in ``ScalarReference`` that the tests compare against.
package enum BLAS {
    /// Σ x[i]·y[i].
    package static func dot(_ x: [Float], _ y: [Float]) -> Float {
        precondition(x.count == y.count, "BLAS.dot: length mismatch \(x.count) vs \(y.count)")
        guard !x.isEmpty else { return 0 }
        return x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in
                cblas_sdot(Int32(x.count), xp.baseAddress, 1, yp.baseAddress, 1)
            }
        }
    }

    /// y = A·x for a row-major matrix A (rows × cols), written into `y` (reused buffer).
    package static func gemv(_ a: DenseMatrix, _ x: [Float], into y: inout [Float]) {
        precondition(x.count == a.cols, "BLAS.gemv: x has \(x.count) elements, matrix has \(a.cols) columns")
        if y.count != a.rows { y = [Float](repeating: 0, count: a.rows) }
        guard a.rows > 0, a.cols > 0 else {
            for i in y.indices { y[i] = 0 }
            return
        }
        a.storage.withUnsafeBufferPointer { ap in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(a.rows), Int32(a.cols),
                                1.0, ap.baseAddress, Int32(a.cols), xp.baseAddress, 1,
                                0.0, yp.baseAddress, 1)
                }
            }
        }
    }

    /// C = A·Bᵀ for row-major A (m × k) and B (n × k): every row of A against every row of B.
    /// This is the shape of "seekers × postings" scoring.
    package static func gemmABt(_ a: DenseMatrix, _ b: DenseMatrix) -> DenseMatrix {
        var c = DenseMatrix(rows: a.rows, cols: b.rows)
        gemmABt(a, b, into: &c)
        return c
    }
}

extension BLAS {
    /// C = A·Bᵀ written into `c`, whose storage is reused when its shape already fits (the
    /// batch's seekers × postings block, computed again for every block).
    package static func gemmABt(_ a: DenseMatrix, _ b: DenseMatrix, into c: inout DenseMatrix) {
        precondition(a.cols == b.cols, "BLAS.gemmABt: inner dimensions differ (\(a.cols) vs \(b.cols))")
        if c.rows != a.rows || c.cols != b.rows { c = DenseMatrix(rows: a.rows, cols: b.rows) }
        guard a.rows > 0, b.rows > 0 else { return }
        guard a.cols > 0 else {
            for i in c.storage.indices { c.storage[i] = 0 }
            return
        }
        a.storage.withUnsafeBufferPointer { ap in
            b.storage.withUnsafeBufferPointer { bp in
                c.storage.withUnsafeMutableBufferPointer { cp in
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                                Int32(a.rows), Int32(b.rows), Int32(a.cols),
                                1.0, ap.baseAddress, Int32(a.cols), bp.baseAddress, Int32(b.cols),
                                0.0, cp.baseAddress, Int32(b.rows))
                }
            }
        }
    }

    /// C = op(A) · op(B) for row-major matrices, op = transpose when asked.
    package static func gemm(_ a: DenseMatrix, transposeA: Bool = false, _ b: DenseMatrix, transposeB: Bool = false) -> DenseMatrix {
        let m = transposeA ? a.cols : a.rows
        let k = transposeA ? a.rows : a.cols
        let kb = transposeB ? b.cols : b.rows
        let n = transposeB ? b.rows : b.cols
        precondition(k == kb, "BLAS.gemm: inner dimensions differ (\(k) vs \(kb))")
        var c = DenseMatrix(rows: m, cols: n)
        guard m > 0, n > 0, k > 0 else { return c }
        a.storage.withUnsafeBufferPointer { ap in
            b.storage.withUnsafeBufferPointer { bp in
                c.storage.withUnsafeMutableBufferPointer { cp in
                    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                                Int32(m), Int32(n), Int32(k), 1.0, ap.baseAddress, Int32(a.cols), bp.baseAddress, Int32(b.cols),
                                0.0, cp.baseAddress, Int32(n))
                }
            }
        }
        return c
    }
}
