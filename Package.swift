// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Congso",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "congso", targets: ["congso"]),
        .library(name: "CongsoCore", targets: ["CongsoCore"]),
        .library(name: "CongsoServer", targets: ["CongsoServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        // Jitsi Meet's HS256 join tokens.
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        // The SMTP client (Sources/CongsoServer/Mail): NIO and NIOSSL, already under Vapor.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // zlib from the system (Debian's zlib1g-dev) for permit payloads.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // QR codes for printed permits (Debian's libqrencode-dev).
        .systemLibrary(name: "CQrencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        // The SAT solver CaDiCaL (Debian's libcadical-dev, a static C++ library) decides the
        // roster units the solver's own search cannot settle quickly.
        .systemLibrary(name: "CCaDiCaL", providers: [.apt(["libcadical-dev"])]),
        // Pure domain: no Vapor, no Fluent, so it builds and tests in seconds.
        .target(name: "CongsoCore", dependencies: ["CZlib", "CCaDiCaL", .product(name: "Crypto", package: "swift-crypto")]),
        // The command-line halves of Core's work (argument checks, files, exit codes), shared
        // by `congso` and the benchmark binaries, which build without the server.
        .target(name: "CongsoCommandLine", dependencies: ["CongsoCore"]),
        .target(
            name: "CongsoServer",
            dependencies: [
                "CongsoCore",
                "CongsoCommandLine",
                "CQrencode",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .executableTarget(
            name: "congso",
            dependencies: ["CongsoServer", .product(name: "Vapor", package: "vapor"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]
        ),
        .executableTarget(name: "congso-bench-policy", dependencies: ["CongsoCore"], path: "bench/PolicyBench"),
        .executableTarget(name: "congso-bench-permits", dependencies: ["CongsoCore", .product(name: "Crypto", package: "swift-crypto")],
                          path: "bench/PermitBench"),
        .executableTarget(name: "congso-bench-rosters", dependencies: ["CongsoCore", "CongsoCommandLine"], path: "bench/RosterBench"),
        .testTarget(name: "CongsoCoreTests", dependencies: ["CongsoCore"]),
        .testTarget(
            name: "CongsoServerTests",
            dependencies: [
                "CongsoServer",
                .product(name: "VaporTesting", package: "vapor"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
