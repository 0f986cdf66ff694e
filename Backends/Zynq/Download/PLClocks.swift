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

/// How one PL clock is to be set before a download, from an overlay's `clock_dict` (pynq's
/// `Overlay.download`: enabled clocks get the design's divisors, the others 100 MHz).
public struct PLClockSetting: Sendable, Hashable {
    public enum Target: Sendable, Hashable {
        /// The design's DIVISOR0 and DIVISOR1.
        case divisors(UInt32, UInt32)
        /// The divisors that come closest to `mhz` from the clock's source PLL (pynq's
        /// `Clocks.set_pl_clk(i)`, default 100 MHz).
        case frequency(mhz: Double)
    }

    public var index: Int
    public var target: Target

    public init(index: Int, target: Target) {
        self.index = index
        self.target = target
    }

    /// Frequency pynq gives clocks the design does not enable.
    public static let defaultMHz = 100.0

    /// One setting per entry of `clockDict` (`{"0": {"enable": 1, "divisor0": 4, "divisor1": 4}, …}`).
    /// - Throws: `ZynqError.badClock` for an index outside 0...3 or a divisor outside 1...63.
    public static func settings(in clockDict: MetaValue) throws -> [PLClockSetting] {
        var settings: [PLClockSetting] = []
        for key in clockDict.keys {
            guard let index = Int(key), (0...3).contains(index) else {
                throw ZynqError.badClock(index: Int(key) ?? -1, reason: "clock_dict key '\(key)' is not a PL clock index 0-3")
            }
            guard let entry = clockDict[key], entry["enable"]?.intValue == 1 else {
                settings.append(PLClockSetting(index: index, target: .frequency(mhz: defaultMHz)))
                continue
            }
            var divisors: [UInt32] = []
            for name in ["divisor0", "divisor1"] {
                guard let value = entry[name]?.intValue, (1...63).contains(value) else {
                    throw ZynqError.badClock(index: index, reason: "\(name) must be 1-63 (6 bits), is \(entry[name].map { $0.jsonString(indent: nil) } ?? "missing")")
                }
                divisors.append(UInt32(value))
            }
            settings.append(PLClockSetting(index: index, target: .divisors(divisors[0], divisors[1])))
        }
        return settings
    }

    /// The pair of 6-bit divisors whose product comes closest to `sourceMHz / targetMHz`, chosen as
    /// pynq's `_get_2_divisors` chooses (its table of products `i*j`, first closest product, last pair).
    static func divisors(sourceMHz: Double, targetMHz: Double) -> (UInt32, UInt32) {
        var products: [Int] = []
        var pairs: [Int: (UInt32, UInt32)] = [:]
        for i in 0..<64 {
            for j in 0..<64 {
                if pairs[i * j] == nil { products.append(i * j) }
                pairs[i * j] = (UInt32(i), UInt32(j))
            }
        }
        let desired = (sourceMHz / targetMHz * 1e6).rounded() / 1e6
        var best = products[0]
        for product in products where abs(Double(product) - desired) < abs(Double(best) - desired) { best = product }
        return pairs[best]!
    }
}

extension ZynqFamily {
    /// Reference clock of the PS PLLs that pynq assumes: 50 MHz (PS_CLK of PYNQ-Z1/Z2) on Zynq-7000,
    /// 33.333 MHz (PSS_REF_CLK) on UltraScale+.
    var referenceClockMHz: Double { self == .zynq7000 ? 50.0 : 33.333 }

    /// SRCSEL of a PL clock control register: bits [5:4] (Zynq-7000), [2:0] (UltraScale+).
    func sourceSelect(_ control: UInt32) -> Int { Int(self == .zynq7000 ? (control >> 4) & 0x3 : control & 0x7) }

    /// Control register of the PLL that SRCSEL `select` picks (pynq's `PL_SRC_PLL_CTRLS`).
    func sourcePLLAddress(_ select: Int) -> UInt64? {
        switch (self, select) {
        case (.zynq7000, 0), (.zynq7000, 1): return 0xF800_0108  // IO_PLL_CTRL
        case (.zynq7000, 2): return 0xF800_0100  // ARM_PLL_CTRL
        case (.zynq7000, 3): return 0xF800_0104  // DDR_PLL_CTRL
        case (.zynqUltraScale, 0): return 0xFF5E_0020  // CRL_APB IOPLL_CTRL
        case (.zynqUltraScale, 2): return 0xFF5E_0030  // CRL_APB RPLL_CTRL
        case (.zynqUltraScale, 3): return 0xFD1A_002C  // CRF_APB DPLL_CTRL
        default: return nil
        }
    }

    /// Output of a PLL from its control register: PLL_FDIV [18:12] × reference (Zynq-7000);
    /// FBDIV [14:8] × reference, halved when DIV2 [16] is set, PRE_SRC [22:20] must be 0 (UltraScale+).
    func pllMHz(_ control: UInt32) -> Double? {
        switch self {
        case .zynq7000:
            return referenceClockMHz * Double((control >> 12) & 0x7F)
        case .zynqUltraScale:
            guard (control >> 20) & 0x7 == 0 else { return nil }
            return referenceClockMHz * Double((control >> 8) & 0x7F) / ((control >> 16) & 1 == 1 ? 2 : 1)
        }
    }
}

extension ZynqFamily {
    /// The frequency of PL clock `index` as its registers set it (pynq's `Clocks.fclkN_mhz`): the
    /// source PLL's output divided by DIVISOR0 × DIVISOR1, rounded to 6 decimals.
    func plClockMHz(_ index: Int, system: SystemInterface) throws -> Double {
        guard (0...3).contains(index) else { throw ZynqError.badClock(index: index, reason: "valid PL clock indices are 0-3") }
        let control = try Self.readRegister(clockControlAddress(index), system: system)
        let select = sourceSelect(control)
        guard let pllAddress = sourcePLLAddress(select),
              let sourceMHz = pllMHz(try Self.readRegister(pllAddress, system: system)) else {
            throw ZynqError.badClock(index: index, reason: "its source (select \(select)) is no PLL fed by the reference clock")
        }
        let (shift0, shift1) = divisorShifts
        let divisor = Double((control >> shift0) & 0x3F) * Double((control >> shift1) & 0x3F)
        guard divisor > 0 else { throw ZynqError.badClock(index: index, reason: "a divisor is 0: the clock is stopped") }
        return (sourceMHz / divisor * 1e6).rounded() / 1e6
    }

    /// One 32-bit register through `/dev/mem`.
    static func readRegister(_ address: UInt64, system: SystemInterface) throws -> UInt32 {
        let window = try PhysicalMemoryWindow(system: system, name: "0x" + String(address, radix: 16), baseAddress: address, length: 4)
        defer { window.unmap() }
        return try window.read32(offset: 0)
    }
}

extension PLClockSetting {
    /// Writes the clock's control register through `/dev/mem` (read-modify-write of DIVISOR0/DIVISOR1,
    /// and on UltraScale+ CLKACT, as pynq's `Clocks.set_pl_clk`).
    func write(family: ZynqFamily, system: SystemInterface) throws {
        let control = try PhysicalMemoryWindow(system: system, name: "PL clock \(index)",
                                               baseAddress: family.clockControlAddress(index), length: 4)
        defer { control.unmap() }
        let current = try control.read32(offset: 0)
        let (divisor0, divisor1): (UInt32, UInt32)
        switch target {
        case .divisors(let d0, let d1):
            (divisor0, divisor1) = (d0, d1)
        case .frequency(let mhz):
            let select = family.sourceSelect(current)
            guard let pllAddress = family.sourcePLLAddress(select) else {
                throw ZynqError.badClock(index: index, reason: "its source select \(select) names no PLL")
            }
            let pll = try PhysicalMemoryWindow(system: system, name: "PLL of PL clock \(index)", baseAddress: pllAddress, length: 4)
            defer { pll.unmap() }
            guard let sourceMHz = family.pllMHz(try pll.read32(offset: 0)) else {
                throw ZynqError.badClock(index: index, reason: "its source PLL is not fed by the reference clock")
            }
            (divisor0, divisor1) = Self.divisors(sourceMHz: sourceMHz, targetMHz: mhz)
            guard (1...63).contains(divisor0), (1...63).contains(divisor1) else {
                throw ZynqError.badClock(index: index, reason: "no divisors reach \(mhz) MHz from a \(sourceMHz) MHz PLL")
            }
        }
        let (shift0, shift1) = family.divisorShifts
        let mask: UInt32 = 0x3F
        var value = current & ~(mask << shift0) & ~(mask << shift1) | divisor0 << shift0 | divisor1 << shift1
        if family == .zynqUltraScale { value |= 1 << 24 }
        try control.write32(offset: 0, value)
    }
}
