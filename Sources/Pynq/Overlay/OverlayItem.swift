/// What `ol.<name>` finds in an overlay: an IP, a memory bank or a stream. Its members forward to the
/// object inside, so that Python-style code reads the same in Swift (`try ol.bank1.memUsed`,
/// `try ol.dc_0.source`); a member of the wrong kind throws `PynqError.wrongKind`. For static typing
/// use `ol.memory("bank1")`, `ol.stream("dc_0")`, `ol.ip("krnl_vadd_1")`, or `asMemory` / `asStream` /
/// `asIP`.
public enum OverlayItem: Sendable, CustomStringConvertible {
    case ip(DefaultIP)
    case memory(Memory)
    case stream(Stream)

    /// The name the overlay gives it.
    public var name: String {
        switch self {
        case .ip(let ip): return ip.name
        case .memory(let memory): return memory.tag
        case .stream(let stream): return stream.tag
        }
    }

    var kindName: String {
        switch self {
        case .ip: return "an IP"
        case .memory: return "a memory bank"
        case .stream: return "a stream"
        }
    }

    public var description: String {
        switch self {
        case .ip(let ip): return ip.description
        case .memory(let memory): return memory.description
        case .stream(let stream): return stream.description
        }
    }

    /// The memory bank, or `PynqError.wrongKind`.
    public var asMemory: Memory {
        get throws(PynqError) {
            if case .memory(let memory) = self { return memory }
            throw .wrongKind(name: name, actual: kindName, expected: "a memory bank")
        }
    }

    /// The stream, or `PynqError.wrongKind`.
    public var asStream: Stream {
        get throws(PynqError) {
            if case .stream(let stream) = self { return stream }
            throw .wrongKind(name: name, actual: kindName, expected: "a stream")
        }
    }

    /// The IP, or `PynqError.wrongKind`.
    public var asIP: DefaultIP {
        get throws(PynqError) {
            if case .ip(let ip) = self { return ip }
            throw .wrongKind(name: name, actual: kindName, expected: "an IP")
        }
    }

    // MARK: Memory members

    /// `Memory.memUsed`.
    public var memUsed: Int { get throws { try asMemory.memUsed } }
    /// `Memory.numBuffers`.
    public var numBuffers: Int { get throws { try asMemory.numBuffers } }
    /// `Memory.size`.
    public var size: UInt64 { get throws { try asMemory.size } }
    /// `Memory.tag` or `Stream.tag`.
    public var tag: String {
        get throws {
            switch self {
            case .memory(let memory): return memory.tag
            case .stream(let stream): return stream.tag
            case .ip: throw PynqError.wrongKind(name: name, actual: kindName, expected: "a memory bank or a stream")
            }
        }
    }

    /// `Memory.baseAddress` or `DefaultIP.baseAddress`.
    public var baseAddress: UInt64 {
        get throws {
            switch self {
            case .memory(let memory): return memory.baseAddress
            case .ip(let ip): return ip.baseAddress
            case .stream: throw PynqError.wrongKind(name: name, actual: kindName, expected: "a memory bank or an IP")
            }
        }
    }

    /// `Memory.type` or `DefaultIP.type`.
    public var type: String {
        get throws {
            switch self {
            case .memory(let memory): return memory.type
            case .ip(let ip): return ip.type
            case .stream: throw PynqError.wrongKind(name: name, actual: kindName, expected: "a memory bank or an IP")
            }
        }
    }

    // MARK: Stream members

    /// `Stream.source`.
    public var source: String? { get throws { try asStream.source } }
    /// `Stream.sink`.
    public var sink: String? { get throws { try asStream.sink } }
    /// `Stream.sourceIP`.
    public var sourceIP: DefaultIP? { get throws { try asStream.sourceIP } }
    /// `Stream.sinkIP`.
    public var sinkIP: DefaultIP? { get throws { try asStream.sinkIP } }
    /// `Stream.monitors`.
    public var monitors: [String] { get throws { try asStream.monitors } }

    // MARK: IP members

    /// `DefaultIP.read(_:)`.
    public func read(_ offset: Int = 0) throws -> UInt32 { try asIP.read(offset) }
    /// `DefaultIP.write(_:_:)`.
    public func write(_ offset: Int, _ value: UInt32) throws { try asIP.write(offset, value) }
    /// `DefaultIP.addressRange`.
    public var addressRange: UInt64 { get throws { try asIP.addressRange } }
}
