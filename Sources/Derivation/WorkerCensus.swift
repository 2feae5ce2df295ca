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
    public var perState = WorkerStateCounts()
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
        let runningGeneration = image.global.runningGeneration
        let threadLimit = image.threadLimit
        let classes = StatusClasses.shared

        image.workers.withUnsafeBufferPointer { workers in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: RowHistogram.capacity) { histogram in
                for processIndex in 0..<image.serverLimit {
                    let process = image.process(processIndex)
                    let row = UnsafeBufferPointer(rebasing: workers[processIndex * threadLimit..<(processIndex + 1) * threadLimit])
                    let rowStates = RowHistogram(storage: histogram)
                    rowStates.clear()
                    if process.pid != 0 {
                        countProcess(process, runningGeneration: runningGeneration)
                        countLiveRow(
                            row, counted: !process.quiescing, states: rowStates, classes: classes,
                            nowMicroseconds: nowMicroseconds)
                        countLiveStates(rowStates, rowCount: row.count, process: process, runningGeneration: runningGeneration, classes: classes)
                    } else {
                        countRecordsOnly(row, states: rowStates)
                    }
                    rowStates.add(into: &perState)
                }
            }
        }
    }

    /// Counts the worker records of a process slot with no pid: states and totals only.
    private mutating func countRecordsOnly(_ row: UnsafeBufferPointer<WorkerDigest>, states: RowHistogram) {
        var accessCounts: UInt64 = 0
        var bytes: UInt64 = 0
        for (thread, worker) in row.enumerated() {
            states.count(worker.statusIndex, thread: thread)
            accessCounts &+= worker.accessCount
            bytes &+= worker.bytesServed
        }
        accessCountSum &+= accessCounts
        bytesServedSum &+= bytes
    }

    /// The per-worker part of counting a live process: the row's states, totals, `last_used`
    /// evidence and running requests. Every class test is arithmetic (see `StatusClasses`), so
    /// the loop has no branch that depends on the data.
    private mutating func countLiveRow(
        _ row: UnsafeBufferPointer<WorkerDigest>, counted: Bool, states: RowHistogram, classes: StatusClasses,
        nowMicroseconds: Int64
    ) {
        var accessCounts: UInt64 = 0
        var bytes: UInt64 = 0
        var withLastUsed = 0, readyWithoutLastUsed = 0
        var running = 0
        var oldestStart = Int64.max

        for (thread, worker) in row.enumerated() {
            let index = worker.statusIndex
            states.count(index, thread: thread)
            accessCounts &+= worker.accessCount
            bytes &+= worker.bytesServed

            let hasLastUsed = worker.lastUsed != 0 ? 1 : 0
            withLastUsed += hasLastUsed
            readyWithoutLastUsed += StatusClasses.contains(classes.ready, index) & (1 - hasLastUsed)

            let startedAfterStop = worker.startTime > 0 && worker.startTime > worker.stopTime ? 1 : 0
            let inFlight = StatusClasses.contains(classes.running, index) & startedAfterStop
            running += inFlight
            oldestStart = inFlight != 0 ? min(oldestStart, worker.startTime) : oldestStart
        }

        accessCountSum &+= accessCounts
        bytesServedSum &+= bytes
        workersWithLastUsed += withLastUsed
        if counted { readyWorkersWithoutLastUsed += readyWithoutLastUsed }
        if running > 0 {
            inFlight += running
            let age = max(0, Double(nowMicroseconds - oldestStart) / 1e6)
            oldestInFlightSeconds = max(oldestInFlightSeconds ?? 0, age)
        }
    }

    /// The counts of a live process that follow from its row's states alone. A quiescing
    /// process's workers are neither busy nor idle; idle also needs the current generation.
    private mutating func countLiveStates(
        _ states: RowHistogram, rowCount: Int, process: ProcessScore, runningGeneration: Int32, classes: StatusClasses
    ) {
        let graceful = states[WorkerStatus.graceful.index]
        startedThreads += rowCount - states[WorkerStatus.dead.index]
        gracefullyFinishing += graceful
        guard !process.quiescing else { return }

        busy += states.total(of: classes.busy)
        gracefulBusy += graceful
        if process.generation == runningGeneration { idle += states[WorkerStatus.ready.index] }
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
}

/// When a worker record describes a request that is running now.
public enum InFlightRule {
    /// Returns whether a busy worker's current request started after its last one stopped.
    /// Keep-alive workers are excluded because they wait between requests. Idle and dead slots
    /// keep their last request's data, which must never appear as current.
    public static func isInFlight(_ worker: WorkerScore) -> Bool {
        isInFlight(status: worker.status, startTime: worker.startTime, stopTime: worker.stopTime)
    }

    /// Applies the same rule to a worker digest.
    public static func isInFlight(_ worker: WorkerDigest) -> Bool {
        isInFlight(status: worker.status, startTime: worker.startTime, stopTime: worker.stopTime)
    }

    static func isInFlight(status: WorkerStatus, startTime: Int64, stopTime: Int64) -> Bool {
        status.isBusy && status != .busyKeepalive && startTime > 0 && startTime > stopTime
    }
}
