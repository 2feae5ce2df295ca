/// The `wsgi_*` families: per process group, from the WSGI scoreboard.
enum WSGIExposition {
    static func families(_ input: WSGIExpositionInput?, buckets: HistogramBuckets) -> [MetricFamily] {
        guard let input else { return [] }

        var up = MetricFamily("wsgi_up", .gauge, help: "Whether the collector could read the WSGI scoreboard directory in the latest sample (1) or not (0).")
        up.add(input.up)
        guard input.up else { return [up] }

        var torn = MetricFamily("wsgi_torn_records_total", .counter, help: "WSGI thread records skipped since the collector started because a writer kept changing them during the copy.")
        torn.add(input.tornRecordsTotal)

        var processes = MetricFamily("wsgi_processes", .gauge, help: "WSGI processes per process group: live, and configured (processes= of WSGIDaemonProcess) when known.")
        var threads = MetricFamily("wsgi_threads", .gauge, help: "Request threads per process group: busy (inside a request) and total.")
        var utilisation = MetricFamily("wsgi_threads_utilisation_ratio", .gauge, help: "Busy threads divided by configured threads (processes x threads) of the process group.")
        var rate = MetricFamily("wsgi_requests_per_second", .gauge, help: "Requests completed per second over the latest sampling interval.")
        var requests = MetricFamily("wsgi_requests_total", .counter, help: "Requests completed since the collector started, by process group.")
        var responses = MetricFamily("wsgi_responses_total", .counter, help: "Requests completed since the collector started, by process group and status class; 5xx includes requests that never called start_response.")
        var exceptions = MetricFamily("wsgi_exceptions_total", .counter, help: "Requests whose application call, iteration or close raised, since the collector started.")
        var inFlight = MetricFamily("wsgi_requests_in_flight", .gauge, help: "Requests running now, by process group.")
        var oldest = MetricFamily("wsgi_oldest_request_in_flight_seconds", .gauge, help: "Age of the oldest request running now, by process group.")
        var application = MetricFamily("wsgi_application_time_seconds", .histogram, help: "Time inside the WSGI application per request, from the call to the close of its response.")
        var queue = MetricFamily("wsgi_queue_time_seconds", .histogram, help: "Time a request waited between Apache accepting it and a WSGI daemon thread starting it.")
        var total = MetricFamily("wsgi_total_time_seconds", .histogram, help: "Time per request from Apache accepting it to the close of the WSGI response.")

        for group in input.groups {
            let labels = [("process_group", group.processGroup), ("mode", group.mode)]
            processes.add(group.liveProcesses, labels: labels + [("state", "live")])
            processes.add(group.configuredProcesses, labels: labels + [("state", "configured")])
            threads.add(group.threadsBusy, labels: labels + [("state", "busy")])
            threads.add(group.threadsTotal, labels: labels + [("state", "total")])
            utilisation.add(group.utilisation, labels: labels)
            rate.add(group.requestsPerSecond, labels: labels)
            requests.add(group.requestsTotal, labels: labels)
            if let classes = group.statusClassTotals {
                for (index, count) in classes.enumerated() {
                    responses.add(count, labels: labels + [("status_class", "\(index + 1)xx")])
                }
            }
            exceptions.add(group.exceptionsTotal, labels: labels)
            inFlight.add(group.inFlight, labels: labels)
            oldest.add(group.oldestInFlightSeconds, labels: labels)
            HistogramSamples.add(group.applicationTime, labels: labels, buckets: buckets, to: &application)
            HistogramSamples.add(group.queueTime, labels: labels, buckets: buckets, to: &queue)
            HistogramSamples.add(group.totalTime, labels: labels, buckets: buckets, to: &total)
        }
        return [up, torn, processes, threads, utilisation, rate, requests, responses, exceptions, inFlight, oldest, application, queue, total]
    }
}

/// Writes one cumulative histogram as `_bucket`, `_sum` and `_count` samples.
enum HistogramSamples {
    static func add(
        _ histogram: WSGIExpositionInput.CumulativeHistogram?, labels: [(name: String, value: String)], buckets: HistogramBuckets,
        to family: inout MetricFamily
    ) {
        guard let histogram, let cumulative = buckets.cumulativeCounts(histogram.counts) else { return }
        for (index, bound) in buckets.bounds.enumerated() {
            family.add(cumulative[index], labels: labels + [("le", bound.label)], suffix: "_bucket")
        }
        let count = cumulative[cumulative.count - 1]
        family.add(count, labels: labels + [("le", "+Inf")], suffix: "_bucket")
        family.add(Double(histogram.sumMicroseconds) / 1e6, labels: labels, suffix: "_sum")
        family.add(count, labels: labels, suffix: "_count")
    }
}
