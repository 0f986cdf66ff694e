import OrderedCollections
import PynqMetadataCore

// The walks over the wiring that pynqmetadata's runtime views make: interrupt controllers reached from
// the processing system's interrupt inputs, the pins reached from each controller's `intr` input (both
// through `xlconcat` blocks), and the `xlslice` blocks fed by the processing system's GPIO.

/// Where pynq's interrupt walk put a pin: its line on its controller.
struct InterruptIndex {
    var index: Int
    var controller: String
}

struct InterruptResult {
    /// `interrupt_controllers`, keyed by the controller's instance name.
    var controllers: OrderedDictionary<String, MetaValue> = [:]
    /// `interrupt_pins`, keyed by `path/pin`.
    var pins: OrderedDictionary<String, MetaValue> = [:]
    /// The index each interrupt pin ended with, by signal id (pynqmetadata's `interrupt_index` extension).
    var pinIndex: [Int32: InterruptIndex] = [:]
}

extension HWHDesign {
    /// Runs pynqmetadata's `InterruptControllersView` and `InterruptPinsView` for processing system `ps`.
    func interrupts(ps: Int32, kind: ProcessingSystemKind) throws -> InterruptResult {
        var result = InterruptResult()
        // Controllers: walk from each IRQ input of the PS that the design has.
        var nextIndex = 0
        var found: [(block: Int32, index: Int)] = []
        var expanding: [Int32] = []
        func walkControllers(_ signal: Int32) throws {
            let index = nextIndex
            for destination in connections(of: signal) {
                let owner = signals[Int(destination)].block
                guard owner >= 0, blocks[Int(owner)].isCore else { continue }
                let vlnvName = blocks[Int(owner)].vlnvName
                if vlnvName == "axi_intc" {
                    found.append((owner, index))
                    nextIndex += 1
                }
                if vlnvName == "xlconcat" {
                    try enter(owner, &expanding)
                    for (p, port) in blocks[Int(owner)].ports.enumerated() where port.name != "dout" {
                        if let s = firstSignal(block: owner, port: Int32(p)) { try walkControllers(s) }
                    }
                    expanding.removeLast()
                }
            }
        }
        let irqMap = kind.irqMap { port(ps, exactly: $0) != nil }
        for line in kind.interruptLines {
            guard let p = port(ps, exactly: line.port), let s = firstSignal(block: ps, port: p) else { continue }
            try walkControllers(s)
        }
        // A controller reached twice keeps its first place and its last index.
        var controllerIndex: OrderedDictionary<Int32, Int> = [:]
        for (block, index) in found { controllerIndex[block] = index }
        for (block, index) in controllerIndex {
            var entry: OrderedDictionary<String, MetaValue> = ["parent": "", "index": .int(index)]
            if index < irqMap.count { entry["raw_irq"] = .int(irqMap[index]) }
            result.controllers[blocks[Int(block)].name] = .dict(entry)
        }

        // Pins: walk back from each controller's `intr` input; numbering runs on across controllers.
        nextIndex = 0
        func walkPins(_ signal: Int32, into pins: inout [Int32], marks: inout [Int32: Int]) throws {
            let index = nextIndex
            for destination in connections(of: signal) {
                let owner = signals[Int(destination)].block
                guard owner >= 0, blocks[Int(owner)].isCore else { continue }
                if blocks[Int(owner)].vlnvName == "xlconcat" {
                    try enter(owner, &expanding)
                    for (p, port) in blocks[Int(owner)].ports.enumerated() where port.name != "dout" {
                        if let s = firstSignal(block: owner, port: Int32(p)) { try walkPins(s, into: &pins, marks: &marks) }
                    }
                    expanding.removeLast()
                } else {
                    marks[signal] = index
                    marks[destination] = index
                    nextIndex += 1
                    pins.append(destination)
                    pins.append(signal)
                }
            }
        }
        var seen = Set<String>()
        for block in controllerIndex.keys {
            let controller = blocks[Int(block)]
            guard seen.insert(controller.name).inserted, let intr = port(block, exactly: "intr"),
                  let s = firstSignal(block: block, port: intr)
            else { continue }
            var pins: [Int32] = []
            var marks: [Int32: Int] = [:]
            try walkPins(s, into: &pins, marks: &marks)
            for (signal, index) in marks {
                result.pinIndex[signal] = InterruptIndex(index: index, controller: controller.hierarchyName)
            }
            for pin in pins {
                let path = pinPath(pin)
                let index = result.pinIndex[pin]?.index ?? 127
                result.pins[path] = ["controller": .string(controller.hierarchyName), "index": .int(index), "fullpath": .string(path)]
            }
        }
        return result
    }

    /// Marks `concat` as being expanded by an interrupt walk. pynq follows `xlconcat` blocks recursively
    /// and fails on a loop (RecursionError); here a loop, or a chain deeper than any design needs, is an
    /// error that names the block.
    private func enter(_ concat: Int32, _ expanding: inout [Int32]) throws {
        let block = blocks[Int(concat)]
        if expanding.contains(concat) {
            throw error(block.element, "MODULE \(block.name)", "the interrupt wiring loops back into this xlconcat")
        }
        guard expanding.count < 64 else {
            throw error(block.element, "MODULE \(block.name)", "interrupt wiring nests more than 64 xlconcat blocks")
        }
        expanding.append(concat)
    }

    /// The `interrupts` of an `ip_dict` entry: the block's signals that the pin walk numbered.
    func interruptsOf(block b: Int32, _ result: InterruptResult) -> MetaValue {
        var d: OrderedDictionary<String, MetaValue> = [:]
        guard !result.pinIndex.isEmpty else { return .dict(d) }
        for port in blocks[Int(b)].ports {
            for s in port.signals {
                guard let mark = result.pinIndex[s] else { continue }
                let name = signals[Int(s)].name
                d[name] = ["controller": .string(mark.controller), "index": .int(mark.index),
                           "fullpath": .string(blocks[Int(b)].hierarchyName + "/" + name)]
            }
        }
        return .dict(d)
    }

    /// pynqmetadata's `ProcSysCore.gpio` and `GpioDictView`: every core wired to a signal of the PS's
    /// GPIO port, with the pins on its `Dout` net and its `DIN_FROM` index.
    func gpio(ps: Int32, kind: ProcessingSystemKind) throws -> OrderedDictionary<String, MetaValue> {
        var result: OrderedDictionary<String, MetaValue> = [:]
        let psBlock = blocks[Int(ps)]
        guard let portName = kind.gpioPort, let p = port(ps, exactly: portName) else { return result }
        for s in psBlock.ports[Int(p)].signals {
            for destination in connections(of: s) {
                let owner = signals[Int(destination)].block
                guard owner >= 0, blocks[Int(owner)].isCore else { continue }
                let core = blocks[Int(owner)]
                var pins: [String] = []
                if let dout = port(owner, exactly: "Dout"), let pin = signal(exactly: "Dout", in: core.ports[Int(dout)]) {
                    pins.append(pinPath(pin))
                    pins.append(contentsOf: connections(of: pin).map(pinPath))
                }
                var index = 999
                if let (value, element) = parameter("DIN_FROM", of: owner) {
                    guard let value, let n = PythonNumbers.int(value) else {
                        throw error(element, "MODULE \(core.name) PARAMETER DIN_FROM",
                                    "is \(value.map { "\"\($0)\"" } ?? "missing its VALUE"), not a GPIO index")
                    }
                    index = n
                }
                let sorted = Array(Set(pins)).sorted()
                result[core.name] = ["state": .null, "pins": .list(sorted.map(MetaValue.string)), "index": .int(index)]
            }
        }
        return result
    }
}
