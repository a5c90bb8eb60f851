// Hands the process over to libFuzzer. SwiftPM on Linux links an executable with
// `--defsym main=<Target>_main`; built with -parse-as-library there is no such symbol, so this
// provides it (Fuzz/README.md).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt

@_cdecl("FuzzIndexReader_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var c = argc
    var v = argv
    return LLVMFuzzerRunDriver(&c, &v) { data, size in
        fuzzOne(size > 0 && data != nil ? Array(UnsafeRawBufferPointer(start: data, count: size)) : [])
        return 0
    }
}
