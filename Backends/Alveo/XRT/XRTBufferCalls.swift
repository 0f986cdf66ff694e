import Synchronization

/// The lock around XRT calls that touch the no-op device layer's buffer table.
///
/// XRT's no-op layer (`XCL_EMULATION_MODE=noop`, `libxrt_noop.so.2`) keeps every buffer of the process
/// in one table that it erases from without the table's lock (`xclFreeBO`), while allocating, mapping,
/// reading a buffer's properties and starting a run (whose command buffer it looks up) take that lock.
/// A buffer freed on one thread while another does any of those corrupts the table; XRT then throws
/// "no such bo handle" from a destructor and the process terminates (the Alveo concurrency tests did,
/// in about two runs of three). So on that layer, and only there, every such call runs under this
/// process-wide lock. A card's layer (`libxrt_core.so.2`, ioctls to the driver) and the other
/// emulation layers are not serialised.
enum XRTBufferCalls {
    private static let lock = Mutex(())

    /// Whether `deviceLayer` (the path of the layer XRT loads) is the no-op one.
    static func needSerialising(deviceLayer: String) -> Bool {
        deviceLayer.hasSuffix("/libxrt_noop.so.2")
    }

    /// Runs `body` under the lock.
    static func withLock<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        try lock.withLock { _ throws(Failure) -> sending Result in try body() }
    }
}

extension XRTLibrary {
    /// Runs `body` (XRT calls that allocate, map, free or look up buffers) under ``XRTBufferCalls``'s
    /// lock when the device layer is the no-op one; directly otherwise.
    @inline(__always)
    func bufferCall<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        guard serialisesBufferCalls else { return try body() }
        return try XRTBufferCalls.withLock(body)
    }
}
