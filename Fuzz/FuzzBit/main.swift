// libFuzzer entry point for the .bit reader and the overlay kind detection. Built only with PYNQ_FUZZ set:
//   PYNQ_FUZZ=1 swift build --product FuzzBit -Xswiftc -sanitize=fuzzer,address --scratch-path .build-fuzz
// Any input must either read or throw; a crash, trap or sanitizer report is a bug.
import FuzzSupport
import PynqMetadata

runFuzzer(fuzzBit)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBit(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    _ = OverlayFileKind(content: bytes)
    guard let bit = try? Bitstream.read(bytes: bytes, source: "fuzz.bit") else { return 0 }
    precondition(bit.payloadOffset + bit.length == bytes.count, "payload must end at the end of the file")
    _ = bit.inspectJSON().jsonString()
    _ = bit.report()
    if let bin = try? bit.binData() {
        precondition(bin.count == bit.length && bit.length % 4 == 0, "bin keeps every payload byte")
    }
    return 0
}
