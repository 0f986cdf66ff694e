import Foundation
import PynqBackend
import PynqMetadata
import Pynq
import Testing
import TestSupport

/// Registers of reference IPs, read from pynq's own output (`ip_dict[*].registers`) as the oracle.
enum ReferenceRegisters {
    struct IP {
        var file: String
        var name: String
        var addressRange: Int
        var registers: [Register]
    }

    /// Every IP with registers in the reference JSON of `file`, from view `view`.
    static func ips(file: String, view: String) throws -> [IP] {
        guard let root = try Reference.expected(file) as? [String: Any],
              let parsed = root[view] as? [String: Any],
              let ipDict = parsed["ip_dict"] as? [String: Any] else { return [] }
        return ipDict.keys.sorted().compactMap { name in
            guard let ip = ipDict[name] as? [String: Any], let registers = ip["registers"] as? [String: Any],
                  !registers.isEmpty else { return nil }
            let range = (ip["addr_range"] as? Int) ?? 0x1_0000
            return IP(file: file, name: name, addressRange: range, registers: registers.keys.sorted().map { key in
                let r = registers[key] as! [String: Any]
                let fields = (r["fields"] as? [String: Any] ?? [:]).keys.sorted().map { fieldName in
                    let f = (r["fields"] as! [String: Any])[fieldName] as! [String: Any]
                    return RegisterField(name: fieldName, bitOffset: f["bit_offset"] as! Int, bitWidth: f["bit_width"] as! Int,
                                         access: RegisterAccess(rawValue: f["access"] as! String))
                }
                return Register(name: key, offset: r["address_offset"] as! Int, sizeInBits: r["size"] as! Int,
                                access: RegisterAccess(rawValue: r["access"] as! String), type: r["type"] as? String,
                                argumentIndex: r["id"] as? Int, fields: fields)
            })
        }
    }

    static let cases: [(file: String, view: String)] = [
        ("pynqz2_resizer.hwh", "RuntimeMetadataParser"),
        ("ultra96_resizer.hwh", "RuntimeMetadataParser"),
        ("zcu104_base.hwh", "RuntimeMetadataParser"),
        ("zcu104_base.hwh", "legacy__HWHUltrascale"),
        ("xup_aws_f1_vitis_intro_lab.xclbin", "XclBin"),
        ("xup_aws_f1_streaming_lab.xclbin", "XclBin"),
    ]
}

@Suite("RegisterMap")
struct RegisterMapTests {
    /// A map of `registers` over a fresh test mapping.
    static func map(_ registers: [Register], length: Int = 0x100, mapped: Bool = true) throws -> (RegisterMap, TestRegisterSpace) {
        let space = TestRegisterSpace(length: length, mapped: mapped)
        return (try RegisterMap(ipName: "ip", registers: registers, mmio: MMIO(space: space)), space)
    }

    static let ctrl = Register(name: "CTRL", offset: 0, sizeInBits: 32, access: .readWrite, fields: [
        RegisterField(name: "AP_START", bitOffset: 0, bitWidth: 1, access: .readWrite),
        RegisterField(name: "AP_DONE", bitOffset: 1, bitWidth: 1, access: .readOnly),
        RegisterField(name: "AP_IDLE", bitOffset: 2, bitWidth: 1, access: .readOnly),
        RegisterField(name: "AP_READY", bitOffset: 3, bitWidth: 1, access: .readOnly),
        RegisterField(name: "AUTO_RESTART", bitOffset: 7, bitWidth: 1, access: .readWrite),
    ])
    static let kernel = [
        ctrl,
        Register(name: "in1", offset: 0x10, sizeInBits: 64, access: RegisterAccess(rawValue: "read-write;"), type: "int*", argumentIndex: 0),
        Register(name: "size", offset: 0x1C, sizeInBits: 32, access: .readWrite, type: "unsigned int", argumentIndex: 1),
        Register(name: "status", offset: 0x20, sizeInBits: 32, access: .readOnly),
        Register(name: "ack", offset: 0x24, sizeInBits: 9, access: .writeOnly, fields: [
            RegisterField(name: "INT", bitOffset: 0, bitWidth: 9, access: .writeOnly),
        ]),
        Register(name: "Channel-1 GPIO", offset: 0x28, sizeInBits: 4, access: .readWrite, fields: [
            RegisterField(name: "1st bit", bitOffset: 0, bitWidth: 1, access: .readWrite),
            RegisterField(name: "rest", bitOffset: 1, bitWidth: 3, access: .readWrite),
        ]),
    ]

    @Test("fields: read-modify-write keeps the other bits")
    func fields() throws {
        let (map, space) = try Self.map(Self.kernel)
        try map.mmio.write(UInt32(0b0110), at: 0)  // AP_DONE | AP_IDLE
        try map.CTRL.AP_START = 1
        #expect(try map.mmio.read(UInt32.self, at: 0) == 0b0111)
        try map.CTRL.AUTO_RESTART = 1
        #expect(try map.CTRL.value == 0b1000_0111)
        #expect(try map.CTRL.AP_IDLE == 1)
        #expect(try map.CTRL.read(field: "AP_READY") == 0)
        try map.CTRL.write(field: "AP_START", 0)
        #expect(try map.CTRL.read() == 0b1000_0110)
        _ = space
    }

    @Test("64-bit registers are two words, low word at the offset", arguments: [true, false])
    func wide(mapped: Bool) throws {
        let (map, space) = try Self.map(Self.kernel, mapped: mapped)
        try map["in1"].write(0x0000_0012_3456_7000)
        #expect(try map.mmio.read(UInt32.self, at: 0x10) == 0x3456_7000)
        #expect(try map.mmio.read(UInt32.self, at: 0x14) == 0x12)
        #expect(try map.in1.value == 0x0000_0012_3456_7000)
        if !mapped {
            _ = space.takeLog()
            try map.in1.write(5)
            #expect(space.takeLog() == ["w16=5", "w20=0"])
        }
    }

    @Test("names: pynq attribute names and the metadata's spelling")
    func names() throws {
        let (map, _) = try Self.map(Self.kernel)
        #expect(RegisterMap.attributeName("Channel-1 GPIO") == "Channel_1_GPIO")
        #expect(RegisterMap.attributeName("1st bit") == "r1st_bit")
        #expect(RegisterMap.attributeName("AP_START") == "AP_START")
        try map.Channel_1_GPIO.r1st_bit = 1
        try map["Channel-1 GPIO"].write(field: "rest", 5)
        #expect(try map.Channel_1_GPIO.read(field: "1st bit") == 1)
        #expect(try map.mmio.read(UInt32.self, at: 0x28) == 0b1011)
        #expect(map.registerNames == ["CTRL", "in1", "size", "status", "ack", "Channel_1_GPIO"])
        #expect(try map.CTRL.fieldNames == ["AP_START", "AP_DONE", "AP_IDLE", "AP_READY", "AUTO_RESTART"])
        #expect(try map.in1.metadata.type == "int*")
    }

    @Test("access rules are enforced with typed errors and nothing is written")
    func accessRules() throws {
        let (map, _) = try Self.map(Self.kernel)
        try map.mmio.write(UInt32(0x55), at: 0x20)
        #expect(throws: RegisterMapError.readOnly(ip: "ip", register: "status", field: nil)) { try map.status.write(1) }
        #expect(throws: RegisterMapError.readOnly(ip: "ip", register: "CTRL", field: "AP_DONE")) {
            try map.CTRL.write(field: "AP_DONE", 1)
        }
        #expect(throws: RegisterMapError.writeOnly(ip: "ip", register: "ack", field: nil)) { _ = try map.ack.read() }
        #expect(throws: RegisterMapError.writeOnly(ip: "ip", register: "ack", field: "INT")) { _ = try map.ack.read(field: "INT") }
        #expect(throws: RegisterMapError.valueTooWide(ip: "ip", register: "CTRL", field: "AP_START", value: 2, bits: 1)) {
            try map.CTRL.write(field: "AP_START", 2)
        }
        #expect(throws: RegisterMapError.valueTooWide(ip: "ip", register: "size", field: nil, value: 1 << 32, bits: 32)) {
            try map.size.write(1 << 32)
        }
        let unknown = #expect(throws: RegisterMapError.self) { try map.nope.write(1) }
        #expect(unknown == .noSuchRegister(ip: "ip", name: "nope", available: ["CTRL", "in1", "size", "status", "ack", "Channel_1_GPIO"]))
        #expect(throws: RegisterMapError.noSuchField(ip: "ip", register: "CTRL", name: "AP_GO",
                                                     available: ["AP_START", "AP_DONE", "AP_IDLE", "AP_READY", "AUTO_RESTART"])) {
            try map.CTRL.write(field: "AP_GO", 1)
        }
        #expect(try map.mmio.read(UInt32.self, count: 16, at: 0) == [UInt32](repeating: 0, count: 8) + [0x55] + [UInt32](repeating: 0, count: 7))
        // A write-only register's field write does not read it: the other bits are written as 0.
        try map.ack.write(field: "INT", 0x1FF)
        #expect(try map.mmio.read(UInt32.self, at: 0x24) == 0x1FF)
        #expect(throws: RegisterMapError.noRegisters(ip: "empty")) {
            try RegisterMap(ipName: "empty", registers: [], mmio: map.mmio)
        }
    }

    @Test("a register outside the MMIO range gives the MMIO's error")
    func outside() throws {
        let (map, _) = try Self.map([Register(name: "far", offset: 0x100, sizeInBits: 32, access: .readWrite)])
        #expect(throws: MMIOError.outOfRange(offset: 0x100, width: 4, length: 0x100, baseAddress: 0x4000_0000)) {
            try map.far.write(1)
        }
        let (wide, _) = try Self.map([Register(name: "huge", offset: 0, sizeInBits: 128, access: .readWrite)])
        #expect(throws: RegisterMapError.unsupportedWidth(ip: "ip", register: "huge", field: nil, bits: 128)) {
            _ = try wide.huge.read()
        }
    }

    @Test("description is pynq's RegisterMap repr, in address order")
    func description() throws {
        let registers = [Self.kernel[2], Self.kernel[0], Self.kernel[1]]
        let (map, _) = try Self.map(registers)
        try map.CTRL.write(0b1000_0100)
        try map.in1.write(0x1_0000_0000)
        try map.size.write(42)
        #expect(map.description == """
            RegisterMap {
              CTRL = Register(AP_START=0, AP_DONE=0, AP_IDLE=1, AP_READY=0, AUTO_RESTART=1),
              in1 = Register(value=4294967296),
              size = Register(value=42)
            }
            """)
        #expect(try map.size.description == "Register(value=42)")
    }

    @Test("misuse of the assignment form stops the program")
    func assignmentMisuse() async {
        await #expect(processExitsWith: .failure) {
            let (map, _) = try RegisterMapTests.map(RegisterMapTests.kernel)
            try map.CTRL.AP_DONE = 1
        }
    }

    @Test("every register of the reference files is reachable by name and round-trips (pynq's ip_dict)",
          arguments: ReferenceRegisters.cases.map { "\($0.file) \($0.view)" })
    func reference(_ name: String) throws {
        let parts = name.split(separator: " ").map(String.init)
        let ips = try ReferenceRegisters.ips(file: parts[0], view: parts[1])
        #expect(!ips.isEmpty)
        for ip in ips { try Self.roundTrip(ip: ip.name, addressRange: ip.addressRange, registers: ip.registers) }
    }

    @Test("every register the HWH reader finds is reachable by name and round-trips; same registers as pynq",
          arguments: ["pynqz2_resizer.hwh", "ultra96_resizer.hwh", "zcu104_base.hwh"])
    func hwh(_ file: String) throws {
        let ips = try HWH.read(bytes: Reference.bytes(file), source: file).overlayDescription().ips
        let oracle = try ReferenceRegisters.ips(file: file, view: "RuntimeMetadataParser")
        var found = 0
        for ip in ips where !ip.registers.isEmpty {
            try Self.roundTrip(ip: ip.name, addressRange: Int(ip.addressRange), registers: ip.registers)
            let expected = oracle.first { $0.name == ip.name }
            #expect(Set(ip.registers.map(\.name)) == Set(expected?.registers.map(\.name) ?? []), "\(file) \(ip.name)")
            found += ip.registers.count
        }
        #expect(found == oracle.reduce(0) { $0 + $1.registers.count })
    }

    /// Maps `registers` over a fresh test mapping of `addressRange` bytes and checks that each is
    /// reachable by its name and attribute name, round-trips a value when writable, refuses writes when
    /// read-only, and that each field round-trips or refuses likewise.
    static func roundTrip(ip: String, addressRange: Int, registers: [Register]) throws {
        let space = TestRegisterSpace(length: addressRange, mapped: true)
        let map = try RegisterMap(ipName: ip, registers: registers, mmio: MMIO(space: space))
        for register in registers {
            let byName = try map[register.name]
            let byAttribute = try map[RegisterMap.attributeName(register.name)]
            #expect(byName.offset == register.offset && byAttribute.offset == register.offset)
            let words = register.sizeInBits <= 32 ? 1 : 2
            let pattern: UInt64 = words == 1 ? 0xA5C3_5A3C : 0x1234_5678_9ABC_DEF0
            if register.access.isWritable {
                try byName.write(pattern)
                #expect(try map.mmio.read(UInt32.self, at: register.offset) == UInt32(truncatingIfNeeded: pattern))
                if register.access.isReadable { #expect(try byName.read() == pattern) }
            } else {
                try map.mmio.write(UInt32(truncatingIfNeeded: pattern), at: register.offset)
                #expect(throws: RegisterMapError.self) { try byName.write(1) }
                #expect(try byName.read() == UInt64(UInt32(truncatingIfNeeded: pattern)))
            }
            for field in register.fields {
                let maximum: UInt64 = field.bitWidth >= 64 ? .max : (1 << UInt64(field.bitWidth)) - 1
                if field.access.isWritable && register.access.isWritable {
                    try byName.write(field: field.name, maximum)
                    let stored = try map.mmio.read(UInt32.self, at: register.offset)
                    #expect((UInt64(stored) >> UInt64(field.bitOffset)) & maximum == maximum)
                    try byName.write(field: field.name, 0)
                    if field.access.isReadable && register.access.isReadable {
                        #expect(try byName.read(field: RegisterMap.attributeName(field.name)) == 0)
                    }
                } else {
                    #expect(throws: RegisterMapError.self) { try byName.write(field: field.name, 0) }
                }
            }
        }
        #expect(map.description.hasPrefix("RegisterMap {\n  "))
    }
}
