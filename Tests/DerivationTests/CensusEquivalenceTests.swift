import Derivation
import ScoreboardSources
import Testing
import TestSupport

/// The census and the counter pass read worker digests with branch-free arithmetic and skip
/// unchanged slots. These tests hold them to a plain per-record reading of mod_status's rules
/// on random boards: live, empty, quiescing and old-generation processes, every status byte.
struct CensusEquivalenceTests {
    static let serverLimit = 6
    static let threadLimit = 9
    static let now: Int64 = 1_700_000_100_000_000

    static func randomBoard(seed: UInt64) -> SyntheticScoreboard {
        var random = SplitMix64(seed: seed)
        var board = SyntheticScoreboard(layout: ScoreboardLayout(group: .l5l6, serverLimit: serverLimit, threadLimit: threadLimit)!)
        board.setGlobal(runningGeneration: 4, restartTime: now - 3_600_000_000)
        for process in 0..<serverLimit {
            let pid: Int32 = random.next() % 4 == 0 ? 0 : Int32(1000 + process)
            board.setProcess(
                process, pid: pid, generation: random.next() % 3 == 0 ? 3 : 4, quiescing: random.next() % 4 == 0,
                connections: UInt32(random.next() % 50), keepAlive: UInt32(random.next() % 20))
            for thread in 0..<threadLimit {
                // Mostly valid states, sometimes a byte no httpd writes.
                let code = random.next() % 8 == 0 ? UInt8(11 + random.next() % 245) : UInt8(random.next() % 11)
                var worker = SyntheticWorker(statusCode: code)
                worker.accessCount = random.next() % 100_000
                worker.bytesServed = random.next() % 10_000_000
                worker.lastUsed = random.next() % 3 == 0 ? 0 : now - Int64(random.next() % 5_000_000)
                worker.startTime = random.next() % 5 == 0 ? 0 : now - Int64(random.next() % 20_000_000)
                worker.stopTime = now - Int64(random.next() % 20_000_000)
                board.setWorker(process: process, thread: thread, worker)
            }
        }
        return board
    }

    /// Computes the census as mod_status defines it, one full worker record at a time.
    static func referenceCensus(_ image: ScoreboardImage) -> WorkerCensus.Reference {
        var census = WorkerCensus.Reference()
        let generation = image.global.runningGeneration
        for process in 0..<image.serverLimit {
            let record = image.process(process)
            for thread in 0..<image.threadLimit {
                let worker = image.worker(process: process, thread: thread)
                census.perState[worker.status.index] += 1
                census.accessCountSum &+= worker.accessCount
                census.bytesServedSum &+= worker.bytesServed
                guard record.pid != 0 else { continue }

                if worker.status != .dead { census.startedThreads += 1 }
                if worker.lastUsed != 0 { census.workersWithLastUsed += 1 }
                if worker.status == .graceful { census.gracefullyFinishing += 1 }
                if InFlightRule.isInFlight(worker) {
                    census.inFlight += 1
                    let age = max(0, Double(now - worker.startTime) / 1e6)
                    census.oldestInFlightSeconds = max(census.oldestInFlightSeconds ?? 0, age)
                }
                guard !record.quiescing else { continue }
                if worker.status == .ready {
                    if record.generation == generation { census.idle += 1 }
                    if worker.lastUsed == 0 { census.readyWorkersWithoutLastUsed += 1 }
                } else if worker.status.isBusy {
                    census.busy += 1
                    if worker.status == .graceful { census.gracefulBusy += 1 }
                }
            }
        }
        return census
    }

    @Test(arguments: 1...40)
    func censusMatchesPerRecordRules(seed: Int) {
        let image = Self.randomBoard(seed: UInt64(seed)).image
        let census = WorkerCensus(image: image, nowMicroseconds: Self.now)
        #expect(WorkerCensus.Reference(census) == Self.referenceCensus(image), "seed \(seed)")
        #expect(census.perState.total == Self.serverLimit * Self.threadLimit)
    }

    /// Random boards changed slot by slot between samples: the interval's requests, bytes and
    /// completed requests equal the sums a plain comparison of every slot gives.
    @Test(arguments: 1...20)
    func counterPassMatchesPlainDeltas(seed: Int) {
        var random = SplitMix64(seed: UInt64(seed) &* 7919)
        var server = ScenarioServer(serverLimit: Self.serverLimit, threadLimit: Self.threadLimit)
        for process in 0..<Self.serverLimit { server.startProcess(process, pid: Int32(2000 + process)) }
        _ = server.sample()

        for _ in 0..<5 {
            var expectedRequests: UInt64 = 0
            var expectedBytes: UInt64 = 0
            var expectedCompleted: [UInt64] = []
            let intervalStart = server.wallTime
            for process in 0..<Self.serverLimit {
                for thread in 0..<Self.threadLimit where random.next() % 3 == 0 {
                    let requests = random.next() % 4 + 1
                    let bytes = random.next() % 50_000
                    let duration = Int64(random.next() % 400_000 + 1)
                    let stop = intervalStart + Int64(random.next() % 900_000) + 1
                    server.update(process: process, thread: thread) { worker in
                        worker.accessCount += requests
                        worker.bytesServed += bytes
                        worker.duration += duration
                        worker.startTime = stop - duration
                        worker.stopTime = stop
                        worker.statusCode = WorkerStatus.ready.rawValue
                    }
                    expectedRequests += requests
                    expectedBytes += bytes
                    expectedCompleted.append(UInt64(duration))
                }
            }

            let result = server.sample()
            let metrics = result.metrics
            #expect(metrics?.intervalRequests == expectedRequests, "seed \(seed)")
            #expect(metrics?.intervalBytes == expectedBytes, "seed \(seed)")
            #expect(server.completed.sorted() == expectedCompleted.sorted(), "seed \(seed)")
            #expect(metrics?.anomalies.isEmpty == true)
        }
    }
}

extension WorkerCensus {
    /// The census fields the reference computes, compared as one value.
    struct Reference: Equatable {
        var perState = WorkerStateCounts()
        var busy = 0, idle = 0, gracefulBusy = 0, gracefullyFinishing = 0, startedThreads = 0
        var inFlight = 0
        var oldestInFlightSeconds: Double? = nil
        var readyWorkersWithoutLastUsed = 0, workersWithLastUsed = 0
        var accessCountSum: UInt64 = 0, bytesServedSum: UInt64 = 0

        init() {}

        init(_ census: WorkerCensus) {
            perState = census.perState
            busy = census.busy
            idle = census.idle
            gracefulBusy = census.gracefulBusy
            gracefullyFinishing = census.gracefullyFinishing
            startedThreads = census.startedThreads
            inFlight = census.inFlight
            oldestInFlightSeconds = census.oldestInFlightSeconds
            readyWorkersWithoutLastUsed = census.readyWorkersWithoutLastUsed
            workersWithLastUsed = census.workersWithLastUsed
            accessCountSum = census.accessCountSum
            bytesServedSum = census.bytesServedSum
        }
    }
}
