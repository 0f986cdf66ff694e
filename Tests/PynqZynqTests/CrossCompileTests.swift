import Foundation
import Testing
import TestSupport

/// CModules/CZynq built for the boards' own architectures with the toolchain's clang: the xlnk
/// request numbers and struct layouts checked by the compiler for armv7 and aarch64 (against
/// pynq-reference §4.2), and the aarch64 cache-maintenance instructions assembled.
@Suite struct CZynqCrossCompileTests {
    static let checks = """
        #include "CZynq.h"
        #include <stddef.h>
        _Static_assert(sizeof(czynq_xlnk_allocbuf) == 17, "allocbuf is 17 bytes packed");
        _Static_assert(offsetof(czynq_xlnk_allocbuf, phyaddr) == 8 && offsetof(czynq_xlnk_allocbuf, cacheable) == 16, "allocbuf");
        _Static_assert(sizeof(czynq_xlnk_freebuf) == 12 && sizeof(czynq_xlnk_cachecontrol) == 16, "freebuf, cachecontrol");
        _Static_assert(sizeof(czynq_xlnk_args) == CZYNQ_XLNK_ARGS_SIZE, "argument block");
        #if defined(__aarch64__)
        _Static_assert(_IOWR('X', 2, unsigned long) == 0xC0085802UL && _IOWR('X', 3, unsigned long) == 0xC0085803UL, "aarch64");
        _Static_assert(_IOWR('X', 24, unsigned long) == 0xC0085818UL && _IOWR('X', 101, unsigned long) == 0xC0085865UL, "aarch64");
        _Static_assert(sizeof(czynq_xlnk_legacy_allocbuf) == 32, "old ABI allocbuf, LP64");
        #elif defined(__arm__)
        _Static_assert(_IOWR('X', 2, unsigned long) == 0xC0045802UL && _IOWR('X', 3, unsigned long) == 0xC0045803UL, "armv7");
        _Static_assert(_IOWR('X', 24, unsigned long) == 0xC0045818UL && _IOWR('X', 101, unsigned long) == 0xC0045865UL, "armv7");
        _Static_assert(sizeof(czynq_xlnk_legacy_allocbuf) == 16, "old ABI allocbuf, ILP32");
        #else
        #error "built for neither armv7 nor aarch64"
        #endif
        """

    /// The clang beside the running toolchain's swift (the toolchain always has one).
    static func clang() -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for dir in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent("clang")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return URL(fileURLWithPath: "/opt/swift/usr/bin/clang")
    }

    /// Runs clang for `target`; returns its exit status and diagnostics.
    static func compile(_ source: URL, target: String) throws -> (Int32, String) {
        let clang = clang()
        let resource = try output(clang, ["-print-resource-dir"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let include = Reference.packageRoot.appendingPathComponent("CModules/CZynq/include").path
        // The host's multiarch folder holding asm/ioctl.h (it only includes the generic encoding).
        let multiarch = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/include")) ?? [])
            .map { "/usr/include/" + $0 }.filter { FileManager.default.fileExists(atPath: $0 + "/asm/ioctl.h") }
        let process = Process()
        process.executableURL = clang
        // Freestanding: the compiler's own stddef/stdint for the target, the kernel's generic ioctl headers.
        process.arguments = ["-target", target, "-O2", "-ffreestanding", "-nostdinc", "-isystem", resource + "/include",
                             "-isystem", "/usr/include"] + multiarch.flatMap { ["-isystem", $0] }
            + ["-I", include, "-c", source.path, "-o", "/dev/null"]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let diagnostics = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, diagnostics)
    }

    static func output(_ executable: URL, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text
    }

    @Test(arguments: ["aarch64-linux-gnu", "armv7a-linux-gnueabihf"])
    func abiAndCacheCodeCompileForTheBoards(target: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("czynq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let checks = folder.appendingPathComponent("abi_checks.c")
        try Data(Self.checks.utf8).write(to: checks)
        let (status, diagnostics) = try Self.compile(checks, target: target)
        #expect(status == 0, "\(diagnostics)")
        let module = Reference.packageRoot.appendingPathComponent("CModules/CZynq/CZynq.c")
        let (moduleStatus, moduleDiagnostics) = try Self.compile(module, target: target)
        #expect(moduleStatus == 0, "\(moduleDiagnostics)")
    }

    @Test func aWrongNumberFailsTheCheck() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("czynq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let checks = folder.appendingPathComponent("wrong.c")
        try Data(Self.checks.replacingOccurrences(of: "0xC0045802UL", with: "0xC0085802UL").utf8).write(to: checks)
        let (status, diagnostics) = try Self.compile(checks, target: "armv7a-linux-gnueabihf")
        #expect(status != 0 && diagnostics.contains("armv7"))
    }
}
