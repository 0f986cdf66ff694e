// "Allocate" (PYNQ's library documentation, ../shared/seeds/002_*.txt) as a program.
//
// Run from the package root: `swift run allocate`. It uses the Mock device (no card needed) unless
// PYNQ_BACKEND names another backend, with Examples/overlays/kernel_opt.xclbin loaded.
import Foundation
import Pynq

// Errors (no device, a missing file, …) end the program with their message and exit status 1.
do {
    // Set-up (not in the document): a device with an overlay, so that there is memory to allocate in.
    try Device.selectDefault(.mock)
    let examples = String(#filePath.dropLast("allocate/main.swift".count))
    let ol = try Overlay(examples + "overlays/kernel_opt.xclbin")

    // Create a contiguous array of 5 32-bit unsigned integers
    //   from pynq import allocate; input_buffer = allocate(shape=(5,), dtype='u4')
    let inputBuffer = try allocate(shape: [5], dtype: "u4")

    // ``device_address`` property of the buffer
    //   input_buffer.device_address
    print(inputBuffer.deviceAddress)
    //   (and, for backwards compatibility, physical_address)
    print(inputBuffer.physicalAddress)

    // Writing data to the buffer:
    //   input_buffer[:] = range(5)
    try inputBuffer.assign(0..<5)
    print(inputBuffer)

    // Flushing the buffer to ensure the updated data is visible to the programmable logic:
    //   input_buffer.flush()
    try inputBuffer.flush()

    // The other Buffer members the document lists.
    print(inputBuffer.coherent)      // coherent: True if the buffer is cache-coherent between PS and PL
    try inputBuffer.invalidate()     // invalidate: makes PL writes visible to the PS
    try inputBuffer.syncToDevice()   // sync_to_device: alias of flush
    try inputBuffer.syncFromDevice() // sync_from_device: alias of invalidate

    // A typed allocation, Swift's generic form of the same call.
    let typed = try allocate(shape: [1024, 1024], of: UInt32.self, target: ol.bank1)
    print(typed.shape, typed.dtype)

    // Release: explicit free() (or let the buffers go out of scope), then free the overlay.
    inputBuffer.free()
    typed.free()
    try ol.free()
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
