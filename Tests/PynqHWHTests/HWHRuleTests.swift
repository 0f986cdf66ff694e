import PynqMetadata
import Testing

/// pynq's rules, one at a time, on small designs (see `SyntheticDesigns`).
@Suite struct HWHRuleTests {
    let zynq: HWHFile
    let partial: HWHFile

    init() throws {
        zynq = try HWH.read(bytes: Array(SyntheticDesigns.zynq.utf8), source: "zynq.hwh")
        partial = try HWH.read(bytes: Array(SyntheticDesigns.partial.utf8), source: "partial.hwh")
    }

    @Test func processingSystemAndClocks() {
        #expect(zynq.processingSystem == .zynq7000)
        #expect(zynq.processingSystemName == "processing_system7_0")
        #expect(zynq.designName == "sys")
        #expect(!zynq.isPartial)
        #expect(zynq.clockDict["0"] == ["enable": 1, "frequency": nil, "divisor0": 5, "divisor1": 2, "src_sel": "IO PLL"])
        #expect(zynq.clockDict["3"]?["enable"] == 0)
        #expect(zynq.plClocks.map(\.divisors) == [[5, 2], [6, 2], [7, 2], [8, 2]])
        #expect(zynq.plClocks[0].frequencyMHz == 100.0 && zynq.plClocks[0].enabled)
        #expect(zynq.overlayDescription().clocks.map(\.name) == ["fclk0"])
    }

    @Test func interruptControllersAndPins() {
        #expect(zynq.interruptControllers == ["intc": ["parent": "", "index": 0, "raw_irq": 61]])
        let pins = zynq.interruptPins
        #expect(pins.keys.sorted() == ["concat_irq/In0", "concat_irq/In1", "grp/ip_a/interrupt", "ip_b/irq"])
        #expect(pins["grp/ip_a/interrupt"] == ["controller": "intc", "index": 0, "fullpath": "grp/ip_a/interrupt"])
        #expect(pins["concat_irq/In0"]?["index"] == 0)
        #expect(pins["ip_b/irq"]?["index"] == 1)
        #expect(pins["concat_irq/In1"]?["index"] == 1)
        #expect(zynq.ipDict["grp/ip_a"]?["interrupts"]?["interrupt"]?["index"] == 0)
        #expect(zynq.ipDict["intc"]?["interrupts"] == .emptyDict)
    }

    @Test func gpioSlices() {
        let slice: MetaValue = ["state": nil, "pins": ["None/led", "grp/ip_a/reset", "slice_0/Dout"], "index": 3]
        #expect(zynq.gpioDict == ["slice_0": slice])
        #expect(zynq.ipDict["grp/ip_a"]?["gpio"] == ["reset": slice])
        // The hierarchy holds the entry as it was before GPIO pins were attached.
        #expect(zynq.hierarchyDict["grp"]?["ip"]?["ip_a"]?["gpio"] == .emptyDict)
    }

    @Test func ipEntries() throws {
        let ip = try #require(zynq.ipDict["grp/ip_a"])
        #expect(ip["type"] == "user.org:user:my_ip:1.0")  // versions as two integers
        #expect(ip["phys_addr"] == 0x4000_0000 && ip["addr_range"] == 0x10000)
        #expect(ip["mem_id"] == "S_AXI" && ip["memtype"] == "REGISTER" && ip["fullpath"] == "grp/ip_a")
        #expect(ip["parameters"] == ["C_WIDTH": "32"])
        #expect(ip["registers"]?["CTRL"] == [
            "address_offset": 16, "size": 32, "access": "read-write", "description": "control",
            "fields": ["START": ["bit_offset": 2, "bit_width": 3, "access": "write-only", "description": ""]],
        ])
        #expect(zynq.ipDict.keys.sorted() == ["grp/ip_a", "intc", "processing_system7_0"])
        #expect(zynq.ipDict["processing_system7_0"]?.keys == ["type", "gpio", "interrupts", "parameters", "driver", "device"])
        let typed = try #require(zynq.ips.first { $0.name == "grp/ip_a" })
        #expect(typed.baseAddress == 0x4000_0000 && typed.addressRange == 0x10000)
        #expect(typed.registers.first?.fields.first?.access == .writeOnly)
    }

    @Test func memoriesWithTwoWindows() {
        #expect(zynq.memDict.keys == ["mem/bram/Mem1", "mem/bram/Mem0"])
        #expect(zynq.memDict["mem/bram/Mem1"]?["type"] == "BRAM")
        #expect(zynq.memDict["mem/bram/Mem1"]?["phys_addr"] == 0x4200_0000)
        #expect(zynq.memDict["mem/bram/Mem0"]?["addr_range"] == 0x1000)
        #expect(zynq.memDict["mem/bram/Mem0"]?["used"] == 1)
        #expect(zynq.memories.map(\.tag) == ["PSDDR", "MIG1", "MIG2"])
        #expect(zynq.memories.map(\.baseAddress) == [0, 0x4200_0000, 0x4201_0000])
        #expect(zynq.memories.map(\.size) == [256 << 20, 0x2000, 0x1000])
    }

    @Test func hierarchies() {
        #expect(zynq.hierarchyDict.keys.sorted() == ["grp", "mem"])
        #expect(zynq.hierarchyDict["grp"]?["ip"]?.keys == ["ip_a"])
        #expect(zynq.hierarchyDict["grp"]?["fullpath"] == "grp")
        // A core whose memories are keyed by window stays an IP of its hierarchy.
        #expect(zynq.hierarchyDict["mem"]?["ip"]?.keys == ["bram"])
        #expect(zynq.inspectJSON().keys == [
            "ip_dict", "mem_dict", "gpio_dict", "interrupt_pins", "interrupt_controllers", "clock_dict", "hierarchy_dict",
        ])
    }

    @Test func versalPacksItsClocksAndNumbersItsInterruptsFromOne() throws {
        let versal = try HWH.read(bytes: Array(SyntheticDesigns.versal.utf8), source: "versal.hwh")
        #expect(versal.processingSystem == .versal)
        // One divisor per clock; a PARAMETER of its own wins over the packed configuration.
        #expect(versal.clockDict["0"] == ["enable": 1, "frequency": 100.5, "divisor0": 4, "src_sel": "PPLL"])
        #expect(versal.clockDict["2"]?["enable"] == 0)
        #expect(versal.clockDict["3"]?["enable"] == 1)
        #expect(versal.ipDict["versal_cips_0"]?["parameters"]?["PS_BOARD_INTERFACE"] == "Custom")
        #expect(versal.ipDict["versal_cips_0"]?["parameters"]?["PS_MIO0"] == "{AUX_IO 0} {DIRECTION in}")
        // Only the IRQ inputs the PS has count: pl_ps_irq1 is line 0, IRQ 117.
        #expect(versal.interruptControllers == ["intc": ["parent": "", "index": 0, "raw_irq": 117]])
        // A pin wired straight to the controller: both ends are interrupt pins.
        #expect(versal.interruptPins.keys == ["acc/interrupt", "intc/intr"])
        #expect(versal.ipDict["intc"]?["interrupts"]?["intr"]?["index"] == 0)
        #expect(versal.gpioDict == .emptyDict)
    }

    @Test func partialDesignUsesTheLegacyRules() {
        #expect(partial.isPartial && partial.processingSystem == nil)
        #expect(partial.ipDict.keys == ["rp/acc/s_axi_control", "rp/acc/s_axi_data", "mem"])
        #expect(partial.ipDict["rp/acc/s_axi_control"]?["fullpath"] == "rp/acc/s_axi_control")
        #expect(partial.ipDict["rp/acc/s_axi_data"]?["phys_addr"] == 0x8001_0000)
        #expect(partial.ipDict["rp/acc/s_axi_data"]?["type"] == "xilinx.com:hls:acc:1.0")
        #expect(partial.ipDict["mem"]?["used"] == 1)
        #expect(partial.memDict.keys == ["mem", "rm"])
        #expect(partial.memDict["rm"]?["dfx"] == true)
        #expect(partial.hierarchyDict.keys.sorted() == ["rp", "rp/acc"])
        #expect(partial.hierarchyDict["rp"]?["hierarchies"]?["acc"]?["ip"]?.keys.sorted() == ["s_axi_control", "s_axi_data"])
        #expect(partial.hierarchyDict["rp/acc"]?.keys == ["ip", "hierarchies", "interrupts", "gpio", "memories", "fullpath"])
        #expect(partial.clockDict == .emptyDict && partial.gpioDict == .emptyDict && partial.interruptPins == .emptyDict)
        #expect(partial.memories.map(\.tag) == ["PSDDR", "MIG1"])
    }
}
