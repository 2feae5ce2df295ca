import CScoreboard
import Foundation
import Glibc
import Testing
import TestSupport

@testable import ScoreboardSources

/// Worker digests, which every sample reads instead of full worker records, and the parent watch.
@Suite(.serialized) struct WorkerDigestTests {
    /// Builds a board of the given layout group with every worker field random, statuses outside 0…10 included.
    static func randomBoard(group: LayoutGroup, seed: UInt64) -> SyntheticScoreboard {
        var random = SplitMix64(seed: seed)
        var board = SyntheticScoreboard(layout: ScoreboardLayout(group: group, serverLimit: 5, threadLimit: 7)!)
        board.setGlobal(runningGeneration: 2, restartTime: 1_700_000_000_000_000)
        board.setProcess(0, pid: getpid(), generation: 2)
        for process in 0..<5 {
            for thread in 0..<7 {
                var worker = SyntheticWorker(statusCode: UInt8(truncatingIfNeeded: random.next() % 14))
                worker.pid = Int32(truncatingIfNeeded: random.next())
                worker.accessCount = random.next()
                worker.bytesServed = random.next()
                worker.startTime = Int64(bitPattern: random.next())
                worker.stopTime = Int64(bitPattern: random.next())
                worker.lastUsed = Int64(bitPattern: random.next())
                worker.duration = Int64(bitPattern: random.next())
                board.setWorker(process: process, thread: thread, worker)
            }
        }
        return board
    }

    @Test(arguments: LayoutGroup.allCases)
    func digestsMatchFullRecords(group: LayoutGroup) throws {
        let board = Self.randomBoard(group: group, seed: UInt64(group.rawValue))
        let fixture = try SegmentFixture(kind: .posix, board: board)
        let source = ApacheSegmentTests.source(fixture)
        guard case .snapshot(let snapshot) = source.read() else {
            Issue.record("expected a snapshot of the fixture")
            return
        }

        let image = snapshot.image
        #expect(image.workers.count == 35)
        #expect(image.workers == board.image.workers, "the copying pass and the pass over a copy agree")
        for process in 0..<5 {
            for thread in 0..<7 {
                let full = image.worker(process: process, thread: thread)
                let digest = image.workers[process * 7 + thread]
                #expect(digest.accessCount == full.accessCount)
                #expect(digest.bytesServed == full.bytesServed)
                #expect(digest.startTime == full.startTime)
                #expect(digest.stopTime == full.stopTime)
                #expect(digest.lastUsed == full.lastUsed)
                #expect(digest.duration == full.duration)
                #expect(digest.pid == full.pid)
                #expect(digest.statusCode == full.statusCode)
                #expect(digest.status == full.status)
                #expect(digest.statusIndex == full.status.index)
            }
        }
        if !group.hasDuration {
            #expect(image.workers.allSatisfy { $0.duration == 0 }, "layouts before 2.4.35 have no duration")
        }
    }

    @Test func statusIndexOfEveryByte() {
        for code in 0...255 {
            let byte = UInt8(code)
            #expect(WorkerStatus.index(code: byte) == WorkerStatus(code: byte).index, "status byte \(code)")
        }
        #expect(WorkerStatus.index(code: 10) == 10)
        #expect(WorkerStatus.index(code: 11) == 11)
        #expect(WorkerStatus.index(code: 255) == 11)
    }

    @Test func parentWatchSeesExitOfAZombie() throws {
        let pid = try Self.spawnSleep()
        let watch = try #require(ParentWatch(pid: pid))
        #expect(watch.isRunning == true)

        #expect(kill(pid, SIGKILL) == 0)
        var running = watch.isRunning
        for _ in 0..<500 where running == true {
            usleep(10_000)
            running = watch.isRunning
        }
        #expect(running == false, "a killed process is not running")

        // Not reaped until now: the watch reported the zombie as exited.
        var status: Int32 = 0
        #expect(waitpid(pid, &status, WNOHANG) == pid)
    }

    @Test func parentWatchRefusesAReapedPID() {
        #expect(ParentWatch(pid: ApacheSegmentTests.reapedPID()) == nil)
    }

    /// Starts `/bin/sleep 60` with posix_spawn, so that no library reaps it behind the test's back.
    static func spawnSleep() throws -> Int32 {
        var pid: pid_t = 0
        let words: [String] = ["/bin/sleep", "60"]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        let status = posix_spawn(&pid, "/bin/sleep", nil, nil, arguments, environ)
        guard status == 0 else { throw POSIXError(.init(rawValue: status)!) }
        return pid
    }
}
