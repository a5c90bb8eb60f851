import FuzzSupport

@_cdecl("FuzzRedactor_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in
        fuzzOne(fuzzInput(data, size))
        return 0
    }
}
