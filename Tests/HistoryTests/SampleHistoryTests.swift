import Derivation
import History
import ScoreboardSources
import Synchronization
import Testing

@Suite struct SampleHistoryTests {
    static let start: Int64 = 1_700_000_000_000_000

    func sample(_ sequence: UInt64, interval: Double? = 1.0, apache: ApacheMetrics? = nil) -> DerivedSample {
        DerivedSample(
            sequence: sequence, wallTimeMicroseconds: Self.start + Int64(sequence) * 1_000_000, intervalSeconds: interval,
            apache: apache, apacheUnavailable: apache == nil ? SourceUnavailable(kind: .absent, message: "down") : nil)
    }

    @Test func defaultHoldsThirtyMinutes() {
        let history = SampleHistory(capacity: 1800, nominalIntervalSeconds: 1)
        for sequence in 1...2000 { history.append(sample(UInt64(sequence)), events: [], completedDurations: []) }
        #expect(history.count == 1800)
        #expect(history.samples().first?.sequence == 201)
        #expect(history.latest()?.sequence == 2000)
    }

    @Test func samplesAfterSequenceAndLimit() {
        let history = SampleHistory(capacity: 10, nominalIntervalSeconds: 1)
        for sequence in 1...10 { history.append(sample(UInt64(sequence)), events: [], completedDurations: []) }
        #expect(history.samples(afterSequence: 7).map(\.sequence) == [8, 9, 10])
        #expect(history.samples(limit: 2).map(\.sequence) == [9, 10])
        #expect(history.samples(afterSequence: 2, limit: 3).map(\.sequence) == [8, 9, 10])
        #expect(history.samples(afterSequence: 10).isEmpty)
    }

    @Test func latestSequenceTracksAppends() {
        let history = SampleHistory(capacity: 3, nominalIntervalSeconds: 1)
        #expect(history.latestSequence == 0)
        for sequence in 1...5 { history.append(sample(UInt64(sequence)), events: [], completedDurations: []) }
        #expect(history.latestSequence == 5)
    }

    @Test func updateListsNewSamplesAndOldest() {
        let history = SampleHistory(capacity: 4, nominalIntervalSeconds: 1)
        let empty = history.update(afterSequence: nil)
        #expect(empty.newSamples.isEmpty)
        #expect(empty.oldestSequence == nil)
        #expect(empty.capacity == 4)

        for sequence in 1...6 { history.append(sample(UInt64(sequence)), events: [], completedDurations: []) }
        let all = history.update(afterSequence: nil)
        #expect(all.newSamples.map(\.sequence) == [3, 4, 5, 6])
        #expect(all.oldestSequence == 3)
        #expect(history.update(afterSequence: 1).newSamples.map(\.sequence) == [3, 4, 5, 6])
        #expect(history.update(afterSequence: 5).newSamples.map(\.sequence) == [6])
        #expect(history.update(afterSequence: 6).newSamples.isEmpty)
    }

    @Test func observersSeeEveryAppend() {
        let history = SampleHistory(capacity: 2, nominalIntervalSeconds: 1)
        let seen = Mutex<[UInt64]>([])
        history.observeAppends { sequence in seen.withLock { $0.append(sequence) } }
        for sequence in 1...3 { history.append(sample(UInt64(sequence)), events: [], completedDurations: []) }
        #expect(seen.withLock { $0 } == [1, 2, 3])
    }

    @Test func gapsAreExplicit() {
        let history = SampleHistory(capacity: 10, nominalIntervalSeconds: 1)
        #expect(history.isGap(sample(1, interval: nil)))
        #expect(history.isGap(sample(2, interval: 3.0)))
        #expect(!history.isGap(sample(3, interval: 1.02)))
    }

    @Test func eventsKeptInOrder() {
        let history = SampleHistory(capacity: 10, nominalIntervalSeconds: 1, eventCapacity: 2)
        for index in 0..<3 {
            let event = CollectorEvent(
                kind: .gracefulRestart, source: "apache", wallTimeMicroseconds: Self.start + Int64(index), detail: "\(index)")
            history.append(sample(UInt64(index + 1)), events: [event], completedDurations: [])
        }
        #expect(history.events().map(\.detail) == ["1", "2"])
        #expect(history.events(fromWallTimeMicroseconds: Self.start + 2).map(\.detail) == ["2"])
    }

    @Test func responseTimesWeightedByRequests() throws {
        // Two intervals: 1 request of 1 s, then 99 requests of 10 ms each.
        var server = ApacheMetricsFactory()
        let history = SampleHistory(capacity: 100, nominalIntervalSeconds: 1)
        history.append(sample(1, apache: server.metrics(requests: 1, durationMicroseconds: 1_000_000)), events: [],
                       completedDurations: [1_000_000])
        history.append(sample(2, apache: server.metrics(requests: 99, durationMicroseconds: 990_000)), events: [],
                       completedDurations: [10_000, 10_000])

        let window = history.apacheResponseTimes(windowSeconds: 60)

        #expect(window.requests == 100)
        let mean = try #require(window.meanSeconds)
        #expect(abs(mean - 0.0199) < 1e-12)
        #expect(window.sampleCount == 3)
        #expect(window.coverage == 0.03)
        #expect(window.sampled?.maxSeconds == 1.0)
        #expect(window.sampled?.p50Seconds == 0.01)
    }

    @Test func emptyWindowIsNull() {
        let history = SampleHistory(capacity: 10, nominalIntervalSeconds: 1)
        history.append(sample(1), events: [], completedDurations: [])
        let window = history.apacheResponseTimes(windowSeconds: 60)
        #expect(window.meanSeconds == nil)
        #expect(window.sampled == nil)
        #expect(window.coverage == nil)
        #expect(window.requests == 0)
    }
}

/// Builds ApacheMetrics through the real derivation, by feeding it two synthetic samples.
struct ApacheMetricsFactory {
    var derivation = ApacheDerivation()
    var board: SyntheticScoreboard
    var wallTime: Int64 = SampleHistoryTests.start
    var accessCount: UInt64 = 0
    var duration: Int64 = 0
    var sampled = false

    init() {
        board = SyntheticScoreboard(layout: ScoreboardLayout(group: .l5l6, serverLimit: 1, threadLimit: 1)!)
        board.setGlobal(runningGeneration: 0, restartTime: wallTime - 10_000_000)
        board.setProcess(0, pid: 42, generation: 0)
    }

    mutating func metrics(requests: UInt64, durationMicroseconds: Int64) -> ApacheMetrics {
        if !sampled { _ = derive() }
        accessCount += requests
        duration += durationMicroseconds
        return derive()
    }

    private mutating func derive() -> ApacheMetrics {
        var worker = SyntheticWorker(status: .ready)
        worker.pid = 42
        worker.lastUsed = wallTime
        worker.accessCount = accessCount
        worker.duration = duration
        board.setWorker(process: 0, thread: 0, worker)
        wallTime += 1_000_000
        let snapshot = ApacheScoreboardSnapshot(
            image: board.image, segment: SegmentIdentity(mechanism: .posix, object: "test", attachment: 1),
            parent: .running(pid: 1), wallTimeMicroseconds: wallTime, monotonicNanoseconds: UInt64(wallTime) * 1000)
        var completed: [UInt64] = []
        let result = derivation.derive(
            .snapshot(snapshot), tick: Tick(wallTimeMicroseconds: wallTime, intervalSeconds: sampled ? 1 : nil),
            completedDurations: &completed)
        sampled = true
        return result.metrics!
    }
}
