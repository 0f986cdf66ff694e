import PynqBackend
import PynqMock
import Testing
@testable import Pynq

@Suite("allocate")
struct AllocateTests {
    @Test func seedMemoryStatus() throws {
        let ol = try kernelOptOverlay()
        let bank = try ol.bank1
        #expect(try bank.memUsed == 0)
        do {
            let buf = try allocate(shape: [1024, 1024], dtype: "u4", target: bank)
            #expect(try bank.memUsed == 4_194_304)
            #expect(buf.shape == [1024, 1024])
            #expect(buf.dtype == .uint32)
            #expect(buf.nbytes == 4_194_304)
            #expect(buf.deviceAddress == 0x50_0000_0000)
        }
        // The buffer went out of scope: released at once.
        #expect(try bank.memUsed == 0)
        #expect(try bank.numBuffers == 0)
    }

    @Test func explicitFreeIsIdempotent() throws {
        let ol = try kernelOptOverlay()
        let bank = try ol.memory("bank1")
        let buf = try bank.allocate(shape: [5], dtype: "u4")
        #expect(try bank.numBuffers == 1)
        #expect(try bank.memUsed == 4096)
        buf.free()
        buf.free()
        #expect(try bank.memUsed == 0)
        #expect(throws: PynqBufferError.freed) { try buf.flush() }
    }

    @Test func typedAllocationAndDefaultTarget() throws {
        let device = mockDevice()
        let ol = try kernelOptOverlay(device: device)
        let typed = try allocate(shape: [1024, 1024], of: UInt32.self, target: ol.bank1)
        typed[1, 2] = 42
        #expect(typed[1, 2] == 42)
        #expect(typed.buffer[1, 2, as: UInt32.self] == 42)
        // A device as target: its default memory is the first used bank (bank1).
        let onDevice = try allocate(shape: [5], dtype: "u4", target: device)
        #expect(onDevice.deviceAddress == 0x50_0000_0000 + 4_194_304)
        let bank1 = try ol.bank1
        #expect(try bank1.numBuffers == 2)
        typed.free()
        onDevice.free()
        #expect(try allBanksEmpty(ol))
    }

    @Test func seedAllocateExample() throws {
        let ol = try kernelOptOverlay()
        let inputBuffer = try allocate(shape: [5], dtype: "u4", target: ol.bank2)
        #expect(inputBuffer.deviceAddress == 0x60_0000_0000)
        #expect(inputBuffer.physicalAddress == inputBuffer.deviceAddress)
        try inputBuffer.copy(from: (0..<5).map(UInt32.init))
        try inputBuffer.flush()
        #expect(try inputBuffer.toArray(of: UInt32.self) == [0, 1, 2, 3, 4])
        #expect(inputBuffer.coherent)
        inputBuffer.free()
        #expect(try allBanksEmpty(ol))
    }

    @Test func cacheableBuffersSyncOnlyTheirSlice() throws {
        let backend = MockBackend()
        let ol = try kernelOptOverlay(device: Device(backend: backend))
        let buf = try allocate(shape: [1024], dtype: "u4", target: ol.bank1, cacheable: true)
        #expect(!buf.coherent)
        try buf[16..<32].flush()
        try buf.invalidate()
        let allocation = try #require(buf.allocation as? MockAllocation)
        #expect(allocation.syncLog == [MockSync(direction: .toDevice, offset: 64, length: 64),
                                       MockSync(direction: .fromDevice, offset: 0, length: 4096)])
        buf.free()
    }

    @Test func badInputThrowsAndLeaksNothing() throws {
        let ol = try kernelOptOverlay()
        let bank = try ol.bank1
        #expect(throws: PynqBufferError.self) { try allocate(shape: [0, 4], dtype: "u4", target: bank) }
        #expect(throws: PynqBufferError.self) { try allocate(shape: [-1], dtype: "u4", target: bank) }
        #expect(throws: PynqBufferError.self) { try allocate(shape: [], dtype: "u4", target: bank) }
        #expect(throws: PynqBufferError.unknownDType("u3")) { try allocate(shape: [4], dtype: "u3", target: bank) }
        do {
            _ = try allocate(shape: [5, 1024, 1024, 1024], dtype: "u4", target: bank)
            Issue.record("20 GiB must not fit a 16 GiB bank")
        } catch let error as BackendError {
            #expect(error == .outOfMemory(bank: "bank1", requested: 21_474_836_480, free: 17_179_869_184, largestFree: 17_179_869_184))
            #expect(error.description.contains("free some buffers or allocate in another bank"))
        }
        do {
            _ = try allocate(shape: [4], target: ol.dc_0)
            Issue.record("a stream is not a target")
        } catch let error as PynqError {
            #expect(error.description == "'dc_0' is a stream, not a memory bank")
        }
        do {
            _ = try allocate(shape: [4], target: ol.memory("bank3"))
            Issue.record("an unused bank is not a target")
        } catch let error as BackendError {
            #expect(error.description.contains("cannot allocate in 'bank3': no kernel of the overlay is connected to it"))
        }
        #expect(throws: PynqError.self) { try allocate(shape: [4], target: ol.krnl_stream_vadd_1) }
        #expect(try allBanksEmpty(ol))
    }

    @Test func exhaustionNamesTheBank() throws {
        let ol = try kernelOptOverlay()
        let bank = try ol.bank2
        let big = try allocate(shape: [4, 1024, 1024, 1024], dtype: "u1", target: bank)
        let more = try allocate(shape: [12, 1024, 1024, 1024], dtype: "u1", target: bank)
        #expect(try bank.memUsed == 16 << 30)
        #expect(throws: BackendError.outOfMemory(bank: "bank2", requested: 1, free: 0, largestFree: 0)) {
            try allocate(shape: [1], dtype: "u1", target: bank)
        }
        big.free()
        more.free()
        #expect(try allBanksEmpty(ol))
    }
}
