import ScoreboardSources

/// Everything derived from one reading of the WSGI scoreboard.
public struct WSGIDerivationResult: Sendable {
    public var groups: [WSGIGroupMetrics]
    public var unavailable: SourceUnavailable?
    public var events: [CollectorEvent]
    /// Records skipped because they stayed torn or were abandoned, since the collector started.
    public var skippedRecordsTotal: UInt64
}

/// Turns successive WSGI scoreboard snapshots into per-process-group metrics.
///
/// Counters are cumulative per writer process, so each process is compared with its own
/// previous record, identified by pid and start time. A new process counts from zero when it
/// was created after the previous tick. A record whose process died still contributes what it
/// counted before it died, and is then forgotten.
public struct WSGIDerivation: Sendable {
    private struct ProcessBaseline: Sendable {
        var counters: WSGIRequestCounters
        var application: [UInt64]
        var queue: [UInt64]
        var total: [UInt64]
        var group: String
    }

    private struct GroupTotals: Sendable {
        var requests: UInt64 = 0
        var exceptions: UInt64 = 0
        var cumulative: WSGICumulativeHistograms
    }

    private var baselines: [ProcessIdentityKey: ProcessBaseline] = [:]
    private var totals: [String: GroupTotals] = [:]
    private var previousTickWallTime: Int64?
    private var skippedRecordsTotal: UInt64 = 0
    private var wasAvailable = false

    public init() {}

    /// Latest collector-accumulated histograms per group, for the Prometheus exposition.
    public var cumulativeHistograms: [WSGICumulativeHistograms] {
        totals.keys.sorted().compactMap { totals[$0]?.cumulative }
    }

    public mutating func derive(_ reading: SourceReading<WSGIScoreboardSnapshot>, tick: Tick) -> WSGIDerivationResult {
        defer { previousTickWallTime = tick.wallTimeMicroseconds }
        switch reading {
        case .unavailable(let reason):
            var events: [CollectorEvent] = []
            if wasAvailable, reason.kind != .absent {
                events.append(CollectorEvent(kind: .unavailable, source: "wsgi", wallTimeMicroseconds: tick.wallTimeMicroseconds, detail: reason.message))
            }
            wasAvailable = false
            return WSGIDerivationResult(groups: [], unavailable: reason, events: events, skippedRecordsTotal: skippedRecordsTotal)
        case .snapshot(let snapshot):
            wasAvailable = true
            return deriveGroups(snapshot, tick: tick)
        }
    }

    private mutating func deriveGroups(_ snapshot: WSGIScoreboardSnapshot, tick: Tick) -> WSGIDerivationResult {
        skippedRecordsTotal += UInt64(snapshot.tornRecords + snapshot.abandonedRecords)
        var groups: [String: WSGIGroupMetrics] = [:]
        var events: [CollectorEvent] = []
        var seen = Set<ProcessIdentityKey>()
        let interval = tick.intervalSeconds

        for process in snapshot.processes {
            let key = ProcessIdentityKey(pid: process.pid, startTimeTicks: process.startTimeTicks)
            seen.insert(key)
            let name = Self.groupName(process)
            var group = groups[name] ?? Self.emptyGroup(name, mode: process.mode)

            if process.isLive {
                group.liveProcesses += 1
                group.configuredProcesses = process.configuredProcesses ?? group.configuredProcesses
                group.threadsTotal += process.configuredThreads ?? process.threadRecordCount
                countThreads(process, now: tick.wallTimeMicroseconds, into: &group)
            }

            let previous = baselines[key]
            let isNew = previous == nil
            // A process created after the previous tick counts from zero; one found already
            // running when the collector started only sets its baseline.
            let countsFromZero = isNew && previousTickWallTime.map { process.createdMicroseconds > $0 } == true
            if isNew, previousTickWallTime != nil, process.isLive {
                group.processesStarted += 1
                events.append(
                    CollectorEvent(
                        kind: .start, source: "wsgi:\(name)", wallTimeMicroseconds: tick.wallTimeMicroseconds,
                        detail: "WSGI process \(process.pid) started in group \(name)", pid: process.pid))
            }
            if !isNew || countsFromZero {
                accumulate(process, previous: previous, group: &group)
            }
            group.negativePhaseTotal += process.counters.negativeServer + process.counters.negativeQueue
                + process.counters.negativeDaemon + process.counters.negativeApplication

            if process.isLive {
                baselines[key] = ProcessBaseline(
                    counters: process.counters, application: process.applicationHistogram.counts,
                    queue: process.queueHistogram.counts, total: process.totalHistogram.counts, group: name)
            } else if previous != nil {
                baselines[key] = nil
                group.processesExited += 1
                events.append(exitEvent(process.pid, group: name, tick: tick))
            }
            groups[name] = group
        }

        // Processes whose segment vanished between two ticks exited too.
        for (key, baseline) in baselines where !seen.contains(key) {
            baselines[key] = nil
            var group = groups[baseline.group] ?? Self.emptyGroup(baseline.group, mode: .unknown)
            group.processesExited += 1
            groups[baseline.group] = group
            events.append(exitEvent(key.pid, group: baseline.group, tick: tick))
        }

        var result: [WSGIGroupMetrics] = []
        for name in groups.keys.sorted() {
            var group = groups[name]!
            finish(&group, interval: interval)
            result.append(group)
        }
        return WSGIDerivationResult(groups: result, unavailable: nil, events: events, skippedRecordsTotal: skippedRecordsTotal)
    }

    // MARK: - Steps

    private func countThreads(_ process: WSGIProcessSnapshot, now: Int64, into group: inout WSGIGroupMetrics) {
        for thread in process.threads where thread.isBusy {
            group.threadsBusy += 1
            group.inFlight += 1
            if let start = thread.requestStartMicroseconds ?? thread.applicationStartMicroseconds {
                let age = max(0, Double(now - start) / 1e6)
                group.oldestInFlightSeconds = max(group.oldestInFlightSeconds ?? 0, age)
            }
        }
    }

    private mutating func accumulate(_ process: WSGIProcessSnapshot, previous: ProcessBaseline?, group: inout WSGIGroupMetrics) {
        let now = process.counters
        let before = previous?.counters
        func delta(_ path: KeyPath<WSGIRequestCounters, UInt64>) -> UInt64 {
            let old = before?[keyPath: path] ?? 0
            return now[keyPath: path] >= old ? now[keyPath: path] - old : 0
        }

        let requests = delta(\.requests)
        group.intervalRequests = (group.intervalRequests ?? 0) + requests
        group.exceptionsDelta += delta(\.exceptions)
        group.bytesInDelta += delta(\.bytesIn)
        group.bytesOutDelta += delta(\.bytesOut)
        for index in 0..<min(5, now.statusClasses.count) {
            let old = before.map { index < $0.statusClasses.count ? $0.statusClasses[index] : 0 } ?? 0
            group.statusDeltas[index] += now.statusClasses[index] >= old ? now.statusClasses[index] - old : 0
        }

        group.application.histogram.addDelta(from: previous?.application, to: process.applicationHistogram.counts)
        group.queue.histogram.addDelta(from: previous?.queue, to: process.queueHistogram.counts)
        group.total.histogram.addDelta(from: previous?.total, to: process.totalHistogram.counts)
        group.application.sumMicroseconds += delta(\.applicationMicrosecondsSum)
        group.application.count += delta(\.applicationCount)
        group.queue.sumMicroseconds += delta(\.queueMicrosecondsSum)
        group.queue.count += delta(\.queueCount)
        group.total.sumMicroseconds += delta(\.totalMicrosecondsSum)
        group.total.count += delta(\.totalCount)
    }

    private mutating func finish(_ group: inout WSGIGroupMetrics, interval: Double?) {
        let name = group.processGroup
        var groupTotals = totals[name] ?? GroupTotals(cumulative: Self.emptyCumulative(name))
        groupTotals.requests += group.intervalRequests ?? 0
        groupTotals.exceptions += group.exceptionsDelta
        group.application.histogram.accumulate(into: &groupTotals.cumulative.application)
        group.queue.histogram.accumulate(into: &groupTotals.cumulative.queue)
        group.total.histogram.accumulate(into: &groupTotals.cumulative.total)
        groupTotals.cumulative.applicationSumMicroseconds += group.application.sumMicroseconds
        groupTotals.cumulative.queueSumMicroseconds += group.queue.sumMicroseconds
        groupTotals.cumulative.totalSumMicroseconds += group.total.sumMicroseconds
        totals[name] = groupTotals

        group.requestsTotal = groupTotals.requests
        group.exceptionsTotal = groupTotals.exceptions
        guard let interval, interval > 0, previousTickWallTime != nil else {
            group.intervalRequests = nil
            return
        }
        let requests = group.intervalRequests ?? 0
        group.intervalRequests = requests
        group.requestsPerSecond = Double(requests) / interval
        group.statusPerSecond = group.statusDeltas.map { Double($0) / interval }
        group.exceptionsPerSecond = Double(group.exceptionsDelta) / interval
        group.bytesInPerSecond = Double(group.bytesInDelta) / interval
        group.bytesOutPerSecond = Double(group.bytesOutDelta) / interval
    }

    private func exitEvent(_ pid: Int32, group: String, tick: Tick) -> CollectorEvent {
        CollectorEvent(
            kind: .stop, source: "wsgi:\(group)", wallTimeMicroseconds: tick.wallTimeMicroseconds,
            detail: "WSGI process \(pid) of group \(group) exited", pid: pid)
    }

    static func groupName(_ process: WSGIProcessSnapshot) -> String {
        process.processGroup.isEmpty ? "(embedded)" : process.processGroup
    }

    private static func emptyGroup(_ name: String, mode: WSGIProcessMode) -> WSGIGroupMetrics {
        WSGIGroupMetrics(
            processGroup: name, mode: mode, liveProcesses: 0, configuredProcesses: nil, processesStarted: 0,
            processesExited: 0, threadsBusy: 0, threadsTotal: 0, inFlight: 0, oldestInFlightSeconds: nil,
            intervalRequests: nil, requestsPerSecond: nil, statusPerSecond: nil, exceptionsPerSecond: nil,
            bytesInPerSecond: nil, bytesOutPerSecond: nil, requestsTotal: 0, exceptionsTotal: 0, negativePhaseTotal: 0,
            application: PhaseInterval(), queue: PhaseInterval(), total: PhaseInterval())
    }

    private static func emptyCumulative(_ name: String) -> WSGICumulativeHistograms {
        let zero = [UInt64](repeating: 0, count: WSGIHistogram.geometry.bucketCount)
        return WSGICumulativeHistograms(
            processGroup: name, application: zero, queue: zero, total: zero, applicationSumMicroseconds: 0,
            queueSumMicroseconds: 0, totalSumMicroseconds: 0)
    }
}

/// A process identity that survives pid reuse: pid and start time.
struct ProcessIdentityKey: Hashable, Sendable {
    var pid: Int32
    var startTimeTicks: UInt64
}
