internal import COpenBLAS

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
