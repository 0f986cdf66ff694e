// swift-tools-version: 6.1
// swift-pynq: PYNQ's host library in Swift. See README.md for the layout and how to run it.
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "swift-pynq",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PynqMetadata", targets: ["PynqMetadata"]),
        .library(name: "Pynq", targets: ["Pynq"]),
        .executable(name: "pynq", targets: ["PynqCLI"]),
        .executable(name: "memory-and-streams", targets: ["memory-and-streams"]),
        .executable(name: "allocate", targets: ["allocate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        // MARK: Metadata (pure: bytes in, values out; no OS calls)
        .target(name: "PynqXML", swiftSettings: strict),
        .target(
            name: "PynqMetadataCore",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")],
            swiftSettings: strict),
        .target(
            name: "PynqXclbin",
            dependencies: ["PynqMetadataCore", "PynqXML", .product(name: "OrderedCollections", package: "swift-collections")],
            swiftSettings: strict),
        .target(
            name: "PynqHWH",
            dependencies: [
                "PynqMetadataCore", "PynqXML", .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            swiftSettings: strict),
        .target(name: "PynqBitstream", dependencies: ["PynqMetadataCore"], swiftSettings: strict),
        .target(
            name: "PynqMetadata",
            dependencies: ["PynqMetadataCore", "PynqXML", "PynqXclbin", "PynqHWH", "PynqBitstream"],
            swiftSettings: strict),

        // MARK: Backends (all OS calls live here)
        .target(name: "PynqBackend", dependencies: ["PynqMetadataCore"], path: "Backends/Core", swiftSettings: strict),
        .target(
            name: "PynqMock",
            dependencies: ["PynqBackend", "PynqMetadataCore", .product(name: "DequeModule", package: "swift-collections")],
            path: "Backends/Mock", swiftSettings: strict),
        // Alveo: XRT's C API and libudev, both opened at run time (no build-time dependency).
        .target(name: "CXRT", path: "CModules/CXRT"),
        .target(name: "CUdev", path: "CModules/CUdev"),
        .target(
            name: "PynqAlveo", dependencies: ["PynqBackend", "PynqMetadataCore", "CXRT", "CUdev"],
            path: "Backends/Alveo", swiftSettings: strict),
        // Volatile loads and stores for MMIO (static inline C, so Swift inlines each access).
        .target(name: "CMMIO", path: "CModules/CMMIO"),
        // Pattern fill at memset speed (`rep stosq` on x86-64) for PynqBuffer.fill.
        .target(name: "CPynqFill", path: "CModules/CPynqFill"),
        // Zynq: CMA buffers (xlnk, u-dma-buf), /dev/mem MMIO, fpga_manager; C side: xlnk ABI, cache maintenance.
        .target(name: "CZynq", path: "CModules/CZynq"),
        .target(
            name: "PynqZynq", dependencies: ["PynqBackend", "PynqMetadataCore", "PynqBitstream", "PynqHWH", "CZynq", "CMMIO"],
            path: "Backends/Zynq", swiftSettings: strict),

        // MARK: Runtime (public API; owns no OS call)
        .target(
            name: "Pynq",
            dependencies: ["PynqBackend", "PynqMetadataCore", "PynqXclbin", "PynqMock", "PynqAlveo", "PynqZynq", "CMMIO", "CPynqFill"],
            swiftSettings: strict),

        // MARK: Examples (the seed documents as programs; run on the Mock backend)
        .executableTarget(name: "make-overlays", dependencies: ["Pynq", "PynqMock"], path: "Examples/make-overlays", swiftSettings: strict),
        .executableTarget(name: "memory-and-streams", dependencies: ["Pynq"], path: "Examples/memory-and-streams", swiftSettings: strict),
        .executableTarget(name: "allocate", dependencies: ["Pynq"], path: "Examples/allocate", swiftSettings: strict),

        // MARK: Command line
        .executableTarget(
            name: "PynqCLI",
            dependencies: [
                "PynqMetadata", "Pynq", "PynqAlveo", "PynqBackend",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),

        // MARK: Benchmarks (run in release: scripts/bench-vs-pynq.sh)
        .target(name: "BenchSupport", path: "Benchmarks/BenchSupport", swiftSettings: strict),
        .executableTarget(
            name: "AlveoBench", dependencies: ["BenchSupport", "Pynq", "PynqAlveo", "PynqBackend", "PynqXclbin"],
            path: "Benchmarks/AlveoBench", swiftSettings: strict),
        .executableTarget(
            name: "MetadataBench", dependencies: ["BenchSupport", "PynqMetadata"], path: "Benchmarks/MetadataBench",
            swiftSettings: strict),
        .executableTarget(
            name: "RuntimeBench", dependencies: ["BenchSupport", "Pynq", "PynqMock", "PynqBackend"], path: "Benchmarks/RuntimeBench",
            swiftSettings: strict),
        .executableTarget(
            name: "ZynqBench", dependencies: ["BenchSupport", "PynqZynq", "CMMIO"], path: "Benchmarks/ZynqBench", swiftSettings: strict),
        .executableTarget(
            name: "IPBench", dependencies: ["Pynq", "PynqBackend", "PynqMock", "PynqMetadataCore"], path: "Benchmarks/IPBench",
            swiftSettings: strict),

        // MARK: Tests
        .target(name: "TestSupport", dependencies: ["PynqMetadataCore"], path: "Tests/Support", swiftSettings: strict),
        .testTarget(name: "PynqXMLTests", dependencies: ["PynqXML", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "PynqBufferTests", dependencies: ["Pynq", "PynqBackend"], exclude: ["Resources"], swiftSettings: strict),
        .testTarget(name: "PynqMockTests", dependencies: ["PynqMock", "PynqBackend", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "PynqBackendTests", dependencies: ["PynqBackend", "TestSupport"], swiftSettings: strict),
        // IP access (MMIO, register maps, kernel calls, drivers).
        .testTarget(name: "PynqIPTests", dependencies: ["Pynq", "PynqMock", "PynqBackend", "PynqMetadata", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "PynqTests", dependencies: ["Pynq", "PynqMock", "PynqBackend", "PynqXclbin", "TestSupport"], swiftSettings: strict),
        // Compile-time check of CXRT/CUdev against XRT's and libudev's own headers (when installed).
        .target(
            name: "CHeaderChecks", dependencies: ["CXRT", "CUdev"], path: "Tests/CHeaderChecks",
            cSettings: [.unsafeFlags(["-I/usr/include/xrt", "-I/opt/xilinx/xrt/include"])]),
        .testTarget(
            name: "PynqAlveoTests",
            dependencies: ["PynqAlveo", "PynqBackend", "PynqXclbin", "Pynq", "CHeaderChecks", "TestSupport"],
            swiftSettings: strict),
        .testTarget(name: "PynqXclbinTests", dependencies: ["PynqMetadata", "PynqAlveo", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "PynqZynqTests", dependencies: ["PynqZynq", "CZynq", "Pynq", "PynqMetadata", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "PynqHWHTests", dependencies: ["PynqMetadata", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "PynqBitstreamTests", dependencies: ["PynqMetadata", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "PynqCLITests", dependencies: ["PynqMetadata", "TestSupport"], swiftSettings: strict),
    ]
)

// MARK: Fuzzing (libFuzzer targets, only when PYNQ_FUZZ is set; see BENCHMARKS.md for how to build and run)
if Context.environment["PYNQ_FUZZ"] != nil {
    let fuzzers: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzBit", ["PynqMetadata"]),
        ("FuzzXclbin", ["PynqMetadata"]),
        ("FuzzHWH", ["PynqMetadata"]),
    ]
    package.targets.append(.target(name: "FuzzSupport", path: "Fuzz/Support", swiftSettings: strict))
    for fuzzer in fuzzers {
        package.targets.append(.executableTarget(
            name: fuzzer.name, dependencies: fuzzer.dependencies + ["FuzzSupport"], path: "Fuzz/\(fuzzer.name)",
            swiftSettings: strict))
        package.products.append(.executable(name: fuzzer.name, targets: [fuzzer.name]))
    }
}
