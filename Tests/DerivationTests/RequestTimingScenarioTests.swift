import Derivation
import ScoreboardSources
import Testing

/// In-flight requests, completed-request samples, percentiles and HTTP/2 counters.
@Suite struct RequestTimingScenarioTests {
    @Test func leftoverSlotsNeverCurrent() {
        var server = ScenarioServer(serverLimit: 2, threadLimit: 3)
        server.startProcess(1, pid: 700)
        let now = server.wallTime + 1_000_000
        func at(_ secondsBefore: Double) -> Int64 { now - Int64(secondsBefore * 1e6) }

        // A: dead slot of an empty process record with week-old data.
        server.update(process: 0, thread: 0) {
            $0.statusCode = WorkerStatus.dead.rawValue
            $0.startTime = at(259_200)
            $0.stopTime = at(259_199.8)
            $0.accessCount = 812
        }
        server.board.setString(.client, process: 0, thread: 0, "203.0.113.9")
        server.board.setString(.request, process: 0, thread: 0, "GET /big HTTP/1.1")
        _ = server.sample()


        // B: idle, last request ten minutes ago.
        server.update(process: 1, thread: 0) { $0.startTime = at(600.4); $0.stopTime = at(600.0) }
        // C: writing, request started 2.5 s ago, previous one ended 3 s ago.
        server.update(process: 1, thread: 1) {
            $0.statusCode = WorkerStatus.busyWrite.rawValue
            $0.startTime = at(2.5)
            $0.stopTime = at(3.0)
        }
        // D: idle, request of 200 ms completed in this interval.
        server.update(process: 1, thread: 2) { $0.startTime = at(0.30); $0.stopTime = at(0.10) }

        let result = server.sample()
        let metrics = result.apache

        #expect(metrics.workers.busy == 1)
        #expect(metrics.workers.idle == 2)
        #expect(metrics.workers.inFlight == 1)
        #expect(metrics.workers.oldestInFlightSeconds == 2.5)
        #expect(server.completed == [200_000])
        #expect(metrics.completedSampleCount == 1)

        let inFlight = InFlightRequests.list(in: server.board.image, nowMicroseconds: now, redact: false)
        #expect(inFlight.count == 1)
        #expect(inFlight.first?.process == 1)
        #expect(inFlight.first?.thread == 1)
        #expect(inFlight.first?.ageSeconds == 2.5)
        #expect(inFlight.allSatisfy { $0.client != "203.0.113.9" })
        // A stays in the cumulative totals and adds nothing to the interval.
        #expect(metrics.accessCountSum == 812)
        #expect(metrics.requestsPerSecond == 0.0)
    }

    @Test func sameCompletedRequestCountedOnce() {
        var server = ScenarioServer(serverLimit: 1, threadLimit: 1)
        server.startProcess(0, pid: 800)
        _ = server.sample()
        let start = server.wallTime + 500_000
        server.update(process: 0, thread: 0) { $0.startTime = start; $0.stopTime = start + 100_000; $0.accessCount = 1 }
        _ = server.sample()
        #expect(server.completed == [100_000])

        let again = server.sample()
        #expect(server.completed.isEmpty)
        #expect(again.apache.completedSampleCount == 0)
    }

    @Test func oneBusyConnectionManyRequests() {
        var server = ScenarioServer(serverLimit: 1, threadLimit: 10)
        server.startProcess(0, pid: 900)
        let firstSample = server.wallTime
        server.update(process: 0, thread: 7) {
            $0.statusCode = WorkerStatus.busyWrite.rawValue
            $0.accessCount = 100
            $0.startTime = firstSample - 5_000_000
            $0.stopTime = firstSample - 5_000_100
        }
        _ = server.sample()
        server.update(process: 0, thread: 7) {
            $0.accessCount = 140
            $0.bytesServed += 4_000_000
            $0.stopTime = firstSample + 500_000
            $0.startTime = firstSample + 400_000
        }
        let metrics = server.sample().apache

        #expect(metrics.requestsPerSecond == 40.0)
        #expect(metrics.bytesPerSecond == 4_000_000.0)
        #expect((metrics.completedSampleCount ?? 2) <= 1)
    }

    @Test func idleServerStaysFlat() {
        var server = ScenarioServer(serverLimit: 1, threadLimit: 4)
        server.startProcess(0, pid: 901)
        server.update(process: 0, thread: 0) { $0.accessCount = 77 }
        _ = server.sample()
        for _ in 0..<60 {
            let metrics = server.sample().apache
            #expect(metrics.requestsPerSecond == 0.0)
            #expect(metrics.workers.busy == 0)
            #expect(metrics.accessCountSum == 77)
        }
    }

    @Test func meanOfFiveCompletions() {
        var durations: [UInt64] = [180_000, 190_000, 200_000, 210_000, 300_000]
        let summary = DurationSummary.summarize(microseconds: &durations)
        #expect(summary?.meanSeconds == 0.216)
    }

    @Test func percentilesByNearestRank() {
        var durations: [UInt64] =
            Array(repeating: 100_000, count: 5) + Array(repeating: 200_000, count: 10) + Array(repeating: 500_000, count: 5)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5 {
            durations.shuffle(using: &generator)
            var copy = durations
            let summary = DurationSummary.summarize(microseconds: &copy)
            #expect(summary?.count == 20)
            #expect(summary?.minSeconds == 0.1)
            #expect(summary?.maxSeconds == 0.5)
            #expect(summary?.meanSeconds == 0.25)
            #expect(summary?.p50Seconds == 0.2)
            #expect(summary?.p90Seconds == 0.5)
            #expect(summary?.p95Seconds == 0.5)
            #expect(summary?.p99Seconds == 0.5)
        }
    }

    @Test func emptySummaryIsNil() {
        var none: [UInt64] = []
        #expect(DurationSummary.summarize(microseconds: &none) == nil)
    }
}
