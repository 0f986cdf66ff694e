import PynqMetadataCore

/// Which Zynq family a board is: decides where the PL clock registers are.
public enum ZynqFamily: String, Sendable, Hashable {
    /// Zynq-7000 (armv7): `FPGA{0..3}_CLK_CTRL` in the SLCR at 0xF8000000 + 0x170 + 0x10·n.
    case zynq7000
    /// Zynq UltraScale+ (aarch64): `PL{0..3}_REF_CTRL` in CRL_APB at 0xFF5E0000 + 0xC0 + 4·n.
    case zynqUltraScale

    /// Physical address of PL clock `index`'s control register (pynq ps.py).
    public func clockControlAddress(_ index: Int) -> UInt64 {
        switch self {
        case .zynq7000: return 0xF800_0000 + 0x170 + 0x10 * UInt64(index)
        case .zynqUltraScale: return 0xFF5E_0000 + 0xC0 + 4 * UInt64(index)
        }
    }

    /// Bit positions of DIVISOR0 and DIVISOR1 (each 6 bits wide).
    var divisorShifts: (UInt32, UInt32) { self == .zynq7000 ? (8, 20) : (8, 16) }

    /// The family whose processing system the overlay contains (`processing_system7` /
    /// `zynq_ultra_ps_e` in its IPs or its `ip_dict` types), if any.
    public static func of(_ description: OverlayDescription) -> ZynqFamily? {
        let types = description.ips.map(\.type) + description.ipDict.keys.compactMap { description.ipDict[$0]?["type"]?.stringValue }
        for type in types {
            if type.contains(":processing_system7:") { return .zynq7000 }
            if type.contains(":zynq_ultra_ps_e:") { return .zynqUltraScale }
        }
        return nil
    }

    /// The family this process runs on (`armv7` → Zynq-7000, `aarch64` → UltraScale+), else `nil`.
    public static var host: ZynqFamily? {
        #if arch(arm)
        return .zynq7000
        #elseif arch(arm64)
        return .zynqUltraScale
        #else
        return nil
        #endif
    }
}

/// The divisors of one enabled PL clock, from an overlay's `clock_dict`.
public struct PLClockSetting: Sendable, Hashable {
    public var index: Int
    public var divisor0: UInt32
    public var divisor1: UInt32

    public init(index: Int, divisor0: UInt32, divisor1: UInt32) {
        self.index = index
        self.divisor0 = divisor0
        self.divisor1 = divisor1
    }

    /// The enabled clocks of `clockDict` (`{"0": {"enable": 1, "divisor0": 4, "divisor1": 4}, …}`).
    /// - Throws: `ZynqError.badClock` for an index outside 0...3 or a divisor outside 1...63.
    public static func enabled(in clockDict: MetaValue) throws -> [PLClockSetting] {
        var settings: [PLClockSetting] = []
        for key in clockDict.keys {
            guard let entry = clockDict[key], entry["enable"]?.intValue == 1 else { continue }
            guard let index = Int(key), (0...3).contains(index) else {
                throw ZynqError.badClock(index: Int(key) ?? -1, reason: "clock_dict key '\(key)' is not a PL clock index 0-3")
            }
            var divisors: [UInt32] = []
            for name in ["divisor0", "divisor1"] {
                guard let value = entry[name]?.intValue, (1...63).contains(value) else {
                    throw ZynqError.badClock(index: index, reason: "\(name) must be 1-63 (6 bits), is \(entry[name].map { $0.jsonString(indent: nil) } ?? "missing")")
                }
                divisors.append(UInt32(value))
            }
            settings.append(PLClockSetting(index: index, divisor0: divisors[0], divisor1: divisors[1]))
        }
        return settings
    }

    /// `register` with this setting's divisors in the `family`'s DIVISOR0/DIVISOR1 fields.
    func applied(to register: UInt32, family: ZynqFamily) -> UInt32 {
        let (shift0, shift1) = family.divisorShifts
        let mask: UInt32 = 0x3F
        return register & ~(mask << shift0) & ~(mask << shift1) | divisor0 << shift0 | divisor1 << shift1
    }
}

extension PLClockSetting {
    /// Writes the divisors into the clock control register through `/dev/mem` (read-modify-write,
    /// keeping the source select and other bits).
    func write(family: ZynqFamily, system: SystemInterface) throws {
        let window = try PhysicalMemoryWindow(system: system, name: "PL clock \(index)",
                                              baseAddress: family.clockControlAddress(index), length: 4)
        defer { window.unmap() }
        try window.write32(offset: 0, applied(to: try window.read32(offset: 0), family: family))
    }
}
