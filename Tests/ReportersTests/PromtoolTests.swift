import Derivation
import Foundation
import Reporters
import ScoreboardSources
import Testing
import TestSupport

/// Runs Prometheus's own linter on rendered text. Needs the Debian package `prometheus`.
@Suite struct PromtoolTests {
    static let promtool = "/usr/bin/promtool"

    func check(_ text: String) throws -> Subprocess.Result {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reporters-promtool-\(getpid())-\(UUID().uuidString).prom").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try Subprocess.run("/bin/sh", ["-c", "exec \(Self.promtool) check metrics < '\(path)'"])
    }

    @Test func fullExpositionPassesPromtool() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.promtool), "install the Debian package prometheus")
        var timeline = ApacheTimeline(capacity: CapacityLimits(maxRequestWorkers: 20, threadsPerChild: 4, source: "test"))
        timeline.tick()
        timeline.tick(requests: 12, busy: 3)
        let text = PrometheusExposition.render(info: PrometheusExpositionTests.info, history: timeline.history, wsgi: WSGISamples.input())

        let result = try check(text)

        #expect(result.status == 0, "promtool check metrics failed: \(result.output)")
        #expect(result.output.isEmpty, "promtool reported problems: \(result.output)")
    }

    @Test func unavailableExpositionPassesPromtool() throws {
        var timeline = ApacheTimeline()
        timeline.tickUnavailable()
        let text = PrometheusExposition.render(
            info: PrometheusExpositionTests.info, history: timeline.history, wsgi: WSGIExpositionInput(up: false))

        let result = try check(text)

        #expect(result.status == 0, "promtool check metrics failed: \(result.output)")
        #expect(result.output.isEmpty, "promtool reported problems: \(result.output)")
    }

    @Test func promtoolRejectsBrokenText() throws {
        // The check can fail: a counter without _total and a duplicate series are reported.
        let result = try check("# HELP broken x\n# TYPE broken counter\nbroken 1\nbroken 2\n")
        #expect(result.status != 0)
    }
}
