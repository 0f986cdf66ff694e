// libFuzzer entry point for the xclbin reader and writer. Built only with PYNQ_FUZZ set:
//   PYNQ_FUZZ=1 swift build -c debug --product FuzzXclbin -Xswiftc -sanitize=fuzzer,address --scratch-path .build-fuzz
// Any input must either read or throw; whatever reads must print, describe itself and be written again
// (or refused with an error) without a trap. A crash, trap or sanitizer report is a bug.
import FuzzSupport
import PynqMetadata

runFuzzer(fuzzXclbin)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXclbin(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    guard let file = try? Xclbin.read(bytes: bytes, source: "fuzz.xclbin") else { return 0 }
    _ = file.inspectJSON().jsonString()
    let overlay = file.overlayDescription()
    precondition(overlay.ips.count == file.ipDict.keys.count, "one IP block per ip_dict entry")
    precondition(file.memories.count + file.streams.count == file.effectiveMemTopology.count,
                 "every memory entry is a bank or a stream")
    guard let written = try? XclbinBuilder(file: file).build() else { return 0 }
    if let again = try? Xclbin.read(bytes: written, source: "fuzz rewritten") {
        precondition(again.header.uuid == file.header.uuid, "the UUID survives writing")
        precondition(again.header.length == UInt64(written.count), "m_length is the file size")
    }
    return 0
}
