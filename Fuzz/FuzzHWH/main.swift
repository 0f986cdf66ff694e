// libFuzzer entry point for the HWH reader: the XML parser (PynqXML) and everything HWH.read builds on
// it (the block-design graph, pynq's seven dictionaries, the typed overlay description). Built only with
// PYNQ_FUZZ set:
//   PYNQ_FUZZ=1 swift build --product FuzzHWH -Xswiftc -sanitize=fuzzer,address --scratch-path .build-fuzz
// Any input must either read or throw a MetadataError; a crash, trap or sanitizer report is a bug.
import FuzzSupport
import PynqMetadata

runFuzzer(fuzzHWH)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHWH(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    guard let file = try? HWH.read(bytes: bytes, source: "fuzz.hwh") else { return 0 }
    let json = file.inspectJSON()
    precondition(json.keys.count == 7, "inspectJSON has pynq's seven dictionaries")
    _ = json.jsonString()
    let overlay = file.overlayDescription()
    precondition(overlay.memories.first?.tag == "PSDDR", "the synthetic topology starts with PSDDR")
    for ip in overlay.ips { precondition(ip.addressRange > 0, "an IP's range is positive") }
    return 0
}
