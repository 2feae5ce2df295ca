import Derivation
import ScoreboardSources
import Testing

/// Hard restart, graceful restart and child recycling; interval rates.
@Suite struct RestartAndRecyclingScenarioTests {
    /// Makes a server with 2 processes × 4 threads whose slots contain `counts` requests and 20,000 bytes per request.
    func server(counts: [UInt64], generation: Int32 = 4) -> ScenarioServer {
        var server = ScenarioServer(serverLimit: 2, threadLimit: 4, generation: generation)
        server.startProcess(0, pid: 1111, generation: generation)
        server.startProcess(1, pid: 1112, generation: generation)
        for (slot, count) in counts.enumerated() {
            server.update(process: slot / 4, thread: slot % 4) {
                $0.accessCount = count
                $0.bytesServed = count * 20_000
            }
        }
        return server
    }

    @Test func hardRestartCountsFromZero() {
        var server = server(counts: [35_000, 0, 0, 0, 0, 0, 0, 0], generation: 4)
        _ = server.sample()

        // SIGHUP: every record zeroed in place, new restart time, generation + 1.
        server.board = SyntheticScoreboard(layout: server.board.layout)
        server.board.setGlobal(runningGeneration: 5, restartTime: server.beforeNextSample(0.5))
        server.startProcess(0, pid: 2221, generation: 5)
        server.update(process: 0, thread: 0) { $0.accessCount = 7; $0.bytesServed = 14_000 }
        server.update(process: 0, thread: 1) { $0.accessCount = 5; $0.bytesServed = 10_000 }
        let after = server.sample().apache

        #expect(after.requestsPerSecond == 12.0)
        #expect(after.bytesPerSecond == 24_000.0)
        #expect(after.restart == .hard)
        #expect(after.hardRestartsTotal == 1)
        #expect(after.restartsTotal == 1)
        #expect(after.anomaliesTotal == 0)
    }

    @Test func hardRestartKeepsTotalsMonotonic() {
        var server = server(counts: [35_000, 0, 0, 0, 0, 0, 0, 0])
        _ = server.sample()
        server.update(process: 0, thread: 0) { $0.accessCount = 35_010 }
        let before = server.sample().apache
        server.board = SyntheticScoreboard(layout: server.board.layout)
        server.board.setGlobal(runningGeneration: 5, restartTime: server.beforeNextSample(0.5))
        server.startProcess(0, pid: 2221, generation: 5)
        server.update(process: 0, thread: 0) { $0.accessCount = 12 }
        let after = server.sample().apache

        #expect(before.requestsTotal == 10)
        #expect(after.requestsTotal == 22)
        #expect(after.accessCountSum == 12)
    }

    @Test func gracefulRestartKeepsBaseline() {
        var server = server(counts: [35_000, 0, 0, 0, 0, 0, 0, 0], generation: 4)
        _ = server.sample()

        // SIGUSR1: generation + 1, restart time unchanged, counters kept.
        server.board.setGlobal(runningGeneration: 5, restartTime: server.board.image.global.restartTime)
        server.update(process: 0, thread: 0) { $0.accessCount = 35_020 }
        let after = server.sample().apache

        #expect(after.requestsPerSecond == 20.0)
        #expect(after.restart == .graceful)
        #expect(after.gracefulRestartsTotal == 1)
        #expect(after.hardRestartsTotal == 0)
    }

    @Test func recycledChildCountsSlotDelta() {
        var server = server(counts: [0, 0, 0, 500, 0, 0, 0, 0])
        server.update(process: 0, thread: 3) { $0.myAccessCount = 500 }
        _ = server.sample()

        // Slot 3 is in process 0 here: its process slot gets a new pid.
        server.board.setProcess(0, pid: 2222, generation: 4)
        server.update(process: 0, thread: 3) {
            $0.pid = 2222
            $0.accessCount = 502
            $0.myAccessCount = 2
        }
        let after = server.sample()

        #expect(after.apache.requestsPerSecond == 2.0)
        #expect(after.apache.processesStarted == 1)
        #expect(after.apache.processesStopped == 1)
        let recycled = after.events.first { $0.kind == .childRecycled }
        #expect(recycled?.pid == 2222)
    }

    @Test func intervalRatesNotLifetimeAverages() {
        var server = ScenarioServer(serverLimit: 1, threadLimit: 2, restartTime: ScenarioServer.epoch - 100_000_000_000)
        server.startProcess(0, pid: 1111)
        server.update(process: 0, thread: 0) {
            $0.accessCount = 5_000_000
            $0.bytesServed = 10_000_000_000
            $0.duration = 250_000_000_000
        }
        _ = server.sample()
        server.update(process: 0, thread: 0) {
            $0.accessCount = 5_000_500
            $0.bytesServed = 10_002_000_000
            $0.duration = 250_100_000_000
        }
        let after = server.sample().apache

        #expect(after.requestsPerSecond == 500.0)
        #expect(after.bytesPerSecond == 2_000_000.0)
        #expect(after.meanResponseTimeSeconds == 0.2)
        #expect(after.uptimeSeconds == 100_001.0)
    }

    @Test func firstSampleHasNoRates() {
        var server = server(counts: [10, 0, 0, 0, 0, 0, 0, 0])
        let first = server.sample().apache

        #expect(first.requestsPerSecond == nil)
        #expect(first.bytesPerSecond == nil)
        #expect(first.meanResponseTimeSeconds == nil)
        #expect(first.countersUnavailableReason == nil)
        #expect(first.accessCountSum == 10)
    }

    @Test func stopThenStartCountsNewSegmentFromZero() {
        var server = server(counts: [100, 0, 0, 0, 0, 0, 0, 0])
        _ = server.sample()
        let stopped = server.sampleUnavailable(SourceUnavailable(kind: .absent, message: "Apache is not running"))
        #expect(stopped.events.map(\.kind) == [.stop])

        // A new segment created after the last tick: 9 requests since the start.
        server.attachment = 2
        server.board = SyntheticScoreboard(layout: server.board.layout)
        server.board.setGlobal(runningGeneration: 0, restartTime: server.beforeNextSample(0.4))
        server.startProcess(0, pid: 3333)
        server.update(process: 0, thread: 0) { $0.accessCount = 9 }
        let started = server.sample()

        #expect(started.apache.requestsPerSecond == 9.0)
        #expect(started.events.map(\.kind) == [.start])
    }
}
