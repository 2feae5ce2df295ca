// swift-tools-version:6.0
//
// Layers, top to bottom; each target depends only on targets above it:
//   CScoreboard        mapping: attach read-only, detect replacement, copy records out
//   ScoreboardSources  one reader per source (Apache, WSGI, /proc) returning immutable snapshots
//   Derivation         pure functions: previous state + snapshot + Δt → derived sample and events
//   History            ring buffer of derived samples and the event log
//   Reporters          JSON and Prometheus views of history
//   HTTPServer         poll(2) loop, HTTP/1.1 parsing, limits, routing
//   CollectorDaemon    configuration, CLI, signals, systemd, the sampling timer
import PackageDescription

// Product code builds with warnings as errors. Test targets do not: the Swift Testing macros
// of Swift 6.3 expand to code that the compiler warns about.
let strictSwift: [SwiftSetting] = [
    .unsafeFlags(["-warnings-as-errors"]),
]

let package = Package(
    name: "scoreboard-collector",
    products: [
        .executable(name: "scoreboard-collector", targets: ["scoreboard-collector"]),
    ],
    targets: [
        .target(name: "CScoreboard"),
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "ScoreboardSources", dependencies: ["CScoreboard"], swiftSettings: strictSwift),
        .target(name: "Derivation", dependencies: ["ScoreboardSources"], swiftSettings: strictSwift),
        .target(name: "History", dependencies: ["Derivation"], swiftSettings: strictSwift),
        .target(name: "Reporters", dependencies: ["History", "Derivation", "ScoreboardSources"], swiftSettings: strictSwift),
        .target(name: "HTTPServer", dependencies: ["CZlib"], swiftSettings: strictSwift),
        .target(
            name: "CollectorDaemon",
            dependencies: ["ScoreboardSources", "Derivation", "History", "Reporters", "HTTPServer", "CSystemd"],
            swiftSettings: strictSwift
        ),
        .executableTarget(name: "scoreboard-collector", dependencies: ["CollectorDaemon"], swiftSettings: strictSwift),
        // Writes known entries through the daemon's Logger; only the journald round-trip
        // test (scripts/systemd-journal-roundtrip.sh) runs it.
        .executableTarget(name: "journal-probe", dependencies: ["CollectorDaemon", "CSystemd"], swiftSettings: strictSwift),
        .executableTarget(name: "scoreboard-bench", dependencies: ["ScoreboardSources", "Derivation", "History", "Reporters", "CScoreboard"], swiftSettings: strictSwift),

        // Helpers shared by test targets: posix_spawn with a clean signal mask.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "MappingTests", dependencies: ["CScoreboard", "ScoreboardSources", "TestSupport"]),
        .testTarget(name: "DerivationTests", dependencies: ["Derivation", "ScoreboardSources", "TestSupport"]),
        .testTarget(name: "HistoryTests", dependencies: ["History", "Derivation"]),
        .testTarget(name: "ReportersTests", dependencies: ["Reporters", "History", "Derivation", "ScoreboardSources", "TestSupport"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer"]),
        .testTarget(name: "DaemonTests", dependencies: ["CollectorDaemon", "CSystemd"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["CollectorDaemon", "ScoreboardSources", "Derivation", "CScoreboard", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
