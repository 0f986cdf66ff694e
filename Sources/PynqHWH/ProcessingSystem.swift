/// The processing system of a Zynq-family design: which one it is decides the interrupt numbers, the
/// GPIO port and the names of the PL clock parameters.
public enum ProcessingSystemKind: String, Sendable, Hashable, CaseIterable {
    /// Zynq-7000 (`processing_system7`).
    case zynq7000
    /// Zynq UltraScale+ MPSoC / RFSoC / Kria (`zynq_ultra_ps_e`).
    case zynqUltraScale
    /// Versal (CIPS: `versal_cips`, `pspmc`, `ps_wizard`, `ps11`, `pmcps`).
    case versal

    /// The kind of a MODULE with this MODTYPE, or `nil` when it is not a processing system.
    public init?(modType: String) {
        switch modType {
        case "processing_system7": self = .zynq7000
        case "zynq_ultra_ps_e": self = .zynqUltraScale
        case "versal_cips", "pspmc", "ps_wizard", "ps11", "pmcps": self = .versal
        default: return nil
        }
    }

    /// The PS inputs that PL interrupts arrive on, each with the Linux IRQ numbers of its lines
    /// (`(first, count)` runs), in the order pynq numbers them.
    var interruptLines: [(port: String, runs: [(first: Int, count: Int)])] {
        switch self {
        case .zynq7000:
            return [("IRQ_F2P", [(61, 8), (84, 8)])]
        case .zynqUltraScale:
            return [("pl_ps_irq0", [(121, 8)]), ("pl_ps_irq1", [(136, 8)])]
        case .versal:
            return (0..<16).map { ("pl_ps_irq\($0)", [(116 + $0, 1)]) }
                + (0..<8).map { ("pl_lpd_irq\($0)", [(136 + $0, 1)]) }
                + (0..<8).map { ("pl_fpd_irq\($0)", [(175 + $0, 1)]) }
        }
    }

    /// pynqmetadata's `irq_map`: the raw IRQ numbers of the interrupt lines of the inputs the PS has.
    func irqMap(hasPort: (String) -> Bool) -> [Int] {
        var map: [Int] = []
        for line in interruptLines where hasPort(line.port) {
            for run in line.runs { map.append(contentsOf: run.first..<(run.first + run.count)) }
        }
        return map
    }

    /// The bus interface of the PS whose signals drive PL GPIO (none on Versal).
    var gpioPort: String? { self == .versal ? nil : "GPIO_0" }

    func clockEnableParameter(_ clock: Int) -> String {
        switch self {
        case .zynq7000: return "PCW_FPGA_FCLK\(clock)_ENABLE"
        case .zynqUltraScale: return "PSU__FPGA_PL\(clock)_ENABLE"
        case .versal: return "PS_USE_PMCPL_CLK\(clock)"
        }
    }

    func clockDivisorParameter(_ clock: Int, _ divisor: Int) -> String {
        switch self {
        case .zynq7000: return "PCW_FCLK\(clock)_PERIPHERAL_DIVISOR\(divisor)"
        case .zynqUltraScale: return "PSU__CRL_APB__PL\(clock)_REF_CTRL__DIVISOR\(divisor)"
        case .versal: return "PMC_CRP_PL\(clock)_REF_CTRL_DIVISOR\(divisor)"
        }
    }

    /// The achieved-frequency parameter pynqmetadata reads (Zynq-7000 uses the UltraScale+ name, so it
    /// finds none).
    func clockFrequencyParameter(_ clock: Int) -> String {
        switch self {
        case .zynq7000, .zynqUltraScale: return "PSU__CRL_APB__PL\(clock)_REF_CTRL__ACT_FREQMHZ"
        case .versal: return "PMC_CRP_PL\(clock)_REF_CTRL_ACT_FREQMHZ"
        }
    }

    func clockSourceParameter(_ clock: Int) -> String {
        switch self {
        case .zynq7000: return "PCW_FCLK\(clock)_PERIPHERAL_CLKSRC"
        case .zynqUltraScale: return "PSU__CRL_APB__PL\(clock)_REF_CTRL__SRCSEL"
        case .versal: return "PMC_CRP_PL\(clock)_REF_CTRL_SRCSEL"
        }
    }

    /// Number of divisor stages per PL clock (Versal has one).
    var divisorsPerClock: Int { self == .versal ? 1 : 2 }
}

/// One of the four PL clocks the processing system generates, as the design configures it.
public struct PLClock: Sendable, Hashable {
    /// 0…3 (`fclk0`…`fclk3`, `pl_clk0`…`pl_clk3`).
    public var index: Int
    public var enabled: Bool
    /// The two divisor stages (one on Versal) after the PLL.
    public var divisors: [Int]
    /// The frequency the design was built for in MHz, where the design records it.
    public var frequencyMHz: Double?
    /// The PLL the clock is derived from (`IO PLL`, `RPLL`, `IOPLL`, …).
    public var source: String?

    public init(index: Int, enabled: Bool, divisors: [Int], frequencyMHz: Double?, source: String?) {
        self.index = index
        self.enabled = enabled
        self.divisors = divisors
        self.frequencyMHz = frequencyMHz
        self.source = source
    }
}
