import PynqBackend
import Synchronization

/// A register space over host memory the test owns: memory-mapped (like Mock and Zynq) or reached
/// through `read32`/`write32` calls only (like XRT), with a log of the calls.
final class TestRegisterSpace: RegisterSpace, @unchecked Sendable {
    let ipName: String
    let baseAddress: UInt64
    let length: Int
    let memory: UnsafeMutableRawPointer
    let mapped: Bool
    private let log = Mutex<[String]>([])

    init(length: Int, mapped: Bool, baseAddress: UInt64 = 0x4000_0000, ipName: String = "test_ip") {
        self.ipName = ipName
        self.baseAddress = baseAddress
        self.length = length
        self.mapped = mapped
        memory = UnsafeMutableRawPointer.allocate(byteCount: max(length, 8), alignment: 4096)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: max(length, 8))
    }

    deinit { memory.deallocate() }

    var mappedAddress: UnsafeMutableRawPointer? { mapped ? memory : nil }

    func read32(offset: Int) throws -> UInt32 {
        try checkAccess(offset: offset)
        log.withLock { $0.append("r\(offset)") }
        return memory.load(fromByteOffset: offset, as: UInt32.self)
    }

    func write32(offset: Int, _ value: UInt32) throws {
        try checkAccess(offset: offset)
        log.withLock { $0.append("w\(offset)=\(value)") }
        memory.storeBytes(of: value, toByteOffset: offset, as: UInt32.self)
    }

    /// The calls made so far (`r<offset>`, `w<offset>=<value>`), cleared when read.
    func takeLog() -> [String] { log.withLock { value in defer { value = [] }; return value } }

    /// The bytes of the memory, for checking layout.
    func bytes(_ range: Range<Int>) -> [UInt8] { range.map { memory.load(fromByteOffset: $0, as: UInt8.self) } }
}
