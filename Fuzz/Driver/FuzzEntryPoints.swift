import Foundation
import FuzzTargets
import Glibc

// libFuzzer's entry points for every target in one binary: the target is named by
// `GONGSPOOL_FUZZ_TARGET`, every argument is libFuzzer's (`-max_total_time=N`, `-runs=0`,
// corpus folders…). Built only with `GONGSPOOL_FUZZ=1` (see `scripts/fuzz.sh`): the package
// then compiles GongSpool and its fuzz targets with `-sanitize=fuzzer,address`; main.swift
// hands control to libFuzzer's driver.

nonisolated(unsafe) var selected: FuzzTargets.Target?

/// Called once by libFuzzer before the first input: picks the target.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>?, _ argv: UnsafeMutableRawPointer?) -> Int32 {
    let name = getenv("GONGSPOOL_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTargets.named(name) else {
        print("GONGSPOOL_FUZZ_TARGET names the target; one of:")
        for target in FuzzTargets.all { print("  \(target.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(target.summary)") }
        exit(2)
    }
    selected = target
    return 0
}

/// One input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selected?.run(bytes)
    return 0
}
