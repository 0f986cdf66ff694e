import PynqBackend
import PynqMetadataCore
import PynqXclbin
import PynqZynq

/// A design loaded on a device (pynq's `Overlay`): its metadata, the dictionaries pynq shows, and
/// an object for each IP, memory bank and stream, reached as `ol.<name>` or through typed accessors.
///
/// ```swift
/// let ol = try Overlay("kernel_opt.xclbin")
/// let bank = try ol.bank1
/// print(try bank.memUsed)                       // 0
/// let buf = try allocate(shape: [1024, 1024], dtype: "u4", target: bank)
/// print(try bank.memUsed)                       // 4194304
/// buf.free()                                    // (or let `buf` go out of scope)
/// print(try ol.dc_0.source ?? "")               // krnl_stream_vadd_1.out_r
/// try ol.free()
/// ```
///
/// **Rules (pynq's).** While buffers are allocated on the device, loading another overlay (`download`)
/// and `free()` are refused with `PynqError.buffersLive` listing how many buffers are live in which
/// banks; pass `force: true` to do it anyway. Once freed or replaced, the overlay is no longer loaded
/// and its objects throw `PynqError.overlayNotLoaded` (call `download()` to load it again).
@dynamicMemberLookup
public final class Overlay: Sendable, CustomStringConvertible {
    /// The path the overlay was created from (as given).
    public let path: String
    /// The device it is loaded on.
    public let device: Device
    /// Everything the file describes (IPs, memories, streams, clocks, pynq's dictionaries).
    public let metadata: OverlayDescription
    let image: OverlayImage

    /// IPs by `ip_dict` name.
    public let ips: [String: DefaultIP]
    /// Used memory banks, by pynq's attribute name (the tag without characters other than letters,
    /// digits and `_`: `bank1`, `PLRAM0`).
    public let memories: [String: Memory]
    /// Streams by tag (`dc_0`).
    public let streams: [String: Stream]
    /// Every memory of the topology (used or not), by tag, for the typed accessor.
    private let allMemories: [String: Memory]

    /// Reads the overlay at `path` (an `.xclbin`, or a `.bit` with its `.hwh` beside it) and, unless
    /// `download` is false, loads it on `device`
    /// (default: `Device.active`).
    /// - Throws: `PynqError.overlayFile` if the file cannot be read (missing, a folder, no permission),
    ///   `PynqError.unsupportedOverlay` if it is not an xclbin, `MetadataError` if it is malformed,
    ///   `PynqError.noDevice` without a device, `PynqError.buffersLive` when another overlay still has
    ///   buffers (unless `force`).
    public convenience init(_ path: String, device: Device? = nil, download: Bool = true, force: Bool = false) throws {
        if path.hasSuffix(".bit") {
            // Zynq: the metadata is the `.hwh` beside the bitstream (found and read by PynqZynq).
            let image: OverlayImage
            do {
                image = try ZynqOverlayImage.load(bitstream: path)
            } catch let error as ZynqError {
                throw PynqError.overlayFile(path: path, reason: error.description)
            }
            try self.init(image: image, device: device, download: download, force: force)
            return
        }
        let bytes: [UInt8]
        do {
            bytes = try SystemCalls.live.readFile(at: path)
        } catch {
            throw PynqError.overlayFile(path: path, reason: error.description)
        }
        let description: OverlayDescription
        if bytes.starts(with: Array("xclbin2".utf8)) {
            description = try Xclbin.read(bytes: bytes, source: path).overlayDescription()
        } else {
            throw PynqError.unsupportedOverlay(path: path)
        }
        try self.init(image: OverlayImage(description: description, path: path, bytes: bytes),
                      device: device, download: download, force: force)
    }

    /// An overlay from an already parsed image (e.g. built in code for the Mock device).
    public init(image: OverlayImage, device: Device? = nil, download: Bool = true, force: Bool = false) throws {
        let device = try device ?? Device.active
        self.device = device
        self.image = image
        self.metadata = image.description
        self.path = image.path ?? "<overlay \(image.identity)>"
        let identity = image.identity
        let path = self.path
        var ips: [String: DefaultIP] = [:]
        for block in image.description.ips {
            ips[block.name] = DefaultIP(block: block, device: device, overlayIdentity: identity, overlayPath: path)
        }
        var memories: [String: Memory] = [:]
        var allMemories: [String: Memory] = [:]
        for bank in image.description.memories where bank.type != .streamingConnection {
            let memory = Memory(device: device, bank: bank, overlayIdentity: identity, overlayPath: path)
            allMemories[bank.tag] = memory
            if bank.used { memories[Self.attributeName(bank.tag)] = memory }
        }
        var streams: [String: Stream] = [:]
        for connection in image.description.streams {
            streams[connection.tag] = Stream(connection: connection, ips: ips)
        }
        self.ips = ips
        self.memories = memories
        self.streams = streams
        self.allMemories = allMemories
        if download { try self.download(force: force) }
    }

    /// pynq's attribute name for a memory tag: only letters, digits and `_` kept.
    static func attributeName(_ tag: String) -> String {
        String(tag.unicodeScalars.filter { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" }
            .map(Character.init))
    }

    // MARK: State

    /// Whether this overlay is the one on the device (pynq's `is_loaded()`).
    public var isLoaded: Bool { device.loadedOverlayID == image.identity }

    /// Loads the overlay on the device.
    /// - Parameter force: load even while buffers of another overlay are live.
    public func download(force: Bool = false) throws {
        try device.download(image, force: force)
    }

    /// Releases the device (pynq's `free()`): the overlay is no longer loaded. Does nothing if it is not
    /// loaded. Refused while buffers are live unless `force`.
    public func free(force: Bool = false) throws(PynqError) {
        guard isLoaded else { return }
        try device.close(force: force)
    }

    // MARK: Dictionaries

    /// pynq's `ip_dict`.
    public var ipDict: MetaValue { metadata.ipDict }
    /// pynq's `mem_dict`.
    public var memDict: MetaValue { metadata.memDict }
    /// pynq's `clock_dict`.
    public var clockDict: MetaValue { metadata.clockDict }

    // MARK: Lookup

    /// Every name `ol.<name>` accepts: IPs, then used memories, then streams.
    public var attributeNames: [String] {
        ips.keys.sorted() + memories.keys.sorted() + streams.keys.sorted()
    }

    /// `ol.<name>`: the IP, memory bank or stream called `name` (looked up in that order, as pynq does).
    /// - Throws: `PynqError.overlayNotLoaded` if the overlay is not loaded, `PynqError.noAttribute`
    ///   (listing the names there are) if there is nothing called `name`.
    public subscript(dynamicMember name: String) -> OverlayItem {
        get throws(PynqError) { try item(name) }
    }

    /// The IP, memory bank or stream called `name` (see `subscript(dynamicMember:)`).
    public func item(_ name: String) throws(PynqError) -> OverlayItem {
        try checkLoaded()
        if let ip = ips[name] { return .ip(ip) }
        if let memory = memories[name] { return .memory(memory) }
        if let stream = streams[name] { return .stream(stream) }
        throw PynqError.noAttribute(name: name, available: attributeNames)
    }

    /// The memory bank with tag or attribute name `name` (used or not; an unused bank is refused when
    /// allocating in it).
    public func memory(_ name: String) throws(PynqError) -> Memory {
        try checkLoaded()
        if let memory = memories[name] ?? allMemories[name] { return memory }
        if streams[name] != nil { throw PynqError.wrongKind(name: name, actual: "a stream", expected: "a memory bank") }
        throw PynqError.noAttribute(name: name, available: allMemories.keys.sorted())
    }

    /// The stream called `name`.
    public func stream(_ name: String) throws(PynqError) -> Stream {
        try checkLoaded()
        if let stream = streams[name] { return stream }
        throw PynqError.noAttribute(name: name, available: streams.keys.sorted())
    }

    /// The IP called `name`.
    public func ip(_ name: String) throws(PynqError) -> DefaultIP {
        try checkLoaded()
        if let ip = ips[name] { return ip }
        throw PynqError.noAttribute(name: name, available: ips.keys.sorted())
    }

    private func checkLoaded() throws(PynqError) {
        guard isLoaded else { throw PynqError.overlayNotLoaded(path: path) }
    }

    public var description: String {
        "Overlay(\(path)): \(ips.count) IPs, \(memories.count) memories, \(streams.count) streams on \(device)"
    }
}
