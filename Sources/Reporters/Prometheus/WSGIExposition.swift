/// The `wsgi_*` families: per process group, from the WSGI scoreboard.
///
/// Series carry only the `process_group` label, so a group keeps the same series whatever its
/// mode; `wsgi_process_group_info` gives the mode for joins.
enum WSGIExposition {
    static let statusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"]

    static func families(_ input: WSGIExpositionInput?, buckets: HistogramBuckets) -> [MetricFamily] {
        guard let input else { return [] }

        var up = MetricFamily("wsgi_up", .gauge, help: "Whether the collector could read the WSGI scoreboard directory in the latest sample (1) or not (0).")
        up.add(input.up)
        guard input.up else { return [up] }

        var skipped = MetricFamily(
            "wsgi_skipped_records_total", .counter,
            help: "WSGI records skipped since the collector started, because a writer kept changing them during the copy or abandoned them.")
        skipped.add(input.skippedRecordsTotal)

        return [up, skipped] + groupFamilies(input.groups) + histogramFamilies(input.histograms, buckets: buckets)
    }

    private static func groupFamilies(_ groups: [WSGIExpositionInput.Group]) -> [MetricFamily] {
        var info = MetricFamily("wsgi_process_group_info", .gauge, help: "Constant 1 per process group, labelled with its mode: daemon, embedded, standalone or unknown.")
        var processes = MetricFamily("wsgi_processes", .gauge, help: "WSGI processes per process group: live, and configured (processes= of WSGIDaemonProcess) when known.")
        var threads = MetricFamily("wsgi_threads", .gauge, help: "Request threads of the live processes per process group: busy (inside a request) and total.")
        var utilisation = MetricFamily("wsgi_threads_utilisation_ratio", .gauge, help: "Busy request threads divided by the request threads of the live processes.")
        var rate = MetricFamily("wsgi_requests_per_second", .gauge, help: "Requests completed per second over the latest sampling interval.")
        var responses = MetricFamily("wsgi_responses_per_second", .gauge, help: "Responses per second over the latest sampling interval, by status class; 5xx includes requests that never called start_response.")
        var requests = MetricFamily("wsgi_requests_total", .counter, help: "Requests completed since the collector started, by process group.")
        var exceptions = MetricFamily("wsgi_exceptions_total", .counter, help: "Requests whose application call, iteration or close raised, since the collector started.")
        var inFlight = MetricFamily("wsgi_requests_in_flight", .gauge, help: "Requests running now, by process group.")
        var oldest = MetricFamily("wsgi_oldest_request_in_flight_seconds", .gauge, help: "Age of the oldest request running now, by process group.")

        for group in groups {
            let labels = [(name: "process_group", value: group.processGroup)]
            info.add(1, labels: labels + [("mode", group.mode)])
            processes.add(group.liveProcesses, labels: labels + [("state", "live")])
            processes.add(group.configuredProcesses, labels: labels + [("state", "configured")])
            threads.add(group.threadsBusy, labels: labels + [("state", "busy")])
            threads.add(group.threadsTotal, labels: labels + [("state", "total")])
            utilisation.add(group.utilisation, labels: labels)
            rate.add(group.requestsPerSecond, labels: labels)
            if let perSecond = group.statusPerSecond {
                for (statusClass, value) in zip(statusClasses, perSecond) {
                    responses.add(value, labels: labels + [("status_class", statusClass)])
                }
            }
            requests.add(group.requestsTotal, labels: labels)
            exceptions.add(group.exceptionsTotal, labels: labels)
            inFlight.add(group.inFlight, labels: labels)
            oldest.add(group.oldestInFlightSeconds, labels: labels)
        }
        return [info, processes, threads, utilisation, rate, responses, requests, exceptions, inFlight, oldest]
    }

    private static func histogramFamilies(_ histograms: [WSGIExpositionInput.GroupHistograms], buckets: HistogramBuckets) -> [MetricFamily] {
        var application = MetricFamily("wsgi_application_time_seconds", .histogram, help: "Time inside the WSGI application per request, from the call to the close of its response.")
        var queue = MetricFamily("wsgi_queue_time_seconds", .histogram, help: "Time a request waited between Apache accepting it and a mod_wsgi thread starting it.")
        var total = MetricFamily("wsgi_total_time_seconds", .histogram, help: "Time per request from Apache accepting it to the close of the WSGI response.")
        for group in histograms {
            let labels = [(name: "process_group", value: group.processGroup)]
            HistogramSamples.add(group.application, labels: labels, buckets: buckets, to: &application)
            HistogramSamples.add(group.queue, labels: labels, buckets: buckets, to: &queue)
            HistogramSamples.add(group.total, labels: labels, buckets: buckets, to: &total)
        }
        return [application, queue, total]
    }
}

/// Writes one cumulative histogram as `_bucket`, `_sum` and `_count` samples.
enum HistogramSamples {
    static func add(
        _ histogram: WSGIExpositionInput.CumulativeHistogram, labels: [(name: String, value: String)], buckets: HistogramBuckets,
        to family: inout MetricFamily
    ) {
        guard let cumulative = buckets.cumulativeCounts(histogram.counts) else { return }
        for (index, bound) in buckets.bounds.enumerated() {
            family.add(cumulative[index], labels: labels + [("le", bound.label)], suffix: "_bucket")
        }
        let count = cumulative[cumulative.count - 1]
        family.add(count, labels: labels + [("le", "+Inf")], suffix: "_bucket")
        family.add(Double(histogram.sumMicroseconds) / 1e6, labels: labels, suffix: "_sum")
        family.add(count, labels: labels, suffix: "_count")
    }
}
