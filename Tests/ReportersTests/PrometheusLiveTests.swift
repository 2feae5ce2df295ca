import Foundation
import Testing
import TestSupport

/// Runs scripts/prometheus-live-check.sh: a private Apache, the collector built by `swift build`
/// and a real Prometheus server, queried through its HTTP API. Needs the Debian packages
/// apache2, libapache2-mod-wsgi-py3, apache2-utils (ab) and prometheus.
@Suite(.serialized) struct PrometheusLiveTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = root.appendingPathComponent("scripts/prometheus-live-check.sh").path
    static let collector = root.appendingPathComponent(".build/debug/scoreboard-collector").path

    /// The schemathesis executable: $SCHEMATHESIS, or the venv `make` creates in .build.
    static let schemathesis: String? = {
        var candidates: [String] = []
        if let fromEnvironment = ProcessInfo.processInfo.environment["SCHEMATHESIS"] { candidates.append(fromEnvironment) }
        candidates.append(root.appendingPathComponent(".build/schemathesis-venv/bin/schemathesis").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    @Test func prometheusQueriesLiveCollector() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.collector), "build the collector first: swift build")

        let result = try Subprocess.run("/bin/bash", [Self.script, "--collector", Self.collector])

        #expect(result.status == 0, "prometheus-live-check.sh failed: \(result.output)")
        for check in ["scrape", "requests", "rate", "busy", "in_flight", "histogram", "fleet_rules", "rule_health", "promtool"] {
            #expect(result.output.contains("ok \(check):"), "check \(check) did not pass: \(result.output)")
        }
        #expect(!result.output.contains("FAIL"), "\(result.output)")
    }

    @Test(.enabled(if: schemathesis != nil, "set SCHEMATHESIS or create .build/schemathesis-venv with schemathesis"))
    func jsonRoutesMatchOpenAPI() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.collector), "build the collector first: swift build")
        let schemathesis = try #require(Self.schemathesis)

        let result = try Subprocess.run("/bin/bash", [Self.script, "--collector", Self.collector, "--schemathesis", schemathesis])

        #expect(result.status == 0, "prometheus-live-check.sh failed: \(result.output)")
        for state in ["in_flight", "graceful", "stopped", "extended_status_off"] {
            #expect(result.output.contains("ok openapi_\(state):"), "schemathesis in state \(state) did not pass: \(result.output)")
        }
    }
}
