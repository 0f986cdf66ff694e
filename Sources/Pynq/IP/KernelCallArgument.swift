import PynqBackend

/// A value that `call(...)` / `start(...)` can pass as a kernel argument: a `PynqBuffer` (its device
/// address goes into a pointer argument), any fixed-width integer, `Float` or `Double` (encoded by the
/// argument's declared C type, range-checked).
public protocol KernelCallArgument: Sendable {
    /// The value for `parameter` of kernel `ip`, in the device's layout.
    /// - Throws: `KernelCallError.argumentType` / `.argumentOutOfRange`.
    func kernelArgumentValue(for parameter: KernelSignature.Parameter, ip: String) throws -> KernelArgumentValue
}

extension KernelSignature.Parameter {
    /// Bytes the value occupies in the register (4 for ≤ 32-bit registers, 8 for wider).
    var registerBytes: Int { sizeInBits > 32 ? 8 : 4 }

    /// `bits` as the little-endian bytes of the register.
    func scalar(_ bits: UInt64) -> KernelArgumentValue {
        .scalar((0..<registerBytes).map { UInt8(truncatingIfNeeded: bits >> (8 * UInt64($0))) })
    }

    /// Encodes an integer by the declared type, checking its range.
    func encode<T: BinaryInteger>(integer value: T, ip: String) throws -> KernelArgumentValue {
        let outOfRange = KernelCallError.argumentOutOfRange(ip: ip, argument: name, cType: cType, value: "\(value)")
        switch kind {
        case .pointer:
            guard let address = UInt64(exactly: value) else { throw outOfRange }
            return scalar(address)
        case .signed(let bytes):
            let bits = 8 * min(bytes, registerBytes)
            guard let wide = Int64(exactly: value), bits == 64 || (wide >= -(1 << (bits - 1)) && wide < 1 << (bits - 1)) else {
                throw outOfRange
            }
            return scalar(UInt64(bitPattern: wide))
        case .unsigned(let bytes):
            let bits = 8 * min(bytes, registerBytes)
            guard let wide = UInt64(exactly: value), bits == 64 || wide < UInt64(1) << UInt64(bits) else { throw outOfRange }
            return scalar(wide)
        case .floating:
            guard let double = Double(exactly: value) else { throw outOfRange }
            return try encode(floating: double, ip: ip)
        }
    }

    /// Encodes a floating-point value into a `float` / `double` argument.
    func encode(floating value: Double, ip: String) throws -> KernelArgumentValue {
        guard case .floating(let bytes) = kind else {
            throw KernelCallError.argumentType(ip: ip, argument: name, cType: cType, given: "floating-point value")
        }
        return bytes == 4 ? scalar(UInt64(Float(value).bitPattern)) : scalar(value.bitPattern)
    }
}

extension Int: KernelCallArgument {}
extension Int8: KernelCallArgument {}
extension Int16: KernelCallArgument {}
extension Int32: KernelCallArgument {}
extension Int64: KernelCallArgument {}
extension UInt: KernelCallArgument {}
extension UInt8: KernelCallArgument {}
extension UInt16: KernelCallArgument {}
extension UInt32: KernelCallArgument {}
extension UInt64: KernelCallArgument {}

extension KernelCallArgument where Self: FixedWidthInteger {
    public func kernelArgumentValue(for parameter: KernelSignature.Parameter, ip: String) throws -> KernelArgumentValue {
        try parameter.encode(integer: self, ip: ip)
    }
}

extension Float: KernelCallArgument {
    public func kernelArgumentValue(for parameter: KernelSignature.Parameter, ip: String) throws -> KernelArgumentValue {
        try parameter.encode(floating: Double(self), ip: ip)
    }
}

extension Double: KernelCallArgument {
    public func kernelArgumentValue(for parameter: KernelSignature.Parameter, ip: String) throws -> KernelArgumentValue {
        try parameter.encode(floating: self, ip: ip)
    }
}

extension PynqBuffer: KernelCallArgument {
    /// The buffer's allocation and this view's byte offset in it, for a pointer argument.
    /// - Throws: `KernelCallError.argumentType` for a scalar argument, `PynqBufferError.freed` after `free()`.
    public func kernelArgumentValue(for parameter: KernelSignature.Parameter, ip: String) throws -> KernelArgumentValue {
        guard parameter.kind == .pointer else {
            throw KernelCallError.argumentType(ip: ip, argument: parameter.name, cType: parameter.cType, given: "PynqBuffer")
        }
        guard !isFreed else { throw PynqBufferError.freed }
        return .buffer(allocation, offset: byteOffset)
    }
}

extension TypedPynqBuffer: KernelCallArgument {
    public func kernelArgumentValue(for parameter: KernelSignature.Parameter, ip: String) throws -> KernelArgumentValue {
        try buffer.kernelArgumentValue(for: parameter, ip: ip)
    }
}
