import Foundation
import Testing
import TestSupport

/// Checks the Prometheus configuration and rules in docs/fleet.md with promtool, and runs
/// `promtool test rules` on synthetic series so the PromQL computes what the document states.
@Suite struct FleetDocumentationTests {
    static let fleet = PrometheusLiveTests.root.appendingPathComponent("docs/fleet.md")

    /// Returns the YAML blocks of docs/fleet.md whose first line is `# file: NAME`, by name.
    static func files() throws -> [String: String] {
        let text = try String(contentsOf: fleet, encoding: .utf8)
        var files: [String: String] = [:]
        for block in text.components(separatedBy: "```yaml\n").dropFirst() {
            guard let end = block.range(of: "```") else { continue }
            let body = String(block[..<end.lowerBound])
            let firstLine = body.prefix { $0 != "\n" }
            guard firstLine.hasPrefix("# file: ") else { continue }
            files[String(firstLine.dropFirst("# file: ".count))] = body
        }
        return files
    }

    /// Writes the blocks and `extra` files into a new directory and runs `command` there.
    func run(_ command: String, extra: [String: String] = [:]) throws -> Subprocess.Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reporters-fleet-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("targets"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, body) in try Self.files().merging(extra, uniquingKeysWith: { $1 }) {
            try body.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try "[]".write(to: directory.appendingPathComponent("targets/scoreboard-collector.json"), atomically: true, encoding: .utf8)
        return try Subprocess.run("/bin/sh", ["-c", "cd '\(directory.path)' && \(command)"])
    }

    @Test func documentHasBothFiles() throws {
        #expect(Set(try Self.files().keys) == ["prometheus.yml", "scoreboard-collector.rules.yml"])
    }

    @Test func configurationPassesPromtool() throws {
        let result = try run("/usr/bin/promtool check config prometheus.yml")
        #expect(result.status == 0, "promtool check config: \(result.output)")
    }

    @Test func rulesPassPromtool() throws {
        let result = try run("/usr/bin/promtool check rules scoreboard-collector.rules.yml")
        #expect(result.status == 0, "promtool check rules: \(result.output)")
        #expect(result.output.contains("SUCCESS"), "\(result.output)")
    }

    @Test func rulesComputeOnSyntheticSeries() throws {
        let result = try run("/usr/bin/promtool test rules rules-test.yml", extra: ["rules-test.yml": Self.ruleTests])
        #expect(result.status == 0, "promtool test rules: \(result.output)")
    }

    /// Two hosts of one cluster: web1 completes every WSGI request within 0.1007 s, web2 between
    /// 0.5026 s and 1.018 s, 10 requests per 15 s each. Half the fleet's requests are within
    /// 500 ms, and the fleet p95 interpolates inside (0.5026, 1.018]:
    /// 0.5026 + (19 − 10) ÷ 10 × (1.018 − 0.5026) = 0.96646.
    static let ruleTests = """
        rule_files:
          - scoreboard-collector.rules.yml
        evaluation_interval: 15s
        tests:
          - interval: 15s
            input_series:
              - series: 'wsgi_total_time_seconds_bucket{cluster="shop",instance="web1",process_group="app",le="0.1007"}'
                values: '0+10x100'
              - series: 'wsgi_total_time_seconds_bucket{cluster="shop",instance="web1",process_group="app",le="0.5026"}'
                values: '0+10x100'
              - series: 'wsgi_total_time_seconds_bucket{cluster="shop",instance="web1",process_group="app",le="1.018"}'
                values: '0+10x100'
              - series: 'wsgi_total_time_seconds_bucket{cluster="shop",instance="web1",process_group="app",le="+Inf"}'
                values: '0+10x100'
              - series: 'wsgi_total_time_seconds_count{cluster="shop",instance="web1",process_group="app"}'
                values: '0+10x100'
              - series: 'wsgi_total_time_seconds_bucket{cluster="shop",instance="web2",process_group="app",le="0.1007"}'
                values: '0x100'
              - series: 'wsgi_total_time_seconds_bucket{cluster="shop",instance="web2",process_group="app",le="0.5026"}'
                values: '0x100'
              - series: 'wsgi_total_time_seconds_bucket{cluster="shop",instance="web2",process_group="app",le="1.018"}'
                values: '0+10x100'
              - series: 'wsgi_total_time_seconds_bucket{cluster="shop",instance="web2",process_group="app",le="+Inf"}'
                values: '0+10x100'
              - series: 'wsgi_total_time_seconds_count{cluster="shop",instance="web2",process_group="app"}'
                values: '0+10x100'
            promql_expr_test:
              - expr: round(cluster_process_group:wsgi_total_time_within_500ms:ratio_rate5m, 0.001)
                eval_time: 6m
                exp_samples:
                  - labels: '{cluster="shop",process_group="app"}'
                    value: 0.5
              - expr: round(cluster_process_group:wsgi_total_time_seconds:p95_5m, 0.0001)
                eval_time: 6m
                exp_samples:
                  - labels: '{cluster="shop",process_group="app"}'
                    value: 0.9665
            alert_rule_test:
              - eval_time: 20m
                alertname: WSGILatencySLOBreached
                exp_alerts:
                  - exp_labels: { severity: warning, cluster: shop, process_group: app }
                    exp_annotations:
                      summary: "only 50% of app requests in shop finish within 500 ms"

          - interval: 1m
            input_series:
              - series: 'apache_up{instance="web1",job="scoreboard-collector"}'
                values: '1 1 0 0 0 0 0'
              - series: 'apache_up{instance="web2",job="scoreboard-collector"}'
                values: '1 1 1 1 1 1 1'
            alert_rule_test:
              - eval_time: 3m
                alertname: ApacheDown
              - eval_time: 5m
                alertname: ApacheDown
                exp_alerts:
                  - exp_labels: { severity: critical, instance: web1, job: scoreboard-collector }
                    exp_annotations:
                      summary: "Apache scoreboard on web1 is unreadable; GET /health on the collector gives the reason"

          - interval: 1m
            input_series:
              - series: 'apache_up{instance="web1"}'
                values: '1x20'
              - series: 'apache_up{instance="web2"}'
                values: '1x20'
              - series: 'apache_accesses_total{instance="web2"}'
                values: '0+100x20'
            alert_rule_test:
              - eval_time: 15m
                alertname: ApacheRequestCountersMissing
                exp_alerts:
                  - exp_labels: { severity: info, instance: web1 }
                    exp_annotations:
                      summary: "Apache on web1 runs without ExtendedStatus; set ExtendedStatus On"

          - interval: 1m
            input_series:
              - series: 'wsgi_threads_utilisation_ratio{instance="web1",process_group="app"}'
                values: '0.5 0.5 1x15'
              - series: 'wsgi_threads_utilisation_ratio{instance="web1",process_group="reports"}'
                values: '0.5x17'
            alert_rule_test:
              - eval_time: 5m
                alertname: WSGIProcessGroupAtCapacity
              - eval_time: 15m
                alertname: WSGIProcessGroupAtCapacity
                exp_alerts:
                  - exp_labels: { severity: warning, instance: web1, process_group: app }
                    exp_annotations:
                      summary: "WSGI group app on web1 has 100% of its threads busy"
        """
}
