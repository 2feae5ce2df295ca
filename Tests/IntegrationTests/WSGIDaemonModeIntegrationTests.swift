import Foundation
import ScoreboardSources
import Testing
import TestSupport

/// The WSGI scoreboard end to end: Debian's mod_wsgi with the Python writer loaded through
/// WSGIImportScript, the collector daemon, and its /v1/metrics JSON.
extension IntegrationSuite {
    @Suite struct WSGIDaemonModeIntegrationTests {
        @Test func twoGroupsCountExactRequests() throws {
            let segments = WSGISegmentDirectory()
            defer { segments.remove() }
            let apache = try ApacheInstance(["--wsgi-daemon", "big:2:4", "--wsgi-daemon", "small:1:2", "--wsgi-writer", segments.path])
            let collector = try CollectorProcess(apache: apache, wsgiDirectory: segments.path)
            let ready = collector.poll {
                wsgiGroup($0, "big").flatMap { jsonInt($0, "processes", "live") } == 2
                    && wsgiGroup($0, "small").flatMap { jsonInt($0, "processes", "live") } == 1
            }
            try #require(ready != nil, "both daemon groups listed with their live processes")

            try apache.load("/big/hello", count: 240, concurrency: 8)
            try apache.load("/small/hello", count: 130, concurrency: 2)
            let counted = collector.poll {
                (wsgiGroup($0, "big").flatMap { jsonInt($0, "requests_total") } ?? 0) >= 240
                    && (wsgiGroup($0, "small").flatMap { jsonInt($0, "requests_total") } ?? 0) >= 130
            }
            let document = try #require(counted)
            let big = try #require(wsgiGroup(document, "big"))
            let small = try #require(wsgiGroup(document, "small"))

            #expect(jsonInt(big, "requests_total") == 240)
            #expect(jsonInt(small, "requests_total") == 130)
            #expect(big["mode"] as? String == "daemon")
            #expect(jsonInt(big, "processes", "live") == 2)
            #expect(jsonInt(big, "processes", "configured") == 2)
            #expect(jsonInt(big, "threads", "total") == 8)
            #expect(jsonInt(small, "processes", "live") == 1)
            #expect(jsonInt(small, "processes", "configured") == 1)
            #expect(jsonInt(small, "threads", "total") == 2)
            #expect(jsonInt(big, "negative_phase_total") == 0)
            #expect(jsonValue(document, "wsgi", "up") as? Bool == true)
        }

        @Test func slowRequestsFillEveryThread() throws {
            let segments = WSGISegmentDirectory()
            defer { segments.remove() }
            let apache = try ApacheInstance(["--wsgi-daemon", "big:2:4", "--wsgi-writer", segments.path])
            let collector = try CollectorProcess(apache: apache, wsgiDirectory: segments.path)
            try #require(collector.poll { wsgiGroup($0, "big").flatMap { jsonInt($0, "processes", "live") } == 2 } != nil)

            let requests = try (0..<8).map { _ in try apache.startRequest("/big/sleep?seconds=2") }
            defer { for pid in requests { Subprocess.wait(pid) } }
            let saturated = collector.poll(within: 1.8) { wsgiGroup($0, "big").flatMap { jsonInt($0, "threads", "busy") } == 8 }
            let big = try #require(saturated.flatMap { wsgiGroup($0, "big") })

            #expect(jsonInt(big, "threads", "busy") == 8)
            #expect(jsonInt(big, "threads", "total") == 8)
            #expect(jsonDouble(big, "utilisation") == 1.0)
            #expect(jsonInt(big, "in_flight", "count") == 8)
            #expect((jsonDouble(big, "in_flight", "oldest_age_seconds") ?? -1) >= 0)
        }

        /// 12 one-second requests on 8 threads: 4 of them wait about 1 s for a thread, measured
        /// from `queue_start` (the Apache child hands the request to the daemon) to `daemon_start`.
        @Test func requestsBeyondThreadsShowQueueTime() throws {
            let segments = WSGISegmentDirectory()
            defer { segments.remove() }
            let apache = try ApacheInstance(["--wsgi-daemon", "big:2:4", "--wsgi-writer", segments.path])
            let collector = try CollectorProcess(apache: apache, wsgiDirectory: segments.path)
            try #require(collector.poll { wsgiGroup($0, "big").flatMap { jsonInt($0, "processes", "live") } == 2 } != nil)

            let requests = try (0..<12).map { _ in try apache.startRequest("/big/sleep?seconds=1") }
            for pid in requests { #expect(Subprocess.wait(pid) == 0) }
            let finished = collector.poll { wsgiGroup($0, "big").flatMap { jsonInt($0, "requests_total") } == 12 }
            let big = try #require(finished.flatMap { wsgiGroup($0, "big") })
            let fiveMinutes = try #require(window(big, seconds: 300))
            let p50 = try #require(jsonDouble(fiveMinutes, "queue_time", "p50_seconds"))
            let p99 = try #require(jsonDouble(fiveMinutes, "queue_time", "p99_seconds"))

            #expect(jsonInt(fiveMinutes, "queue_time", "count") == 12)
            #expect(p99 > 0.5)
            #expect(p99 < 1.5)
            #expect(p50 < 0.1)
            #expect((jsonDouble(fiveMinutes, "queue_time", "mean_seconds") ?? 0) > 0.1)
        }

        @Test func embeddedModeCountsExactRequests() throws {
            let segments = WSGISegmentDirectory()
            defer { segments.remove() }
            let apache = try ApacheInstance(["--mpm", "prefork", "--wsgi-embedded", "--wsgi-writer", segments.path])
            let collector = try CollectorProcess(apache: apache, wsgiDirectory: segments.path)
            try #require(collector.poll { wsgiGroup($0, "(embedded)") != nil } != nil)

            try apache.load("/app/hello", count: 150, concurrency: 4)
            let counted = collector.poll { (wsgiGroup($0, "(embedded)").flatMap { jsonInt($0, "requests_total") } ?? 0) >= 150 }
            let embedded = try #require(counted.flatMap { wsgiGroup($0, "(embedded)") })

            #expect(jsonInt(embedded, "requests_total") == 150)
            #expect(embedded["mode"] as? String == "embedded")
            #expect(embedded["processes"].flatMap { jsonValue($0, "configured") } is NSNull)
            #expect((jsonInt(embedded, "processes", "live") ?? 0) >= 1)
        }

        /// The WSGI total time runs from `mod_wsgi.request_start` (Apache's r->request_time, when
        /// the request line was read) to the close of the response iterable in the WSGI process.
        /// Apache's %D runs from the same r->request_time to the moment the access log line is
        /// written, after the response went back from the daemon through the Apache child. %D
        /// therefore exceeds the total time by a hand-back offset. On an idle 2-core Debian 12 host
        /// with mod_wsgi 4.9.4 it measured 0.3–0.4 ms per request: 6 % of a 5 ms request, 0.6 % of
        /// 50 ms and 0.08 % of 500 ms. That is why no percentile here falls on the 5 ms requests.
        ///
        /// A histogram midpoint may itself be up to 1.98 % from the value. A 500 ms request takes
        /// 502–505 ms, next to the bucket edge at 502.4 ms, where the midpoint is 1.9 % off before
        /// the offset adds to it. The target is 2 %, and 2.5 % is enforced for p50 and p95.
        @Test func totalTimePercentilesMatchAccessLog() throws {
            let segments = WSGISegmentDirectory()
            defer { segments.remove() }
            let apache = try ApacheInstance(["--wsgi-daemon", "big:2:4", "--wsgi-writer", segments.path])
            let collector = try CollectorProcess(apache: apache, wsgiDirectory: segments.path)
            try #require(collector.poll { wsgiGroup($0, "big").flatMap { jsonInt($0, "processes", "live") } == 2 } != nil)

            // Ranks 1–90 are 5 ms, 91–180 are 50 ms and 181–200 are 500 ms, so p50 (rank 100),
            // p95 (rank 190) and p99 (rank 198) fall inside a block, never on its edge.
            try apache.load("/big/sleep?seconds=0.005", count: 90, concurrency: 4)
            try apache.load("/big/sleep?seconds=0.05", count: 90, concurrency: 4)
            try apache.load("/big/sleep?seconds=0.5", count: 20, concurrency: 4)
            let finished = collector.poll { wsgiGroup($0, "big").flatMap { jsonInt($0, "requests_total") } == 200 }
            let big = try #require(finished.flatMap { wsgiGroup($0, "big") })
            let fiveMinutes = try #require(window(big, seconds: 300))
            let truth = try AccessLog.durations(apache.accessLog, pathPrefix: "/big/")
            try #require(truth.count == 200)
            #expect(jsonInt(fiveMinutes, "total_time", "count") == 200)

            let meanTotal = try #require(jsonDouble(fiveMinutes, "total_time", "mean_seconds"))
            let offset = truth.reduce(0, +) / Double(truth.count) / 1e6 - meanTotal
            #expect(offset > 0)
            #expect(offset < 0.005)

            for (key, quantile) in [("p50_seconds", 0.50), ("p95_seconds", 0.95), ("p99_seconds", 0.99)] {
                let measured = try #require(jsonDouble(fiveMinutes, "total_time", key))
                let logged = try #require(nearestRank(truth, quantile)) / 1e6
                let context = "\(key): collector \(measured) s, access log \(logged) s, mean offset \(offset) s"
                // Every total time ends before its %D does, so a quantile is at most one bucket
                // midpoint error above the access log's.
                #expect(measured <= logged * 1.04.squareRoot(), "\(context)")
                // p99 is rank 198 of 200: one request that waited for a CPU after close()
                // moves the access log's p99 and not the total time, so it has no lower bound.
                if key != "p99_seconds" {
                    #expect(relativeError(measured, logged) <= 0.025, "\(context)")
                }
            }
        }

        /// One sample of a saturated daemon group behind a mostly idle Apache: utilisation is
        /// reported per group, never as one blended daemon figure.
        @Test func saturatedGroupBehindIdleApache() throws {
            let segments = WSGISegmentDirectory()
            defer { segments.remove() }
            let apache = try ApacheInstance([
                "--mpm", "event", "--server-limit", "6", "--threads-per-child", "25", "--max-request-workers", "150",
                "--wsgi-daemon", "app:2:5", "--wsgi-daemon", "admin:1:5", "--wsgi-writer", segments.path,
            ])
            let collector = try CollectorProcess(
                apache: apache, wsgiDirectory: segments.path, extraArguments: ["--apache-config", apache.directory + "/httpd.conf"])
            try #require(
                collector.poll {
                    wsgiGroup($0, "app").flatMap { jsonInt($0, "processes", "live") } == 2
                        && wsgiGroup($0, "admin").flatMap { jsonInt($0, "processes", "live") } == 1
                } != nil)

            // 20 requests on 10 threads: 10 run and 10 wait for a daemon thread, all 20 hold an
            // Apache worker.
            let requests = try (0..<20).map { _ in try apache.startRequest("/app/sleep?seconds=3") }
            defer { for pid in requests { Subprocess.wait(pid) } }
            let saturated = collector.poll(within: 2.5) {
                wsgiGroup($0, "app").flatMap { jsonInt($0, "threads", "busy") } == 10
                    && (jsonInt($0, "apache", "workers", "busy") ?? 0) >= 20
            }
            let document = try #require(saturated)
            let app = try #require(wsgiGroup(document, "app"))
            let admin = try #require(wsgiGroup(document, "admin"))
            let busy = try #require(jsonInt(document, "apache", "workers", "busy"))
            let apacheUtilisation = try #require(jsonDouble(document, "apache", "capacity", "utilisation"))

            #expect(jsonDouble(app, "utilisation") == 1.0)
            #expect(jsonInt(app, "threads", "total") == 10)
            #expect(jsonDouble(admin, "utilisation") == 0.0)
            #expect(jsonInt(admin, "threads", "total") == 5)
            #expect(jsonInt(document, "apache", "capacity", "max_request_workers") == 150)
            #expect(abs(apacheUtilisation - Double(busy) / 150) < 1e-9)
            #expect(apacheUtilisation < 0.2)
        }

        @Test func killedDaemonProcessIsNotLive() throws {
            let segments = WSGISegmentDirectory()
            defer { segments.remove() }
            let apache = try ApacheInstance(["--wsgi-daemon", "app:2:2", "--wsgi-writer", segments.path])
            let collector = try CollectorProcess(apache: apache, wsgiDirectory: segments.path)
            try #require(collector.poll { wsgiGroup($0, "app").flatMap { jsonInt($0, "processes", "live") } == 2 } != nil)

            let request = try apache.startRequest("/app/sleep?seconds=20")
            defer {
                kill(request, SIGTERM)
                Subprocess.wait(request)
            }
            try #require(collector.poll { wsgiGroup($0, "app").flatMap { jsonInt($0, "threads", "busy") } == 1 } != nil)
            let reader = WSGIScoreboardReader(directory: segments.path)
            guard case .snapshot(let snapshot) = reader.read() else { Issue.record("WSGI segments unreadable"); return }
            let serving = try #require(snapshot.processes.first { $0.isLive && $0.busyThreads == 1 })
            let since = Int(Date().timeIntervalSince1970) - 1

            kill(serving.pid, SIGKILL)
            // mod_wsgi restarts the process within about a second, so a sample may or may not fall
            // between the exit and the restart. Every sample taken meanwhile is checked.
            var samples: [[String: Any]] = []
            let deadline = Date().addingTimeInterval(6)
            while Date() < deadline {
                if let app = try? collector.wsgiGroup("app") { samples.append(app) }
                if let last = samples.last, jsonInt(last, "processes", "live") == 2, jsonInt(last, "threads", "busy") == 0 { break }
                Thread.sleep(forTimeInterval: 0.2)
            }
            let events = try collector.json("/v1/events?since=\(since)")["events"] as? [[String: Any]] ?? []
            let app = try #require(samples.last)

            for sample in samples where jsonInt(sample, "processes", "live") == 1 {
                #expect(jsonInt(sample, "threads", "busy") == 0)
                #expect(jsonInt(sample, "in_flight", "count") == 0)
                #expect(jsonInt(sample, "threads", "total") == 2)
            }
            #expect(jsonInt(app, "processes", "live") == 2)
            #expect(jsonInt(app, "threads", "busy") == 0)
            #expect(jsonInt(app, "in_flight", "count") == 0)
            #expect(jsonInt(app, "threads", "total") == 4)
            #expect(events.contains { $0["kind"] as? String == "stop" && jsonInt($0, "pid") == Int(serving.pid) })
            #expect(events.contains { $0["kind"] as? String == "start" && $0["source"] as? String == "wsgi:app" })
            guard case .snapshot(let after) = reader.read() else { Issue.record("WSGI segments unreadable"); return }
            #expect(after.processes.first { $0.pid == serving.pid }?.isLive != true)
            #expect(after.processes.filter(\.isLive).count == 2)
        }

        private func window(_ group: [String: Any], seconds: Double) -> [String: Any]? {
            (group["windows"] as? [[String: Any]])?.first { jsonDouble($0, "window_seconds") == seconds }
        }
    }
}
