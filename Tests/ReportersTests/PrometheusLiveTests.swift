import Foundation
import Testing

/// Runs scripts/prometheus-live-check.sh: a private Apache, the collector built by `swift build`
/// and a real Prometheus server, queried through its HTTP API. Needs the Debian packages
/// apache2, libapache2-mod-wsgi-py3, apache2-utils (ab) and prometheus.
@Suite struct PrometheusLiveTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func prometheusQueriesLiveCollector() throws {
        let script = Self.root.appendingPathComponent("scripts/prometheus-live-check.sh").path
        let collector = Self.root.appendingPathComponent(".build/debug/scoreboard-collector").path
        try #require(FileManager.default.isExecutableFile(atPath: collector), "build the collector first: swift build")

        let result = try Subprocess.run("/bin/bash", [script, collector])

        #expect(result.status == 0, "prometheus-live-check.sh failed: \(result.output)")
        for check in ["scrape", "requests", "rate", "busy", "in_flight"] {
            #expect(result.output.contains("ok \(check):"), "check \(check) did not pass: \(result.output)")
        }
        #expect(!result.output.contains("FAIL"), "\(result.output)")
    }
}
