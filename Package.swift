// swift-tools-version:6.1
import PackageDescription

/// The git commit the binary is built from: `GONGSPOOL_COMMIT` (scripts pass it), else the
/// checkout's own commit; only the tiny `CBuildInfo` C target sees it.
let commit: String = {
    if let given = Context.environment["GONGSPOOL_COMMIT"], !given.isEmpty { return given }
    guard let git = Context.gitInformation else { return "" }
    return String(git.currentCommit.prefix(7)) + (git.hasUncommittedChanges ? "-dirty" : "")
}()

/// `GONGSPOOL_FUZZ=1` (set by `scripts/fuzz.sh`) adds the libFuzzer driver and compiles the
/// code it exercises with `-sanitize=fuzzer,address`; the dependencies are built as usual, so a
/// fuzz build reuses their objects and rebuilds only GongSpool, its fuzz targets and the driver.
let fuzzing = Context.environment["GONGSPOOL_FUZZ"] == "1"
let fuzzFlags: [SwiftSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"])] : []

let package = Package(
    name: "GongSpool",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gongspool", targets: ["gongspool"]),
        .library(name: "GongSpool", targets: ["GongSpool"]),
        .library(name: "GongSimulator", targets: ["GongSimulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .target(name: "CBuildInfo", cSettings: [.define("GONGSPOOL_COMMIT", to: "\"\(commit)\"")]),
        .target(name: "CMalloc"),
        .target(
            name: "GongSpool",
            dependencies: [
                "CBuildInfo",
                "CMalloc",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: fuzzFlags
        ),
        .target(
            name: "GongSimulator",
            dependencies: [
                "GongSpool",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "gongspool",
            dependencies: [
                "GongSpool",
                "GongSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "upload-bench",
            dependencies: [
                "GongSpool",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/UploadBench"
        ),
        .executableTarget(
            name: "pipeline-bench",
            dependencies: [
                "GongSpool", "GongSimulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/PipelineBench"
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "GongSpool", "GongSimulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport"
        ),
        .target(name: "FuzzTargets", dependencies: ["GongSpool"], path: "Fuzz/Targets", swiftSettings: fuzzFlags),
        .testTarget(
            name: "GongSpoolTests",
            dependencies: [
                "GongSpool", "GongSimulator", "TestSupport", "FuzzTargets",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["GongSpool", "GongSimulator", "TestSupport", .product(name: "Logging", package: "swift-log"),
                           .product(name: "AsyncHTTPClient", package: "async-http-client")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

if fuzzing {
    package.targets.append(
        .executableTarget(
            name: "gongspool-fuzz",
            dependencies: ["FuzzTargets"],
            path: "Fuzz/Driver",
            swiftSettings: fuzzFlags,
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])]
        ))
}
