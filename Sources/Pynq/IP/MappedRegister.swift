import PynqMetadataCore

/// One register of a `RegisterMap` (pynq's `Register`): read and write it whole or by field.
///
/// `register.FIELD` reads or writes a field (a write is a read-modify-write of the register unless the
/// field covers all of it); `register.value` is the whole register. Those assignment forms stop the
/// program on misuse (see `RegisterMap`); `read()`, `write(_:)`, `read(field:)` and `write(field:_:)`
/// throw `RegisterMapError` instead.
@dynamicMemberLookup
public struct MappedRegister: Sendable, CustomStringConvertible {
    @usableFromInline let map: RegisterMap
    @usableFromInline let index: Int

    @usableFromInline
    init(map: RegisterMap, index: Int) {
        self.map = map
        self.index = index
    }

    @usableFromInline var entry: RegisterMap.Entry { map.entries[index] }

    /// pynq's attribute name of the register.
    public var name: String { entry.attributeName }
    /// The register as the metadata describes it (name as spelled there, offset, width, access, fields).
    public var metadata: Register { entry.metadata }
    /// Byte offset from the IP's base address.
    public var offset: Int { entry.offset }
    /// Declared width in bits.
    public var bitWidth: Int { entry.bits }
    /// pynq attribute names of the fields, in metadata order.
    public var fieldNames: [String] { entry.fields.map(\.attributeName) }

    // MARK: Whole register

    /// Reads the register (both words, low first, for registers wider than 32 bits).
    /// - Throws: `RegisterMapError.writeOnly` / `.unsupportedWidth`, or the MMIO's error.
    @inlinable
    public func read() throws -> UInt64 {
        let entry = self.entry
        guard entry.readable else { throw RegisterMapError.writeOnly(ip: map.ipName, register: entry.attributeName, field: nil) }
        return try raw(entry)
    }

    /// Writes the register (both words, low first, for registers wider than 32 bits).
    /// - Throws: `RegisterMapError.readOnly` / `.valueTooWide` / `.unsupportedWidth`, or the MMIO's error.
    @inlinable
    public func write(_ value: UInt64) throws {
        let entry = self.entry
        guard entry.writable else { throw RegisterMapError.readOnly(ip: map.ipName, register: entry.attributeName, field: nil) }
        guard value <= entry.maxValue else {
            throw RegisterMapError.valueTooWide(ip: map.ipName, register: entry.attributeName, field: nil, value: value, bits: entry.words * 32)
        }
        try store(value, entry)
    }

    /// The whole register. Stops the program on misuse; see `read()` / `write(_:)` for the throwing forms.
    public var value: UInt64 {
        get { Self.orStop { try read() } }
        nonmutating set { Self.orStop { try write(newValue) } }
    }

    // MARK: Fields

    /// Reads field `field` (pynq attribute name or the metadata's spelling).
    /// - Throws: `RegisterMapError.noSuchField` / `.writeOnly`, or the MMIO's error.
    @inlinable
    public func read(field name: String) throws -> UInt64 {
        let entry = self.entry
        let field = try self.field(name, entry)
        guard field.readable && entry.readable else {
            throw RegisterMapError.writeOnly(ip: map.ipName, register: entry.attributeName, field: field.attributeName)
        }
        return (try raw(entry) >> field.shift) & field.valueMask
    }

    /// Writes field `field`: reads the register, replaces the field's bits and writes it back (no read
    /// when the field covers the whole register or the register is write-only; other bits are then 0).
    /// - Throws: `RegisterMapError.noSuchField` / `.readOnly` / `.valueTooWide`, or the MMIO's error.
    @inlinable
    public func write(field name: String, _ value: UInt64) throws {
        let entry = self.entry
        let field = try self.field(name, entry)
        guard field.writable && entry.writable else {
            throw RegisterMapError.readOnly(ip: map.ipName, register: entry.attributeName, field: field.attributeName)
        }
        guard value <= field.valueMask else {
            throw RegisterMapError.valueTooWide(ip: map.ipName, register: entry.attributeName, field: field.attributeName,
                                                value: value, bits: field.width)
        }
        let old = field.coversRegister || !entry.readable ? 0 : try raw(entry)
        let mask = field.valueMask << field.shift
        try store((old & ~mask) | (value << field.shift), entry)
    }

    /// Field `field` (pynq attribute name). Stops the program on misuse; see `read(field:)` /
    /// `write(field:_:)` for the throwing forms.
    @inlinable
    public subscript(dynamicMember field: String) -> UInt64 {
        get { Self.orStop { try read(field: field) } }
        nonmutating set { Self.orStop { try write(field: field, newValue) } }
    }

    /// `Register(F1=…, F2=…)` with the field values, or `Register(value=…)` for a register without
    /// fields, as pynq prints it (reads the register once, whatever its access).
    public var description: String {
        let entry = self.entry
        let value: UInt64
        do { value = try raw(entry) } catch { return "Register(<\(error)>)" }
        if entry.fields.isEmpty { return "Register(value=\(value))" }
        let fields = entry.fields.map { "\($0.attributeName)=\((value >> $0.shift) & $0.valueMask)" }
        return "Register(" + fields.joined(separator: ", ") + ")"
    }

    // MARK: Access path

    @inlinable @inline(__always)
    func field(_ name: String, _ entry: RegisterMap.Entry) throws -> RegisterMap.Field {
        guard let index = entry.fieldTable.lookup(name) else {
            throw RegisterMapError.noSuchField(ip: map.ipName, register: entry.attributeName, name: name,
                                               available: entry.fields.map(\.attributeName))
        }
        let field = entry.fields[index]
        guard field.fits else {
            throw RegisterMapError.unsupportedWidth(ip: map.ipName, register: entry.attributeName,
                                                    field: field.attributeName, bits: field.width)
        }
        return field
    }

    /// The register's storage words, without access checks.
    @inlinable @inline(__always)
    func raw(_ entry: RegisterMap.Entry) throws -> UInt64 {
        switch entry.words {
        case 1:
            return UInt64(try map.mmio.read(UInt32.self, at: entry.offset))
        case 2:
            let low = UInt64(try map.mmio.read(UInt32.self, at: entry.offset))
            return UInt64(try map.mmio.read(UInt32.self, at: entry.offset + 4)) << 32 | low
        default:
            throw RegisterMapError.unsupportedWidth(ip: map.ipName, register: entry.attributeName, field: nil, bits: entry.bits)
        }
    }

    /// Writes the register's storage words, without access checks.
    @inlinable @inline(__always)
    func store(_ value: UInt64, _ entry: RegisterMap.Entry) throws {
        switch entry.words {
        case 1:
            try map.mmio.write(UInt32(truncatingIfNeeded: value), at: entry.offset)
        case 2:
            try map.mmio.write(UInt32(truncatingIfNeeded: value), at: entry.offset)
            try map.mmio.write(UInt32(truncatingIfNeeded: value >> 32), at: entry.offset + 4)
        default:
            throw RegisterMapError.unsupportedWidth(ip: map.ipName, register: entry.attributeName, field: nil, bits: entry.bits)
        }
    }

    /// Runs `body`; on error stops the program with the error's message (the non-throwing sugar).
    @inlinable @inline(__always)
    static func orStop<T>(_ body: () throws -> T) -> T {
        do { return try body() } catch { stop(error) }
    }

    @usableFromInline
    static func stop(_ error: any Error) -> Never {
        preconditionFailure("\(error) (use the throwing read/write methods to handle this as an error)")
    }
}
