import Foundation
import ScoreboardSources
import Testing
import TestSupport

/// mod_wsgi 6 passes its request stamps as float seconds instead of 4.x's µs strings. This
/// builds mod_wsgi 6.1.1 from PyPI against apache2-dev's apxs into a virtual environment under
/// .build (about 40 s, once) and serves the test app with it.
extension IntegrationSuite {
    @Suite struct WSGIModWSGI6IntegrationTests {
        static let version = "6.1.1"
        static let environment = ApacheInstance.repository.appendingPathComponent(".build/mod_wsgi-\(version)").path

        @Test func floatStampsGiveEveryPhase() throws {
            let module = try Self.buildModule()
            let segments = WSGISegmentDirectory()
            defer { segments.remove() }
            let apache = try ApacheInstance([
                "--wsgi-daemon", "app:1:2", "--wsgi-writer", segments.path, "--wsgi-module", module,
                "--wsgi-python-home", Self.environment,
            ])
            let collector = try CollectorProcess(apache: apache, wsgiDirectory: segments.path)
            try #require(collector.poll { wsgiGroup($0, "app").flatMap { jsonInt($0, "processes", "live") } == 1 } != nil)

            try apache.load("/app/sleep?seconds=0.01", count: 50, concurrency: 2)
            let counted = collector.poll { wsgiGroup($0, "app").flatMap { jsonInt($0, "requests_total") } == 50 }
            let app = try #require(counted.flatMap { wsgiGroup($0, "app") })
            let fiveMinutes = try #require((app["windows"] as? [[String: Any]])?.first { jsonDouble($0, "window_seconds") == 300 })
            guard case .snapshot(let snapshot) = WSGIScoreboardReader(directory: segments.path).read() else {
                Issue.record("WSGI segments unreadable")
                return
            }
            let counters = try #require(snapshot.processes.first { $0.isLive }).counters
            let truth = try AccessLog.durations(apache.accessLog, pathPrefix: "/app/")
            let meanTotal = try #require(jsonDouble(fiveMinutes, "total_time", "mean_seconds"))
            let meanLogged = truth.reduce(0, +) / Double(truth.count) / 1e6
            // Apache logs its version line, which names the loaded mod_wsgi, once it has started.
            let errorLog = try String(contentsOfFile: apache.directory + "/error.log", encoding: .utf8)

            #expect(errorLog.contains("mod_wsgi/\(Self.version)"))
            #expect(counters.malformedTimestamps == 0)
            #expect(counters.serverCount == 50)
            #expect(counters.queueCount == 50)
            #expect(counters.daemonCount == 50)
            #expect(counters.totalCount == 50)
            #expect(jsonInt(fiveMinutes, "total_time", "count") == 50)
            #expect(jsonInt(fiveMinutes, "queue_time", "count") == 50)
            #expect(jsonInt(app, "negative_phase_total") == 0)
            #expect(meanTotal >= 0.01)
            #expect(meanLogged - meanTotal > 0)
            #expect(meanLogged - meanTotal < 0.002)
        }

        /// Returns the path of mod_wsgi 6's Apache module, building it first when it is missing.
        static func buildModule() throws -> String {
            let marker = environment + "/.installed"
            if !FileManager.default.fileExists(atPath: marker) {
                try? FileManager.default.removeItem(atPath: environment)
                try run("/usr/bin/python3", ["-m", "venv", environment])
                let install = try Subprocess.run(environment + "/bin/pip", ["install", "-q", "mod_wsgi==\(version)"])
                guard install.status == 0 else {
                    throw ApacheInstance.InstanceError.message(
                        "pip install mod_wsgi==\(version) failed (it needs apxs from apache2-dev and access to PyPI):\n\(install.output)")
                }
                _ = FileManager.default.createFile(atPath: marker, contents: nil)
            }
            return try run(environment + "/bin/mod_wsgi-express", ["module-location"]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}
