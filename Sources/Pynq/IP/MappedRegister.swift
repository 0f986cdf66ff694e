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

    var entry: RegisterMap.Entry { map.entries[index] }

    /// pynq's attribute name of the register.
    public var name: String { entry.attributeName }
    /// The register as the metadata describes it (name as spelled there, offset, width, access, fields).
    public var metadata: Register { entry.metadata }
    /// Byte offset from the IP's base address.
    public var offset: Int { map.layouts[index].offset }
    /// Declared width in bits.
    public var bitWidth: Int { map.layouts[index].bits }
    /// pynq attribute names of the fields, in metadata order.
    public var fieldNames: [String] { entry.fieldNames }

    // MARK: Whole register

    /// Reads the register (both words, low first, for registers wider than 32 bits).
    /// - Throws: `RegisterMapError.writeOnly` / `.unsupportedWidth`, or the MMIO's error.
    @inlinable
    public func read() throws -> UInt64 {
        let layout = map.layouts[index]
        guard layout.readable else { throw map.writeOnly(index, field: nil) }
        return try raw(layout)
    }

    /// Writes the register (both words, low first, for registers wider than 32 bits).
    /// - Throws: `RegisterMapError.readOnly` / `.valueTooWide` / `.unsupportedWidth`, or the MMIO's error.
    @inlinable
    public func write(_ value: UInt64) throws {
        let layout = map.layouts[index]
        guard layout.writable else { throw map.readOnly(index, field: nil) }
        guard value <= layout.maxValue else { throw map.tooWide(index, field: nil, value: value) }
        try store(value, layout)
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
        let layout = map.layouts[index]
        let (fieldIndex, field) = try self.field(name)
        guard field.readable && layout.readable else { throw map.writeOnly(index, field: fieldIndex) }
        return (try raw(layout) >> field.shift) & field.valueMask
    }

    /// Writes field `field`: reads the register, replaces the field's bits and writes it back (no read
    /// when the field covers the whole register or the register is write-only; other bits are then 0).
    /// - Throws: `RegisterMapError.noSuchField` / `.readOnly` / `.valueTooWide`, or the MMIO's error.
    @inlinable @inline(__always)
    public func write(field name: String, _ value: UInt64) throws {
        let layout = map.layouts[index]
        let (fieldIndex, field) = try self.field(name)
        guard field.writable && layout.writable else { throw map.readOnly(index, field: fieldIndex) }
        guard value <= field.valueMask else { throw map.tooWide(index, field: fieldIndex, value: value) }
        let old = field.coversRegister || !layout.readable ? 0 : try raw(layout)
        let mask = field.valueMask << field.shift
        try store((old & ~mask) | (value << field.shift), layout)
    }

    /// Field `field` (pynq attribute name). Stops the program on misuse; see `read(field:)` /
    /// `write(field:_:)` for the throwing forms.
    @inlinable
    public subscript(dynamicMember field: String) -> UInt64 {
        @inline(__always) get { Self.orStop { try read(field: field) } }
        @inline(__always) nonmutating set { Self.orStop { try write(field: field, newValue) } }
    }

    /// `Register(F1=…, F2=…)` with the field values, or `Register(value=…)` for a register without
    /// fields, as pynq prints it (reads the register once, whatever its access).
    public var description: String {
        let entry = self.entry
        let value: UInt64
        do { value = try raw(map.layouts[index]) } catch { return "Register(<\(error)>)" }
        if entry.fieldNames.isEmpty { return "Register(value=\(value))" }
        let fields = entry.fieldNames.enumerated().map { position, name in
            let field = map.fieldLayouts[entry.firstField + position]
            return "\(name)=\((value >> field.shift) & field.valueMask)"
        }
        return "Register(" + fields.joined(separator: ", ") + ")"
    }

    // MARK: Access path

    /// The field called `name` of this register: its index in `fieldLayouts` and its layout.
    @inlinable @inline(__always)
    func field(_ name: String) throws -> (Int, RegisterMap.FieldLayout) {
        guard let fieldIndex = map.fieldTable.lookup(name, scope: index) else { throw map.noSuchField(index, name) }
        let field = map.fieldLayouts[fieldIndex]
        guard field.fits else { throw map.unsupported(index, field: fieldIndex) }
        return (fieldIndex, field)
    }

    /// The register's storage words, without access checks.
    @inlinable @inline(__always)
    func raw(_ layout: RegisterMap.RegisterLayout) throws -> UInt64 {
        switch layout.words {
        case 1:
            return UInt64(try map.mmio.read(UInt32.self, at: layout.offset))
        case 2:
            let low = UInt64(try map.mmio.read(UInt32.self, at: layout.offset))
            return UInt64(try map.mmio.read(UInt32.self, at: layout.offset + 4)) << 32 | low
        default:
            throw map.unsupported(index, field: nil)
        }
    }

    /// Writes the register's storage words, without access checks.
    @inlinable @inline(__always)
    func store(_ value: UInt64, _ layout: RegisterMap.RegisterLayout) throws {
        switch layout.words {
        case 1:
            try map.mmio.write(UInt32(truncatingIfNeeded: value), at: layout.offset)
        case 2:
            try map.mmio.write(UInt32(truncatingIfNeeded: value), at: layout.offset)
            try map.mmio.write(UInt32(truncatingIfNeeded: value >> 32), at: layout.offset + 4)
        default:
            throw map.unsupported(index, field: nil)
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
