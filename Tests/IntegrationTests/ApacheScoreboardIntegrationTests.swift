import Derivation
import Foundation
import ScoreboardSources
import Testing
import TestSupport

/// The Apache source and derivation against Debian's apache2, started by each test.
extension IntegrationSuite {
    @Suite struct ApacheScoreboardIntegrationTests {
        @Test func eventCountsExactRequests() throws {
            let apache = try ApacheInstance(["--mpm", "event"])
            let watcher = LiveWatcher(pidFile: apache.pidFile)
            let first = try #require(watcher.tick(until: { $0.metrics != nil }, within: 10))
            #expect(first.metrics?.mechanism == .anonymous)
            #expect(first.metrics?.serverLimit == 4)
            #expect(first.metrics?.threadLimit == 5)

            try apache.load("/index.html", count: 300)
            Thread.sleep(forTimeInterval: 0.3)
            watcher.tick()

            #expect(watcher.countedRequests == 300)
            #expect(watcher.lastSnapshot.map { sumAccessCount($0.image) } == 300)
            #expect(watcher.allRates.allSatisfy { $0 >= 0 })
        }

        @Test func preforkPOSIXCountsExactRequests() throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sbc-sb-\(getpid())").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let scoreboardFile = directory + "/scoreboard"
            let apache = try ApacheInstance(["--mpm", "prefork", "--server-limit", "6", "--scoreboard-file", scoreboardFile])
            let watcher = LiveWatcher(pidFile: apache.pidFile, scoreboardFile: scoreboardFile)
            let first = try #require(watcher.tick(until: { $0.metrics != nil }, within: 10))
            #expect(first.metrics?.mechanism == .posix)
            #expect(first.metrics?.threadLimit == 1)
            #expect(first.metrics?.segment == "/dev/shm" + ScoreboardPath.posixObjectName(forScoreboardFile: scoreboardFile))

            try apache.load("/index.html", count: 250, concurrency: 3)
            Thread.sleep(forTimeInterval: 0.3)
            watcher.tick()

            #expect(watcher.countedRequests == 250)
        }

        @Test func slowRequestShowsBusyWorker() throws {
            let apache = try ApacheInstance()
            let watcher = LiveWatcher(pidFile: apache.pidFile)
            try #require(watcher.tick(until: { $0.metrics != nil }, within: 10) != nil)

            let slow = try apache.startRequest("/app/sleep?seconds=3")
            defer { Subprocess.wait(slow) }
            let busy = try #require(watcher.tick(until: { ($0.metrics?.workers.inFlight ?? 0) >= 1 }, within: 2.5))
            Thread.sleep(forTimeInterval: 0.6)
            let later = watcher.tick()

            #expect(busy.metrics!.workers.busy >= 1)
            #expect((later.metrics?.workers.oldestInFlightSeconds ?? 0) >= 0.5)
            let snapshot = try #require(watcher.lastSnapshot)
            let requests = InFlightRequests.list(in: snapshot.image, nowMicroseconds: snapshot.wallTimeMicroseconds, redact: false)
            #expect(requests.contains { $0.request?.contains("/app/sleep?seconds=3") == true })
            let redacted = InFlightRequests.list(in: snapshot.image, nowMicroseconds: snapshot.wallTimeMicroseconds, redact: true)
            #expect(redacted.allSatisfy { $0.request == nil })
            #expect(redacted.allSatisfy { $0.client == nil })
        }

        /// Runs on the anonymous mapping and on a POSIX ScoreboardFile: with a watched parent the
        /// POSIX segment is checked only after the parent exits, so a stop must still be seen.
        @Test(arguments: [false, true])
        func restartsAndStopStartKeepCountersSane(scoreboardFile useFile: Bool) throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sbc-restart-\(getpid())").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let scoreboardFile = useFile ? directory + "/scoreboard" : nil
            defer {
                if let scoreboardFile { shm_unlink(ScoreboardPath.posixObjectName(forScoreboardFile: scoreboardFile)) }
                try? FileManager.default.removeItem(atPath: directory)
            }
            let apache = try ApacheInstance(scoreboardFile.map { ["--scoreboard-file", $0] } ?? [])
            let watcher = LiveWatcher(pidFile: apache.pidFile, scoreboardFile: scoreboardFile)
            try #require(watcher.tick(until: { $0.metrics != nil }, within: 10) != nil)
            try apache.load("/index.html", count: 50)

            try apache.signal("graceful")
            let graceful = watcher.tick(until: { $0.metrics?.restart == .graceful }, within: 3)
            #expect(graceful != nil)
            try apache.load("/index.html", count: 40)
            Thread.sleep(forTimeInterval: 0.5)
            watcher.tick()
            #expect(watcher.countedRequests == 90)

            try apache.signal("restart")
            let hard = watcher.tick(until: { $0.metrics?.restart == .hard }, within: 3)
            #expect(hard != nil)
            _ = watcher.tick(until: { ($0.metrics?.workers.idle ?? 0) > 0 }, within: 3)
            try apache.load("/index.html", count: 30)
            Thread.sleep(forTimeInterval: 0.5)
            watcher.tick()
            #expect(watcher.countedRequests == 120)

            apache.stop()
            let down = watcher.tick(until: { $0.unavailable != nil }, within: 2)
            #expect(down?.unavailable?.kind == .absent)

            try apache.start()
            let up = watcher.tick(until: { $0.metrics != nil }, within: 2)
            #expect(up != nil)
            try apache.load("/index.html", count: 20)
            Thread.sleep(forTimeInterval: 0.5)
            watcher.tick()

            #expect(watcher.countedRequests == 140)
            #expect(watcher.allRates.allSatisfy { $0 >= 0 })
            let kinds = watcher.events.map(\.kind)
            #expect(kinds.contains(.gracefulRestart))
            #expect(kinds.contains(.hardRestart))
            #expect(kinds.contains(.stop))
            #expect(kinds.contains(.start))
            let totals = watcher.results.compactMap { $0.metrics?.requestsTotal }
            #expect(totals == totals.sorted())
        }

        @Test func killedParentAnonymousOrphansThenStale() throws {
            let apache = try ApacheInstance()
            let watcher = LiveWatcher(pidFile: apache.pidFile)
            let first = try #require(watcher.tick(until: { $0.metrics != nil }, within: 10))
            let parent = try apache.parentPID()
            let children = try #require(watcher.lastSnapshot).image
            let childPIDs = (0..<children.serverLimit).map { children.process($0).pid }.filter { $0 > 0 }
            let daemonPIDs = daemonChildren(of: parent)
            #expect(first.metrics?.parent == .running(pid: parent))

            // The collector's own mapping keeps the anonymous scoreboard readable: the orphaned
            // children stay visible and the crash is reported. Children that noticed the parent's
            // death and exited cleared their records, which reads as a stop.
            let outcome = watcher.killParent(parent, children: childPIDs)
            let afterKill = try #require(outcome.orphaned)
            if afterKill.metrics != nil {
                #expect(watcher.events.contains { $0.kind == .crash })
                #expect(outcome.stale != nil)
            } else {
                #expect(afterKill.unavailable?.message.contains("cleared its process records") == true)
            }
            for pid in daemonPIDs { kill(pid, SIGKILL) }
        }

        @Test func killedParentWithScoreboardFileLeavesStaleSegment() throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sbc-kill-\(getpid())").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let scoreboardFile = directory + "/scoreboard"
            let objectName = ScoreboardPath.posixObjectName(forScoreboardFile: scoreboardFile)
            defer {
                shm_unlink(objectName)
                try? FileManager.default.removeItem(atPath: directory)
            }
            let apache = try ApacheInstance(["--mpm", "prefork", "--scoreboard-file", scoreboardFile])
            let watcher = LiveWatcher(pidFile: apache.pidFile, scoreboardFile: scoreboardFile)
            try #require(watcher.tick(until: { $0.metrics != nil }, within: 10) != nil)
            let parent = try apache.parentPID()
            let image = try #require(watcher.lastSnapshot).image
            let childPIDs = (0..<image.serverLimit).map { image.process($0).pid }.filter { $0 > 0 }

            let outcome = watcher.killParent(parent, children: childPIDs)
            #expect(outcome.orphaned != nil)
            #expect(watcher.events.contains { $0.kind == .crash })
            #expect(outcome.stale != nil)
            #expect(outcome.stale?.unavailable?.message.contains("left over") == true)
        }

        @Test func extendedStatusOffGivesNullCounters() throws {
            let apache = try ApacheInstance(["--no-extended-status"])
            let watcher = LiveWatcher(pidFile: apache.pidFile)
            try #require(watcher.tick(until: { $0.metrics != nil }, within: 10) != nil)
            try apache.load("/index.html", count: 20)
            Thread.sleep(forTimeInterval: 0.3)
            let result = watcher.tick()

            #expect(result.metrics?.countersUnavailableReason?.contains("ExtendedStatus is off") == true)
            #expect(result.metrics?.requestsPerSecond == nil)
            #expect(result.metrics?.requestsTotal == nil)
            #expect(result.metrics.map { $0.workers.idle > 0 } == true)
        }

        func sumAccessCount(_ image: ScoreboardImage) -> UInt64 {
            var sum: UInt64 = 0
            for process in 0..<image.serverLimit {
                for thread in 0..<image.threadLimit { sum += image.worker(process: process, thread: thread).accessCount }
            }
            return sum
        }

        /// Children of `parent` that the scoreboard does not list, such as mod_wsgi daemons. Call it
    /// before killing the parent: afterwards they are reparented and no longer recognisable.
        func daemonChildren(of parent: Int32) -> [Int32] {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
            return entries.compactMap { Int32($0) }.filter { pid in
                guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                    let close = stat.lastIndex(of: ")")
                else { return false }
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                return fields.count > 1 && Int32(fields[1]) == parent
            }
        }
    }
}

/// Restarts with requests in flight, and children recycled by MaxConnectionsPerChild.
extension IntegrationSuite {
    @Suite struct ApacheChurnIntegrationTests {
        @Test func gracefulRestartWithSlowRequestInFlight() throws {
            // Embedded mode: the slow request runs in the Apache child itself. A daemon-mode request
            // would end early, because mod_wsgi restarts its daemon processes on a graceful restart.
            let apache = try ApacheInstance(["--wsgi-embedded"])
            let watcher = LiveWatcher(pidFile: apache.pidFile)
            try #require(watcher.tick(until: { ($0.metrics?.workers.idle ?? 0) > 0 }, within: 10) != nil)

            let slow = try apache.startRequest("/app/sleep?seconds=3")
            defer { Subprocess.wait(slow) }
            try #require(watcher.tick(until: { ($0.metrics?.workers.inFlight ?? 0) >= 1 }, within: 2.5) != nil)
            try apache.signal("graceful")

            // The old generation's child finishes its request as a quiescing process in state G.
            let finishing = watcher.tick(until: {
                guard let workers = $0.metrics?.workers else { return false }
                return workers.quiescingProcesses >= 1 && workers.gracefullyFinishing >= 1
            }, within: 2.5)
            #expect(finishing != nil)
            // mod_status's rule: a quiescing process's workers are neither busy nor idle.
            #expect(finishing?.metrics?.workers.gracefulBusy == 0)
            #expect(finishing?.metrics?.workers.oldGenerationProcesses ?? 0 >= 1)
            #expect(finishing?.metrics?.workers.inFlight ?? 0 >= 1)
            #expect(watcher.events.contains { $0.kind == .gracefulRestart })

            Subprocess.wait(slow)
            let settled = watcher.tick(until: { ($0.metrics?.workers.quiescingProcesses ?? 1) == 0 }, within: 4)
            #expect(settled != nil)
            #expect(settled?.metrics?.workers.gracefullyFinishing == 0)
            #expect(watcher.allRates.allSatisfy { $0 >= 0 })
        }

        @Test func maxConnectionsPerChildRecyclesChildren() throws {
            let apache = try ApacheInstance(["--mpm", "prefork", "--server-limit", "4", "--max-connections-per-child", "20"])
            let watcher = LiveWatcher(pidFile: apache.pidFile)
            try #require(watcher.tick(until: { ($0.metrics?.workers.idle ?? 0) > 0 }, within: 10) != nil)

            for _ in 0..<4 {
                try apache.load("/index.html", count: 50, concurrency: 2)
                Thread.sleep(forTimeInterval: 0.3)
                watcher.tick()
            }
            Thread.sleep(forTimeInterval: 0.5)
            watcher.tick()

            #expect(watcher.countedRequests == 200)
            let started = watcher.results.compactMap(\.metrics).reduce(0) { $0 + $1.processesStarted }
            let stopped = watcher.results.compactMap(\.metrics).reduce(0) { $0 + $1.processesStopped }
            #expect(started >= 5)
            #expect(stopped >= 5)
            #expect(watcher.events.contains { $0.kind == .childRecycled })
            #expect(!watcher.events.contains { $0.kind == .hardRestart || $0.kind == .gracefulRestart })
        }
    }
}
