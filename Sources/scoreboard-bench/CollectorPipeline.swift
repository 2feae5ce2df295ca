import Derivation
import History
import ScoreboardSources

/// One collector sample as the daemon's sampler takes it for Apache: read the scoreboard
/// (attach check, copy, layout detection), derive the metrics and append them to the history.
/// The WSGI source is not part of it.
final class CollectorPipeline {
    let source: ApacheScoreboardSource
    let history: SampleHistory
    private var derivation: ApacheDerivation
    private var completed: [UInt64] = []
    private var sequence: UInt64 = 0
    private var lastMonotonic: UInt64?
    private(set) var lastAvailable = false
    private(set) var lastProblem: String?

    init(configuration: ApacheSourceConfiguration, historyCapacity: Int) {
        source = ApacheScoreboardSource(configuration: configuration)
        history = SampleHistory(capacity: historyCapacity, nominalIntervalSeconds: 1)
        derivation = ApacheDerivation()
        derivation.counterWidth = MemoryLayout<UInt>.size * 8
    }

    /// Takes one sample; not inlined so that callgrind's `--toggle-collect` can select it.
    @inline(never)
    func collectorSample() {
        let reading = source.read()
        let monotonic = Clocks.monotonicNanoseconds()
        let wallTime = Clocks.wallMicroseconds()
        let interval = lastMonotonic.map { Double(monotonic &- $0) / 1e9 }
        lastMonotonic = monotonic
        sequence += 1

        completed.removeAll(keepingCapacity: true)
        let tick = Tick(wallTimeMicroseconds: wallTime, intervalSeconds: interval)
        let apache = derivation.derive(reading, tick: tick, completedDurations: &completed)
        lastAvailable = apache.metrics != nil
        lastProblem = apache.unavailable?.message

        let sample = DerivedSample(
            sequence: sequence, wallTimeMicroseconds: wallTime, intervalSeconds: interval,
            apache: apache.metrics, apacheUnavailable: apache.unavailable)
        history.append(sample, events: apache.events, completedDurations: completed)
    }
}
