// swift-tools-version: 6.1
import PackageDescription

// Upcoming features taken from the hummingbird framework's own package: explicit `any`,
// imports visible only where declared.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// Tests read better without an import line per framework module they touch.
let testSwiftSettings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "Junction",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "junction", targets: ["Junction"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.9.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        // Already in the graph through async-http-client; named to tell TLS failures apart.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.27.0"),
        // Already in the graph through hummingbird; named for the HTTP parts a connection handler sees.
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.20.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.16.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.30.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.32.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.0"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.14.0"),
        // multipart/form-data bodies: Personio's document upload, passthrough, the sandbox's reader.
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.0"),
    ],
    targets: [
        .target(
            name: "JunctionModel",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JunctionStore",
            dependencies: [
                "JunctionModel",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // What every connector implements (reads for sync, the tool's descriptor), the registry
        // that maps tools to connectors, and the outbound machinery they share (request budget,
        // retry, the address policy for URLs users supply). Knows no tool.
        .target(
            name: "JunctionConnectors",
            dependencies: [
                "JunctionModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // The Personio connector: client, wire types, mapping to unified records.
        .target(
            name: "Personio",
            dependencies: [
                "JunctionModel",
                "JunctionConnectors",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The sync engine (FULL and DELTA runs of an integration into the store), the scheduler,
        // and the webhook dispatcher that drains the store's outbox.
        .target(
            name: "JunctionSync",
            dependencies: [
                "JunctionModel",
                "JunctionStore",
                "JunctionConnectors",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // A faithful local Personio. It emulates Personio and knows nothing of Junction.
        .target(
            name: "PersonioSandbox",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JunctionServer",
            dependencies: [
                "JunctionModel",
                "JunctionStore",
                "JunctionSync",
                "JunctionConnectors",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                // Its HTTP/1 channel, wrapped to handle each connection on its loop.
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The composition root: opens the runtime, builds the registry of connectors, wires the
        // server's services and the demo with its sandbox. The only target that names Personio
        // beside Personio's own.
        .target(
            name: "JunctionApp",
            dependencies: [
                "JunctionModel",
                "JunctionStore",
                "JunctionSync",
                "JunctionConnectors",
                "JunctionServer",
                "Personio",
                "PersonioSandbox",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "Junction",
            dependencies: [
                "JunctionApp",
                "JunctionModel",
                "JunctionStore",
                "JunctionServer",
                "JunctionSync",
                "PersonioSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Shared test setup (fresh databases on both backends, seeded stores); used by tests only.
        .target(
            name: "JunctionTestSupport",
            dependencies: [
                "JunctionModel",
                "JunctionStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            path: "Tests/JunctionTestSupport",
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "JunctionModelTests",
            dependencies: ["JunctionModel", "JunctionTestSupport"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "JunctionStoreTests",
            dependencies: [
                "JunctionStore",
                "JunctionTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "PersonioSandboxTests",
            dependencies: [
                "PersonioSandbox",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "PersonioTests",
            dependencies: [
                "PersonioSandbox",
                .product(name: "NIOCore", package: "swift-nio"),
                "Personio",
                "JunctionConnectors",
                "JunctionModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "JunctionSyncTests",
            dependencies: [
                "JunctionSync",
                "JunctionConnectors",
                "Personio",
                "PersonioSandbox",
                "JunctionTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "JunctionServerTests",
            dependencies: [
                "Personio",
                "PersonioSandbox",
                "JunctionStore",
                "JunctionModel",
                "JunctionSync",
                "JunctionApp",
                "JunctionServer",
                "JunctionConnectors",
                "JunctionTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: testSwiftSettings
        ),
    ]
)
