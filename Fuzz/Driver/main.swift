import Glibc

// The executable's top-level code (SwiftPM links it as `main`): libFuzzer's own driver, with
// the entry points of FuzzEntryPoints.swift. libFuzzer reads every argument.

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

var count = CommandLine.argc
var arguments = CommandLine.unsafeArgv
exit(runFuzzerDriver(&count, &arguments) { fuzzerTestOneInput($0, $1) })
