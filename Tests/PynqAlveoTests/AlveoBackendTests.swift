import Foundation
import PynqBackend
import PynqMetadataCore
import PynqXclbin
import Testing
import TestSupport

@testable import PynqAlveo

/// The vadd reference overlay as the runtime hands it to a backend.
func vaddImage() throws -> OverlayImage {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: vaddXclbin)))
    let description = try Xclbin.read(bytes: bytes, source: vaddXclbin).overlayDescription()
    return OverlayImage(description: description, path: vaddXclbin, bytes: bytes)
}

@Suite("Alveo backend on XRT's no-op device", .serialized, .xrtExclusive)
struct AlveoBackendTests {
    func loadedBackend() throws -> (AlveoBackend, OverlayImage, IPBlock) {
        let backend = try AlveoBackend(index: 0)
        let image = try vaddImage()
        try backend.download(image)
        let ip = try #require(image.description.ips.first { $0.name == "krnl_vadd_1" })
        return (backend, image, ip)
    }

    /// MEM_TOPOLOGY index of the bank argument `index` of `ip` is connected to.
    func bank(of index: Int, _ ip: IPBlock, _ image: OverlayImage) throws -> Int {
        let tag = try #require(ip.registers.first { $0.argumentIndex == index }?.memory)
        return try #require(image.description.memories.first { $0.tag == tag }?.index)
    }

    @Test("the registry probe finds XRT's no-op device")
    func probe() throws {
        guard case .found(let backends) = AlveoBackend.probe.probe() else {
            Issue.record("the Alveo probe rejected the no-op device")
            return
        }
        #expect(backends.count == 1)
        #expect(backends.first?.kind == .alveo)
        #expect(AlveoBackend.probe.probedByDefault)
    }

    @Test("download, allocate per argument bank, write, sync, read back, run krnl_vadd, free: nothing leaks")
    func vaddCycle() async throws {
        let (backend, image, ip) = try loadedBackend()
        #expect(backend.loadedOverlayID == image.identity)
        let count = 256
        var allocations: [any BackendAllocation] = []
        for argument in 0..<3 {
            let memory = try bank(of: argument, ip, image)
            let allocation = try backend.allocate(byteCount: count * 4, memory: memory, cacheable: argument == 2)
            #expect(allocation.memoryIndex == memory)
            #expect(allocation.byteCount == count * 4)
            #expect(allocation.deviceAddress != 0)
            #expect(!allocation.coherent)
            #expect(allocation.cacheable == (argument == 2))
            allocations.append(allocation)
        }
        let memory = allocations[0].memoryIndex
        let usage = try backend.usage(memory: memory)
        #expect(usage == MemoryUsage(memUsed: UInt64(3 * count * 4), numBuffers: 3, source: .accounting))

        let a = allocations[0].hostAddress.bindMemory(to: UInt32.self, capacity: count)
        for i in 0..<count { a[i] = UInt32(i * 7) }
        try allocations[0].sync(.toDevice, offset: 0, length: count * 4)
        try allocations[0].sync(.fromDevice, offset: 8, length: 16)
        #expect((0..<count).allSatisfy { a[$0] == UInt32($0 * 7) })
        #expect(throws: AlveoError.self) { try allocations[0].sync(.toDevice, offset: count * 4 - 4, length: 8) }

        let arguments: [Int: KernelArgumentValue] = [
            0: .buffer(allocations[0], offset: 0), 1: .buffer(allocations[1], offset: 0),
            2: .buffer(allocations[2], offset: 0), 3: .value(UInt32(count)),
        ]
        let run = try backend.start(ip, arguments: arguments)
        try run.wait()
        #expect(run.isDone)
        #expect((run as? AlveoRun)?.state == .completed)

        let second = try #require(try backend.start(ip, arguments: arguments) as? AlveoRun)
        try await second.wait()
        #expect(second.state == .completed)

        // A slice of a buffer as an argument (an XRT sub-buffer at that offset).
        let sliced = try backend.start(
            ip, arguments: [0: .buffer(allocations[0], offset: 64), 1: .buffer(allocations[1], offset: 0),
                            2: .buffer(allocations[2], offset: 0), 3: .value(UInt32(count - 16))])
        try sliced.wait()

        for allocation in allocations { allocation.release() }
        #expect(try backend.usage(memory: memory) == MemoryUsage(memUsed: 0, numBuffers: 0, source: .accounting))
        backend.close()
        #expect(backend.loadedOverlayID == nil)
    }

    @Test("allocation errors: size, bank index, unused bank, no overlay")
    func allocationErrors() throws {
        let fresh = try AlveoBackend(index: 0)
        #expect(throws: BackendError.noOverlay(backend: fresh.name)) {
            try fresh.allocate(byteCount: 4096, memory: 0, cacheable: false)
        }
        let (backend, image, _) = try loadedBackend()
        #expect(throws: BackendError.invalidSize(requested: 0)) { try backend.allocate(byteCount: 0, memory: 0, cacheable: false) }
        let count = image.description.memories.count
        #expect(throws: BackendError.noSuchMemory(index: 99, count: count)) {
            try backend.allocate(byteCount: 4096, memory: 99, cacheable: false)
        }
        if let unused = image.description.memories.first(where: { !$0.used }) {
            #expect(throws: BackendError.self) { try backend.allocate(byteCount: 4096, memory: unused.index, cacheable: false) }
        }
        #expect(throws: BackendError.noSuchMemory(index: 99, count: count)) { try backend.usage(memory: 99) }
    }

    @Test("register access goes to XRT, whose no-op layer refuses it with its own message")
    func registers() throws {
        let (backend, _, ip) = try loadedBackend()
        let space = try backend.registers(for: ip)
        #expect(space.mappedAddress == nil)
        #expect(throws: BackendError.self) { try space.read32(offset: 2) }
        #expect(throws: BackendError.self) { try space.read32(offset: space.length) }
        do {
            _ = try space.read32(offset: 0x10)
            Issue.record("the no-op device read a register")
        } catch {
            #expect("\(error)".contains("xrtKernelReadRegister failed (kernel krnl_vadd:{krnl_vadd_1}, offset 0x10): failed to read ip(0): Operation not permitted"))
        }
    }

    @Test("a buffer released after close() still frees its XRT buffer")
    func releaseAfterClose() throws {
        let (backend, _, _) = try loadedBackend()
        let allocation = try backend.allocate(byteCount: 4096, memory: 0, cacheable: false)
        let device = try #require((allocation as? AlveoAllocation)?.device)
        backend.close()
        #expect(device.liveBuffers == 1)
        allocation.release()
        #expect(device.liveBuffers == 0)
    }

    @Test("scalars are passed in the C type XRT reads for their declared type")
    func scalarTypes() throws {
        func register(_ type: String, bytes: Int) -> Register {
            Register(
                name: "x", offset: 0x10, sizeInBits: bytes * 8, access: .readWrite, description: "", type: type,
                argumentIndex: 0)
        }
        #expect(try AlveoBackend.xrtValue(.value(Float(1.5)), for: register("float", bytes: 4), ip: "k") == .double(1.5))
        #expect(try AlveoBackend.xrtValue(.value(2.25), for: register("double", bytes: 8), ip: "k") == .double(2.25))
        #expect(try AlveoBackend.xrtValue(.value(Int32(-3)), for: register("int", bytes: 4), ip: "k") == .int32(-3))
        #expect(try AlveoBackend.xrtValue(.value(UInt32(7)), for: register("uint", bytes: 4), ip: "k") == .uint32(7))
        #expect(try AlveoBackend.xrtValue(.value(UInt32(7)), for: register("unsigned int", bytes: 4), ip: "k") == .uint32(7))
        #expect(try AlveoBackend.xrtValue(.value(UInt64(1) << 40), for: register("long", bytes: 8), ip: "k") == .uint64(1 << 40))
        #expect(try AlveoBackend.xrtValue(.value(UInt16(9)), for: register("short", bytes: 2), ip: "k") == .size(9))
        #expect(throws: BackendError.self) {
            try AlveoBackend.xrtValue(.value(UInt64(1)), for: register("unsigned int", bytes: 4), ip: "k")
        }
        #expect(AlveoBackend.xrtKernelName(cu: "krnl_vadd:krnl_vadd_1") == "krnl_vadd:{krnl_vadd_1}")
    }
}

@Suite("The project's own written xclbins on XRT's no-op device", .serialized, .xrtExclusive)
struct WrittenXclbinTests {
    /// Every reference xclbin, written again by `XclbinBuilder`.
    static func written() throws -> [(name: String, bytes: [UInt8], file: XclbinFile)] {
        try Reference.fileNames(withExtension: "xclbin").map { name in
            let original = try Xclbin.read(bytes: try Reference.bytes(name), source: name)
            let bytes = try XclbinBuilder(file: original).build()
            return (name, bytes, try Xclbin.read(bytes: bytes, source: "rewritten " + name))
        }
    }

    @Test("XRT reports the argument offsets and memory groups we wrote")
    func acceptance() throws {
        for (name, bytes, file) in try Self.written() {
            let kernels = file.kernels.filter { $0.instances.contains { $0.baseAddress != .max } }
            let report = try XRTXclbinAcceptance.load(bytes: bytes, kernels: kernels.map(\.name))
            #expect(report.uuid == file.header.uuid, "\(name)")
            for (kernel, seen) in zip(kernels, report.kernels) {
                for argument in kernel.arguments where !argument.isStream {
                    let xrt = seen.arguments.first { $0.index == argument.index }
                    #expect(xrt?.offset == UInt32(argument.offset), "\(name) \(kernel.name).\(argument.name)")
                    #expect((xrt?.memoryGroup != nil) == argument.isPointer, "\(name) \(kernel.name).\(argument.name)")
                }
            }
        }
    }

    @Test("download, allocate in every used bank, free; the rewritten vadd runs to completion")
    func backendCycle() throws {
        let backend = try AlveoBackend(index: 0)
        for (name, bytes, file) in try Self.written() {
            let description = file.overlayDescription()
            try backend.download(OverlayImage(description: description, path: nil, bytes: bytes))
            var allocations: [any BackendAllocation] = []
            for bank in description.memories where bank.used && bank.type != .streaming && bank.type != .streamingConnection {
                allocations.append(try backend.allocate(byteCount: 4096, memory: bank.index, cacheable: false))
            }
            #expect(!allocations.isEmpty, "\(name)")
            if let vadd = description.ips.first(where: { $0.name == "krnl_vadd_1" }) {
                let run = try backend.start(
                    vadd, arguments: [0: .buffer(allocations[0], offset: 0), 1: .buffer(allocations[0], offset: 0),
                                      2: .buffer(allocations[0], offset: 0), 3: .value(UInt32(16))])
                try run.wait()
            }
            for allocation in allocations { allocation.release() }
            for bank in description.memories {
                #expect(try backend.usage(memory: bank.index).numBuffers == 0, "\(name) \(bank.tag)")
            }
        }
        backend.close()
    }
}

@Suite("Alveo backend under concurrency", .serialized, .xrtExclusive)
struct AlveoConcurrencyTests {
    @Test("buffers allocated, synced and freed from several threads at once are all accounted for")
    func concurrentBuffers() async throws {
        let backend = try AlveoBackend(index: 0)
        try backend.download(try vaddImage())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for round in 0..<500 {
                        let size = 4096 * (1 + (worker + round) % 4)
                        let allocation = try backend.allocate(byteCount: size, memory: 0, cacheable: round % 2 == 0)
                        allocation.hostAddress.storeBytes(of: UInt32(round), as: UInt32.self)
                        try allocation.sync(.toDevice, offset: 0, length: 4)
                        allocation.release()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try backend.usage(memory: 0) == MemoryUsage(memUsed: 0, numBuffers: 0, source: .accounting))
        backend.close()
    }

    @Test("krnl_vadd started from several threads at once: every run completes")
    func concurrentRuns() async throws {
        let backend = try AlveoBackend(index: 0)
        let image = try vaddImage()
        try backend.download(image)
        let ip = try #require(image.description.ips.first { $0.name == "krnl_vadd_1" })
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let buffers = try (0..<3).map { _ in try backend.allocate(byteCount: 4096, memory: 0, cacheable: false) }
                    defer { buffers.forEach { $0.release() } }
                    for _ in 0..<50 {
                        let run = try backend.start(
                            ip, arguments: [0: .buffer(buffers[0], offset: 0), 1: .buffer(buffers[1], offset: 0),
                                            2: .buffer(buffers[2], offset: 0), 3: .value(UInt32(1024))])
                        try run.wait()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try backend.usage(memory: 0).numBuffers == 0)
        backend.close()
    }
}
