import OrderedCollections
import PynqMetadataCore
import PynqXML

// The registers of an IP as the HWH describes them (ADDRESSBLOCK / REGISTERS / REGISTER / FIELDS / FIELD,
// each with PROPERTY children), read with the rules of pynqmetadata (full designs) or of pynq's legacy
// parser (partial designs), and printed as pynq's `registers` dictionary.

struct RegisterInfo {
    var name: String
    var offset: Int
    var size: Int
    var access: String?
    var description: String?
    var fields: OrderedDictionary<String, FieldInfo>
}

struct FieldInfo {
    var name: String
    var bitOffset: Int
    var bitWidth: Int
    var access: String?
    var description: String?
}

extension HWHDesign {
    /// The registers pynqmetadata attaches to subordinate port `port` of `block`: from every
    /// ADDRESSBLOCK of the module with USAGE `register` or `memory` whose INTERFACE names the port (in
    /// lower case, upper case or as written, tried in that order); the first register of a name wins.
    func registers(block b: Int32, port p: Int32) throws -> OrderedDictionary<String, RegisterInfo> {
        let block = blocks[Int(b)]
        var result: OrderedDictionary<String, RegisterInfo> = [:]
        for addressBlock in tags.descendants(.addressBlock, of: block.element) {
            let usage = addressBlock["USAGE"]
            guard usage == "register" || usage == "memory", let interface = addressBlock["INTERFACE"] else { continue }
            let resolved = port(b, exactly: interface.lowercased()) ?? port(b, exactly: interface.uppercased())
                ?? port(b, exactly: interface)
            guard resolved == p else { continue }
            for register in tags.descendants(.register, of: addressBlock) {
                guard let name = register["NAME"] else { continue }
                let info = try runtimeRegister(register, name: name, block: block)
                result.updateValue(forKey: name, default: info) { _ in }  // the first of a name wins
            }
        }
        return result
    }

    private func runtimeRegister(_ register: XMLElement, name: String, block: Block) throws -> RegisterInfo {
        var info = RegisterInfo(name: name, offset: 0, size: 4, access: "read-write", description: "", fields: [:])
        // Error context is made only when thrown.
        func what() -> String { "MODULE \(block.name) REGISTER \(name)" }
        let bytes = raw.bytes
        let r = register.documentIndex
        let range = register.descendantIndices
        // PROPERTY names are compared as bytes; VALUE is read only for the properties pynqmetadata uses.
        for property in tags.positions(.property, in: range) where raw.parent(of: Int(property)) == r {
            let attributes = raw.attributes(of: Int(property))
            guard let key = attributes.value("NAME", in: bytes) else { continue }
            let value = attributes.value("VALUE", in: bytes)
            if key.equals("DESCRIPTION", in: bytes) {
                info.description = value?.string(in: bytes)
            } else if key.equals("ADDRESS_OFFSET", in: bytes) {
                info.offset = try number(value, property, what(), "ADDRESS_OFFSET", string2int: true)
            } else if key.equals("SIZE", in: bytes) {
                info.size = try number(value, property, what(), "SIZE", string2int: false)
            } else if key.equals("ACCESS", in: bytes) {
                info.access = value?.string(in: bytes)
            }
        }
        let fields = tags.positions(.field, in: range)
        if fields.count > 15 { info.fields.reserveCapacity(fields.count) }
        for field in fields {
            guard let fieldName = attribute(field, "NAME")?.string(in: bytes) else { continue }
            func fieldWhat() -> String { "\(what()) FIELD \(fieldName)" }
            var lsb = 0, msb = 0
            var access: String? = "read-write"
            var description: String? = ""
            for property in tags.positions(.property, in: raw.descendantIndices(of: Int(field))) {
                let attributes = raw.attributes(of: Int(property))
                guard let key = attributes.value("NAME", in: bytes) else { continue }
                let value = attributes.value("VALUE", in: bytes)
                if key.equals("DESCRIPTION", in: bytes) {
                    description = value?.string(in: bytes)
                } else if key.equals("BIT_OFFSET", in: bytes) {
                    lsb = try number(value, property, fieldWhat(), "BIT_OFFSET", string2int: false)
                } else if key.equals("BIT_WIDTH", in: bytes) {
                    msb = lsb + (try number(value, property, fieldWhat(), "BIT_WIDTH", string2int: false)) - 1
                } else if key.equals("ACCESS", in: bytes) {
                    access = value?.string(in: bytes)
                }
            }
            info.fields.updateValue(
                forKey: fieldName,
                default: FieldInfo(name: fieldName, bitOffset: lsb, bitWidth: msb - lsb + 1, access: access,
                                   description: description)) { _ in }
        }
        return info
    }

    private func number(_ value: XMLSpan?, _ element: Int32, _ what: @autoclosure () -> String, _ key: String,
                        string2int: Bool) throws -> Int {
        try number(value?.string(in: raw.bytes), document.element(at: Int(element)), what(), key, string2int: string2int)
    }

    /// The registers pynq's legacy parser gives an IP: every named child of any REGISTERS element of the
    /// module, each of which must have the ADDRESS_OFFSET, SIZE, ACCESS and DESCRIPTION properties.
    func legacyRegisters(module: XMLElement, instance: String) throws -> OrderedDictionary<String, RegisterInfo> {
        var result: OrderedDictionary<String, RegisterInfo> = [:]
        for registers in tags.descendants(.registers, of: module) {
            for register in registers.children {
                guard let name = register["NAME"] else { continue }
                func what() -> String { "MODULE \(instance) REGISTER \(name)" }
                func property(_ element: XMLElement, _ key: StaticString) throws -> XMLElement {
                    guard let found = element.children(named: "PROPERTY").first(where: { $0.attribute("NAME", equals: key) }) else {
                        throw error(element, what(), "has no \(key) property")
                    }
                    return found
                }
                let offsetProperty = try property(register, "ADDRESS_OFFSET")
                let sizeProperty = try property(register, "SIZE")
                let description = try property(register, "DESCRIPTION")["VALUE"]
                var info = RegisterInfo(
                    name: name,
                    offset: try number(offsetProperty["VALUE"], offsetProperty, what(), "ADDRESS_OFFSET", string2int: true),
                    size: try number(sizeProperty["VALUE"], sizeProperty, what(), "SIZE", string2int: true),
                    access: try property(register, "ACCESS")["VALUE"], description: description, fields: [:])
                for fields in register.children(named: "FIELDS") {
                    for field in fields.children(named: "FIELD") {
                        guard let fieldName = field["NAME"] else { continue }
                        let offset = try property(field, "BIT_OFFSET")
                        let width = try property(field, "BIT_WIDTH")
                        // pynq's legacy parser gives each field its register's description.
                        info.fields[fieldName] = FieldInfo(
                            name: fieldName,
                            bitOffset: try number(offset["VALUE"], offset, what(), "BIT_OFFSET", string2int: true),
                            bitWidth: try number(width["VALUE"], width, what(), "BIT_WIDTH", string2int: true),
                            access: try property(field, "ACCESS")["VALUE"], description: description)
                    }
                }
                result[name] = info
            }
        }
        return result
    }

    private func number(_ value: String?, _ element: @autoclosure () -> XMLElement, _ what: @autoclosure () -> String, _ key: String,
                        string2int: Bool) throws -> Int {
        guard let value else { throw error(element(), what(), "property \(key) has no VALUE") }
        // pynq's `string2int`: hexadecimal when the text starts with `0x`, decimal otherwise.
        guard let n = PythonNumbers.int(value, base: string2int && value.hasPrefix("0x") ? 16 : 10) else {
            throw error(element(), what(), "property \(key) is \"\(value)\", not a number")
        }
        return n
    }
}

extension RegisterInfo {
    /// pynq's `registers[name]` entry. `fieldKeysAccessFirst` orders field keys as `ip_dict` does
    /// (access before description); `mem_dict` puts the description first.
    func metaValue(fieldKeysAccessFirst: Bool) -> MetaValue {
        // Fixed, distinct keys (fewer than 16, so no hash table): the dictionaries share the key arrays.
        let f = OrderedDictionary(uncheckedUniqueKeys: fields.keys, values: fields.values.map { field -> MetaValue in
            let access: MetaValue = field.access.map(MetaValue.string) ?? .null
            let description: MetaValue = field.description.map(MetaValue.string) ?? .null
            return .dict(fieldKeysAccessFirst
                ? OrderedDictionary(uncheckedUniqueKeys: Self.fieldKeysAccessFirst,
                                    values: [.int(field.bitOffset), .int(field.bitWidth), access, description])
                : OrderedDictionary(uncheckedUniqueKeys: Self.fieldKeysDescriptionFirst,
                                    values: [.int(field.bitOffset), .int(field.bitWidth), description, access]))
        })
        return .dict(OrderedDictionary(uncheckedUniqueKeys: Self.registerKeys, values: [
            .int(offset), .int(size), access.map(MetaValue.string) ?? .null,
            description.map(MetaValue.string) ?? .null, .dict(f),
        ]))
    }

    private static let registerKeys: ContiguousArray = ["address_offset", "size", "access", "description", "fields"]
    private static let fieldKeysAccessFirst: ContiguousArray = ["bit_offset", "bit_width", "access", "description"]
    private static let fieldKeysDescriptionFirst: ContiguousArray = ["bit_offset", "bit_width", "description", "access"]

    /// The typed register of the overlay model.
    var register: Register {
        Register(
            name: name, offset: offset, sizeInBits: size, access: RegisterAccess(rawValue: access ?? "read-write"),
            description: description ?? "",
            fields: fields.values.map {
                RegisterField(
                    name: $0.name, bitOffset: $0.bitOffset, bitWidth: $0.bitWidth,
                    access: RegisterAccess(rawValue: $0.access ?? "read-write"), description: $0.description ?? "")
            })
    }
}

extension OrderedDictionary where Key == String, Value == RegisterInfo {
    func metaValue(fieldKeysAccessFirst: Bool) -> MetaValue {
        .dict(OrderedDictionary<String, MetaValue>(
            uncheckedUniqueKeys: keys, values: values.map { $0.metaValue(fieldKeysAccessFirst: fieldKeysAccessFirst) }))
    }
}
