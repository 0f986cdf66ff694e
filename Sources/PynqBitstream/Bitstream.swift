import PynqMetadataCore

/// Reading Xilinx `.bit` files: the header Vivado writes before the configuration data, and the
/// `.bin` form (payload only, 32-bit words byte-swapped) that Linux's fpga_manager loads.
///
/// Layout (big-endian): a 2-byte length and that many bytes of preamble, 2 bytes (usually `0x0001`),
/// then sections `key, length, data` — key `a` (design;UserID;Version), `b` (part), `c` (date),
/// `d` (time), each with a 2-byte length and NUL-terminated text — and finally key `e` with a
/// 4-byte length followed by exactly that many bytes of configuration data, up to the end of the file.
public enum Bitstream {
    /// Reads the header of the `.bit` file `bytes` and locates its payload. The payload is not copied.
    /// - Parameter source: the file's name, used in errors.
    /// - Throws: `MetadataError` naming the field and its offset when the header is truncated, has an
    ///   unknown section key, has no `e` (payload) section, or its payload length disagrees with the file.
    public static func read(bytes: [UInt8], source: String) throws -> BitFile {
        let reader = ByteReader(bytes, part: source)
        let preambleLength = Int(try field(reader, "preamble length") { try reader.u16BE(0) })
        var offset = 2 + preambleLength
        try field(reader, "preamble") { try reader.check(2, preambleLength) }
        try field(reader, "field after the preamble") { try reader.check(offset, 2) }
        offset += 2

        var design: String?, version: String?, part: String?, date: String?, time: String?
        while true {
            guard offset < bytes.count else {
                throw MetadataError(
                    .truncated(needed: 1, available: 0), part: source, offset: offset,
                    reason: "the header ends without an 'e' section (the configuration data); this is not a complete .bit file")
            }
            let keyOffset = offset
            let key = bytes[offset]
            offset += 1
            if key == 0x65 {
                let length = Int(try field(reader, "'e' section length") { try reader.u32BE(offset) })
                offset += 4
                let available = bytes.count - offset
                guard length == available else {
                    throw MetadataError(
                        .badField, part: source, offset: offset - 4,
                        reason: "the 'e' section says the configuration data is \(length) bytes, but \(available) bytes follow it; the file is truncated or has trailing bytes")
                }
                return BitFile(
                    source: source, bytes: bytes, design: design, version: version, part: part, date: date,
                    time: time, payloadOffset: offset)
            }
            guard let name = sectionNames[key] else {
                throw MetadataError(
                    .badField, part: source, offset: keyOffset,
                    reason: "unknown .bit header section key 0x\(String(key, radix: 16)) (expected 'a'...'e'); the header is damaged or this is not a .bit file")
            }
            let length = Int(try field(reader, "'\(name)' section length") { try reader.u16BE(offset) })
            offset += 2
            let text = try field(reader, "'\(name)' section text") { try reader.slice(offset, length) }
            let value = try decodeText(text, source: source, offset: offset, key: name)
            offset += length
            switch key {
            case 0x61:
                // pynq: data.split(";") → design = first part, version = last part.
                let parts = value.split(separator: ";", omittingEmptySubsequences: false)
                design = String(parts.first ?? "")
                version = String(parts.last ?? "")
            case 0x62: part = value
            case 0x63: date = value
            default: time = value
            }
        }
    }

    private static let sectionNames: [UInt8: Character] = [0x61: "a", 0x62: "b", 0x63: "c", 0x64: "d"]

    /// Runs `read`, re-throwing a truncation with the name of the header field being read.
    private static func field<T>(_ reader: ByteReader, _ name: String, _ read: () throws -> T) throws -> T {
        do {
            return try read()
        } catch var error as MetadataError {
            error.reason = "\(name): " + error.reason
            throw error
        }
    }

    /// A header string: ASCII/UTF-8 text with its trailing NUL dropped (pynq drops the last byte).
    private static func decodeText(_ text: ArraySlice<UInt8>, source: String, offset: Int, key: Character) throws
        -> String
    {
        let body = text.last == 0 ? text.dropLast() : text
        guard let value = String(validating: body, as: UTF8.self) else {
            throw MetadataError(
                .badText, part: source, offset: offset,
                reason: "'\(key)' section text is not valid UTF-8; the header is damaged")
        }
        return value
    }
}

/// A parsed `.bit` file: its header fields and where its configuration data (payload) is.
public struct BitFile: Sendable {
    /// The file's name, as given to `Bitstream.read`.
    public let source: String
    /// The whole file; `payload` is a slice of it.
    public let bytes: [UInt8]
    /// Design name: the part of the `a` section before the first `;` (e.g. `resizer_wrapper`).
    public let design: String?
    /// The part of the `a` section after the last `;` (e.g. `Version=2018.3`), as pynq returns it.
    public let version: String?
    /// FPGA part, e.g. `7z020clg400`.
    public let part: String?
    /// Build date, e.g. `2019/02/25`.
    public let date: String?
    /// Build time, e.g. `10:27:14`.
    public let time: String?
    /// Offset of the first payload byte in the file.
    public let payloadOffset: Int

    /// Number of payload bytes (the `e` section's length, which equals the bytes left in the file).
    public var length: Int { bytes.count - payloadOffset }
    /// Where the payload lies in `bytes`.
    public var payloadRange: Range<Int> { payloadOffset..<bytes.count }
    /// The configuration data, without copying it.
    public var payload: ArraySlice<UInt8> { bytes[payloadRange] }

    /// pynq's `parse_bit_header` dictionary without the payload: `design`, `version`, `part`, `date`,
    /// `time` (each when the header has it) and `length` as a decimal string, as pynq returns it.
    public func inspectJSON() -> MetaValue {
        var dict: MetaValue = .emptyDict
        for (key, value) in [("design", design), ("version", version), ("part", part), ("date", date), ("time", time)] {
            if let value { dict[key] = .string(value) }
        }
        dict["length"] = .string(String(length))
        return dict
    }

    /// The `.bin` form that fpga_manager loads: the payload with every 32-bit word byte-swapped.
    /// - Throws: `MetadataError` when the payload length is not a multiple of 4.
    public func binData() throws -> [UInt8] {
        let count = length
        guard count % 4 == 0 else {
            throw MetadataError(
                .badField, part: source, offset: payloadOffset,
                reason: "the configuration data is \(count) bytes, not a whole number of 32-bit words; it cannot be converted to .bin")
        }
        return [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            bytes.withUnsafeBufferPointer { all in
                let src = all.baseAddress! + payloadOffset
                var i = 0
                while i < count {
                    out[i] = src[i + 3]
                    out[i + 1] = src[i + 2]
                    out[i + 2] = src[i + 1]
                    out[i + 3] = src[i]
                    i += 4
                }
            }
            initialized = count
        }
    }
}
