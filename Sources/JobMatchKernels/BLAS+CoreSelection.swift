#if canImport(Glibc)
import Glibc
#endif

/// Choosing OpenBLAS's kernel before it initialises.
///
/// Debian's OpenBLAS 0.3.21 (`DYNAMIC_ARCH`) does not recognise some newer CPUs (for example
/// Intel family 6 model 207) and silently falls back to its generic `Prescott` kernel, about
/// five times slower than the AVX-512 kernel on the same machine. OpenBLAS reads
/// `OPENBLAS_CORETYPE` only when it loads, before `main`, so the fix is to set it and re-execute
/// the process once. A value the user set is never overridden.
package enum BLASCoreSelection {
    /// Kernels OpenBLAS falls back to when it does not know the CPU.
    package static let genericCores: Set<String> = ["Prescott", "Core2", "Katmai", "Northwood", "Banias", "Atom", "Nehalem", "Penryn", "Dunnington"]

    /// The kernel to ask for, or nil to leave OpenBLAS alone.
    ///
    /// - `currentCore`: what OpenBLAS chose (`openblas_get_corename`).
    /// - `cpuFlags`: the CPU's feature flags (`/proc/cpuinfo`).
    /// - `userValue`: `OPENBLAS_CORETYPE` as the user set it (any value wins).
    package static func recommendedCore(currentCore: String, cpuFlags: Set<String>, userValue: String?) -> String? {
        if let userValue, !userValue.isEmpty { return nil }
        guard genericCores.contains(currentCore) else { return nil }
        if ["avx512f", "avx512bw", "avx512vl", "avx512dq"].allSatisfy(cpuFlags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(cpuFlags.contains) { return "Haswell" }
        if cpuFlags.contains("avx") { return "SandyBridge" }
        return nil
    }

    /// CPU feature flags of the first processor listed in `/proc/cpuinfo` (empty elsewhere).
    package static func cpuFlags() -> Set<String> {
        guard let text = readFile("/proc/cpuinfo") else { return [] }
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }

    static func readFile(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// Marks a process that was re-executed with a chosen kernel (and what it replaced).
    package static let reexecMarker = "JOBMATCH_OPENBLAS_REEXEC"
    /// Test hook: pretend OpenBLAS chose this core (to exercise the re-execution path anywhere).
    package static let assumeCoreVariable = "JOBMATCH_OPENBLAS_ASSUME_CORE"

    /// At start-up: when OpenBLAS fell back to a generic kernel on a CPU that has a better one
    /// and the user did not choose, set `OPENBLAS_CORETYPE` and re-execute this program once
    /// (`/proc/self/exe`, same arguments and environment). Returns only when nothing was done
    /// or re-execution failed.
    package static func ensureBestKernel(arguments: [String]) {
        guard environment(reexecMarker) == nil else { return }
        let current = environment(assumeCoreVariable) ?? BLAS.runtimeInfo.coreName
        guard let core = recommendedCore(currentCore: current, cpuFlags: cpuFlags(), userValue: environment("OPENBLAS_CORETYPE")) else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv(reexecMarker, current, 1)
        var cArgs: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        cArgs.append(nil)
        _ = cArgs.withUnsafeMutableBufferPointer { execv("/proc/self/exe", $0.baseAddress!) }
        // execv returned: it failed; carry on with the kernel we have.
        for p in cArgs { free(p) }
        unsetenv("OPENBLAS_CORETYPE")
    }

    /// The kernel OpenBLAS replaced when this process was re-executed, if it was.
    package static var replacedCore: String? { environment(reexecMarker) }
}

/// Terminal checks for progress output (the C call lives here, with the other C calls).
package enum Terminal {
    package static var standardErrorIsTerminal: Bool { isatty(2) == 1 }
}
