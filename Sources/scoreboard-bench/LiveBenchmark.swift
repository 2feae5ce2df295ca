import Glibc
import ScoreboardSources

/// `live`: time per collector sample against a running Apache, found as the daemon finds it
/// (`--pid-file`, and `--scoreboard-file` when Apache sets ScoreboardFile).
enum LiveBenchmark {
    static func run(_ arguments: BenchArguments) {
        let configuration = ApacheSourceConfiguration(
            scoreboardFile: arguments.string("scoreboard-file"), pidFile: arguments.requiredString("pid-file"))
        let samples = arguments.integer("samples", default: 1000)
        let pauseMicroseconds = arguments.integer("pause-ms", default: 10) * 1000
        let label = arguments.string("label") ?? "live"

        let pipeline = CollectorPipeline(configuration: configuration, historyCapacity: 1800)
        pipeline.collectorSample()
        guard pipeline.lastAvailable else {
            BenchOutput.fail("cannot read Apache's scoreboard: \(pipeline.lastProblem ?? "unknown reason")")
        }

        var times = SampleTimes()
        let cpuBefore = processCPUNanoseconds()
        for _ in 0..<samples {
            usleep(UInt32(pauseMicroseconds))
            times.measure { pipeline.collectorSample() }
        }
        let cpuPerSample = Double(processCPUNanoseconds() - cpuBefore) / Double(samples)
        guard pipeline.lastAvailable else {
            BenchOutput.fail("Apache's scoreboard became unavailable: \(pipeline.lastProblem ?? "unknown reason")")
        }
        let segment = pipeline.source.currentSegment
        BenchOutput.record(
            "live",
            [
                ("label", label), ("mechanism", segment?.mechanism.rawValue ?? "none"), ("samples", String(samples)),
                ("median_ns", formatted(times.median)), ("p90_ns", formatted(times.percentile(0.9))),
                ("p99_ns", formatted(times.percentile(0.99))), ("mean_ns", formatted(times.mean)),
                ("cpu_per_sample_ns", formatted(cpuPerSample)),
            ])
    }
}
