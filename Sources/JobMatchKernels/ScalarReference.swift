/// Naive loops that define what the BLAS wrappers must compute (accumulated in Double).
/// Tests compare ``BLAS`` against these on odd shapes.
package enum ScalarReference {
    package static func dot(_ x: [Float], _ y: [Float]) -> Float {
        precondition(x.count == y.count)
        var s = 0.0
        for i in x.indices { s += Double(x[i]) * Double(y[i]) }
        return Float(s)
    }

    package static func gemv(_ a: DenseMatrix, _ x: [Float]) -> [Float] {
        precondition(x.count == a.cols)
        return (0..<a.rows).map { r in
            var s = 0.0
            for c in 0..<a.cols { s += Double(a[r, c]) * Double(x[c]) }
            return Float(s)
        }
    }

    package static func gemmABt(_ a: DenseMatrix, _ b: DenseMatrix) -> DenseMatrix {
        precondition(a.cols == b.cols)
        var c = DenseMatrix(rows: a.rows, cols: b.rows)
        for i in 0..<a.rows {
            for j in 0..<b.rows {
                var s = 0.0
                for k in 0..<a.cols { s += Double(a[i, k]) * Double(b[j, k]) }
                c[i, j] = Float(s)
            }
        }
        return c
    }
}

extension ScalarReference {
    package static func gemm(_ a: DenseMatrix, transposeA: Bool = false, _ b: DenseMatrix, transposeB: Bool = false) -> DenseMatrix {
        let m = transposeA ? a.cols : a.rows, k = transposeA ? a.rows : a.cols
        let n = transposeB ? b.rows : b.cols
        var c = DenseMatrix(rows: m, cols: n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    let x = transposeA ? a[p, i] : a[i, p]
                    let y = transposeB ? b[j, p] : b[p, j]
                    s += Double(x) * Double(y)
                }
                c[i, j] = Float(s)
            }
        }
        return c
    }
}
