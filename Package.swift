// swift-tools-version: 6.1
// swift-pynq: PYNQ's host library in Swift. See README.md for the layout and how to run it.
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "swift-pynq",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "PynqMetadata", targets: ["PynqMetadata"]),
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
        .target(name: "PynqXclbin", dependencies: ["PynqMetadataCore", "PynqXML"], swiftSettings: strict),
        .target(name: "PynqHWH", dependencies: ["PynqMetadataCore", "PynqXML"], swiftSettings: strict),
        .target(name: "PynqBitstream", dependencies: ["PynqMetadataCore"], swiftSettings: strict),
        .target(
            name: "PynqMetadata",
            dependencies: ["PynqMetadataCore", "PynqXML", "PynqXclbin", "PynqHWH", "PynqBitstream"],
            swiftSettings: strict),

        // MARK: Backends (all OS calls live here)
        .target(name: "PynqBackend", dependencies: ["PynqMetadataCore"], path: "Backends/Core", swiftSettings: strict),
        .target(name: "CZynq", path: "CModules/CZynq"),
        .target(
            name: "PynqZynq", dependencies: ["PynqBackend", "PynqMetadataCore", "PynqBitstream", "CZynq"],
            path: "Backends/Zynq", swiftSettings: strict),

        // MARK: Runtime (public API; owns no OS call)

        // MARK: Command line
        .executableTarget(
            name: "PynqCLI",
            dependencies: ["PynqMetadata", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict),

        // MARK: Tests
        .target(name: "TestSupport", path: "Tests/Support", swiftSettings: strict),
        .testTarget(name: "PynqXMLTests", dependencies: ["PynqXML", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "PynqZynqTests", dependencies: ["PynqZynq", "CZynq", "TestSupport"], swiftSettings: strict),
        // .testTarget(name: "PynqXclbinTests", dependencies: ["PynqMetadata", "TestSupport"], swiftSettings: strict),
        // .testTarget(name: "PynqHWHTests", dependencies: ["PynqMetadata", "TestSupport"], swiftSettings: strict),
        // .testTarget(name: "PynqBitstreamTests", dependencies: ["PynqMetadata", "TestSupport"], swiftSettings: strict),
        // .testTarget(name: "PynqCLITests", dependencies: ["PynqMetadata", "TestSupport"], swiftSettings: strict),
    ]
)
