import Derivation
import History
import Reporters
import ScoreboardSources
import Testing

@Suite struct PrometheusExpositionTests {
    static let info = CollectorInfo(
        version: "9.8.7-test", nominalIntervalSeconds: 1, historyCapacity: 100, startedAtMicroseconds: ApacheTimeline.start)

    func render(_ timeline: ApacheTimeline, wsgi: WSGIExpositionInput? = nil) -> Exposition {
        Exposition(PrometheusExposition.render(info: Self.info, history: timeline.history, wsgi: wsgi))
    }

    @Test func contentTypeIsVersion004() {
        #expect(PrometheusExposition.contentType == "text/plain; version=0.0.4; charset=utf-8")
    }

    @Test func workersAndStatesFromDerivation() throws {
        var timeline = ApacheTimeline()
        timeline.tick()
        timeline.tick(requests: 7, busy: 3)

        let exposition = render(timeline)

        #expect(exposition["apache_up"] == 1)
        #expect(exposition["apache_workers{state=\"busy\"}"] == 3)
        #expect(exposition["apache_workers{state=\"idle\"}"] == 5)
        #expect(exposition["apache_scoreboard{state=\"reply\"}"] == 3)
        #expect(exposition["apache_scoreboard{state=\"idle\"}"] == 5)
        #expect(exposition["apache_scoreboard{state=\"open_slot\"}"] == 0)
        #expect(exposition["apache_processes{state=\"all\"}"] == 2)
        #expect(exposition["apache_processes{state=\"stopping\"}"] == 0)
        #expect(exposition["apache_generation{type=\"mpm\"}"] == 0)
        #expect(exposition["apache_threads_started"] == 8)
        #expect(exposition["apache_requests_in_flight"] == 3)
        #expect(exposition["apache_oldest_request_in_flight_seconds"] == 0.5)
        #expect(exposition["apache_uptime_seconds_total"] != nil)
        #expect(exposition["apache_parent{state=\"running\"}"] == 1)
        #expect(exposition["apache_parent{state=\"gone\"}"] == 0)
        #expect(exposition["scoreboard_collector_samples_total"] == 2)
        #expect(exposition["scoreboard_collector_build_info{version=\"9.8.7-test\"}"] == 1)
        #expect(exposition["scoreboard_collector_history_samples"] == 2)
    }

    @Test func gracefulWorkersOfStoppingProcess() {
        var timeline = ApacheTimeline()
        timeline.tick(busy: 1, graceful: 2, quiescing: true)
        let exposition = render(timeline)
        // mod_status counts no worker of a stopping process as busy or idle.
        #expect(exposition["apache_workers{state=\"busy\"}"] == 1)
        #expect(exposition["apache_workers_graceful"] == 0)
        #expect(exposition["apache_workers_gracefully_finishing"] == 2)
        #expect(exposition["apache_scoreboard{state=\"graceful_stop\"}"] == 2)
        #expect(exposition["apache_processes{state=\"stopping\"}"] == 1)
    }

    @Test func gracefulWorkersOfRunningProcess() {
        var timeline = ApacheTimeline()
        timeline.tick(graceful: 2)
        let exposition = render(timeline)
        #expect(exposition["apache_workers{state=\"busy\"}"] == 2)
        #expect(exposition["apache_workers_graceful"] == 2)
        #expect(exposition["apache_workers_gracefully_finishing"] == 2)
        #expect(exposition["apache_processes{state=\"stopping\"}"] == 0)
    }

    @Test func scoreboardStatesCoverEveryRecord() {
        var timeline = ApacheTimeline()
        timeline.tick(busy: 2)
        let exposition = render(timeline)
        let states = exposition.series(named: "apache_scoreboard")
        #expect(states.count == WorkerStatus.count)
        #expect(states.compactMap { exposition[$0] }.reduce(0, +) == 8)
    }

    @Test func countersAndRates() {
        var timeline = ApacheTimeline()
        timeline.tick()
        timeline.tick(requests: 10, bytesPerRequest: 500, requestMicroseconds: 20_000)

        let exposition = render(timeline)

        #expect(exposition["apache_accesses_total"] == 10)
        #expect(exposition["apache_sent_bytes_total"] == 5000)
        #expect(exposition["apache_requests_per_second"] == 10)
        #expect(exposition["apache_sent_bytes_per_second"] == 5000)
        #expect(exposition["apache_response_time_mean_seconds"] == 0.02)
        #expect(exposition.types["apache_accesses_total"] == "counter")
        #expect(exposition.types["apache_requests_per_second"] == "gauge")
    }

    @Test func countersMonotonicAcrossHardRestart() {
        var timeline = ApacheTimeline()
        timeline.tick()
        var totals: [Double] = []
        for requests: UInt64 in [10, 20] {
            timeline.tick(requests: requests)
            totals.append(render(timeline)["apache_accesses_total"] ?? -1)
        }
        timeline.hardRestart()
        let restarted = timeline.tick(requests: 5)
        totals.append(render(timeline)["apache_accesses_total"] ?? -1)
        timeline.tick(requests: 4)
        let exposition = render(timeline)
        totals.append(exposition["apache_accesses_total"] ?? -1)

        // The scoreboard's own sum fell back to the requests since the restart …
        #expect(restarted.accessCountSum == 5)
        #expect(restarted.restart == .hard)
        // … but the exported counter keeps growing.
        #expect(totals == [10, 30, 35, 39])
        #expect(exposition["apache_sent_bytes_total"] == 39_000)
        #expect(exposition["apache_restarts_total{type=\"hard\"}"] == 1)
        #expect(exposition["apache_restarts_total{type=\"graceful\"}"] == 0)
    }

    @Test func gracefulRestartCounted() {
        var timeline = ApacheTimeline()
        timeline.tick(requests: 1)
        timeline.gracefulRestart()
        timeline.tick(requests: 1)
        let exposition = render(timeline)
        #expect(exposition["apache_restarts_total{type=\"graceful\"}"] == 1)
        #expect(exposition["apache_generation{type=\"mpm\"}"] == 1)
    }

    @Test func unavailableApacheExportsOnlyUp() {
        var timeline = ApacheTimeline()
        timeline.tick(requests: 3, busy: 1)
        timeline.tickUnavailable()

        let exposition = render(timeline)

        #expect(exposition["apache_up"] == 0)
        let apacheNames = exposition.metricNames.filter { $0.hasPrefix("apache_") }
        #expect(apacheNames == ["apache_up"])
        #expect(exposition["scoreboard_collector_samples_total"] == 2)
    }

    @Test func noSampleYetExportsCollectorOnly() {
        let timeline = ApacheTimeline()
        let exposition = render(timeline)
        #expect(exposition.metricNames.allSatisfy { $0.hasPrefix("scoreboard_collector_") })
        #expect(exposition["scoreboard_collector_samples_total"] == 0)
        #expect(exposition["scoreboard_collector_last_sample_time_seconds"] == nil)
        #expect(!exposition.hasFamily("scoreboard_collector_last_sample_time_seconds"))
    }

    @Test func extendedStatusOffDropsCounters() {
        var timeline = ApacheTimeline(extendedStatus: false)
        timeline.tick()
        let metrics = timeline.tick(requests: 4, busy: 2)
        #expect(metrics.countersUnavailableReason != nil)

        let exposition = render(timeline)

        for name in [
            "apache_accesses_total", "apache_sent_bytes_total", "apache_requests_per_second", "apache_sent_bytes_per_second",
            "apache_response_time_mean_seconds", "apache_requests_in_flight", "apache_oldest_request_in_flight_seconds",
            "apache_sampled_response_time_seconds",
        ] {
            #expect(!exposition.hasFamily(name), "\(name) must be absent with ExtendedStatus off")
            #expect(exposition.series(named: name).isEmpty, "\(name) must be absent with ExtendedStatus off")
        }
        #expect(exposition["apache_workers{state=\"busy\"}"] == 2)
        #expect(exposition["apache_up"] == 1)
    }

    @Test func unknownCapacityDropsCapacitySeries() {
        var timeline = ApacheTimeline(capacity: .unknown)
        timeline.tick(busy: 2)
        let exposition = render(timeline)
        for name in ["apache_max_request_workers", "apache_threads_per_child", "apache_workers_utilisation_ratio", "apache_threads_not_yet_started"] {
            #expect(!exposition.hasFamily(name), "\(name) must be absent when MaxRequestWorkers is unknown")
        }
        // Started-thread utilisation needs no configuration.
        #expect(exposition["apache_started_threads_utilisation_ratio"] == 0.25)
    }

    @Test func knownCapacityGivesUtilisation() {
        var timeline = ApacheTimeline(capacity: CapacityLimits(maxRequestWorkers: 20, threadsPerChild: 4, source: "test"))
        timeline.tick(busy: 5)
        let exposition = render(timeline)
        #expect(exposition["apache_max_request_workers"] == 20)
        #expect(exposition["apache_threads_per_child"] == 4)
        #expect(exposition["apache_workers_utilisation_ratio"] == 0.25)
        #expect(exposition["apache_threads_not_yet_started"] == 12)
    }

    @Test func sampledResponseTimeQuantiles() {
        var timeline = ApacheTimeline()
        timeline.tick()
        timeline.tick(requests: 1, requestMicroseconds: 10_000)
        let exposition = render(timeline)
        // The one completed request visible in the slot took stop − start = 10 ms.
        #expect(exposition["apache_sampled_response_time_seconds{window=\"60s\",percentile=\"50\"}"] == 0.01)
        #expect(exposition["apache_sampled_response_time_seconds{window=\"300s\",percentile=\"99\"}"] == 0.01)
    }

    @Test func everyFamilyHasHelpAndType() {
        var timeline = ApacheTimeline(capacity: CapacityLimits(maxRequestWorkers: 20, threadsPerChild: 4, source: "test"))
        timeline.tick()
        timeline.tick(requests: 3, busy: 1)
        let exposition = render(timeline, wsgi: WSGISamples.input())

        for name in exposition.metricNames {
            let family = ["_bucket", "_sum", "_count"].reduce(name) { family, suffix in
                exposition.types[family] == nil && family.hasSuffix(suffix) ? String(family.dropLast(suffix.count)) : family
            }
            #expect(exposition.types[family] != nil, "no TYPE for \(name)")
            #expect(!(exposition.helps[family] ?? "").isEmpty, "no HELP for \(name)")
        }
        for (name, type) in exposition.types where type == "counter" {
            #expect(name.hasSuffix("_total"), "counter \(name) must end in _total")
        }
    }

    @Test func seriesAreUnique() {
        var timeline = ApacheTimeline()
        timeline.tick(requests: 1, busy: 1)
        let exposition = render(timeline, wsgi: WSGISamples.input())
        #expect(Set(exposition.series).count == exposition.series.count)
    }
}
