import ScoreboardSources

/// The time of one sampling tick, as the sampler measured it.
public struct Tick: Sendable, Equatable {
    /// Wall clock at the tick, µs since the epoch.
    public var wallTimeMicroseconds: Int64
    /// Monotonic time since the previous tick, or nil for the first tick.
    public var intervalSeconds: Double?

    public init(wallTimeMicroseconds: Int64, intervalSeconds: Double?) {
        self.wallTimeMicroseconds = wallTimeMicroseconds
        self.intervalSeconds = intervalSeconds
    }
}

/// Everything derived from one reading of the Apache source.
public struct ApacheDerivationResult: Sendable {
    public var metrics: ApacheMetrics?
    public var unavailable: SourceUnavailable?
    public var events: [CollectorEvent]
}

/// Turns successive Apache scoreboard snapshots into interval metrics.
///
/// The state kept between samples is one baseline per worker slot (the last accepted
/// `access_count`, `bytes_served` and `duration`, and the last completed request seen) and
/// one pid per process slot.
public struct ApacheDerivation: Sendable {
    public var capacityLimits: CapacityLimits
    public var plausibility: PlausibilityLimits
    /// Bits of the scoreboard's `unsigned long` counters: 64 on LP64 builds, 32 on ILP32.
    public var counterWidth: Int

    private var baseline: Baseline?
    private var previousTickWallTime: Int64?
    private var wasAvailable = false
    private var previousParent: ParentState?
    private var extendedStatusKnownOn: Bool?

    private var requestsTotal: UInt64 = 0
    private var bytesTotal: UInt64 = 0
    private var anomaliesTotal: UInt64 = 0
    private var gracefulRestartsTotal: UInt64 = 0
    private var hardRestartsTotal: UInt64 = 0

    public init(capacityLimits: CapacityLimits = .unknown, plausibility: PlausibilityLimits = PlausibilityLimits(), counterWidth: Int = 64) {
        self.capacityLimits = capacityLimits
        self.plausibility = plausibility
        self.counterWidth = counterWidth
    }

    /// Derives one sample. Completed request durations (µs) visible in the interval are
    /// appended to `completedDurations`, which the caller owns and may reuse.
    public mutating func derive(
        _ reading: SourceReading<ApacheScoreboardSnapshot>, tick: Tick, completedDurations: inout [UInt64]
    ) -> ApacheDerivationResult {
        defer { previousTickWallTime = tick.wallTimeMicroseconds }

        switch reading {
        case .unavailable(let reason):
            let events = unavailableEvents(reason, tick: tick)
            wasAvailable = false
            previousParent = nil
            return ApacheDerivationResult(metrics: nil, unavailable: reason, events: events)
        case .snapshot(let snapshot):
            var events: [CollectorEvent] = []
            let metrics = deriveMetrics(snapshot, tick: tick, completed: &completedDurations, events: &events)
            wasAvailable = true
            return ApacheDerivationResult(metrics: metrics, unavailable: nil, events: events)
        }
    }

    // MARK: - One available sample

    private mutating func deriveMetrics(
        _ snapshot: ApacheScoreboardSnapshot, tick: Tick, completed: inout [UInt64], events: inout [CollectorEvent]
    ) -> ApacheMetrics {
        let image = snapshot.image
        let global = image.global
        let census = WorkerCensus(image: image, nowMicroseconds: snapshot.wallTimeMicroseconds)
        let continuity = classify(snapshot, tick: tick)

        // A new segment or any restart may come with another configuration, so what was learned
        // about ExtendedStatus no longer holds.
        if continuity != .continuous || baseline?.generation != global.runningGeneration {
            extendedStatusKnownOn = nil
        }
        let counters = countersAvailability(census)

        let restart = restartKind(continuity, global: global)
        recordLifecycleEvents(snapshot, continuity: continuity, restart: restart, events: &events)

        var accumulator = IntervalAccumulator()
        let anchor = uptimeAnchor(global: global, snapshot: snapshot, continuity: continuity)
        var next: Baseline
        if var previous = baseline, continuity != .unrelated {
            // Dropping the stored copy leaves the per-slot arrays uniquely referenced, so the
            // pass below updates them in place instead of allocating a new baseline each tick.
            baseline = nil
            accumulate(
                image: image, baseline: &previous, countFromZero: continuity.countsFromZero,
                intervalSeconds: tick.intervalSeconds ?? 1, completedSince: previousTickWallTime,
                until: snapshot.wallTimeMicroseconds, completed: &completed, accumulator: &accumulator)
            countChurn(image: image, processPIDs: &previous.processPIDs, restart: restart, accumulator: &accumulator,
                       events: &events, wallTime: snapshot.wallTimeMicroseconds)
            previous.restartTime = global.restartTime
            previous.generation = global.runningGeneration
            next = previous
        } else {
            next = Baseline(snapshot: snapshot)
            if continuity == .unrelated, let since = previousTickWallTime, global.restartTime > since {
                // Apache (re)started after the previous tick: everything in the fresh segment
                // happened within this interval.
                accumulate(
                    image: image, baseline: &next, countFromZero: true, intervalSeconds: tick.intervalSeconds ?? 1,
                    completedSince: nil, until: snapshot.wallTimeMicroseconds, completed: &completed,
                    accumulator: &accumulator)
            }
        }
        next.uptimeAnchor = anchor

        for anomaly in accumulator.anomalies {
            events.append(
                CollectorEvent(
                    kind: .anomaly, source: "apache", wallTimeMicroseconds: snapshot.wallTimeMicroseconds,
                    detail: "rejected \(anomaly.field.rawValue) of worker \(anomaly.process)/\(anomaly.thread): \(anomaly.previous) → \(anomaly.current) (\(anomaly.kind.rawValue))"))
        }
        anomaliesTotal += UInt64(accumulator.anomalies.count)
        if counters == nil {
            requestsTotal += accumulator.requests
            bytesTotal += accumulator.bytes
        }
        baseline = next
        previousParent = snapshot.parent

        return makeMetrics(
            snapshot: snapshot, census: census, counters: counters, accumulator: accumulator, restart: restart,
            tick: tick, completedCount: accumulator.completed)
    }

    private func makeMetrics(
        snapshot: ApacheScoreboardSnapshot, census: WorkerCensus, counters: String?, accumulator: IntervalAccumulator,
        restart: RestartKind?, tick: Tick, completedCount: Int
    ) -> ApacheMetrics {
        let image = snapshot.image
        let global = image.global
        let interval = tick.intervalSeconds ?? 0
        let haveRates = counters == nil && accumulator.hasInterval && interval > 0

        var mean: Double? = nil
        var meanReason: String? = nil
        if !image.layout.group.hasDuration {
            meanReason = "scoreboard layout of httpd \(image.layout.group.httpdVersions) has no duration field (needs 2.4.35 or later)"
        } else if let counters {
            meanReason = counters
        } else if !haveRates {
            meanReason = "no previous sample to compare with"
        } else if accumulator.requests == 0 {
            meanReason = "no request completed in the interval"
        } else {
            mean = Double(accumulator.durationMicroseconds) / Double(accumulator.requests) / 1e6
        }

        return ApacheMetrics(
            mechanism: snapshot.segment.mechanism,
            segment: snapshot.segment.object,
            layoutGroup: image.layout.group,
            serverLimit: image.serverLimit,
            threadLimit: image.threadLimit,
            generation: global.runningGeneration,
            restartTimeMicroseconds: global.restartTime,
            uptimeSeconds: baseline?.uptimeAnchor.uptime(at: snapshot.monotonicNanoseconds) ?? 0,
            parent: snapshot.parent,
            workers: census,
            capacity: capacity(census),
            countersUnavailableReason: counters,
            requestsPerSecond: haveRates ? Double(accumulator.requests) / interval : nil,
            bytesPerSecond: haveRates ? Double(accumulator.bytes) / interval : nil,
            intervalRequests: haveRates ? accumulator.requests : nil,
            intervalBytes: haveRates ? accumulator.bytes : nil,
            intervalDurationMicroseconds: haveRates && image.layout.group.hasDuration ? accumulator.durationMicroseconds : nil,
            requestsTotal: counters == nil ? requestsTotal : nil,
            bytesTotal: counters == nil ? bytesTotal : nil,
            accessCountSum: counters == nil ? census.accessCountSum : nil,
            bytesServedSum: counters == nil ? census.bytesServedSum : nil,
            meanResponseTimeSeconds: mean,
            meanResponseTimeUnavailableReason: meanReason,
            completedSampleCount: counters == nil ? completedCount : nil,
            processesStarted: accumulator.processesStarted,
            processesStopped: accumulator.processesStopped,
            restart: restart,
            anomalies: accumulator.anomalies,
            anomaliesTotal: anomaliesTotal,
            restartsTotal: gracefulRestartsTotal + hardRestartsTotal,
            gracefulRestartsTotal: gracefulRestartsTotal,
            hardRestartsTotal: hardRestartsTotal)
    }

    private func capacity(_ census: WorkerCensus) -> CapacityMetrics {
        let limit = capacityLimits.maxRequestWorkers
        return CapacityMetrics(
            maxRequestWorkers: limit,
            threadsPerChild: capacityLimits.threadsPerChild,
            source: capacityLimits.source,
            utilisation: limit.map { Double(census.busy) / Double($0) },
            startedUtilisation: census.startedThreads > 0 ? Double(census.busy) / Double(census.startedThreads) : nil,
            notYetStarted: limit.map { max(0, $0 - census.startedThreads) })
    }

    // MARK: - Continuity between samples

    enum Continuity: Equatable {
        /// Same segment, same restart time: counters continue.
        case continuous
        /// Same segment, new restart time: records were zeroed in place.
        case hardRestart
        /// No usable previous sample of this segment.
        case unrelated

        var countsFromZero: Bool { self == .hardRestart }
    }

    private func classify(_ snapshot: ApacheScoreboardSnapshot, tick: Tick) -> Continuity {
        guard let baseline, tick.intervalSeconds != nil,
            baseline.attachment == snapshot.segment.attachment,
            baseline.serverLimit == snapshot.image.serverLimit, baseline.threadLimit == snapshot.image.threadLimit
        else { return .unrelated }
        return baseline.restartTime == snapshot.image.global.restartTime ? .continuous : .hardRestart
    }

    private mutating func restartKind(_ continuity: Continuity, global: GlobalScore) -> RestartKind? {
        switch continuity {
        case .hardRestart:
            hardRestartsTotal += 1
            return .hard
        case .continuous:
            guard let baseline, global.runningGeneration != baseline.generation else { return nil }
            let steps = Int64(global.runningGeneration) - Int64(baseline.generation)
            gracefulRestartsTotal += UInt64(max(1, min(steps, 1000)))
            return .graceful
        case .unrelated:
            return nil
        }
    }

    private mutating func countersAvailability(_ census: WorkerCensus) -> String? {
        if census.readyWorkersWithoutLastUsed > 0 { extendedStatusKnownOn = false }
        else if census.workersWithLastUsed > 0 { extendedStatusKnownOn = true }
        switch extendedStatusKnownOn {
        case true?: return nil
        case false?: return "ExtendedStatus is off: ready workers carry no last_used time, so Apache does not count requests; set ExtendedStatus On or load mod_status"
        case nil: return "ExtendedStatus unknown: no ready worker to check yet"
        }
    }

    // MARK: - Slot deltas

    struct IntervalAccumulator {
        var hasInterval = false
        var requests: UInt64 = 0
        var bytes: UInt64 = 0
        var durationMicroseconds: UInt64 = 0
        var completed = 0
        var processesStarted = 0
        var processesStopped = 0
        var anomalies: [CounterAnomaly] = []
    }

    /// Adds each worker's counter deltas since `baseline` to the accumulator, appends the
    /// duration of each request that completed after `completedSince` and is not the one already
    /// counted for that slot, and moves `baseline` to the values accepted now. One pass reads
    /// every worker digest once; with `countFromZero` the previous counters count as 0.
    private mutating func accumulate(
        image: ScoreboardImage, baseline: inout Baseline, countFromZero: Bool, intervalSeconds: Double,
        completedSince: Int64?, until: Int64, completed: inout [UInt64], accumulator: inout IntervalAccumulator
    ) {
        accumulator.hasInterval = true
        let limits = SlotLimits(
            requests: plausibility.requests(over: intervalSeconds), bytes: plausibility.bytes(over: intervalSeconds),
            durationMicroseconds: plausibility.durationMicrosecondsPerSlot, counterWidth: counterWidth)
        let window = CompletionWindow(since: completedSince, until: until)
        let threadLimit = image.threadLimit

        image.workers.withUnsafeBufferPointer { workers in
            baseline.slots.withUnsafeMutableBufferPointer { slots in
                for slot in 0..<workers.count {
                    let worker = workers[slot]
                    // Most slots serve nothing between two samples; their deltas are all zero.
                    if !countFromZero && slots[slot].matches(worker) { continue }
                    Self.accumulateSlot(
                        worker, baseline: &slots[slot], process: slot / threadLimit, thread: slot % threadLimit,
                        countFromZero: countFromZero, limits: limits, window: window, completed: &completed,
                        accumulator: &accumulator)
                }
            }
        }
    }

    /// The largest per-slot increases accepted in this interval, and the counters' width.
    struct SlotLimits {
        var requests: UInt64
        var bytes: UInt64
        var durationMicroseconds: UInt64
        var counterWidth: Int
    }

    /// Requests that stopped in (`since`, `until`] completed in this interval; without `since`
    /// none is attributed.
    struct CompletionWindow {
        var since: Int64?
        var until: Int64
    }

    /// Adds one worker slot's deltas and completed request to the accumulator (the body of `accumulate`).
    private static func accumulateSlot(
        _ worker: WorkerDigest, baseline: inout SlotBaseline, process: Int, thread: Int, countFromZero: Bool,
        limits: SlotLimits, window: CompletionWindow, completed: inout [UInt64], accumulator: inout IntervalAccumulator
    ) {
        if let since = window.since, worker.stopTime > since, worker.stopTime <= window.until, worker.startTime > 0,
            worker.stopTime >= worker.startTime,
            worker.stopTime != baseline.stopTime || worker.startTime != baseline.startTime
        {
            completed.append(UInt64(worker.stopTime - worker.startTime))
            accumulator.completed += 1
        }
        baseline.startTime = worker.startTime
        baseline.stopTime = worker.stopTime

        let previousAccess = countFromZero ? 0 : baseline.accessCount
        let previousBytes = countFromZero ? 0 : baseline.bytesServed
        let previousDuration = countFromZero ? 0 : baseline.duration
        baseline.accessCount = worker.accessCount
        baseline.bytesServed = worker.bytesServed
        baseline.duration = worker.duration

        let access = CounterDelta.between(
            previous: previousAccess, current: worker.accessCount, width: limits.counterWidth, limit: limits.requests)
        let bytes = CounterDelta.between(
            previous: previousBytes, current: worker.bytesServed, width: limits.counterWidth, limit: limits.bytes)
        let duration = CounterDelta.between(
            previous: UInt64(clamping: previousDuration), current: UInt64(clamping: worker.duration),
            limit: limits.durationMicroseconds)

        switch access {
        case .increase(let count):
            accumulator.requests += count
            if case .increase(let micros) = duration { accumulator.durationMicroseconds += micros }
        case .decrease, .implausible:
            accumulator.anomalies.append(
                CounterAnomaly(
                    process: process, thread: thread, field: .accessCount,
                    kind: access == .decrease ? .decrease : .implausibleIncrease,
                    previous: previousAccess, current: worker.accessCount))
            if access == .implausible {
                // Keep the last accepted value: the next plausible reading is measured from it.
                // A decrease instead keeps the new value: without a reset it is a corrupt
                // value or an unexplained reset, and measuring from it avoids flagging
                // every later reading.
                baseline.accessCount = previousAccess
                baseline.duration = previousDuration
            }
        }

        switch bytes {
        case .increase(let count):
            accumulator.bytes += count
        case .implausible:
            baseline.bytesServed = previousBytes
            accumulator.anomalies.append(
                CounterAnomaly(process: process, thread: thread, field: .bytesServed, kind: .implausibleIncrease,
                               previous: previousBytes, current: worker.bytesServed))
        case .decrease:
            accumulator.anomalies.append(
                CounterAnomaly(process: process, thread: thread, field: .bytesServed, kind: .decrease,
                               previous: previousBytes, current: worker.bytesServed))
        }
    }

    /// Counts process slots whose pid changed and stores the pids seen now in `processPIDs`.
    private mutating func countChurn(
        image: ScoreboardImage, processPIDs: inout [Int32], restart: RestartKind?, accumulator: inout IntervalAccumulator,
        events: inout [CollectorEvent], wallTime: Int64
    ) {
        for process in 0..<image.serverLimit {
            let before = processPIDs[process]
            let now = image.process(process).pid
            processPIDs[process] = now
            guard before != now else { continue }
            if before != 0 { accumulator.processesStopped += 1 }
            if now != 0 { accumulator.processesStarted += 1 }
            if before != 0 && now != 0 && restart == nil {
                events.append(
                    CollectorEvent(
                        kind: .childRecycled, source: "apache", wallTimeMicroseconds: wallTime,
                        detail: "process slot \(process): pid \(before) replaced by \(now)", pid: now))
            }
        }
    }

    // MARK: - Events

    private func recordLifecycleEvents(
        _ snapshot: ApacheScoreboardSnapshot, continuity: Continuity, restart: RestartKind?, events: inout [CollectorEvent]
    ) {
        let time = snapshot.wallTimeMicroseconds
        let parentPID: Int32? = if case .running(let pid) = snapshot.parent { pid } else { nil }

        if continuity == .unrelated {
            let startedRecently = previousTickWallTime.map { snapshot.image.global.restartTime > $0 } ?? false
            events.append(
                CollectorEvent(
                    kind: startedRecently ? .start : .attach, source: "apache", wallTimeMicroseconds: time,
                    detail: "\(startedRecently ? "Apache started" : "attached to running Apache"): \(snapshot.segment.mechanism.rawValue) scoreboard \(snapshot.segment.object), generation \(snapshot.image.global.runningGeneration)",
                    pid: parentPID))
        }
        if let restart {
            events.append(
                CollectorEvent(
                    kind: restart == .hard ? .hardRestart : .gracefulRestart, source: "apache", wallTimeMicroseconds: time,
                    detail: "\(restart == .hard ? "hard" : "graceful") restart: generation \(baseline?.generation ?? 0) → \(snapshot.image.global.runningGeneration)",
                    pid: parentPID))
        }
        if case .orphaned(let former, let orphans) = snapshot.parent, !isOrphaned(previousParent) {
            events.append(
                CollectorEvent(
                    kind: .crash, source: "apache", wallTimeMicroseconds: time,
                    detail: "Apache parent \(former.map { "PID \($0)" } ?? "") is gone; \(orphans) child processes still run unmanaged",
                    pid: former))
        }
    }

    private func isOrphaned(_ state: ParentState?) -> Bool {
        if case .orphaned = state { return true }
        return false
    }

    private func unavailableEvents(_ reason: SourceUnavailable, tick: Tick) -> [CollectorEvent] {
        guard wasAvailable else { return [] }
        let kind: CollectorEvent.Kind
        switch reason.kind {
        case .absent: kind = .stop
        case .stale: kind = .crash
        default: kind = .unavailable
        }
        return [CollectorEvent(kind: kind, source: "apache", wallTimeMicroseconds: tick.wallTimeMicroseconds, detail: reason.message)]
    }

    private func uptimeAnchor(global: GlobalScore, snapshot: ApacheScoreboardSnapshot, continuity: Continuity) -> UptimeAnchor {
        if continuity == .continuous, let anchor = baseline?.uptimeAnchor { return anchor }
        let uptime = max(0, Double(snapshot.wallTimeMicroseconds - global.restartTime) / 1e6)
        return UptimeAnchor(uptimeSeconds: uptime, monotonicNanoseconds: snapshot.monotonicNanoseconds)
    }
}

/// Uptime measured once from the wall clock, then advanced on the monotonic clock, so it
/// never goes backwards when the wall clock is stepped.
struct UptimeAnchor: Sendable {
    var uptimeSeconds: Double
    var monotonicNanoseconds: UInt64

    func uptime(at monotonic: UInt64) -> Double {
        guard monotonic >= monotonicNanoseconds else { return uptimeSeconds }
        return uptimeSeconds + Double(monotonic - monotonicNanoseconds) / 1e9
    }
}

/// The values of one worker slot accepted at the last sample.
struct SlotBaseline: Sendable {
    var accessCount: UInt64
    var bytesServed: UInt64
    var duration: Int64
    /// `start_time` and `stop_time` of the last request seen, so it is counted as completed once.
    var startTime: Int64
    var stopTime: Int64

    init(_ worker: WorkerDigest) {
        accessCount = worker.accessCount
        bytesServed = worker.bytesServed
        duration = worker.duration
        startTime = worker.startTime
        stopTime = worker.stopTime
    }

    /// Returns whether the worker shows exactly these values, which means nothing happened in the slot.
    func matches(_ worker: WorkerDigest) -> Bool {
        accessCount == worker.accessCount && startTime == worker.startTime && stopTime == worker.stopTime
            && bytesServed == worker.bytesServed && duration == worker.duration
    }
}

/// Per-slot values of the last sample, indexed by process × thread_limit + thread.
struct Baseline: Sendable {
    var attachment: UInt64
    var serverLimit: Int
    var threadLimit: Int
    var restartTime: Int64
    var generation: Int32
    var slots: [SlotBaseline]
    var processPIDs: [Int32]
    var uptimeAnchor = UptimeAnchor(uptimeSeconds: 0, monotonicNanoseconds: 0)

    init(snapshot: ApacheScoreboardSnapshot) {
        let image = snapshot.image
        let global = image.global
        attachment = snapshot.segment.attachment
        serverLimit = image.serverLimit
        threadLimit = image.threadLimit
        restartTime = global.restartTime
        generation = global.runningGeneration
        slots = image.workers.map(SlotBaseline.init)
        processPIDs = (0..<image.serverLimit).map { image.process($0).pid }
    }
}
