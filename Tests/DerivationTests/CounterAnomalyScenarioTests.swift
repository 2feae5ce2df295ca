import Derivation
import ScoreboardSources
import Testing

/// Corrupt, implausible and wrapping counters.
@Suite struct CounterAnomalyScenarioTests {
    @Test func implausibleJumpRejectedThenResumed() {
        var server = ScenarioServer(serverLimit: 1, threadLimit: 12)
        server.startProcess(0, pid: 1200)
        server.update(process: 0, thread: 5) { $0.accessCount = 1000 }
        _ = server.sample()

        server.update(process: 0, thread: 5) { $0.accessCount = 9_985_310_457_595_812_052 }
        for thread in 0..<5 { server.update(process: 0, thread: thread) { $0.accessCount += thread < 2 ? 3 : 2 } }
        server.update(process: 0, thread: 9) { $0.statusCode = 0x0D }
        server.board.setString(.request, process: 0, thread: 11, bytes: Array(repeating: 0xFF, count: 64))
        let jump = server.sample()

        #expect(jump.apache.requestsPerSecond == 12.0)
        #expect(jump.apache.anomalies.count == 1)
        #expect(jump.apache.anomalies.first?.thread == 5)
        #expect(jump.apache.anomalies.first?.kind == .implausibleIncrease)
        #expect(jump.apache.anomaliesTotal == 1)
        #expect(jump.events.contains { $0.kind == .anomaly && $0.detail.contains("worker 0/5") })
        #expect(jump.apache.workers.perState[WorkerStatus.unknown.index] == 1)

        let request = server.board.image.string(.request, process: 0, thread: 11)
        #expect(request != nil)
        #expect((request?.count ?? 100) <= 64)

        server.update(process: 0, thread: 5) { $0.accessCount = 1003 }
        let resumed = server.sample()
        #expect(resumed.apache.requestsPerSecond == 3.0)
        #expect(resumed.apache.anomaliesTotal == 1)
    }

    @Test func narrowCounterWraps() {
        #expect(CounterDelta.between(previous: 4_294_967_290, current: 6, width: 32, limit: 1_000_000) == .increase(12))
    }

    @Test func narrowCounterWrapsInServer() {
        var server = ScenarioServer(serverLimit: 1, threadLimit: 4)
        server.derivation.counterWidth = 32
        server.startProcess(0, pid: 1300)
        server.update(process: 0, thread: 2) { $0.accessCount = 4_294_967_290 }
        _ = server.sample()
        server.update(process: 0, thread: 2) { $0.accessCount = 6 }
        #expect(server.sample().apache.requestsPerSecond == 12.0)
    }

    @Test func resetAfterHardRestartAddsNewCount() {
        var server = ScenarioServer(serverLimit: 1, threadLimit: 2)
        server.startProcess(0, pid: 1400)
        server.update(process: 0, thread: 0) { $0.accessCount = 5000 }
        _ = server.sample()
        server.board.setGlobal(runningGeneration: 1, restartTime: server.beforeNextSample(0.5))
        server.update(process: 0, thread: 0) { $0.accessCount = 3 }
        let metrics = server.sample().apache

        #expect(metrics.requestsPerSecond == 3.0)
        #expect(metrics.anomaliesTotal == 0)
    }

    @Test func processCounterResetWithNewPid() {
        var server = ScenarioServer(serverLimit: 1, threadLimit: 2)
        server.startProcess(0, pid: 1500)
        server.update(process: 0, thread: 0) { $0.accessCount = 5000; $0.myAccessCount = 5000 }
        _ = server.sample()
        server.board.setProcess(0, pid: 1501, generation: 0)
        server.update(process: 0, thread: 0) { $0.accessCount = 5003; $0.myAccessCount = 3; $0.pid = 1501 }
        let metrics = server.sample().apache

        #expect(metrics.requestsPerSecond == 3.0)
        #expect(metrics.anomaliesTotal == 0)
    }

    @Test func wideCounterCrosses32Bits() {
        #expect(CounterDelta.between(previous: 4_294_967_000, current: 4_294_968_000, limit: 1 << 40) == .increase(1000))
    }

    @Test func impossibleDecreaseIsAnomaly() {
        var server = ScenarioServer(serverLimit: 1, threadLimit: 2)
        server.startProcess(0, pid: 1600)
        server.update(process: 0, thread: 1) { $0.accessCount = 900 }
        _ = server.sample()
        server.update(process: 0, thread: 1) { $0.accessCount = 899 }
        let metrics = server.sample().apache

        #expect(metrics.requestsPerSecond == 0.0)
        #expect(metrics.anomalies.first?.kind == .decrease)
        #expect(metrics.anomaliesTotal == 1)
    }

    @Test func decreaseNeverWrapsOn64Bits() {
        #expect(CounterDelta.between(previous: 5000, current: 3, width: 64, limit: 1_000_000) == .decrease)
    }
}
