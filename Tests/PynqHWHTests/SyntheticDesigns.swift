import Foundation

// Small hand-written HWH designs that exercise one rule each (interrupt chains, GPIO slices,
// hierarchies, memories, partial designs), in the shape Vivado writes them.

enum SyntheticDesigns {
    static func module(
        _ instance: String, fullName: String? = nil, modType: String, vlnv: String, bdType: String? = nil,
        parameters: [(String, String)] = [], ports: String = "", buses: String = "", extra: String = ""
    ) -> String {
        let params = parameters.map { "<PARAMETER NAME=\"\($0.0)\" VALUE=\"\($0.1)\"/>" }.joined()
        let bd = bdType.map { " BDTYPE=\"\($0)\"" } ?? ""
        return """
            <MODULE FULLNAME="/\(fullName ?? instance)" INSTANCE="\(instance)" MODTYPE="\(modType)" VLNV="\(vlnv)"\(bd)>
              <PARAMETERS>\(params)</PARAMETERS>
              <PORTS>\(ports)</PORTS>
              <BUSINTERFACES>\(buses)</BUSINTERFACES>
              \(extra)
            </MODULE>
            """
    }

    static func port(_ name: String, dir: String, to connections: [(String, String)], sigis: String = "undef") -> String {
        let c = connections.map { "<CONNECTION INSTANCE=\"\($0.0)\" PORT=\"\($0.1)\"/>" }.joined()
        return "<PORT DIR=\"\(dir)\" NAME=\"\(name)\" SIGIS=\"\(sigis)\"><CONNECTIONS>\(c)</CONNECTIONS></PORT>"
    }

    static func slave(_ name: String) -> String {
        "<BUSINTERFACE NAME=\"\(name)\" TYPE=\"SLAVE\" VLNV=\"xilinx.com:interface:aximm:1.0\"/>"
    }

    static func memRange(_ instance: String, master: String, slave: String, base: String, high: String,
                         memType: String = "REGISTER", block: String = "Reg") -> String
    {
        "<MEMRANGE ADDRESSBLOCK=\"\(block)\" BASEVALUE=\"\(base)\" HIGHVALUE=\"\(high)\" INSTANCE=\"\(instance)\" MASTERBUSINTERFACE=\"\(master)\" MEMTYPE=\"\(memType)\" SLAVEBUSINTERFACE=\"\(slave)\"/>"
    }

    static func design(name: String = "sys", arch: String = "zynq", modules: [String], externalPorts: String = "") -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="no" ?>
        <EDKSYSTEM EDWVERSION="1.2">
          <SYSTEMINFO ARCH="\(arch)" DEVICE="xc7z020" NAME="\(name)"/>
          <EXTERNALPORTS>\(externalPorts)</EXTERNALPORTS>
          <MODULES>
          \(modules.joined(separator: "\n"))
          </MODULES>
        </EDKSYSTEM>
        """
    }

    static let zynqClockParameters: [(String, String)] = (0..<4).flatMap { i in
        [("PCW_FPGA_FCLK\(i)_ENABLE", i == 0 ? "1" : "0"), ("PCW_FCLK\(i)_PERIPHERAL_DIVISOR0", "\(5 + i)"),
         ("PCW_FCLK\(i)_PERIPHERAL_DIVISOR1", "2"), ("PCW_FCLK\(i)_PERIPHERAL_CLKSRC", "IO PLL"),
         ("PCW_ACT_FPGA\(i)_PERIPHERAL_FREQMHZ", "100.0")]
    }

    /// A Zynq-7000 design: PS IRQ_F2P ← concat_ps ← (intc.irq, ip_b.irq); intc.intr ← concat_irq ←
    /// (grp/ip_a.interrupt, ip_b.irq); PS GPIO_O → slice_0 (DIN_FROM 3) → grp/ip_a.reset and an external
    /// port; M_AXI_GP0 reaches grp/ip_a, intc and a BRAM controller (two windows).
    static var zynq: String {
        let ps = module(
            "ps7", fullName: "processing_system7_0", modType: "processing_system7",
            vlnv: "xilinx.com:ip:processing_system7:5.5", parameters: zynqClockParameters,
            ports: port("IRQ_F2P", dir: "I", to: [("concat_ps", "dout")], sigis: "INTERRUPT")
                + port("GPIO_O", dir: "O", to: [("slice_0", "Din")])
                + port("M_AXI_GP0_ARADDR", dir: "O", to: []),
            buses: """
                <BUSINTERFACE NAME="GPIO_0" TYPE="INITIATOR" VLNV="xilinx.com:interface:gpio:1.0">
                  <PORTMAPS><PORTMAP LOGICAL="TRI_O" PHYSICAL="GPIO_O"/></PORTMAPS></BUSINTERFACE>
                <BUSINTERFACE NAME="M_AXI_GP0" TYPE="MASTER" VLNV="xilinx.com:interface:aximm:1.0">
                  <PORTMAPS><PORTMAP LOGICAL="ARADDR" PHYSICAL="M_AXI_GP0_ARADDR"/></PORTMAPS></BUSINTERFACE>
                """,
            extra: "<MEMORYMAP>"
                + memRange("grp_ip_a", master: "M_AXI_GP0", slave: "S_AXI", base: "0x40000000", high: "0x4000FFFF")
                + memRange("intc", master: "M_AXI_GP0", slave: "s_axi", base: "0x41800000", high: "0x4180FFFF")
                + memRange("bram", master: "M_AXI_GP0", slave: "S_AXI", base: "0x42000000", high: "0x42001FFF",
                           memType: "MEMORY", block: "Mem1")
                + memRange("bram", master: "M_AXI_GP0", slave: "S_AXI", base: "0x42010000", high: "0x42010FFF",
                           memType: "MEMORY", block: "Mem0")
                + "</MEMORYMAP>")
        let concatPS = module(
            "concat_ps", modType: "xlconcat", vlnv: "xilinx.com:ip:xlconcat:2.1", parameters: [("NUM_PORTS", "2")],
            ports: port("In0", dir: "I", to: [("intc", "irq")]) + port("In1", dir: "I", to: [("ip_b", "irq")])
                + port("dout", dir: "O", to: [("ps7", "IRQ_F2P")]))
        let intc = module(
            "intc", modType: "axi_intc", vlnv: "xilinx.com:ip:axi_intc:4.1",
            ports: port("intr", dir: "I", to: [("concat_irq", "dout")]) + port("irq", dir: "O", to: [("concat_ps", "In0")]),
            buses: slave("s_axi"))
        let concatIRQ = module(
            "concat_irq", modType: "xlconcat", vlnv: "xilinx.com:ip:xlconcat:2.1", parameters: [("NUM_PORTS", "2")],
            ports: port("In0", dir: "I", to: [("grp_ip_a", "interrupt")]) + port("In1", dir: "I", to: [("ip_b", "irq")])
                + port("dout", dir: "O", to: [("intc", "intr")]))
        let ipA = module(
            "grp_ip_a", fullName: "grp/ip_a", modType: "my_ip", vlnv: "user.org:user:my_ip:1.00",
            parameters: [("C_WIDTH", "32")],
            ports: port("interrupt", dir: "O", to: [("concat_irq", "In0")], sigis: "INTERRUPT")
                + port("reset", dir: "I", to: [("slice_0", "Dout")]),
            buses: slave("S_AXI"),
            extra: """
                <ADDRESSBLOCKS><ADDRESSBLOCK INTERFACE="S_AXI" NAME="Reg" USAGE="register"><REGISTERS>
                  <REGISTER NAME="CTRL">
                    <PROPERTY NAME="DESCRIPTION" VALUE="control"/><PROPERTY NAME="ADDRESS_OFFSET" VALUE="0x10"/>
                    <PROPERTY NAME="SIZE" VALUE="32"/><PROPERTY NAME="ACCESS" VALUE="read-write"/>
                    <FIELDS><FIELD NAME="START"><PROPERTY NAME="BIT_OFFSET" VALUE="2"/><PROPERTY NAME="BIT_WIDTH" VALUE="3"/>
                      <PROPERTY NAME="ACCESS" VALUE="write-only"/></FIELD></FIELDS>
                  </REGISTER>
                </REGISTERS></ADDRESSBLOCK></ADDRESSBLOCKS>
                """)
        let ipB = module(
            "ip_b", modType: "other_ip", vlnv: "user.org:user:other:2.0",
            ports: port("irq", dir: "O", to: [("concat_ps", "In1"), ("concat_irq", "In1")], sigis: "INTERRUPT"))
        let slice = module(
            "slice_0", modType: "xlslice", vlnv: "xilinx.com:ip:xlslice:1.0",
            parameters: [("DIN_FROM", "3"), ("DIN_TO", "3")],
            ports: port("Din", dir: "I", to: [("ps7", "GPIO_O")])
                + port("Dout", dir: "O", to: [("grp_ip_a", "reset"), ("External_Ports", "led")]))
        let bram = module(
            "bram", fullName: "mem/bram", modType: "axi_bram_ctrl", vlnv: "xilinx.com:ip:axi_bram_ctrl:4.1",
            buses: slave("S_AXI")
                + "<BUSINTERFACE NAME=\"BRAM_PORTA\" TYPE=\"INITIATOR\" VLNV=\"xilinx.com:interface:bram:1.0\"/>")
        return design(
            modules: [ps, concatPS, intc, concatIRQ, ipA, ipB, slice, bram],
            externalPorts: port("led", dir: "O", to: [("slice_0", "Dout")]))
    }

    /// A partial design (no PS): one IP reached through two interfaces, one memory and a DFX region.
    static var partial: String {
        let acc = module(
            "acc", fullName: "rp/acc", modType: "acc", vlnv: "xilinx.com:hls:acc:1.0",
            parameters: [("C_S_AXI_CONTROL_ADDR_WIDTH", "7")], buses: slave("s_axi_control") + slave("s_axi_data"))
        let mem = module("mem", modType: "axi_bram_ctrl", vlnv: "xilinx.com:ip:axi_bram_ctrl:4.1", buses: slave("S_AXI"))
        let rm = module("rm", modType: "rm", vlnv: "xilinx.com:ip:rm:1.0", bdType: "RBD", buses: slave("S_AXI"))
        let ranges = "<EXTERNALINTERFACES><BUSINTERFACE NAME=\"s_axi\" TYPE=\"SLAVE\"><MEMORYMAP>"
            + memRange("acc", master: "s_axi_control", slave: "s_axi_control", base: "0x80000000", high: "0x80000FFF")
            + memRange("acc", master: "s_axi_data", slave: "s_axi_data", base: "0x80010000", high: "0x80010FFF")
            + memRange("mem", master: "s_axi_mem", slave: "S_AXI", base: "0x80020000", high: "0x80021FFF", memType: "MEMORY")
            + memRange("rm", master: "s_axi_rm", slave: "S_AXI", base: "0x80030000", high: "0x8003FFFF")
            + "</MEMORYMAP></BUSINTERFACE></EXTERNALINTERFACES>"
        return design(arch: "zynquplus", modules: [acc, mem, rm]).replacingOccurrences(
            of: "<EXTERNALPORTS></EXTERNALPORTS>", with: "<EXTERNALPORTS></EXTERNALPORTS>" + ranges)
    }
    /// A Versal design: the CIPS packs its clock settings into PS_PMC_CONFIG_INTERNAL; an interrupt
    /// controller's output drives pl_ps_irq1 directly; the FPD master reaches one IP.
    static var versal: String {
        let config = (0..<4).map { i in
            "PS_USE_PMCPL_CLK\(i) \(i < 2 ? 1 : 0) PMC_CRP_PL\(i)_REF_CTRL_DIVISOR0 \(4 + i) "
                + "PMC_CRP_PL\(i)_REF_CTRL_ACT_FREQMHZ \(100 + i).5 PMC_CRP_PL\(i)_REF_CTRL_SRCSEL PPLL"
        }.joined(separator: " ") + " PS_BOARD_INTERFACE {Custom} PS_MIO0 {{AUX_IO 0} {DIRECTION in}}"
        let cips = module(
            "cips", fullName: "versal_cips_0", modType: "versal_cips", vlnv: "xilinx.com:ip:versal_cips:3.4",
            parameters: [("PS_PMC_CONFIG_INTERNAL", config), ("PS_USE_PMCPL_CLK3", "1")],
            ports: port("pl_ps_irq1", dir: "I", to: [("intc", "irq")], sigis: "INTERRUPT")
                + port("M_AXI_FPD_ARADDR", dir: "O", to: []),
            buses: """
                <BUSINTERFACE NAME="M_AXI_FPD" TYPE="MASTER" VLNV="xilinx.com:interface:aximm:1.0">
                  <PORTMAPS><PORTMAP LOGICAL="ARADDR" PHYSICAL="M_AXI_FPD_ARADDR"/></PORTMAPS></BUSINTERFACE>
                """,
            extra: "<MEMORYMAP>"
                + memRange("intc", master: "M_AXI_FPD", slave: "s_axi", base: "0xA4000000", high: "0xA400FFFF")
                + "</MEMORYMAP>")
        let intc = module(
            "intc", modType: "axi_intc", vlnv: "xilinx.com:ip:axi_intc:4.1",
            ports: port("intr", dir: "I", to: [("acc", "interrupt")]) + port("irq", dir: "O", to: [("cips", "pl_ps_irq1")]),
            buses: slave("s_axi"))
        let acc = module(
            "acc", modType: "acc", vlnv: "xilinx.com:hls:acc:1.0",
            ports: port("interrupt", dir: "O", to: [("intc", "intr")], sigis: "INTERRUPT"))
        return design(arch: "versal", modules: [cips, intc, acc])
    }
}
