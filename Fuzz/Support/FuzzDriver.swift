// The shared entry point of the libFuzzer targets in Fuzz/. SwiftPM gives each executable its own `main`,
// so libFuzzer's `main` is never linked in; each target's top-level code calls `runFuzzer` instead, which
// hands the command line to libFuzzer's driver.
import Glibc

@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// Runs libFuzzer with this process's arguments on `testOneInput` (the target's
/// `LLVMFuzzerTestOneInput`) and exits with its status.
public func runFuzzer(_ testOneInput: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(runFuzzerDriver(&argc, &argv, testOneInput))
}
