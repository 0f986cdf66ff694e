// "Memory and Stream Objects" (PYNQ's notebook, ../shared/seeds/000_*.txt) cell by cell in Swift.
//
// Run from the package root: `swift run memory-and-streams`. It uses the Mock device (no card needed)
// unless PYNQ_BACKEND names another backend, and loads Examples/overlays/kernel_opt.xclbin, a
// kernel_opt-like design written by the project's own xclbin writer (`swift run make-overlays`).
import Foundation
import Pynq

// Errors (no device, a missing file, …) end the program with their message and exit status 1.
do {
    // Set-up (not a notebook cell): choose the device and find the overlay next to this example.
    try Device.selectDefault(.mock)
    let examples = String(#filePath.dropLast("memory-and-streams/main.swift".count))
    let overlayPath = examples + "overlays/kernel_opt.xclbin"

    // In [1]: import pynq; ol = pynq.Overlay('kernel_opt.xclbin')
    let ol = try Overlay(overlayPath)

    // In [2]: bank = ol.bank1; bank.mem_used                              -> 0
    let bank = try ol.bank1
    print(try bank.memUsed)

    // In [3]: buf = pynq.allocate((1024,1024), 'u4', target=bank); bank.mem_used -> 4194304
    var buf: PynqBuffer? = try allocate(shape: [1024, 1024], dtype: "u4", target: bank)
    print(try bank.memUsed)

    // In [4]: %xdel buf; bank.mem_used                                      -> 0
    // Swift releases deterministically: dropping the last reference frees the memory at once
    // (`buf?.free()` does the same explicitly, whoever else still holds the buffer).
    buf = nil
    print(try bank.memUsed)

    // In [5]: buf = pynq.allocate((1024,1024), 'u4', target=bank); buf    -> PynqBuffer([[0, 0, 0, ..., 0, 0, 0], ...
    buf = try allocate(shape: [1024, 1024], dtype: "u4", target: bank)
    print(buf!)
    // Jupyter keeps each cell's result in its output history (`_5`); this dictionary plays that part.
    var outputHistory: [Int: PynqBuffer] = [5: buf!]

    // In [6]: del buf; bank.mem_used                                        -> 4194304
    // The output history still refers to the buffer, so it stays allocated, as in Python.
    buf = nil
    print(try bank.memUsed)

    // In [7]: buf = _5
    buf = outputHistory[5]

    // In [8]: %xdel buf; bank.mem_used                                      -> 0
    // `free()` releases the memory now, even though the history still holds the (now freed) buffer.
    buf?.free()
    buf = nil
    outputHistory.removeAll()
    print(try bank.memUsed)

    // In [9]: stream = ol.dc_0; stream.source                               -> 'krnl_stream_vadd_1.out_r'
    let stream = try ol.dc_0
    print("'\(try stream.source ?? "None")'")

    // In [10]: vadd = ol.krnl_stream_vadd_1; stream.source_ip              -> <pynq.overlay.DefaultIP at 0x…>
    let vadd = try ol.krnl_stream_vadd_1
    let sourceIP = try stream.sourceIP
    print(sourceIP.map { "\($0)" } ?? "None")
    // source_ip is the very driver object that ol.krnl_stream_vadd_1 returned.
    let vaddDriver = try vadd.asIP
    assert(sourceIP === vaddDriver)

    // In [11]: ol.free()
    try ol.free()
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
