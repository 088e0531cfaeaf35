// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "fcgi-check",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fcgi-check", targets: ["FCGICheckApp"]),
        .library(name: "CheckDomain", targets: ["CheckDomain"]),
        .library(name: "CheckService", targets: ["CheckService"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CFastCGI",
            pkgConfig: "fcgi",
            providers: [.apt(["libfcgi-dev"])]
        ),
        // libpq's header only: the library is loaded when a PostgreSQL inventory is first used (see its shim.h).
        .systemLibrary(
            name: "CLibPQ",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(name: "CLinux"),
        // What fcgi-check needs of SQLite that Swift cannot do well: sqlite3_config (variadic), and the lookup's
        // table-valued function of bound ids (a virtual table).
        .target(name: "CSQLiteShims"),
        .target(
            name: "CheckDomain",
            dependencies: [
                "CLibPQ",
                "CLinux",
                "CSQLiteShims",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CheckService",
            dependencies: [
                "CheckDomain",
                .product(name: "Logging", package: "swift-log"),
            ],
            // Embedded in the binary, not a bundle beside it: the service is one file to install.
            resources: [
                .embedInCode("Resources/openapi.json"),
                .embedInCode("Resources/pages/docs.html"),
                .embedInCode("Resources/pages/ui.html"),
                .embedInCode("Resources/pages/pages.css"),
                .embedInCode("Resources/pages/common.js"),
                .embedInCode("Resources/pages/docs.js"),
                .embedInCode("Resources/pages/ui.js"),
                .embedInCode("Resources/pages/strings.json"),
                .embedInCode("Resources/pages/favicon.svg"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FCGICheckApp",
            dependencies: [
                "CFastCGI",
                "CLinux",
                "CheckDomain",
                "CheckService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FuzzRequestPath",
            dependencies: ["CheckDomain", "CheckService", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CheckDomainTests",
            dependencies: [
                "CheckDomain", "CSQLiteShims", "TestSupport", .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CheckServiceTests",
            dependencies: ["CheckService"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FCGICheckAppTests",
            dependencies: ["FCGICheckApp", "CheckService"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["CheckDomain", "CheckService", "TestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
