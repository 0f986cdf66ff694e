import PynqBackend
import PynqMetadataCore

/// How `start(...)` reaches the kernel.
public enum KernelStartRoute: Sendable, Hashable {
    /// The backend's own scheduler when it has one (`BackendCapabilities.callable`: XRT runs on Alveo,
    /// the Mock's), else the control register.
    case automatic
    /// Always the backend's scheduler (`Backend.start(_:arguments:)`).
    case backend
    /// Always the control register over MMIO: argument registers, then AP_START; completion is
    /// polled from AP_DONE / AP_IDLE.
    case registers
}

/// Starts HLS kernels (`ap_ctrl_hs` / `ap_ctrl_chain`) from Swift values: checks and encodes the
/// arguments by the kernel's signature, then starts the run by the chosen route.
struct KernelLauncher {
    let block: IPBlock
    let backend: any Backend
    let signature: KernelSignature?

    init(block: IPBlock, backend: any Backend) {
        self.block = block
        self.backend = backend
        self.signature = KernelSignature(registers: block.registers)
    }

    /// The encoded arguments, by argument index. Throws before anything is written.
    func encode(_ arguments: [any KernelCallArgument]) throws -> [(KernelSignature.Parameter, KernelArgumentValue)] {
        switch block.controlProtocol {
        case .apCtrlNone?, .userManaged?:
            throw KernelCallError.notCallable(ip: block.name, reason: "its control protocol is \(block.controlProtocol!.rawValue); drive its registers through mmio or registerMap")
        default: break
        }
        guard block.registers.contains(where: { $0.name == "CTRL" && $0.offset == 0 }) else {
            throw KernelCallError.notCallable(ip: block.name, reason: "it has no CTRL register at offset 0 (not an HLS kernel, or its metadata lists no registers)")
        }
        let parameters = signature?.parameters ?? []
        guard parameters.count == arguments.count else {
            if signature == nil {
                throw KernelCallError.notCallable(ip: block.name, reason: "its metadata gives no argument types (load it from an xclbin); pass no arguments, or write them with registerMap")
            }
            throw KernelCallError.wrongArgumentCount(ip: block.name, expected: parameters.map(\.description), given: arguments.count)
        }
        return try zip(parameters, arguments).map { parameter, argument in
            (parameter, try argument.kernelArgumentValue(for: parameter, ip: block.name))
        }
    }

    /// Starts the kernel with `arguments` (in signature order).
    func start(_ arguments: [any KernelCallArgument], route: KernelStartRoute, mmio: () throws -> MMIO) throws -> KernelHandle {
        let values = try encode(arguments)
        let useBackend = route == .backend || (route == .automatic && backend.capabilities.contains(.callable))
        if useBackend {
            var byIndex: [Int: KernelArgumentValue] = [:]
            for (parameter, value) in values { byIndex[parameter.index] = value }
            return KernelHandle(ipName: block.name, source: .run(try backend.start(block, arguments: byIndex)))
        }
        let mmio = try mmio()
        guard try mmio.read(UInt32.self, at: 0) & KernelControl.apStart == 0 else {
            throw KernelCallError.stillRunning(ip: block.name)
        }
        var words: [(offset: Int, value: UInt32)] = []
        for (parameter, value) in values {
            let bits: UInt64
            switch value {
            case .buffer(let allocation, let offset):
                bits = allocation.deviceAddress &+ UInt64(offset)
                guard parameter.registerBytes == 8 || bits <= UInt64(UInt32.max) else {
                    throw KernelCallError.argumentOutOfRange(ip: block.name, argument: parameter.name, cType: parameter.cType,
                                                             value: "device address 0x\(String(bits, radix: 16))")
                }
            case .scalar(let bytes):
                bits = bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            }
            words.append((parameter.offset, UInt32(truncatingIfNeeded: bits)))
            if parameter.registerBytes == 8 { words.append((parameter.offset + 4, UInt32(truncatingIfNeeded: bits >> 32))) }
        }
        // Check every offset before the first write, so that a bad register layout writes nothing.
        for word in words where word.offset < 0 || word.offset > mmio.length - 4 || word.offset % 4 != 0 {
            _ = try mmio.read(UInt32.self, at: word.offset)
        }
        for word in words { try mmio.write(word.value, at: word.offset) }
        try mmio.write(KernelControl.apStart, at: 0)
        return KernelHandle(ipName: block.name, source: .registers(mmio, chain: block.controlProtocol == .apCtrlChain))
    }
}
