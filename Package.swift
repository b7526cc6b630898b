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

/// Every Swift target: a file sees only the members of the modules it imports itself (SE-0444),
/// so the walls between modules hold for extensions too.
let walls: [SwiftSetting] = [.enableUpcomingFeature("MemberImportVisibility")]

/// The products GongSpool's targets use, each named once.
enum Dependency {
    static let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
    static let asyncHTTPClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")
    static let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
    static let grdb = Target.Dependency.product(name: "GRDB", package: "GRDB.swift")
    static let grdbSQLite = Target.Dependency.product(name: "GRDBSQLite", package: "GRDB.swift")
    static let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
    static let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
    static let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
    static let nioHTTP1 = Target.Dependency.product(name: "NIOHTTP1", package: "swift-nio")
    static let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
    static let nioSSL = Target.Dependency.product(name: "NIOSSL", package: "swift-nio-ssl")
    static let postgresNIO = Target.Dependency.product(name: "PostgresNIO", package: "postgres-nio")
    static let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
    static let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
    static let unixSignals = Target.Dependency.product(name: "UnixSignals", package: "swift-service-lifecycle")
    static let yams = Target.Dependency.product(name: "Yams", package: "Yams")
    /// Every GongSpool library module (what the tests and the benchmarks reach).
    static let gongSpool: [Target.Dependency] = [
        "GongSpoolCore", "GongSpoolSQLite", "GongSpoolPostgres", "GongSpoolHTTP", "GongSpoolDaemon", "GongSimulator",
    ]
}

let package = Package(
    name: "GongSpool",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gongspool", targets: ["gongspool"]),
        .library(name: "GongSpoolCore", targets: ["GongSpoolCore"]),
        .library(name: "GongSpoolDaemon", targets: ["GongSpoolDaemon"]),
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
        // hypot/hypotf at their pre-2.35 glibc versions, for the release binary's glibc floor;
        // The C++ runtime's condition_variable::wait at its GCC 11 version (-fexceptions: what it
        // throws passes through).
        .target(name: "CGlibcFloor", cSettings: [.unsafeFlags(["-fexceptions"])], linkerSettings: [.linkedLibrary("m")]),
        // The core: spool, media, intake, request, lifecycle, the store's roles, the pipeline
        // behind a Gong protocol, observability. No NIO, no GRDB, no PostgreSQL (docs/design.md).
        .target(
            name: "GongSpoolCore",
            dependencies: [
                "CBuildInfo", "CMalloc", Dependency.logging, Dependency.crypto, Dependency.yams, Dependency.metrics, Dependency.serviceLifecycle,
            ],
            swiftSettings: walls + fuzzFlags
        ),
        // The embedded state store (GRDB over the system libsqlite3).
        .target(name: "GongSpoolSQLite", dependencies: ["GongSpoolCore", Dependency.grdb, Dependency.grdbSQLite], swiftSettings: walls),
        // The fleet's state store (postgres-nio).
        .target(
            name: "GongSpoolPostgres",
            dependencies: ["GongSpoolCore", Dependency.logging, Dependency.postgresNIO, Dependency.nioSSL],
            swiftSettings: walls
        ),
        // HTTP on SwiftNIO: the Gong client (async-http-client) and the loopback server channel.
        .target(
            name: "GongSpoolHTTP",
            dependencies: [
                "GongSpoolCore", Dependency.logging, Dependency.asyncHTTPClient, Dependency.nioCore, Dependency.nioPosix, Dependency.nioHTTP1,
                Dependency.nioSSL,
            ],
            swiftSettings: walls
        ),
        // The daemon: services, reconciliation, the status server, the reload supervisor, set-up checks.
        .target(
            name: "GongSpoolDaemon",
            dependencies: [
                "GongSpoolCore", "GongSpoolSQLite", "GongSpoolPostgres", "GongSpoolHTTP", Dependency.logging, Dependency.asyncHTTPClient,
                Dependency.nioCore, Dependency.nioPosix, Dependency.nioHTTP1, Dependency.serviceLifecycle, Dependency.unixSignals,
            ],
            swiftSettings: walls
        ),
        .target(
            name: "GongSimulator",
            dependencies: [
                "GongSpoolCore", "GongSpoolHTTP", Dependency.logging, Dependency.crypto, Dependency.nioCore, Dependency.nioPosix, Dependency.nioHTTP1,
            ],
            swiftSettings: walls
        ),
        .executableTarget(
            name: "gongspool",
            dependencies: [
                "GongSpoolCore", "GongSpoolSQLite", "GongSpoolHTTP", "GongSpoolDaemon", "GongSimulator", "CGlibcFloor", Dependency.argumentParser,
                Dependency.logging, Dependency.asyncHTTPClient, Dependency.metrics, Dependency.prometheus,
            ],
            swiftSettings: walls
        ),
        .executableTarget(
            name: "upload-bench",
            dependencies: ["GongSpoolCore", "GongSpoolHTTP", Dependency.asyncHTTPClient, Dependency.logging],
            path: "Benchmarks/UploadBench",
            swiftSettings: walls
        ),
        .executableTarget(
            name: "pipeline-bench",
            dependencies: Dependency.gongSpool + [Dependency.asyncHTTPClient, Dependency.grdb, Dependency.logging],
            path: "Benchmarks/PipelineBench",
            swiftSettings: walls
        ),
        .target(
            name: "TestSupport",
            dependencies: Dependency.gongSpool + [Dependency.asyncHTTPClient, Dependency.crypto, Dependency.logging],
            path: "Tests/TestSupport",
            swiftSettings: walls
        ),
        .target(name: "FuzzTargets", dependencies: ["GongSpoolCore"], path: "Fuzz/Targets", swiftSettings: walls + fuzzFlags),
        .testTarget(
            name: "GongSpoolTests",
            dependencies: Dependency.gongSpool + [
                "TestSupport", "FuzzTargets", Dependency.asyncHTTPClient, Dependency.logging, Dependency.nioCore, Dependency.postgresNIO,
            ],
            swiftSettings: walls
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: Dependency.gongSpool + [
                "TestSupport", Dependency.asyncHTTPClient, Dependency.logging, Dependency.nioCore, Dependency.postgresNIO,
            ],
            swiftSettings: walls
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
            swiftSettings: walls + fuzzFlags,
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])]
        ))
}
