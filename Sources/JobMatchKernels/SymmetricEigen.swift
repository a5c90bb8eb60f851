/// Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations (in Double),
/// for the dense SVD step of the LSA model. Eigenvalues come out in descending order; column i
/// of `vectors` is the unit eigenvector of `values[i]`.
package enum SymmetricEigen {
    package struct Result: Sendable {
        package var values: [Double]
        /// Row-major n × n; columns are eigenvectors.
        package var vectors: [Double]
        package var n: Int
    }

    package static func decompose(_ m: DenseMatrix, maxSweeps: Int = 60) -> Result {
        precondition(m.rows == m.cols, "SymmetricEigen: matrix must be square")
        let n = m.rows
        var a = m.storage.map(Double.init)
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        for _ in 0..<maxSweeps {
            var off = 0.0
            for p in 0..<n { for q in (p + 1)..<max(p + 1, n) { off += a[p * n + q] * a[p * n + q] } }
            if off < 1e-22 { break }
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) {
                    let apq = a[p * n + q]
                    if abs(apq) < 1e-300 { continue }
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { a[$0 * n + $0] > a[$1 * n + $1] || (a[$0 * n + $0] == a[$1 * n + $1] && $0 < $1) }
        var vectors = [Double](repeating: 0, count: n * n)
        for (newCol, old) in order.enumerated() { for r in 0..<n { vectors[r * n + newCol] = v[r * n + old] } }
        return Result(values: order.map { a[$0 * n + $0] }, vectors: vectors, n: n)
    }
}
