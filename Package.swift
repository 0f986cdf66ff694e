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
        .target(name: "PynqHWH", dependencies: ["PynqMetadataCore", "PynqXML"], swiftSettings: strict),
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

        // MARK: Runtime (public API; owns no OS call)
        .target(
            name: "Pynq",
            dependencies: ["PynqBackend", "PynqMetadataCore", "PynqMock"],
            swiftSettings: strict),

        // MARK: Command line
        .executableTarget(
            name: "PynqCLI",
            dependencies: ["PynqMetadata", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict),

        // MARK: Benchmarks (run in release: scripts/bench-vs-pynq.sh)
        .executableTarget(
            name: "MetadataBench", dependencies: ["PynqMetadata"], path: "Benchmarks/MetadataBench",
            swiftSettings: strict),

        // MARK: Tests
        .target(name: "TestSupport", path: "Tests/Support", swiftSettings: strict),
        .testTarget(name: "PynqXMLTests", dependencies: ["PynqXML", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "PynqMockTests", dependencies: ["PynqMock", "PynqBackend", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "PynqTests", dependencies: ["Pynq", "PynqMock", "PynqBackend", "TestSupport"], swiftSettings: strict),
        // Compile-time check of CXRT/CUdev against XRT's and libudev's own headers (when installed).
        .target(
            name: "CHeaderChecks", dependencies: ["CXRT", "CUdev"], path: "Tests/CHeaderChecks",
            cSettings: [.unsafeFlags(["-I/usr/include/xrt", "-I/opt/xilinx/xrt/include"])]),
        .testTarget(
            name: "PynqAlveoTests", dependencies: ["PynqAlveo", "CHeaderChecks", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "PynqXclbinTests", dependencies: ["PynqMetadata", "TestSupport"], swiftSettings: strict),
        // .testTarget(name: "PynqHWHTests", dependencies: ["PynqMetadata", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "PynqBitstreamTests", dependencies: ["PynqMetadata", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "PynqCLITests", dependencies: ["PynqMetadata", "TestSupport"], swiftSettings: strict),
    ]
)

// MARK: Fuzzing (libFuzzer targets, only when PYNQ_FUZZ is set; see BENCHMARKS.md for how to build and run)
if Context.environment["PYNQ_FUZZ"] != nil {
    let fuzzers: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzBit", ["PynqMetadata"]),
        ("FuzzXclbin", ["PynqMetadata"]),
    ]
    for fuzzer in fuzzers {
        package.targets.append(.executableTarget(
            name: fuzzer.name, dependencies: fuzzer.dependencies, path: "Fuzz/\(fuzzer.name)",
            swiftSettings: strict))
        package.products.append(.executable(name: fuzzer.name, targets: [fuzzer.name]))
    }
}
