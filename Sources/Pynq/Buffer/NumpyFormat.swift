// numpy's array repr (numpy/_core/arrayprint.py, default print options, numpy ≤ 2.1 extras), for
// `PynqBuffer.description`: `PynqBuffer([[0, 0, 0, ..., 0, 0, 0], ...], dtype=uint32)`.

/// numpy's repr layout: summarisation above 1000 elements (3 edge items), line width 75, hanging indent
/// of the prefix's width, `...` rows, blank lines between blocks of 3-d and higher arrays, elements
/// padded to a common width, `dtype=` left out for int64, float64 and bool.
struct NumpyFormat {
    static let lineWidth = 75
    static let threshold = 1000
    static let edgeItems = 3

    /// `ClassName(elements, dtype=…)` for the view `buffer` (whose memory must be pinned).
    static func repr(of buffer: PynqBuffer, className: String) -> String {
        let prefix = className + "("
        var extras = [String]()
        let body: String
        if buffer.count == 0 {
            body = "[]"
            if buffer.shape != [0] { extras.append("shape=(" + shapeText(buffer.shape) + ")") }
        } else {
            body = arrayString(buffer, separator: ", ", prefix: prefix, suffix: ")")
        }
        if !buffer.dtype.isNumpyReprDefault || buffer.count == 0 { extras.append("dtype=" + buffer.dtype.name) }
        if extras.isEmpty { return prefix + body + ")" }
        let arrayText = prefix + body + ","
        let extraText = extras.joined(separator: ", ") + ")"
        let lastLineLength = arrayText.count - (arrayText.lastIndex(of: "\n").map { arrayText.distance(from: arrayText.startIndex, to: $0) + 1 } ?? 0)
        let spacer = lastLineLength + extraText.count + 1 > lineWidth ? "\n" + String(repeating: " ", count: prefix.count) : " "
        return arrayText + spacer + extraText
    }

    private static func shapeText(_ shape: [Int]) -> String {
        shape.count == 1 ? "\(shape[0])," : shape.map(String.init).joined(separator: ", ")
    }

    /// numpy's `str(a)`: `[[0 0 0 ... 0 0 0]` rows without commas (what Python's `print(buf)` shows).
    static func str(of buffer: PynqBuffer) -> String {
        buffer.count == 0 ? "[]" : arrayString(buffer, separator: " ", prefix: "", suffix: "")
    }

    /// numpy's `array2string(a, separator=separator, prefix=prefix, suffix=suffix)`.
    static func arrayString(_ buffer: PynqBuffer, separator: String, prefix: String, suffix: String) -> String {
        let summarise = buffer.count > threshold
        // The indices shown along each axis (numpy's _leading_trailing).
        let shown: [[Int]] = buffer.shape.map { extent in
            summarise && extent > 2 * edgeItems
                ? Array(0..<edgeItems) + Array((extent - edgeItems)..<extent) : Array(0..<extent)
        }
        let formatter = ElementFormatter(buffer: buffer, shown: shown)
        let nextLinePrefix = " " + String(repeating: " ", count: prefix.count)
        let layout = Layout(
            buffer: buffer, formatter: formatter, summarise: summarise, separator: separator,
            lineWidth: lineWidth - suffix.count)
        return layout.recurse(index: [], hangingIndent: nextLinePrefix, width: layout.lineWidth)
    }

    private struct Layout {
        let buffer: PynqBuffer
        let formatter: ElementFormatter
        let summarise: Bool
        let separator: String
        let lineWidth: Int

        func recurse(index: [Int], hangingIndent: String, width: Int) -> String {
            let axis = index.count
            let axesLeft = buffer.rank - axis
            if axesLeft == 0 { return formatter.format(index) }
            let nextHangingIndent = hangingIndent + " "
            let nextWidth = width - 1
            let extent = buffer.shape[axis]
            let showSummary = summarise && 2 * edgeItems < extent
            let leading = showSummary ? edgeItems : 0
            let trailing = showSummary ? edgeItems : extent
            var text = ""
            if axesLeft == 1 {
                let elementWidth = width - 1
                var line = hangingIndent
                for i in 0..<leading {
                    let word = recurse(index: index + [i], hangingIndent: nextHangingIndent, width: nextWidth)
                    extend(&text, &line, word, elementWidth, hangingIndent)
                    line += separator
                }
                if showSummary {
                    extend(&text, &line, "...", elementWidth, hangingIndent)
                    line += separator
                }
                if trailing > 1 {
                    for back in stride(from: trailing, to: 1, by: -1) {
                        let word = recurse(index: index + [extent - back], hangingIndent: nextHangingIndent, width: nextWidth)
                        extend(&text, &line, word, elementWidth, hangingIndent)
                        line += separator
                    }
                }
                let word = recurse(index: index + [extent - 1], hangingIndent: nextHangingIndent, width: nextWidth)
                extend(&text, &line, word, elementWidth, hangingIndent)
                text += line
            } else {
                let trimmedSeparator = separator.last == " " ? String(separator.dropLast()) : separator
                let lineSeparator = trimmedSeparator + String(repeating: "\n", count: axesLeft - 1)
                for i in 0..<leading {
                    text += hangingIndent + recurse(index: index + [i], hangingIndent: nextHangingIndent, width: nextWidth)
                        + lineSeparator
                }
                if showSummary { text += hangingIndent + "..." + lineSeparator }
                if trailing > 1 {
                    for back in stride(from: trailing, to: 1, by: -1) {
                        text += hangingIndent
                            + recurse(index: index + [extent - back], hangingIndent: nextHangingIndent, width: nextWidth)
                            + lineSeparator
                    }
                }
                text += hangingIndent + recurse(index: index + [extent - 1], hangingIndent: nextHangingIndent, width: nextWidth)
            }
            return "[" + text.dropFirst(hangingIndent.count) + "]"
        }

        /// numpy's `_extendLine`: wrap before `word` when it would pass `width`, unless that cannot help.
        private func extend(_ text: inout String, _ line: inout String, _ word: String, _ width: Int, _ indent: String) {
            var needsWrap = line.count + word.count > width
            if line.count <= indent.count { needsWrap = false }
            if needsWrap {
                while line.last == " " { line.removeLast() }
                text += line + "\n"
                line = indent
            }
            line += word
        }
    }
}

/// numpy's per-dtype element formatting, fitted to the elements that are shown.
struct ElementFormatter {
    private enum Style {
        case integer(width: Int)
        case bool
        case float(NumpyFloatFormat)
    }

    private let buffer: PynqBuffer
    private let style: Style

    init(buffer: PynqBuffer, shown: [[Int]]) {
        self.buffer = buffer
        var offsets = [Int]()
        ElementFormatter.collect(buffer, shown, axis: 0, offset: buffer.byteOffset, into: &offsets)
        let base = buffer.base
        let dtype = buffer.dtype
        switch dtype.kind {
        case .bool:
            style = .bool
        case .signedInteger, .unsignedInteger:
            let width = offsets.map { dtype.load(from: base + $0).description.count }.max() ?? 0
            style = .integer(width: width)
        case .float:
            let elements = offsets.map { ElementFormatter.floatElement(dtype, base + $0) }
            let threshold: (Double, Double) -> Bool
            switch dtype.itemSize {
            case 8: threshold = NumpyFloatFormat.needsExponential
            default:
                // numpy compares in the array's precision (NEP 50: Python floats adapt to float32).
                threshold = { maximum, minimum in
                    Float(maximum) >= Float(1e8) || Float(minimum) < Float(0.0001)
                        || Float(maximum) / Float(minimum) > Float(1000)
                }
            }
            style = .float(NumpyFloatFormat(elements, exponentialThreshold: threshold))
        }
    }

    private static func collect(_ buffer: PynqBuffer, _ shown: [[Int]], axis: Int, offset: Int, into offsets: inout [Int]) {
        if axis == buffer.rank {
            offsets.append(offset)
            return
        }
        for i in shown[axis] {
            collect(buffer, shown, axis: axis + 1, offset: offset + i * buffer.strides[axis], into: &offsets)
        }
    }

    /// A float element's value and shortest digits in its own precision.
    static func floatElement(_ dtype: DType, _ address: UnsafeRawPointer) -> (value: Double, description: String) {
        switch dtype.itemSize {
        case 2:
            let value = DType.loadHalf(from: address)
            return (Double(value), halfDescription(address, fallback: value))
        case 4:
            let value = address.loadUnaligned(as: Float.self)
            return (Double(value), value.description)
        default:
            let value = address.loadUnaligned(as: Double.self)
            return (value, value.description)
        }
    }

    private static func halfDescription(_ address: UnsafeRawPointer, fallback: Float) -> String {
        #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
        return NumpyFloatFormat.shortestDescription(address.loadUnaligned(as: Float16.self))
        #else
        return fallback.description
        #endif
    }

    func format(_ index: [Int]) -> String {
        let address = buffer.base + buffer.checkedOffset(index)
        switch style {
        case .bool:
            return address.load(as: UInt8.self) != 0 ? " True" : "False"
        case .integer(let width):
            let text = buffer.dtype.load(from: address).description
            return String(repeating: " ", count: Swift.max(0, width - text.count)) + text
        case .float(let format):
            let element = ElementFormatter.floatElement(buffer.dtype, address)
            return format.format(value: element.value, description: element.description)
        }
    }
}

extension PynqBuffer: CustomStringConvertible, CustomDebugStringConvertible {
    /// numpy's repr of the buffer, exactly as pynq prints it:
    /// `PynqBuffer([[0, 0, 0, ..., 0, 0, 0], ...], dtype=uint32)`; `PynqBuffer(<freed>, dtype=uint32)`
    /// after ``free()``.
    public var description: String {
        do {
            return try pinnedTyped { NumpyFormat.repr(of: self, className: "PynqBuffer") }
        } catch {
            return "PynqBuffer(<freed>, dtype=\(dtype.name))"
        }
    }

    public var debugDescription: String { description }

    /// numpy's `str` of the buffer, what Python's `print(buf)` shows: `[[0 0 0 ... 0 0 0]` …, no class name,
    /// no commas, no dtype; `<freed>` after ``free()``.
    public var arrayDescription: String {
        do {
            return try pinnedTyped { NumpyFormat.str(of: self) }
        } catch {
            return "<freed>"
        }
    }
}
