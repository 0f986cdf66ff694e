/// Why a register-map access was refused. Nothing is written when one of these is thrown.
public enum RegisterMapError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The IP's metadata lists no registers (pynq: "register_map only available if the .hwh is provided").
    case noRegisters(ip: String)
    /// No register of that name; `available` lists the names the map has.
    case noSuchRegister(ip: String, name: String, available: [String])
    /// No field of that name in the register; `available` lists the register's fields.
    case noSuchField(ip: String, register: String, name: String, available: [String])
    /// A write to a read-only register or field (`field` is `nil` for the whole register).
    case readOnly(ip: String, register: String, field: String?)
    /// A read of a write-only register or field.
    case writeOnly(ip: String, register: String, field: String?)
    /// The value needs more bits than the register or field has.
    case valueTooWide(ip: String, register: String, field: String?, value: UInt64, bits: Int)
    /// The register is wider than 64 bits, or the field lies outside its register's words.
    case unsupportedWidth(ip: String, register: String, field: String?, bits: Int)

    public var description: String {
        switch self {
        case let .noRegisters(ip):
            return "IP \(ip) has no register map: its metadata lists no registers (pynq needs the .hwh; load the overlay from a file that describes its registers)"
        case let .noSuchRegister(ip, name, available):
            return "IP \(ip) has no register '\(name)'; registers: \(available.joined(separator: ", "))"
        case let .noSuchField(ip, register, name, available):
            let list = available.isEmpty ? "none (use .value)" : available.joined(separator: ", ")
            return "register \(ip).\(register) has no field '\(name)'; fields: \(list)"
        case let .readOnly(ip, register, field):
            return "\(Self.path(ip, register, field)) is read-only and cannot be written"
        case let .writeOnly(ip, register, field):
            return "\(Self.path(ip, register, field)) is write-only and cannot be read"
        case let .valueTooWide(ip, register, field, value, bits):
            return "value \(value) (\(hex(value))) does not fit the \(bits)-bit \(Self.path(ip, register, field)); "
                + "largest value: \(bits >= 64 ? UInt64.max : (UInt64(1) << UInt64(bits)) - 1)"
        case let .unsupportedWidth(ip, register, field, bits):
            return "\(Self.path(ip, register, field)) is \(bits) bits wide or lies outside its register; registers of up to 64 bits are supported"
        }
    }

    private static func path(_ ip: String, _ register: String, _ field: String?) -> String {
        field.map { "field \(ip).\(register).\($0)" } ?? "register \(ip).\(register)"
    }
}
