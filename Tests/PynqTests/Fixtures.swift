import PynqBackend
import PynqMetadataCore
import PynqMock
@testable import Pynq

/// A fresh Mock device (not the shared active one, so tests can run in parallel).
func mockDevice(alignment: Int = 4096) -> Device {
    Device(backend: MockBackend(name: "test", alignment: alignment))
}

/// The kernel_opt-like overlay, loaded on a fresh Mock device.
func kernelOptOverlay(device: Device = mockDevice()) throws -> Overlay {
    try Overlay(image: OverlayImage(description: MockOverlays.kernelOpt(), path: "kernel_opt.xclbin", bytes: []),
                device: device)
}

/// Checks that no bank of `overlay`'s device holds a buffer.
func allBanksEmpty(_ overlay: Overlay) throws -> Bool {
    try overlay.memories.values.allSatisfy { try $0.memUsed == 0 && $0.numBuffers == 0 }
}
