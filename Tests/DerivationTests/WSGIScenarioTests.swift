import Derivation
import History
import ScoreboardSources
import Testing

/// WSGI process groups: saturation per group, queue time sums and negative phases.
@Suite struct WSGIScenarioTests {
    static let now: Int64 = 1_700_000_100_000_000
    static let geometry = WSGIHistogram.geometry

    func derive(_ processes: [WSGIProcessSnapshot], derivation: inout WSGIDerivation, at wallTime: Int64 = now,
                interval: Double? = 1) -> WSGIDerivationResult {
        derivation.derive(
            .snapshot(WSGIScoreboardSnapshot(directory: "/test", processes: processes)),
            tick: Tick(wallTimeMicroseconds: wallTime, intervalSeconds: interval))
    }

    func threads(_ count: Int, busy: Int) -> [WSGIThreadSnapshot] {
        (0..<count).map { WSGIThreadSnapshot(recordIndex: $0, busySince: $0 < busy ? Self.now - 2_000_000 : nil) }
    }

    @Test func saturatedGroupWhileApacheLooksIdle() throws {
        // Apache: capacity 150, 20 workers writing (all proxying to group app), 130 ready.
        var apache = ScenarioServer(serverLimit: 6, threadLimit: 25)
        apache.derivation.capacityLimits = CapacityLimits(maxRequestWorkers: 150, threadsPerChild: 25, source: "test")
        for process in 0..<6 { apache.startProcess(process, pid: Int32(3000 + process)) }
        for worker in 0..<20 {
            apache.update(process: worker / 25, thread: worker % 25) { $0.statusCode = WorkerStatus.busyWrite.rawValue }
        }
        let apacheMetrics = apache.sample().apache

        // Group app: 2 processes × 5 threads, all busy; group admin: 1 × 5, idle.
        var derivation = WSGIDerivation()
        let processes = [
            WSGIProcessSnapshot(pid: 100, startTimeTicks: 1, processGroup: "app", configuredProcesses: 2, configuredThreads: 5,
                                createdMicroseconds: Self.now - 60_000_000, threads: threads(5, busy: 5)),
            WSGIProcessSnapshot(pid: 101, startTimeTicks: 1, processGroup: "app", configuredProcesses: 2, configuredThreads: 5,
                                createdMicroseconds: Self.now - 60_000_000, threads: threads(5, busy: 5)),
            WSGIProcessSnapshot(pid: 102, startTimeTicks: 1, processGroup: "admin", configuredProcesses: 1, configuredThreads: 5,
                                createdMicroseconds: Self.now - 60_000_000, threads: threads(5, busy: 0)),
        ]
        let groups = derive(processes, derivation: &derivation).groups
        let app = try #require(groups.first { $0.processGroup == "app" })
        let admin = try #require(groups.first { $0.processGroup == "admin" })

        #expect(abs((apacheMetrics.capacity.utilisation ?? 0) - 0.1333) < 0.0001)
        #expect(app.utilisation == 1.0)
        #expect(app.threadsBusy == 10)
        #expect(app.threadsTotal == 10)
        #expect(app.liveProcesses == 2)
        #expect(app.configuredProcesses == 2)
        #expect(app.inFlight == 10)
        #expect(app.oldestInFlightSeconds == 2.0)
        #expect(admin.utilisation == 0.0)
        #expect(groups.count == 2)
    }

    @Test func queueTimeSumsAndNegativePhases() throws {
        // Three requests with queue times 250, 0 (negative, clamped) and 10 ms, as the writer records them.
        var queue = [UInt64](repeating: 0, count: Self.geometry.bucketCount)
        for micros in [250_000.0, 0.0, 10_000.0] { queue[Self.geometry.bucket(ofMicroseconds: micros)] += 1 }
        var counters = WSGIRequestCounters.zero
        counters.requests = 3
        counters.statusClasses = [0, 3, 0, 0, 0]
        counters.queueMicrosecondsSum = 260_000
        counters.queueCount = 3
        counters.negativeQueue = 1

        var derivation = WSGIDerivation()
        let before = WSGIProcessSnapshot(pid: 200, startTimeTicks: 9, processGroup: "app", configuredProcesses: 1,
                                         configuredThreads: 4, createdMicroseconds: Self.now - 10_000_000)
        _ = derive([before], derivation: &derivation, at: Self.now - 1_000_000, interval: nil)
        var after = before
        after.counters = counters
        after.queueHistogram = WSGIHistogram(counts: queue)
        let group = try #require(derive([after], derivation: &derivation).groups.first)

        #expect(group.intervalRequests == 3)
        #expect(group.requestsPerSecond == 3.0)
        #expect(group.negativePhaseTotal == 1)
        let history = SampleHistory(capacity: 10, nominalIntervalSeconds: 1)
        history.append(
            DerivedSample(sequence: 1, wallTimeMicroseconds: Self.now, intervalSeconds: 1, apache: nil,
                          apacheUnavailable: nil, wsgiGroups: [group]),
            events: [], completedDurations: [])
        let window = history.wsgiWindow(group: "app", windowSeconds: 60)
        let mean = try #require(window.queue.meanSeconds)
        #expect(abs(mean - 0.086_667) < 0.000_001)
        let p99 = try #require(window.queue.p99Seconds)
        #expect(abs(p99 - 0.250) / 0.250 < 0.02)
        let p50 = try #require(window.queue.p50Seconds)
        #expect(abs(p50 - 0.010) / 0.010 < 0.02)
        #expect(window.queue.count == 3)
    }

    @Test func deadProcessIsNotLive() throws {
        var derivation = WSGIDerivation()
        let alive = WSGIProcessSnapshot(pid: 300, startTimeTicks: 5, processGroup: "app", configuredProcesses: 2,
                                        configuredThreads: 4, createdMicroseconds: Self.now - 5_000_000,
                                        threads: threads(4, busy: 1))
        _ = derive([alive], derivation: &derivation, at: Self.now - 1_000_000, interval: nil)
        var dead = alive
        dead.isLive = false
        let result = derive([dead], derivation: &derivation)
        let group = try #require(result.groups.first)

        #expect(group.liveProcesses == 0)
        #expect(group.threadsBusy == 0)
        #expect(group.inFlight == 0)
        #expect(group.processesExited == 1)
        #expect(result.events.contains { $0.kind == .stop && $0.pid == 300 })
    }

    @Test func replacedProcessCountsFromZero() throws {
        var derivation = WSGIDerivation()
        var counters = WSGIRequestCounters.zero
        counters.requests = 500
        let old = WSGIProcessSnapshot(pid: 400, startTimeTicks: 1, processGroup: "app", configuredProcesses: 1,
                                      configuredThreads: 2, createdMicroseconds: Self.now - 100_000_000, counters: counters)
        _ = derive([old], derivation: &derivation, at: Self.now - 1_000_000, interval: nil)
        counters.requests = 4
        let new = WSGIProcessSnapshot(pid: 401, startTimeTicks: 2, processGroup: "app", configuredProcesses: 1,
                                      configuredThreads: 2, createdMicroseconds: Self.now - 500_000, counters: counters)
        let result = derive([new], derivation: &derivation)
        let group = try #require(result.groups.first)

        #expect(group.intervalRequests == 4)
        #expect(group.processesStarted == 1)
        #expect(group.processesExited == 1)
        #expect(group.requestsTotal == 4)
    }
}
