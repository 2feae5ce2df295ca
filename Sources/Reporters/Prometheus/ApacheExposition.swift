import Derivation
import History
import ScoreboardSources

/// The `apache_*` families of the Prometheus exposition.
///
/// Names, label values and meanings follow prometheus-apache-exporter 0.12 where the value
/// is the same quantity, so its dashboards and alerts keep working. Only `apache_up` is
/// written while the scoreboard is unavailable. Request and byte counters are written only
/// while ExtendedStatus is known to be on, and capacity families only while MaxRequestWorkers
/// is known.
enum ApacheExposition {
    /// Windows of the sampled response-time quantiles, in seconds.
    static let responseTimeWindowSeconds: [Double] = [60, 300]

    static func families(latest sample: DerivedSample?, history: SampleHistory) -> [MetricFamily] {
        guard let sample else { return [] }

        var up = MetricFamily("apache_up", .gauge, help: "Whether the collector could read the Apache scoreboard in the latest sample (1) or not (0).")
        up.add(sample.apache != nil)
        guard let apache = sample.apache else { return [up] }

        return [up]
            + identityFamilies(apache)
            + workerFamilies(apache.workers)
            + processFamilies(apache)
            + counterFamilies(apache)
            + responseTimeFamilies(apache, history: history)
            + capacityFamilies(apache)
            + lifecycleFamilies(apache)
    }

    // MARK: - Identity and uptime

    private static func identityFamilies(_ apache: ApacheMetrics) -> [MetricFamily] {
        var info = MetricFamily(
            "apache_scoreboard_info", .gauge,
            help: "Constant 1, labelled with the scoreboard's storage mechanism, the httpd versions whose record layout it has, ServerLimit and ThreadLimit.")
        info.add(1, labels: [
            ("mechanism", apache.mechanism.rawValue), ("httpd_layout", apache.layoutGroup.httpdVersions),
            ("server_limit", String(apache.serverLimit)), ("thread_limit", String(apache.threadLimit)),
        ])

        var generation = MetricFamily("apache_generation", .gauge, help: "Apache restart generation (running_generation in the scoreboard); graceful restarts increase it.")
        generation.add(apache.generation, labels: [("type", "mpm")])

        var uptime = MetricFamily("apache_uptime_seconds_total", .counter, help: "Seconds since Apache's restart_time; a hard restart sets it back to 0.")
        uptime.add(apache.uptimeSeconds)

        var parent = MetricFamily(
            "apache_parent", .gauge,
            help: "1 for the state of the Apache parent process: running, gone (children run unmanaged) or unknown (no PID file); 0 for the others.")
        var orphans = MetricFamily("apache_orphaned_children", .gauge, help: "Child processes still running after the Apache parent disappeared.")
        let state: String
        switch apache.parent {
        case .running: state = "running"
        case .orphaned(_, let count):
            state = "gone"
            orphans.add(count)
        case .unknown: state = "unknown"
        }
        for candidate in ["running", "gone", "unknown"] {
            parent.add(candidate == state, labels: [("state", candidate)])
        }
        return [info, generation, uptime, parent, orphans]
    }

    // MARK: - Workers and connections

    /// prometheus-apache-exporter's label value for each scoreboard state, as it names the
    /// letters of mod_status's scoreboard line.
    static func scoreboardLabel(_ status: WorkerStatus) -> String {
        switch status {
        case .dead: "open_slot"
        case .starting: "startup"
        case .ready: "idle"
        case .busyRead: "read"
        case .busyWrite: "reply"
        case .busyKeepalive: "keepalive"
        case .busyLog: "logging"
        case .busyDNS: "dns"
        case .closing: "closing"
        case .graceful: "graceful_stop"
        case .idleKill: "idle_cleanup"
        case .unknown: "unknown"
        }
    }

    private static func workerFamilies(_ workers: WorkerCensus) -> [MetricFamily] {
        var states = MetricFamily(
            "apache_workers", .gauge,
            help: "Busy and idle workers by mod_status's rules: only processes with a pid that are not stopping count, and idle workers only in the current generation.")
        states.add(workers.busy, labels: [("state", "busy")])
        states.add(workers.idle, labels: [("state", "idle")])

        var graceful = MetricFamily("apache_workers_graceful", .gauge, help: "Workers in state graceful that mod_status counts as busy (included in apache_workers{state=\"busy\"}): those of processes not marked as stopping.")
        graceful.add(workers.gracefulBusy)

        var finishing = MetricFamily(
            "apache_workers_gracefully_finishing", .gauge,
            help: "Workers in state graceful in any live process, stopping ones included: requests an older generation is finishing after a graceful restart.")
        finishing.add(workers.gracefullyFinishing)

        var started = MetricFamily("apache_threads_started", .gauge, help: "Worker records that are not dead in processes with a pid: threads Apache has started.")
        started.add(workers.startedThreads)

        var scoreboard = MetricFamily(
            "apache_scoreboard", .gauge,
            help: "Worker records in each scoreboard state, over all ServerLimit x ThreadLimit records (the letters of mod_status's scoreboard line).")
        for status in WorkerStatus.ordered {
            scoreboard.add(workers.perState[status.index], labels: [("state", scoreboardLabel(status))])
        }

        var connections = MetricFamily(
            "apache_connections", .gauge,
            help: "Connections of the event MPM summed over live processes: total, and those in keep-alive, write completion (writing), lingering close (closing) and suspended; 0 under other MPMs.")
        connections.add(workers.connections, labels: [("state", "total")])
        connections.add(workers.keepAlive, labels: [("state", "keepalive")])
        connections.add(workers.writeCompletion, labels: [("state", "writing")])
        connections.add(workers.lingeringClose, labels: [("state", "closing")])
        connections.add(workers.suspended, labels: [("state", "suspended")])
        return [states, graceful, finishing, started, scoreboard, connections]
    }

    private static func processFamilies(_ apache: ApacheMetrics) -> [MetricFamily] {
        var processes = MetricFamily(
            "apache_processes", .gauge,
            help: "Apache child processes: all with a pid, those stopping (quiescing) and those of an older generation; the states overlap.")
        processes.add(apache.workers.liveProcesses, labels: [("state", "all")])
        processes.add(apache.workers.quiescingProcesses, labels: [("state", "stopping")])
        processes.add(apache.workers.oldGenerationProcesses, labels: [("state", "old_generation")])
        return [processes]
    }

    // MARK: - Request counters

    private static func counterFamilies(_ apache: ApacheMetrics) -> [MetricFamily] {
        // ExtendedStatus off or not yet known: the totals are nil and these families are absent.
        var accesses = MetricFamily(
            "apache_accesses_total", .counter,
            help: "Requests Apache completed since the collector started, accumulated across Apache restarts; needs ExtendedStatus On.")
        accesses.add(apache.requestsTotal)

        var bytes = MetricFamily(
            "apache_sent_bytes_total", .counter,
            help: "Response bytes Apache sent since the collector started, accumulated across Apache restarts; needs ExtendedStatus On.")
        bytes.add(apache.bytesTotal)

        var requestRate = MetricFamily("apache_requests_per_second", .gauge, help: "Requests completed per second over the latest sampling interval.")
        requestRate.add(apache.requestsPerSecond)

        var byteRate = MetricFamily("apache_sent_bytes_per_second", .gauge, help: "Response bytes sent per second over the latest sampling interval.")
        byteRate.add(apache.bytesPerSecond)

        // In-flight requests need start and stop times, which Apache stamps only with ExtendedStatus On.
        let timesKnown = apache.countersUnavailableReason == nil
        var inFlight = MetricFamily("apache_requests_in_flight", .gauge, help: "Requests running now (busy workers, keep-alive excluded, whose request started after the previous one stopped).")
        inFlight.add(timesKnown ? apache.workers.inFlight : nil)

        var oldest = MetricFamily("apache_oldest_request_in_flight_seconds", .gauge, help: "Age of the oldest request running now.")
        oldest.add(timesKnown ? apache.workers.oldestInFlightSeconds : nil)
        return [accesses, bytes, requestRate, byteRate, inFlight, oldest]
    }

    // MARK: - Response time

    private static func responseTimeFamilies(_ apache: ApacheMetrics, history: SampleHistory) -> [MetricFamily] {
        var mean = MetricFamily(
            "apache_response_time_mean_seconds", .gauge,
            help: "Mean time per request completed in the latest sampling interval (delta of the duration field over delta of access_count); needs httpd 2.4.35 or later and ExtendedStatus On.")
        mean.add(apache.meanResponseTimeSeconds)

        var sampled = MetricFamily(
            "apache_sampled_response_time_seconds", .gauge,
            help: "Percentiles of the completed requests the scoreboard showed over a window; a sample of the requests (each worker shows only its last one), so not aggregatable across hosts.")
        guard apache.countersUnavailableReason == nil else { return [mean] }
        for seconds in responseTimeWindowSeconds {
            let window = history.apacheResponseTimes(windowSeconds: seconds)
            guard let summary = window.sampled else { continue }
            let windowLabel = ("window", "\(PrometheusNumber.format(seconds))s")
            // A "quantile" label is reserved for summaries, which also need _sum and _count.
            for (percentile, value) in [("50", summary.p50Seconds), ("90", summary.p90Seconds), ("95", summary.p95Seconds), ("99", summary.p99Seconds)] {
                sampled.add(value, labels: [windowLabel, ("percentile", percentile)])
            }
        }
        return [mean, sampled]
    }

    // MARK: - Capacity

    private static func capacityFamilies(_ apache: ApacheMetrics) -> [MetricFamily] {
        let capacity = apache.capacity
        var maxWorkers = MetricFamily("apache_max_request_workers", .gauge, help: "MaxRequestWorkers, from Apache's configuration or the collector's configuration.")
        maxWorkers.add(capacity.maxRequestWorkers)

        var threadsPerChild = MetricFamily("apache_threads_per_child", .gauge, help: "ThreadsPerChild, from Apache's configuration or the collector's configuration.")
        threadsPerChild.add(capacity.threadsPerChild)

        var utilisation = MetricFamily("apache_workers_utilisation_ratio", .gauge, help: "Busy workers divided by MaxRequestWorkers.")
        utilisation.add(capacity.utilisation)

        var startedUtilisation = MetricFamily("apache_started_threads_utilisation_ratio", .gauge, help: "Busy workers divided by the threads Apache has started.")
        startedUtilisation.add(capacity.startedUtilisation)

        var notStarted = MetricFamily("apache_threads_not_yet_started", .gauge, help: "MaxRequestWorkers minus the threads Apache has started, at least 0.")
        notStarted.add(capacity.notYetStarted)
        return [maxWorkers, threadsPerChild, utilisation, startedUtilisation, notStarted]
    }

    // MARK: - Restarts and anomalies

    private static func lifecycleFamilies(_ apache: ApacheMetrics) -> [MetricFamily] {
        var restarts = MetricFamily("apache_restarts_total", .counter, help: "Apache restarts the collector saw since it started: graceful (SIGUSR1) and hard (SIGHUP).")
        restarts.add(apache.gracefulRestartsTotal, labels: [("type", "graceful")])
        restarts.add(apache.hardRestartsTotal, labels: [("type", "hard")])

        var anomalies = MetricFamily(
            "apache_scoreboard_anomalies_total", .counter,
            help: "Worker counter readings the collector rejected since it started, because they decreased or rose implausibly fast.")
        anomalies.add(apache.anomaliesTotal)
        return [restarts, anomalies]
    }
}
