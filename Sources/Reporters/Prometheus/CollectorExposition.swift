import Derivation
import History

/// The `scoreboard_collector_*` families: the collector's own state.
enum CollectorExposition {
    static func families(info: CollectorInfo, latest: DerivedSample?, history: SampleHistory) -> [MetricFamily] {
        var build = MetricFamily("scoreboard_collector_build_info", .gauge, help: "Constant 1, labelled with the collector's version.")
        build.add(1, labels: [("version", info.version)])

        var started = MetricFamily("scoreboard_collector_start_time_seconds", .gauge, help: "When the collector started, in seconds since the Unix epoch.")
        started.add(Double(info.startedAtMicroseconds) / 1e6)

        var interval = MetricFamily("scoreboard_collector_sample_interval_seconds", .gauge, help: "Sampling interval the collector aims for.")
        interval.add(info.nominalIntervalSeconds)

        var samples = MetricFamily("scoreboard_collector_samples_total", .counter, help: "Samples taken since the collector started.")
        samples.add(latest?.sequence ?? 0)

        var lastSample = MetricFamily("scoreboard_collector_last_sample_time_seconds", .gauge, help: "Wall-clock time of the latest sample, in seconds since the Unix epoch.")
        lastSample.add(latest.map { Double($0.wallTimeMicroseconds) / 1e6 })

        var lastInterval = MetricFamily("scoreboard_collector_last_sample_interval_seconds", .gauge, help: "Monotonic time between the latest sample and the one before it.")
        lastInterval.add(latest?.intervalSeconds)

        var stored = MetricFamily("scoreboard_collector_history_samples", .gauge, help: "Samples held in the history buffer.")
        stored.add(history.count)

        var capacity = MetricFamily("scoreboard_collector_history_capacity_samples", .gauge, help: "Samples the history buffer can hold.")
        capacity.add(info.historyCapacity)
        return [build, started, interval, samples, lastSample, lastInterval, stored, capacity]
    }
}
