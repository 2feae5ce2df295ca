import Derivation
import History
import ScoreboardSources

/// Drives the real `ApacheDerivation` with a synthetic scoreboard (2 processes × 4 threads)
/// and stores every tick in a `SampleHistory`, one second apart.
///
/// Requests go to the last worker slot, which stays ready. The first `busy` slots are busy
/// writing a request that started half a second before the tick. `graceful` workers of the
/// second process are finishing a request in state graceful, and `quiescing` marks that
/// process as stopping.
struct ApacheTimeline {
    static let start: Int64 = 1_700_000_000_000_000
    static let processCount = 2
    static let threadCount = 4

    var derivation: ApacheDerivation
    var board: SyntheticScoreboard
    let history: SampleHistory
    var wallTime = ApacheTimeline.start
    var restartTime = ApacheTimeline.start - 60_000_000
    var generation: Int32 = 0
    var sequence: UInt64 = 0
    var sampled = false
    /// Whether Apache stamps `last_used`, as it does only with ExtendedStatus On.
    var extendedStatus: Bool
    var accessCount: UInt64 = 0
    var bytesServed: UInt64 = 0
    var duration: Int64 = 0

    init(capacity: CapacityLimits = .unknown, extendedStatus: Bool = true, historyCapacity: Int = 100) {
        derivation = ApacheDerivation(capacityLimits: capacity)
        board = SyntheticScoreboard(
            layout: ScoreboardLayout(group: .l5l6, serverLimit: Self.processCount, threadLimit: Self.threadCount)!)
        history = SampleHistory(capacity: historyCapacity, nominalIntervalSeconds: 1)
        self.extendedStatus = extendedStatus
    }

    /// Takes one sample after `requests` more requests of `requestMicroseconds` each.
    @discardableResult
    mutating func tick(
        requests: UInt64 = 0, bytesPerRequest: UInt64 = 1000, requestMicroseconds: Int64 = 10_000, busy: Int = 0,
        graceful: Int = 0, quiescing: Bool = false
    ) -> ApacheMetrics {
        accessCount += requests
        bytesServed += requests * bytesPerRequest
        duration += Int64(requests) * requestMicroseconds
        wallTime += 1_000_000
        writeBoard(busy: busy, graceful: graceful, quiescing: quiescing)
        let snapshot = ApacheScoreboardSnapshot(
            image: board.image, segment: SegmentIdentity(mechanism: .posix, object: "/reporters-test", attachment: 1),
            parent: .running(pid: 1), wallTimeMicroseconds: wallTime, monotonicNanoseconds: UInt64(wallTime) * 1000)
        return store(.snapshot(snapshot))!
    }

    /// Takes one sample while the scoreboard is missing.
    mutating func tickUnavailable() {
        wallTime += 1_000_000
        store(.unavailable(SourceUnavailable(kind: .absent, message: "no Apache scoreboard found")))
    }

    /// Zeroes every worker record and sets a new restart time, as SIGHUP does.
    mutating func hardRestart() {
        restartTime = wallTime + 500_000
        accessCount = 0
        bytesServed = 0
        duration = 0
    }

    mutating func gracefulRestart() {
        generation += 1
    }

    @discardableResult
    private mutating func store(_ reading: SourceReading<ApacheScoreboardSnapshot>) -> ApacheMetrics? {
        sequence += 1
        var completed: [UInt64] = []
        let tick = Tick(wallTimeMicroseconds: wallTime, intervalSeconds: sampled ? 1 : nil)
        let result = derivation.derive(reading, tick: tick, completedDurations: &completed)
        sampled = true
        let sample = DerivedSample(
            sequence: sequence, wallTimeMicroseconds: wallTime, intervalSeconds: tick.intervalSeconds, apache: result.metrics,
            apacheUnavailable: result.unavailable)
        history.append(sample, events: result.events, completedDurations: completed)
        return result.metrics
    }

    private mutating func writeBoard(busy: Int, graceful: Int, quiescing: Bool) {
        board.setGlobal(runningGeneration: generation, restartTime: restartTime)
        for process in 0..<Self.processCount {
            let isSecond = process == 1
            board.setProcess(process, pid: Int32(100 + process), generation: generation, quiescing: isSecond && quiescing)
            for thread in 0..<Self.threadCount {
                let slot = process * Self.threadCount + thread
                var status: WorkerStatus = slot < busy ? .busyWrite : .ready
                if isSecond && thread < graceful { status = .graceful }
                var worker = SyntheticWorker(status: status)
                worker.pid = Int32(100 + process)
                worker.generation = generation
                worker.lastUsed = extendedStatus ? wallTime - 100_000 : 0
                if slot < busy {
                    worker.startTime = wallTime - 500_000
                    worker.stopTime = wallTime - 600_000
                }
                if slot == Self.processCount * Self.threadCount - 1 {
                    worker.accessCount = accessCount
                    worker.bytesServed = bytesServed
                    worker.duration = duration
                    if accessCount > 0 {
                        worker.startTime = wallTime - 200_000
                        worker.stopTime = wallTime - 190_000
                    }
                }
                board.setWorker(process: process, thread: thread, worker)
            }
        }
    }
}
