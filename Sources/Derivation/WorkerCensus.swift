import ScoreboardSources

/// Worker and process counts of one scoreboard image, by mod_status's rules.
///
/// - A worker counts as busy or idle only if its process record has `pid != 0` and is not
///   quiescing.
/// - Idle: status ready **and** the process generation equals `running_generation`.
/// - Busy: any status but dead, starting, idle-kill and ready, so graceful counts as busy.
/// - Starting, idle-kill, dead and unknown are neither; they still appear in `perState`, which
///   covers every worker record whatever its process.
public struct WorkerCensus: Sendable, Equatable {
    /// Worker records per state, indexed by `WorkerStatus.index`; sums to server_limit × thread_limit.
    public var perState: [Int]
    public var busy = 0
    public var idle = 0
    /// Busy workers in state graceful (counted in `busy` too).
    public var gracefulBusy = 0
    /// Workers in state graceful in any live process, quiescing ones included: requests an old
    /// generation is finishing after a graceful restart. mod_status counts a quiescing process's
    /// workers as neither busy nor idle, so they appear only here and in `perState`.
    public var gracefullyFinishing = 0
    /// Workers not dead in processes with a pid: threads Apache has started.
    public var startedThreads = 0

    /// Process records with a pid.
    public var liveProcesses = 0
    /// Live processes of an older generation than `running_generation`.
    public var oldGenerationProcesses = 0
    /// Live processes stopping gracefully.
    public var quiescingProcesses = 0

    /// Event-MPM connection counters summed over process records with a pid (approximate:
    /// the listener refreshes them only during its timeout-queue maintenance).
    public var connections: UInt64 = 0
    public var keepAlive: UInt64 = 0
    public var writeCompletion: UInt64 = 0
    public var lingeringClose: UInt64 = 0
    public var suspended: UInt64 = 0

    /// Requests running now (busy, `start_time > stop_time`) in live processes, and the oldest age.
    public var inFlight = 0
    public var oldestInFlightSeconds: Double? = nil

    /// Evidence about ExtendedStatus. A live ready worker with `last_used == 0` proves it off.
    /// Any worker of a live process with `last_used != 0` proves it on, because Apache stamps
    /// `last_used` only when ExtendedStatus is on.
    public var readyWorkersWithoutLastUsed = 0
    public var workersWithLastUsed = 0

    /// Σ`access_count` and Σ`bytes_served` over every worker record, as mod_status totals them.
    public var accessCountSum: UInt64 = 0
    public var bytesServedSum: UInt64 = 0

    /// Busy workers other than graceful ones; a separate metric from `busy`.
    public var busyExcludingGraceful: Int { busy - gracefulBusy }

    /// Counts one image; `nowMicroseconds` is the wall time of the copy, for in-flight ages.
    public init(image: ScoreboardImage, nowMicroseconds: Int64) {
        perState = [Int](repeating: 0, count: WorkerStatus.count)
        let global = image.global

        for processIndex in 0..<image.serverLimit {
            let process = image.process(processIndex)
            let live = process.pid != 0
            let counted = live && !process.quiescing
            if live { countProcess(process, runningGeneration: global.runningGeneration) }

            for thread in 0..<image.threadLimit {
                let worker = image.worker(process: processIndex, thread: thread)
                perState[worker.status.index] += 1
                accessCountSum &+= worker.accessCount
                bytesServedSum &+= worker.bytesServed
                if live && worker.status != .dead { startedThreads += 1 }
                if live && worker.lastUsed != 0 { workersWithLastUsed += 1 }
                if live && worker.status == .graceful { gracefullyFinishing += 1 }
                if live { countInFlight(worker, nowMicroseconds: nowMicroseconds) }
                guard counted else { continue }

                if worker.status == .ready {
                    if process.generation == global.runningGeneration { idle += 1 }
                    if worker.lastUsed == 0 { readyWorkersWithoutLastUsed += 1 }
                } else if worker.status.isBusy {
                    busy += 1
                    if worker.status == .graceful { gracefulBusy += 1 }
                }
            }
        }
    }

    private mutating func countProcess(_ process: ProcessScore, runningGeneration: Int32) {
        liveProcesses += 1
        if process.generation != runningGeneration { oldGenerationProcesses += 1 }
        if process.quiescing { quiescingProcesses += 1 }
        connections += UInt64(process.connections)
        keepAlive += UInt64(process.keepAlive)
        writeCompletion += UInt64(process.writeCompletion)
        lingeringClose += UInt64(process.lingeringClose)
        suspended += UInt64(process.suspended)
    }

    private mutating func countInFlight(_ worker: WorkerScore, nowMicroseconds: Int64) {
        guard InFlightRule.isInFlight(worker) else { return }
        inFlight += 1
        let age = max(0, Double(nowMicroseconds - worker.startTime) / 1e6)
        oldestInFlightSeconds = max(oldestInFlightSeconds ?? 0, age)
    }
}

/// When a worker record describes a request that is running now.
public enum InFlightRule {
    /// Returns whether a busy worker's current request started after its last one stopped.
    /// Keep-alive workers are excluded because they wait between requests. Idle and dead slots
    /// keep their last request's data, which must never appear as current.
    public static func isInFlight(_ worker: WorkerScore) -> Bool {
        worker.status.isBusy && worker.status != .busyKeepalive && worker.startTime > 0
            && worker.startTime > worker.stopTime
    }
}
