import Foundation

extension OverlayFile {
    /// A readable summary, as `pynq inspect FILE` prints it: the bitstream header, or aligned tables of
    /// the design's IPs, memories, streams and clocks.
    public func report() -> String {
        var out = "\(name): \(kind.rawValue)\n"
        if let bitstream { out += bitstream.report() }
        if let overlay { out += overlay.report() }
        return out
    }
}

extension BitFile {
    /// The header fields, one per line.
    public func report() -> String {
        var table = TextTable(columns: ["", ""], rightAligned: [])
        for (label, value) in [("design", design), ("version", version), ("part", part), ("date", date), ("time", time)] {
            table.add([label, value ?? "-"])
        }
        table.add(["payload", "\(length) bytes (\(ByteCount(length))) at offset \(payloadOffset)"])
        return table.render(header: false)
    }
}

extension OverlayDescription {
    /// Tables of IPs, memories, streams and clocks; a table without rows is left out.
    public func report() -> String {
        var sections: [String] = []
        if let uuid, !uuid.isEmpty {
            sections.append("uuid: " + uuid.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() + "\n")
        }
        var ipTable = TextTable(columns: ["IP", "type", "address", "range", ""], rightAligned: [2, 3, 4])
        for ip in ips {
            ipTable.add([ip.name, ip.type, hex(ip.baseAddress), hex(ip.addressRange), ByteCount(ip.addressRange).description])
        }
        var memoryTable = TextTable(columns: ["memory", "type", "base", "size", "used"], rightAligned: [2, 3])
        for bank in memories {
            memoryTable.add([bank.tag, bank.type.pynqName, hex(bank.baseAddress), ByteCount(bank.size).description,
                             bank.used ? "yes" : "no"])
        }
        var streamTable = TextTable(columns: ["stream", "source → sink"], rightAligned: [])
        for stream in streams {
            streamTable.add([stream.tag, "\(stream.source ?? "(none)") → \(stream.sink ?? "(none)")"])
        }
        var clockTable = TextTable(columns: ["clock", "frequency"], rightAligned: [1])
        for clock in clocks {
            clockTable.add([clock.name, "\(formatMHz(clock.frequencyMHz)) MHz"])
        }
        for (title, table) in [("IPs", ipTable), ("Memories", memoryTable), ("Streams", streamTable), ("Clocks", clockTable)]
        where !table.rows.isEmpty {
            sections.append("\(title) (\(table.rows.count))\n" + table.render(header: true))
        }
        if ips.isEmpty && memories.isEmpty && streams.isEmpty && clocks.isEmpty {
            sections.append("no IPs, memories, streams or clocks\n")
        }
        return sections.joined(separator: "\n")
    }

    private func formatMHz(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

/// `0x` and upper-case hex digits, at least 8 of them.
func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}

/// A byte count in the largest binary unit not above it: exact (`64 KiB`) or to one decimal (`3.9 MiB`).
struct ByteCount: CustomStringConvertible {
    var value: UInt64
    init(_ value: UInt64) { self.value = value }
    init(_ value: Int) { self.value = UInt64(max(0, value)) }

    var description: String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var unit = 0
        var scaled = Double(value)
        while value >> (10 * UInt64(unit + 1)) > 0, unit + 1 < units.count {
            unit += 1
            scaled /= 1024
        }
        let exact = unit == 0 || value & ((1 << (10 * UInt64(unit))) - 1) == 0
        if exact { return "\(value >> (10 * UInt64(unit))) \(units[unit])" }
        return String(format: "%.1f", scaled) + " " + units[unit]
    }
}

/// Rows of text in columns padded to the widest cell.
struct TextTable {
    let columns: [String]
    /// Indexes of columns whose cells are right-aligned (numbers).
    let rightAligned: Set<Int>
    private(set) var rows: [[String]] = []

    init(columns: [String], rightAligned: Set<Int>) {
        self.columns = columns
        self.rightAligned = rightAligned
    }

    mutating func add(_ row: [String]) { rows.append(row) }

    func render(header: Bool) -> String {
        let all = header ? [columns] + rows : rows
        var widths = [Int](repeating: 0, count: columns.count)
        for row in all { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for row in all {
            var line = ""
            for (i, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                if i > 0 { line += "  " }
                line += rightAligned.contains(i) ? pad + cell : cell + pad
            }
            while line.last == " " { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}
