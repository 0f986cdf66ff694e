import PynqMetadataCore

/// The named registers of an IP, with their bit fields, over the IP's `MMIO` (pynq's `register_map`).
///
/// ```swift
/// try ip.registerMap.CTRL.AP_START = 1          // field write (read-modify-write of CTRL)
/// let done = try ip.registerMap.CTRL.AP_DONE     // field read
/// let a = try ip.registerMap["in1"].read()       // whole register (64-bit arguments: two words)
/// try ip.registerMap["in1"].write(0x1000_0000)
/// print(try ip.registerMap)                      // RegisterMap {\n  CTRL = Register(AP_START=0, …), …\n}
/// ```
///
/// Names are pynq's attribute names (characters other than letters, digits and `_` become `_`, a
/// leading digit gets an `r`); `registerMap["…"]` also accepts the names exactly as the metadata spells
/// them. Registers of up to 32 bits occupy one 32-bit word at their offset; registers of 33–64 bits
/// occupy two (low word at the offset, high word at offset + 4), as HLS lays out 64-bit arguments.
///
/// Access rules are enforced: the throwing methods (`read()`, `write(_:)`, `read(field:)`,
/// `write(field:_:)`) throw `RegisterMapError` for a write to a read-only register or field, a read of
/// a write-only one, an unknown name or a value that does not fit. The assignment forms
/// (`.value = v`, `.FIELD = v`) cannot throw in Swift: on such misuse they stop the program with the
/// same message, like an out-of-range array index — use the throwing methods where input is untrusted.
@dynamicMemberLookup
public final class RegisterMap: @unchecked Sendable, CustomStringConvertible {
    /// Name of the IP the map belongs to (for messages).
    public let ipName: String
    /// The register range the map reads and writes.
    public let mmio: MMIO
    /// Per register: what the access path needs (plain values in memory the map owns, so that the
    /// access path retains nothing).
    @usableFromInline let layouts: UnsafeMutableBufferPointer<RegisterLayout>
    /// Every register's fields, flat; `fieldTable` maps (register index, name) to an index here.
    @usableFromInline let fieldLayouts: UnsafeMutableBufferPointer<FieldLayout>
    /// Per register: names and metadata, for messages and descriptions.
    let entries: [Entry]
    @usableFromInline let table: NameTable
    @usableFromInline let fieldTable: NameTable

    /// A map of `registers` over `mmio`.
    /// - Throws: `RegisterMapError.noRegisters` if `registers` is empty.
    public init(ipName: String, registers: [Register], mmio: MMIO) throws {
        guard !registers.isEmpty else { throw RegisterMapError.noRegisters(ip: ipName) }
        self.ipName = ipName
        self.mmio = mmio
        var entries: [Entry] = []
        var layouts: [RegisterLayout] = []
        var fieldLayouts: [FieldLayout] = []
        // Attribute names first, so that they win over a metadata spelling that happens to equal one.
        var registerNames: [(scope: Int, name: String, value: Int)] = []
        var registerAliases: [(scope: Int, name: String, value: Int)] = []
        var fieldNames: [(scope: Int, name: String, value: Int)] = []
        var fieldAliases: [(scope: Int, name: String, value: Int)] = []
        for (index, register) in registers.enumerated() {
            let entry = Entry(register, firstField: fieldLayouts.count)
            let layout = RegisterLayout(register)
            for (field, name) in zip(register.fields, entry.fieldNames) {
                fieldNames.append((index, name, fieldLayouts.count))
                if field.name != name { fieldAliases.append((index, field.name, fieldLayouts.count)) }
                fieldLayouts.append(FieldLayout(field, storageBits: 32 * max(layout.words, 1)))
            }
            registerNames.append((0, entry.attributeName, index))
            if register.name != entry.attributeName { registerAliases.append((0, register.name, index)) }
            entries.append(entry)
            layouts.append(layout)
        }
        self.entries = entries
        self.layouts = .allocate(capacity: layouts.count)
        _ = self.layouts.initialize(from: layouts)
        self.fieldLayouts = .allocate(capacity: max(fieldLayouts.count, 1))
        _ = self.fieldLayouts.initialize(from: fieldLayouts)
        self.table = NameTable(registerNames + registerAliases)
        self.fieldTable = NameTable(fieldNames + fieldAliases)
    }

    deinit {
        layouts.deallocate()
        fieldLayouts.deallocate()
        table.deallocate()
        fieldTable.deallocate()
    }

    /// The register named `name` (pynq attribute name, e.g. `CTRL`, `in1`).
    /// - Throws: `RegisterMapError.noSuchRegister`.
    @inlinable
    public subscript(dynamicMember name: String) -> MappedRegister {
        @inline(__always) get throws { try register(name) }
    }

    /// The register named `name`, as pynq's attribute name or exactly as the metadata spells it.
    /// - Throws: `RegisterMapError.noSuchRegister`.
    @inlinable
    public subscript(name: String) -> MappedRegister {
        get throws { try register(name) }
    }

    @inlinable @inline(__always)
    func register(_ name: String) throws -> MappedRegister {
        guard let index = table.lookup(name) else { throw noSuchRegister(name) }
        return MappedRegister(map: self, index: index)
    }

    @usableFromInline @inline(never)
    func noSuchRegister(_ name: String) -> RegisterMapError {
        .noSuchRegister(ip: ipName, name: name, available: entries.map(\.attributeName))
    }

    /// Every register, in address order (the order pynq prints them in).
    public var registers: [MappedRegister] {
        layouts.indices.sorted { layouts[$0].offset < layouts[$1].offset }.map { MappedRegister(map: self, index: $0) }
    }

    /// The register names (pynq attribute names), in address order.
    public var registerNames: [String] { registers.map(\.name) }

    /// The register map as pynq prints it: every register of up to 64 bits with its current value
    /// (or its fields' values), in address order. Reads every register once (including write-only
    /// ones, as pynq does; reading CTRL clears AP_DONE on HLS kernels).
    public var description: String {
        let lines = registers.filter { layouts[$0.index].words > 0 }.map { "  \($0.name) = \($0.description)" }
        return "RegisterMap {\n" + lines.joined(separator: ",\n") + "\n}"
    }

    /// pynq's `_safe_attrname`: characters other than ASCII letters, digits and `_` become `_`, and a
    /// leading digit gets an `r` in front.
    public static func attributeName(_ name: String) -> String {
        var result = String(name.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
                ? Character(scalar) : "_"
        })
        if let first = name.unicodeScalars.first, ("0"..."9").contains(first) { result = "r" + result }
        return result
    }

    // MARK: Stored layout

    /// What the access path needs to know about one register.
    @usableFromInline
    struct RegisterLayout: Sendable {
        @usableFromInline let offset: Int
        @usableFromInline let bits: Int
        /// 32-bit words the register occupies: 1 (≤ 32 bits), 2 (33–64 bits), 0 (wider: not accessible).
        @usableFromInline let words: Int
        @usableFromInline let readable: Bool
        @usableFromInline let writable: Bool

        init(_ register: Register) {
            offset = register.offset
            bits = register.sizeInBits
            words = register.sizeInBits <= 32 ? 1 : register.sizeInBits <= 64 ? 2 : 0
            readable = register.access.isReadable
            writable = register.access.isWritable
        }

        /// Largest value a whole-register write accepts: the declared width, but at least the 32-bit
        /// word (pynq writes whole words; xclbins declare CTRL as 4 "bits" with fields up to bit 7).
        @usableFromInline var maxValue: UInt64 { words == 1 ? UInt64(UInt32.max) : UInt64.max }
    }

    /// What the access path needs to know about one bit field.
    @usableFromInline
    struct FieldLayout: Sendable {
        @usableFromInline let shift: UInt64
        @usableFromInline let width: Int
        /// Mask of the field's value before shifting (`(1 << width) - 1`).
        @usableFromInline let valueMask: UInt64
        @usableFromInline let readable: Bool
        @usableFromInline let writable: Bool
        /// Whether the field fits inside the register's storage words.
        @usableFromInline let fits: Bool
        /// Whether the field covers all storage bits (then a write needs no read first).
        @usableFromInline let coversRegister: Bool

        init(_ field: RegisterField, storageBits: Int) {
            shift = UInt64(max(0, field.bitOffset))
            width = field.bitWidth
            valueMask = field.bitWidth >= 64 ? .max : field.bitWidth <= 0 ? 0 : (UInt64(1) << UInt64(field.bitWidth)) - 1
            readable = field.access.isReadable
            writable = field.access.isWritable
            fits = field.bitOffset >= 0 && field.bitWidth > 0 && field.bitOffset + field.bitWidth <= storageBits
            coversRegister = field.bitOffset == 0 && field.bitWidth == storageBits
        }
    }

    /// Names and metadata of one register (the cold path: messages, descriptions).
    struct Entry: Sendable {
        let attributeName: String
        let fieldNames: [String]
        /// Index of the register's first field in `fieldLayouts`.
        let firstField: Int
        let metadata: Register

        init(_ register: Register, firstField: Int) {
            self.firstField = firstField
            attributeName = RegisterMap.attributeName(register.name)
            fieldNames = register.fields.map { RegisterMap.attributeName($0.name) }
            metadata = register
        }
    }

    // MARK: Errors (kept out of the inlined access path)

    @usableFromInline @inline(never)
    func noSuchField(_ register: Int, _ name: String) -> RegisterMapError {
        .noSuchField(ip: ipName, register: entries[register].attributeName, name: name, available: entries[register].fieldNames)
    }

    /// The name of field `field` (a `fieldLayouts` index) of register `register`.
    func fieldName(_ register: Int, _ field: Int) -> String {
        entries[register].fieldNames[field - entries[register].firstField]
    }

    @usableFromInline @inline(never)
    func readOnly(_ register: Int, field: Int?) -> RegisterMapError {
        .readOnly(ip: ipName, register: entries[register].attributeName, field: field.map { fieldName(register, $0) })
    }

    @usableFromInline @inline(never)
    func writeOnly(_ register: Int, field: Int?) -> RegisterMapError {
        .writeOnly(ip: ipName, register: entries[register].attributeName, field: field.map { fieldName(register, $0) })
    }

    @usableFromInline @inline(never)
    func tooWide(_ register: Int, field: Int?, value: UInt64) -> RegisterMapError {
        .valueTooWide(ip: ipName, register: entries[register].attributeName, field: field.map { fieldName(register, $0) },
                      value: value, bits: field.map { fieldLayouts[$0].width } ?? layouts[register].words * 32)
    }

    @usableFromInline @inline(never)
    func unsupported(_ register: Int, field: Int?) -> RegisterMapError {
        .unsupportedWidth(ip: ipName, register: entries[register].attributeName, field: field.map { fieldName(register, $0) },
                          bits: field.map { fieldLayouts[$0].width } ?? layouts[register].bits)
    }
}
