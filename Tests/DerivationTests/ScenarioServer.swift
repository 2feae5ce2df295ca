import Derivation
import ScoreboardSources

/// A synthetic Apache whose scoreboard a test edits between samples, fed straight into the
/// derivation layer with no shared memory and no clock.
struct ScenarioServer {
    static let epoch: Int64 = 1_700_000_000_000_000

    var board: SyntheticScoreboard
    var derivation = ApacheDerivation()
    var wallTime: Int64 = ScenarioServer.epoch
    var monotonic: UInt64 = 5_000_000_000
    var attachment: UInt64 = 1
    var parent: ParentState = .running(pid: 100)
    var completed: [UInt64] = []
    private var sampled = false

    init(group: LayoutGroup = .l5l6, serverLimit: Int, threadLimit: Int, generation: Int32 = 0, restartTime: Int64? = nil) {
        board = SyntheticScoreboard(layout: ScoreboardLayout(group: group, serverLimit: serverLimit, threadLimit: threadLimit)!)
        board.setGlobal(runningGeneration: generation, restartTime: restartTime ?? ScenarioServer.epoch - 100_000_000_000)
    }

    /// Marks every worker of `process` ready with a `last_used` time, as Apache does with ExtendedStatus on.
    mutating func startProcess(_ process: Int, pid: Int32, generation: Int32 = 0, threads: Int? = nil) {
        board.setProcess(process, pid: pid, generation: generation)
        for thread in 0..<(threads ?? board.layout.threadLimit) {
            var worker = board.worker(process: process, thread: thread)
            worker.statusCode = WorkerStatus.ready.rawValue
            worker.pid = pid
            worker.generation = generation
            worker.lastUsed = wallTime - 1_000_000
            board.setWorker(process: process, thread: thread, worker)
        }
    }

    mutating func update(process: Int, thread: Int, _ change: (inout SyntheticWorker) -> Void) {
        var worker = board.worker(process: process, thread: thread)
        change(&worker)
        board.setWorker(process: process, thread: thread, worker)
    }

    /// Samples the board after `seconds` of monotonic and wall time.
    mutating func sample(after seconds: Double = 1.0) -> ApacheDerivationResult {
        if sampled {
            wallTime += Int64(seconds * 1e6)
            monotonic += UInt64(seconds * 1e9)
        }
        let snapshot = ApacheScoreboardSnapshot(
            image: board.image,
            segment: SegmentIdentity(mechanism: .posix, object: "/dev/shm/ShM.test", attachment: attachment),
            parent: parent, wallTimeMicroseconds: wallTime, monotonicNanoseconds: monotonic)
        let tick = Tick(wallTimeMicroseconds: wallTime, intervalSeconds: sampled ? seconds : nil)
        sampled = true
        completed.removeAll(keepingCapacity: true)
        return derivation.derive(.snapshot(snapshot), tick: tick, completedDurations: &completed)
    }

    /// Records that the source was unavailable for one tick.
    mutating func sampleUnavailable(_ reason: SourceUnavailable, after seconds: Double = 1.0) -> ApacheDerivationResult {
        wallTime += Int64(seconds * 1e6)
        monotonic += UInt64(seconds * 1e9)
        completed.removeAll(keepingCapacity: true)
        return derivation.derive(
            .unavailable(reason), tick: Tick(wallTimeMicroseconds: wallTime, intervalSeconds: seconds),
            completedDurations: &completed)
    }

    /// Wall time `seconds` before the next sample's wall time (after a 1 s step).
    func beforeNextSample(_ seconds: Double) -> Int64 {
        wallTime + 1_000_000 - Int64(seconds * 1e6)
    }
}

extension ApacheDerivationResult {
    var apache: ApacheMetrics {
        guard let metrics else { fatalError("expected metrics, got unavailable: \(String(describing: unavailable))") }
        return metrics
    }
}
