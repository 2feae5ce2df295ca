import History
import Reporters
import Testing

@Suite struct WSGIExpositionTests {
    func render(_ input: WSGIExpositionInput?) -> Exposition {
        var timeline = ApacheTimeline()
        timeline.tick()
        return Exposition(PrometheusExposition.render(info: PrometheusExpositionTests.info, history: timeline.history, wsgi: input))
    }

    @Test func histogramIsCumulativeWithSumAndCount() throws {
        let exposition = render(WSGISamples.input(groups: ["app"]))
        let labels = "process_group=\"app\""

        let buckets = exposition.series(named: "wsgi_application_time_seconds_bucket")
        #expect(buckets.count == HistogramBuckets.standard.bounds.count + 1)
        let counts = buckets.compactMap { exposition[$0] }
        #expect(counts == counts.sorted(), "bucket counts must not decrease with le")
        #expect(exposition["wsgi_application_time_seconds_bucket{\(labels),le=\"+Inf\"}"] == 4)
        #expect(exposition["wsgi_application_time_seconds_count{\(labels)}"] == 4)
        #expect(exposition["wsgi_application_time_seconds_sum{\(labels)}"] == 0.982)
        #expect(exposition.types["wsgi_application_time_seconds"] == "histogram")

        // 2 ms, 40 ms, 40 ms and 900 ms: three values up to the 50 ms bound, four up to 1 s.
        let bounds = HistogramBuckets.standard.bounds
        let fifty = try #require(bounds.first { abs($0.seconds - 0.05) < 0.001 })
        let second = try #require(bounds.first { abs($0.seconds - 1) < 0.02 })
        let oneMillisecond = try #require(bounds.first { abs($0.seconds - 0.001) < 0.0001 })
        #expect(exposition["wsgi_application_time_seconds_bucket{\(labels),le=\"\(fifty.label)\"}"] == 3)
        #expect(exposition["wsgi_application_time_seconds_bucket{\(labels),le=\"\(second.label)\"}"] == 4)
        #expect(exposition["wsgi_application_time_seconds_bucket{\(labels),le=\"\(oneMillisecond.label)\"}"] == 0)
    }

    @Test func groupsAndStatusClasses() {
        let exposition = render(WSGISamples.input())
        #expect(exposition["wsgi_up"] == 1)
        #expect(exposition["wsgi_process_group_info{process_group=\"app\",mode=\"daemon\"}"] == 1)
        #expect(exposition["wsgi_requests_total{process_group=\"reports\"}"] == 4)
        #expect(exposition["wsgi_exceptions_total{process_group=\"reports\"}"] == 1)
        #expect(exposition["wsgi_responses_per_second{process_group=\"app\",status_class=\"5xx\"}"] == 1)
        #expect(exposition["wsgi_responses_per_second{process_group=\"app\",status_class=\"2xx\"}"] == 3)
        #expect(exposition["wsgi_threads{process_group=\"app\",state=\"busy\"}"] == 3)
        #expect(exposition["wsgi_threads{process_group=\"app\",state=\"total\"}"] == 8)
        #expect(exposition["wsgi_threads_utilisation_ratio{process_group=\"app\"}"] == 0.375)
        #expect(exposition["wsgi_requests_in_flight{process_group=\"app\"}"] == 3)
        #expect(exposition["wsgi_oldest_request_in_flight_seconds{process_group=\"app\"}"] == 1.25)
        #expect(exposition.series(named: "wsgi_queue_time_seconds_count").count == 2)
    }

    @Test func histogramsOfExitedGroupsStay() {
        // A group whose processes all exited is no longer in the sample, but its counts are.
        let input = WSGIExpositionInput(up: true, groups: [], histograms: [WSGISamples.histograms("gone")])
        let exposition = render(input)
        #expect(exposition["wsgi_total_time_seconds_count{process_group=\"gone\"}"] == 4)
        #expect(!exposition.hasFamily("wsgi_requests_total"))
    }

    @Test func unavailableWSGIExportsOnlyUp() {
        let exposition = render(WSGIExpositionInput(up: false, groups: [WSGISamples.group("app")], histograms: [WSGISamples.histograms("app")]))
        #expect(exposition["wsgi_up"] == 0)
        #expect(exposition.metricNames.filter { $0.hasPrefix("wsgi_") } == ["wsgi_up"])
    }

    @Test func noWSGIInputExportsNothing() {
        let exposition = render(nil)
        #expect(exposition.metricNames.filter { $0.hasPrefix("wsgi_") }.isEmpty)
    }

    @Test func unknownValuesAbsent() {
        var group = WSGISamples.group("app")
        group.configuredProcesses = nil
        group.utilisation = nil
        group.statusPerSecond = nil
        group.requestsPerSecond = nil
        let exposition = render(WSGIExpositionInput(up: true, groups: [group]))
        #expect(exposition["wsgi_processes{process_group=\"app\",state=\"configured\"}"] == nil)
        #expect(exposition["wsgi_processes{process_group=\"app\",state=\"live\"}"] == 2)
        #expect(!exposition.hasFamily("wsgi_threads_utilisation_ratio"))
        #expect(!exposition.hasFamily("wsgi_responses_per_second"))
        #expect(!exposition.hasFamily("wsgi_requests_per_second"))
        #expect(!exposition.hasFamily("wsgi_application_time_seconds"))
        #expect(exposition["wsgi_requests_total{process_group=\"app\"}"] == 4)
    }

    @Test func wrongBucketCountSkipsHistogram() {
        let broken = WSGIExpositionInput.CumulativeHistogram(counts: [1, 2], sumMicroseconds: 3)
        var histograms = WSGISamples.histograms("app")
        histograms.queue = broken
        let exposition = render(WSGIExpositionInput(up: true, histograms: [histograms]))
        #expect(!exposition.hasFamily("wsgi_queue_time_seconds"))
        #expect(exposition.hasFamily("wsgi_total_time_seconds"))
    }

    @Test func labelValuesEscaped() {
        let exposition = render(WSGIExpositionInput(up: true, groups: [WSGISamples.group("we\"ird\\group\nname")]))
        #expect(exposition["wsgi_requests_total{process_group=\"we\\\"ird\\\\group\\nname\"}"] == 4)
    }
}
