import Derivation
import Glibc
import History
import Reporters
import ScoreboardSources
import Testing

/// Reads the test process itself through the real /proc reader, as the collector reads Apache
/// and WSGI processes.
@Suite struct ProcessExpositionTests {
    func processMetrics(role: ProcessMetrics.Role, group: String? = nil, ticks: Int) throws -> [ProcessMetrics] {
        var reader = ProcessReader()
        var derivation = ProcessDerivation()
        let watched = [WatchedProcess(pid: getpid(), role: role, processGroup: group)]
        var metrics: [ProcessMetrics] = []
        for tick in 0..<ticks {
            metrics = derivation.derive(reader.read(pids: [getpid()]), watched: watched, intervalSeconds: tick == 0 ? nil : 1)
        }
        try #require(metrics.count == 1)
        return metrics
    }

    func render(processes: [ProcessMetrics], apacheUp: Bool = true, wsgi: WSGIExpositionInput? = nil) -> Exposition {
        let history = SampleHistory(capacity: 4, nominalIntervalSeconds: 1)
        var apache: ApacheMetrics? = nil
        if apacheUp {
            var timeline = ApacheTimeline()
            apache = timeline.tick()
        }
        let sample = DerivedSample(
            sequence: 1, wallTimeMicroseconds: ApacheTimeline.start, intervalSeconds: 1, apache: apache,
            apacheUnavailable: apacheUp ? nil : SourceUnavailable(kind: .absent, message: "stopped"), processes: processes)
        history.append(sample, events: [], completedDurations: [])
        return Exposition(PrometheusExposition.render(info: PrometheusExpositionTests.info, history: history, wsgi: wsgi))
    }

    @Test func apacheProcessesSummedByRole() throws {
        let metrics = try processMetrics(role: .apacheChild, ticks: 2)
        let exposition = render(processes: metrics + metrics)
        let rss = try #require(metrics[0].residentBytes)
        #expect(exposition["apache_process_resident_memory_bytes{role=\"child\"}"] == Double(rss * 2))
        #expect(exposition["apache_process_threads{role=\"child\"}"] == Double(metrics[0].threads * 2))
        #expect(exposition["apache_process_cpu_usage_cores{role=\"child\",mode=\"user\"}"] != nil)
        #expect(exposition["apache_process_resident_memory_bytes{role=\"parent\"}"] == nil)
    }

    @Test func firstReadingHasNoCPURate() throws {
        let metrics = try processMetrics(role: .apacheChild, ticks: 1)
        let exposition = render(processes: metrics)
        #expect(exposition.hasFamily("apache_process_resident_memory_bytes"))
        #expect(!exposition.hasFamily("apache_process_cpu_usage_cores"))
        #expect(!exposition.hasFamily("apache_process_context_switches_per_second"))
    }

    @Test func wsgiProcessesByGroup() throws {
        let metrics = try processMetrics(role: .wsgi, group: "app", ticks: 2)
        let exposition = render(processes: metrics, wsgi: WSGIExpositionInput(up: true))
        #expect(exposition["wsgi_process_threads{process_group=\"app\"}"] == Double(metrics[0].threads))
        #expect(!exposition.hasFamily("apache_process_threads"))
    }

    @Test func unavailableSourceHidesItsProcesses() throws {
        let apacheChild = try processMetrics(role: .apacheChild, ticks: 2)
        let wsgi = try processMetrics(role: .wsgi, group: "app", ticks: 2)
        let exposition = render(processes: apacheChild + wsgi, apacheUp: false, wsgi: WSGIExpositionInput(up: false))
        #expect(exposition.metricNames.filter { $0.hasPrefix("apache_") } == ["apache_up"])
        #expect(exposition.metricNames.filter { $0.hasPrefix("wsgi_") } == ["wsgi_up"])
    }
}
