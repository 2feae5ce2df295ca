import Derivation
import ScoreboardSources
import Testing

/// Worker states, async sums, capacity and ExtendedStatus off.
@Suite struct WorkerStateScenarioTests {
    func set(_ server: inout ScenarioServer, process: Int, statuses: [(WorkerStatus, Int)]) {
        var thread = 0
        for (status, count) in statuses {
            for _ in 0..<count {
                server.update(process: process, thread: thread) { $0.statusCode = status.rawValue }
                thread += 1
            }
        }
    }

    @Test func eventStatesAndAsyncSums() {
        var server = ScenarioServer(serverLimit: 4, threadLimit: 25, generation: 7)
        server.startProcess(0, pid: 1000, generation: 7)
        server.startProcess(1, pid: 1001, generation: 7)
        set(&server, process: 0, statuses: [(.ready, 20), (.busyWrite, 3), (.busyKeepalive, 1), (.busyRead, 1)])
        set(&server, process: 1, statuses: [(.ready, 15), (.graceful, 5), (.idleKill, 2), (.starting, 3)])
        server.board.setProcess(0, pid: 1000, generation: 7, connections: 9, writeCompletion: 1, lingeringClose: 2, keepAlive: 4)
        server.board.setProcess(1, pid: 1001, generation: 7, connections: 6, writeCompletion: 0, lingeringClose: 1, keepAlive: 2)
        server.board.setProcess(2, pid: 0, generation: 6, connections: 7, keepAlive: 7)

        let workers = server.sample().apache.workers

        #expect(workers.idle == 35)
        #expect(workers.busy == 10)
        #expect(workers.busyExcludingGraceful == 5)
        #expect(workers.perState[WorkerStatus.ready.index] == 35)
        #expect(workers.perState[WorkerStatus.busyWrite.index] == 3)
        #expect(workers.perState[WorkerStatus.busyKeepalive.index] == 1)
        #expect(workers.perState[WorkerStatus.busyRead.index] == 1)
        #expect(workers.perState[WorkerStatus.graceful.index] == 5)
        #expect(workers.perState[WorkerStatus.idleKill.index] == 2)
        #expect(workers.perState[WorkerStatus.starting.index] == 3)
        #expect(workers.perState[WorkerStatus.dead.index] == 50)
        #expect(workers.perState.total == 100)
        #expect(workers.connections == 15)
        #expect(workers.keepAlive == 6)
        #expect(workers.writeCompletion == 1)
        #expect(workers.lingeringClose == 3)
    }

    @Test func quiescingAndOldGenerationRules() {
        var server = ScenarioServer(serverLimit: 3, threadLimit: 2, generation: 3)
        server.startProcess(0, pid: 10, generation: 3)
        server.startProcess(1, pid: 11, generation: 2)  // old generation, not quiescing: ready not idle
        server.startProcess(2, pid: 12, generation: 2)
        server.board.setProcess(2, pid: 12, generation: 2, quiescing: true)
        server.update(process: 2, thread: 0) { $0.statusCode = WorkerStatus.graceful.rawValue }

        let metrics = server.sample().apache

        #expect(metrics.workers.idle == 2)
        #expect(metrics.workers.busy == 0)
        #expect(metrics.workers.liveProcesses == 3)
        #expect(metrics.workers.oldGenerationProcesses == 2)
        #expect(metrics.workers.quiescingProcesses == 1)
        #expect(metrics.workers.gracefulBusy == 0)
        #expect(metrics.workers.gracefullyFinishing == 1)
    }

    @Test func capacityFromMaxRequestWorkers() {
        var server = ScenarioServer(serverLimit: 16, threadLimit: 64)
        server.derivation.capacityLimits = CapacityLimits(maxRequestWorkers: 250, threadsPerChild: 25, source: "test")
        for process in 0..<8 {
            server.startProcess(process, pid: Int32(2000 + process), threads: 25)
            set(&server, process: process, statuses: [(.busyWrite, 12 + (process < 4 ? 1 : 0)), (.ready, 0)])
        }

        let metrics = server.sample().apache

        #expect(metrics.workers.busy == 100)
        #expect(metrics.workers.idle == 100)
        #expect(metrics.capacity.maxRequestWorkers == 250)
        #expect(metrics.capacity.utilisation == 0.40)
        #expect(metrics.workers.startedThreads == 200)
        #expect(metrics.capacity.notYetStarted == 50)
        #expect(metrics.capacity.startedUtilisation == 0.5)
    }

    @Test func unknownCapacityIsNull() {
        var server = ScenarioServer(serverLimit: 16, threadLimit: 64)
        server.startProcess(0, pid: 2000, threads: 25)
        set(&server, process: 0, statuses: [(.busyWrite, 10)])

        let capacity = server.sample().apache.capacity

        #expect(capacity.maxRequestWorkers == nil)
        #expect(capacity.utilisation == nil)
        #expect(capacity.notYetStarted == nil)
        #expect(capacity.source == "unknown")
    }

    @Test func extendedStatusOffGivesNullCounters() {
        var server = ScenarioServer(serverLimit: 1, threadLimit: 8)
        server.board.setProcess(0, pid: 500, generation: 0)
        for thread in 0..<8 {
            server.update(process: 0, thread: thread) { $0.statusCode = WorkerStatus.ready.rawValue; $0.pid = 500 }
        }

        var busySeries: [Int] = []
        var last: ApacheMetrics?
        for step in 0..<10 {
            let status: WorkerStatus = step % 2 == 1 ? .busyWrite : .ready
            server.update(process: 0, thread: 3) { $0.statusCode = status.rawValue }
            let metrics = server.sample().apache
            busySeries.append(metrics.workers.busy)
            last = metrics
        }

        #expect(busySeries == [0, 1, 0, 1, 0, 1, 0, 1, 0, 1])
        #expect(last?.requestsPerSecond == nil)
        #expect(last?.bytesPerSecond == nil)
        #expect(last?.meanResponseTimeSeconds == nil)
        #expect(last?.requestsTotal == nil)
        #expect(last?.accessCountSum == nil)
        #expect(last?.completedSampleCount == nil)
        #expect(last?.countersUnavailableReason?.contains("ExtendedStatus is off") == true)
    }

    @Test func unknownStatusByteCountsApart() {
        var server = ScenarioServer(serverLimit: 1, threadLimit: 12)
        server.startProcess(0, pid: 600)
        server.update(process: 0, thread: 9) { $0.statusCode = 0x0D }

        let workers = server.sample().apache.workers

        #expect(workers.perState[WorkerStatus.unknown.index] == 1)
        #expect(workers.idle == 11)
        #expect(workers.busy == 0)
    }
}

/// ExtendedStatus is learned again for every Apache instance.
@Suite struct ExtendedStatusRelearningTests {
    @Test func newSegmentForgetsExtendedStatus() {
        var server = ScenarioServer(serverLimit: 1, threadLimit: 4)
        server.startProcess(0, pid: 700)
        _ = server.sample()
        #expect(server.sample().apache.countersUnavailableReason == nil)

        // Apache restarted with ExtendedStatus Off: a new segment whose workers are still starting.
        server.attachment = 2
        server.board = SyntheticScoreboard(layout: server.board.layout)
        server.board.setGlobal(runningGeneration: 0, restartTime: server.beforeNextSample(0.5))
        server.board.setProcess(0, pid: 701, generation: 0)
        for thread in 0..<4 {
            server.update(process: 0, thread: thread) { $0.statusCode = WorkerStatus.starting.rawValue; $0.pid = 701 }
        }
        let starting = server.sample().apache

        #expect(starting.countersUnavailableReason?.contains("unknown") == true)
        #expect(starting.requestsTotal == nil)
    }
}
