import PynqMetadata
import Testing

/// `PythonNumbers` against what CPython's `int(text, base)` / `float(text)` return (expected values
/// produced by running Python on the same strings; `nil` where Python raises `ValueError` or the value
/// does not fit 64 bits).
@Suite struct PythonNumbersTests {
    @Test(arguments: [
        ("42", 10, 42),
        (" -7 ", 10, -7),
        ("1_000", 10, 1000),
        ("_1", 10, nil),
        ("1__0", 10, nil),
        ("1_", 10, nil),
        ("0x1F", 16, 31),
        ("1f", 16, 31),
        ("0x_1f", 16, 31),
        ("0x", 16, nil),
        ("0b1", 16, 177),
        ("0x10", 10, nil),
        ("0x10", 0, 16),
        ("0o17", 0, 15),
        ("0b101", 0, 5),
        ("010", 0, nil),
        ("000", 0, 0),
        ("0", 0, 0),
        ("+5", 0, 5),
        ("9223372036854775807", 10, 9223372036854775807),
        ("9223372036854775808", 10, nil),
        ("-9223372036854775808", 10, -9223372036854775808),
        ("", 10, nil),
        ("  ", 10, nil),
        ("12a", 10, nil),
        ("0X1f", 0, 31),
        // The longest spellings read without the full parser, and one past them.
        ("0xFFFFFFFFFFFFFFF", 16, 1152921504606846975),
        ("123456789012345678", 10, 123456789012345678),
        ("0x0123456789abcdef", 0, 81985529216486895),
        ("0123", 10, 123),
        ("0x1g", 0, nil),
    ] as [(String, Int, Int?)])
    func int(text: String, base: Int, expected: Int?) {
        #expect(PythonNumbers.int(text, base: base) == expected)
    }

    @Test func float() {
        #expect(PythonNumbers.float("1.5") == 1.5)
        #expect(PythonNumbers.float(" 2 ") == 2)
        #expect(PythonNumbers.float("1_0.5") == 10.5)
        #expect(PythonNumbers.float("1e3") == 1000)
        #expect(PythonNumbers.float("inf") == .infinity)
        #expect(PythonNumbers.float("-Infinity") == -.infinity)
        #expect(PythonNumbers.float("nan")?.isNaN == true)
        #expect(PythonNumbers.float("0x1p3") == nil)
        #expect(PythonNumbers.float("") == nil)
        #expect(PythonNumbers.float("1__0") == nil)
    }
}
