// What every fuzz target shares: handing the process to libFuzzer. SwiftPM on Linux links an
// executable with `--defsym main=<Target>_main`; built with -parse-as-library there is no such
// symbol, so each target defines it (a C name cannot be shared) and calls `runFuzzer`.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt

/// Runs libFuzzer with the process's arguments; `callback` gets each input.
package func runFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt {
    var c = argc
    var v = argv
    return LLVMFuzzerRunDriver(&c, &v, callback)
}

/// The input as bytes (empty for a null pointer or size 0).
package func fuzzInput(_ data: UnsafeRawPointer?, _ size: Int) -> [UInt8] {
    size > 0 && data != nil ? Array(UnsafeRawBufferPointer(start: data, count: size)) : []
}
