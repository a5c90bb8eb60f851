internal import COpenBLAS
import Dispatch

/// What OpenBLAS is running with: shown by `jobmatch doctor` and in benchmark output so that
/// timings can be read correctly (Debian's 0.3.21 falls back to a generic kernel on newer CPUs).
package struct BLASRuntimeInfo: Sendable, Equatable, Codable {
    package var coreName: String
    package var config: String
    package var threads: Int
}

extension BLAS {
    package static var runtimeInfo: BLASRuntimeInfo {
        BLASRuntimeInfo(
            coreName: String(cString: openblas_get_corename()),
            config: String(cString: openblas_get_config()),
            threads: Int(openblas_get_num_threads())
        )
    }

    /// Process-wide; call once at start-up, never from concurrent tasks.
    package static func setThreads(_ n: Int) {
        precondition(n >= 1, "BLAS.setThreads: need at least one thread")
        openblas_set_num_threads(Int32(n))
    }
}

extension BLAS {
    /// GFLOP/s of `cblas_sgemm` on n × n matrices (C = A·Bᵀ, 2n³ flop), best of `repeats`
    /// after one warm-up: the yardstick `jobmatch doctor --sgemm` and the benchmarks print.
    package static func measureSGEMM(n: Int, repeats: Int = 3) -> Double {
        precondition(n >= 1 && repeats >= 1, "BLAS.measureSGEMM: need n ≥ 1 and repeats ≥ 1")
        let a = DenseMatrix(rows: n, cols: n, storage: (0..<(n * n)).map { Float(($0 &* 7) % 13) / 13 })
        let b = DenseMatrix(rows: n, cols: n, storage: (0..<(n * n)).map { Float(($0 &* 5) % 11) / 11 })
        var c = DenseMatrix(rows: n, cols: n)
        gemmABt(a, b, into: &c)
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            gemmABt(a, b, into: &c)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return 2 * Double(n) * Double(n) * Double(n) / best / 1e9
    }
}
