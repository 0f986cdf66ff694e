import PynqBackend
import PynqMetadataCore
import Testing
@testable import PynqMock

/// A Mock device with `kernelOpt()` loaded.
func loadedMock(system: SystemCalls = .live) throws -> MockBackend {
    let backend = MockBackend(system: system)
    try backend.download(OverlayImage(description: MockOverlays.kernelOpt(), path: nil, bytes: []))
    return backend
}

@Suite("MockBackend")
struct MockBackendTests {
    @Test func banksHaveRealAddressesAndUsage() throws {
        let backend = try loadedMock()
        #expect(try backend.usage(memory: 1) == MemoryUsage(memUsed: 0, numBuffers: 0, source: .accounting))
        let allocation = try backend.allocate(byteCount: 4 << 20, memory: 1, cacheable: false)
        #expect(allocation.deviceAddress == 0x50_0000_0000)
        #expect(allocation.memoryIndex == 1)
        #expect(try backend.usage(memory: 1).memUsed == 4_194_304)
        #expect(try backend.usage(memory: 1).numBuffers == 1)
        #expect(try backend.usage(memory: 2).memUsed == 0)
        allocation.release()
        #expect(try backend.usage(memory: 1) == MemoryUsage(memUsed: 0, numBuffers: 0, source: .accounting))
    }

    @Test(arguments: [8192, 4 << 20])
    func hostMemoryIsWritableAndZeroedWhenReused(size: Int) throws {
        let backend = try loadedMock()
        let first = try backend.allocateMock(byteCount: size, memory: 2)
        let bytes = UnsafeMutableRawBufferPointer(start: first.hostAddress, count: first.byteCount)
        #expect(bytes.allSatisfy { $0 == 0 })
        bytes.storeBytes(of: 0xDEAD_BEEF, toByteOffset: 4096, as: UInt32.self)
        bytes.storeBytes(of: 0xDEAD_BEEF, toByteOffset: size - 4, as: UInt32.self)
        let address = first.deviceAddress
        first.release()
        let second = try backend.allocateMock(byteCount: size, memory: 2)
        #expect(second.deviceAddress == address)
        #expect(second.hostAddress.load(fromByteOffset: 4096, as: UInt32.self) == 0)
        #expect(second.hostAddress.load(fromByteOffset: size - 4, as: UInt32.self) == 0)
        second.release()
    }

    @Test func badRequestsThrowTypedErrors() throws {
        let backend = try loadedMock()
        #expect(throws: BackendError.invalidSize(requested: 0)) { try backend.allocateMock(byteCount: 0, memory: 1) }
        #expect(throws: BackendError.invalidSize(requested: -4)) { try backend.allocateMock(byteCount: -4, memory: 1) }
        #expect(throws: BackendError.outOfMemory(bank: "bank1", requested: 17 << 30, free: 16 << 30, largestFree: 16 << 30)) {
            try backend.allocateMock(byteCount: 17 << 30, memory: 1)
        }
        do {
            _ = try backend.allocateMock(byteCount: 64, memory: 7)
            Issue.record("a stream must not be allocatable")
        } catch {
            guard case .notAllocatable(let bank, let reason) = error else { throw error }
            #expect(bank == "dc_0")
            #expect(reason.contains("stream"))
        }
        do {
            _ = try backend.allocateMock(byteCount: 64, memory: 0)
            Issue.record("an unused bank must not be allocatable")
        } catch {
            guard case .notAllocatable(let bank, let reason) = error else { throw error }
            #expect(bank == "bank0")
            #expect(reason.contains("unused"))
        }
        #expect(throws: BackendError.noSuchMemory(index: 42, count: 8)) { try backend.allocateMock(byteCount: 64, memory: 42) }
        #expect(try backend.usage(memory: 1).memUsed == 0)
    }

    @Test func nothingLoadedMeansNoOverlayError() throws {
        let backend = MockBackend()
        #expect(backend.loadedOverlayID == nil)
        #expect(throws: BackendError.noOverlay(backend: "the Mock device mock0")) {
            try backend.allocateMock(byteCount: 64, memory: 1)
        }
        let loaded = try loadedMock()
        #expect(loaded.loadedOverlayID == "101112131415161718191a1b1c1d1e1f")
        loaded.close()
        #expect(loaded.loadedOverlayID == nil)
        #expect(throws: BackendError.self) { try loaded.usage(memory: 1) }
    }

    @Test func allocationOutlivesCloseAndReleasesSafely() throws {
        let backend = try loadedMock()
        let allocation = try backend.allocateMock(byteCount: 4096, memory: 1)
        backend.close()
        allocation.hostAddress.storeBytes(of: 7, as: UInt8.self)
        allocation.release()
        allocation.release()
        #expect(allocation.isReleased)
    }

    @Test func syncChecksRangeAndIsRecorded() throws {
        let backend = try loadedMock()
        let allocation = try backend.allocateMock(byteCount: 100, memory: 1, cacheable: true)
        #expect(!allocation.coherent)
        try allocation.sync(.toDevice, offset: 16, length: 32)
        try allocation.sync(.fromDevice, offset: 0, length: 100)
        #expect(allocation.syncLog == [MockSync(direction: .toDevice, offset: 16, length: 32),
                                       MockSync(direction: .fromDevice, offset: 0, length: 100)])
        #expect(throws: BackendError.self) { try allocation.sync(.toDevice, offset: 90, length: 11) }
        allocation.release()
        #expect(throws: BackendError.self) { try allocation.sync(.toDevice, offset: 0, length: 4) }
    }

    @Test func registersReadBackAndCheckBounds() throws {
        let backend = try loadedMock()
        let ip = MockOverlays.kernelOpt().ips[0]
        let space = try backend.registers(for: ip)
        #expect(try space.read32(offset: 0) == KernelControl.apIdle)
        try space.write32(offset: 0x28, 1234)
        #expect(try space.read32(offset: 0x28) == 1234)
        try space.write64(offset: 0x10, 0x50_0000_1000)
        #expect(try space.read64(offset: 0x10) == 0x50_0000_1000)
        #expect(throws: BackendError.unalignedRegister(ip: "krnl_stream_vadd_1", offset: 2)) { try space.read32(offset: 2) }
        #expect(throws: BackendError.registerOutOfRange(ip: "krnl_stream_vadd_1", offset: 0x10000, byteCount: 4, length: 0x10000)) {
            try space.write32(offset: 0x10000, 1)
        }
        #expect(throws: BackendError.registerOutOfRange(ip: "krnl_stream_vadd_1", offset: -4, byteCount: 4, length: 0x10000)) {
            try space.read32(offset: -4)
        }
        var unknown = ip
        unknown.name = "nope"
        #expect(throws: BackendError.unknownIP(name: "nope")) { try backend.registers(for: unknown) }
    }

    @Test func streamingVaddRunsEndToEnd() throws {
        let backend = try loadedMock()
        MockOverlays.installKernelOptModels(on: backend)
        let description = MockOverlays.kernelOpt()
        let count = 1000
        let in1 = try backend.allocateMock(byteCount: count * 4, memory: 1)
        let in2 = try backend.allocateMock(byteCount: count * 4, memory: 1)
        let factor = try backend.allocateMock(byteCount: count * 4, memory: 2)
        let out = try backend.allocateMock(byteCount: count * 4, memory: 1)
        let a = in1.hostAddress.bindMemory(to: Int32.self, capacity: count)
        let b = in2.hostAddress.bindMemory(to: Int32.self, capacity: count)
        let f = factor.hostAddress.bindMemory(to: Int32.self, capacity: count)
        for i in 0..<count {
            a[i] = Int32(i)
            b[i] = Int32(2 * i)
            f[i] = 3
        }
        let vadd = try backend.start(description.ips[0], arguments: [
            0: .buffer(in1, offset: 0), 1: .buffer(in2, offset: 0), 3: .value(Int32(count)),
        ])
        try vadd.wait()
        #expect(try backend.stream("dc_0").count == count * 4)
        let vmult = try backend.start(description.ips[1], arguments: [
            1: .buffer(factor, offset: 0), 2: .buffer(out, offset: 0), 3: .value(Int32(count)),
        ])
        try vmult.wait()
        #expect(vmult.isDone)
        let result = out.hostAddress.bindMemory(to: Int32.self, capacity: count)
        #expect((0..<count).allSatisfy { result[$0] == Int32(9 * $0) })
        #expect(try backend.stream("dc_0").count == 0)
        for allocation in [in1, in2, factor, out] { allocation.release() }
        #expect(try backend.usage(memory: 1).memUsed == 0)
        #expect(try backend.usage(memory: 2).memUsed == 0)
    }

    @Test func modelFailureSurfacesAsError() throws {
        let backend = try loadedMock()
        MockOverlays.installKernelOptModels(on: backend)
        // vmult before vadd: the stream is empty.
        let out = try backend.allocateMock(byteCount: 16, memory: 1)
        let factor = try backend.allocateMock(byteCount: 16, memory: 2)
        #expect(throws: BackendError.self) {
            try backend.start(MockOverlays.kernelOpt().ips[1], arguments: [
                1: .buffer(factor, offset: 0), 2: .buffer(out, offset: 0), 3: .value(Int32(4)),
            ])
        }
        out.release()
        factor.release()
    }

    @Test func kernelWithoutModelCompletesAtOnce() throws {
        let backend = try loadedMock()
        let run = try backend.start(MockOverlays.kernelOpt().ips[0], arguments: [3: .value(UInt32(5))])
        try run.wait()
        let space = try backend.mockRegisters(for: "krnl_stream_vadd_1")
        #expect(try space.read32(offset: 0x28) == 5)
        // AP_DONE clears on read, AP_IDLE stays.
        #expect(try space.read32(offset: 0) == KernelControl.apIdle)
    }

    @Test func injectedMmapFailureLeavesNothingLoaded() throws {
        let backend = MockBackend(system: SystemCalls.live.failing(.mmap, errno: 12, after: 1))
        #expect(throws: BackendError.systemCall(call: "mmap", path: nil, errno: 12)) {
            try backend.download(OverlayImage(description: MockOverlays.kernelOpt(), path: nil, bytes: []))
        }
        #expect(backend.loadedOverlayID == nil)
    }

    @Test func injectedMadviseFailureStillZeroesReusedMemory() throws {
        let backend = try loadedMock(system: SystemCalls.live.failing(.madvise, errno: 22))
        let size = 1 << 20 // above the in-place limit: returned with madvise, which fails here
        let first = try backend.allocateMock(byteCount: size, memory: 1)
        first.hostAddress.storeBytes(of: 0xFF, toByteOffset: size - 1, as: UInt8.self)
        first.release()
        let second = try backend.allocateMock(byteCount: size, memory: 1)
        #expect(second.hostAddress.load(fromByteOffset: size - 1, as: UInt8.self) == 0)
        second.release()
        #expect(try backend.usage(memory: 1).memUsed == 0)
    }

    @Test func readFileReportsPathAndErrno() throws {
        #expect(throws: BackendError.systemCall(call: "open", path: "/nonexistent/x.xclbin", errno: 2)) {
            try SystemCalls.live.readFile(at: "/nonexistent/x.xclbin")
        }
        #expect(throws: BackendError.systemCall(call: "read", path: "/tmp", errno: 21)) {
            try SystemCalls.live.readFile(at: "/tmp")
        }
        #expect(throws: BackendError.systemCall(call: "read", path: "/etc/hostname", errno: 5)) {
            try SystemCalls.live.failing(.read, errno: 5).readFile(at: "/etc/hostname")
        }
        let bytes = try SystemCalls.live.readFile(at: "/proc/self/stat")
        #expect(!bytes.isEmpty) // procfs reports size 0; readFile reads to the end anyway.
    }
}
