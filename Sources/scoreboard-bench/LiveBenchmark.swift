import CScoreboard
import Glibc
import ScoreboardSources

/// `live`: time and CPU per collector sample against a running Apache, found as the daemon
/// finds it (`--pid-file`, and `--scoreboard-file` when Apache sets ScoreboardFile). With a
/// POSIX scoreboard it also times the floor on the same segment: one `memcpy` of the payload
/// from a read-only mapping of its own, alternating with the samples.
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
        let floor = configuration.scoreboardFile.flatMap(LiveCopyFloor.init(scoreboardFile:))

        var times = SampleTimes()
        var cpu = SampleTimes(clock: CLOCK_PROCESS_CPUTIME_ID)
        var floorTimes = SampleTimes()
        for _ in 0..<samples {
            usleep(UInt32(pauseMicroseconds))
            cpu.measure { times.measure { pipeline.collectorSample() } }
            if let floor {
                usleep(UInt32(pauseMicroseconds))
                floorTimes.measure { floor.copy() }
            }
        }
        guard pipeline.lastAvailable else {
            BenchOutput.fail("Apache's scoreboard became unavailable: \(pipeline.lastProblem ?? "unknown reason")")
        }

        let segment = pipeline.source.currentSegment
        var fields = [
            ("label", label), ("mechanism", segment?.mechanism.rawValue ?? "none"), ("samples", String(samples)),
            ("median_ns", formatted(times.median)), ("p90_ns", formatted(times.percentile(0.9))),
            ("p99_ns", formatted(times.percentile(0.99))), ("mean_ns", formatted(times.mean)),
            ("cpu_per_sample_ns", formatted(cpu.median)),
        ]
        if let floor {
            fields += [("floor_bytes", String(floor.byteCount)), ("floor_median_ns", formatted(floorTimes.median))]
        }
        BenchOutput.record("live", fields)
    }
}

/// A read-only mapping of the live POSIX scoreboard, copied with one `memcpy` per call: what any
/// reader of the whole segment has to pay at least.
final class LiveCopyFloor {
    private var mapping = sc_mapping()
    private var buffer: [UInt8]
    var byteCount: Int { buffer.count }

    init?(scoreboardFile: String) {
        let name = ScoreboardPath.posixObjectName(forScoreboardFile: scoreboardFile)
        guard sc_attach_posix(name, &mapping) == 0 else { return nil }
        buffer = [UInt8](repeating: 0, count: mapping.payload_size)
    }

    deinit { sc_detach(&mapping) }

    /// Copies the payload once; not inlined so that a profile shows it on its own.
    @inline(never)
    func copy() {
        _ = buffer.withUnsafeMutableBytes { sc_copy_payload(&mapping, $0.baseAddress, $0.count) }
    }
}
