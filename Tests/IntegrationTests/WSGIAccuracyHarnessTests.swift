import Foundation
import Testing

/// `scripts/accuracy.sh --quick`: two 6-second load levels against a private Apache, compared
/// with its access log (about 25 s).
@Suite(.serialized) struct WSGIAccuracyHarnessTests {
    @Test func quickRunMeetsBounds() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sbc-accuracy-test-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = ApacheInstance.repository.appendingPathComponent("scripts/accuracy.sh").path
        let summaryPath = directory + "/accuracy.json"

        let result = try Subprocess.run(script, ["--quick", "--output", directory + "/accuracy.md", "--json", summaryPath])
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath))) as? [String: Any],
            "accuracy.sh wrote no summary:\n\(result.output)")
        let levels = try #require(summary["levels"] as? [[String: Any]])

        #expect(result.status == 0, "\(result.output)")
        #expect((summary["failures"] as? [String])?.isEmpty == true)
        #expect(levels.count == 2)
        for level in levels {
            let concurrency = jsonInt(level, "concurrency") ?? 0
            let logged = try #require(jsonInt(level, "access_log_requests"))
            #expect(logged > 50, "concurrency \(concurrency)")
            #expect(jsonInt(level, "apache_interval_requests") == logged, "concurrency \(concurrency)")
            #expect(jsonInt(level, "wsgi_requests_total") == logged, "concurrency \(concurrency)")
            let apacheError = try #require(jsonDouble(level, "apache_mean_error"))
            #expect(abs(apacheError) <= 0.01, "concurrency \(concurrency): Apache-side mean error \(apacheError)")
            for row in level["percentiles"] as? [[String: Any]] ?? [] {
                let name = row["percentile"] as? String ?? "?"
                let error = try #require(jsonDouble(row, "wsgi_error"))
                #expect(abs(error) <= 0.025, "concurrency \(concurrency) \(name): WSGI total-time error \(error)")
            }
        }
    }
}
