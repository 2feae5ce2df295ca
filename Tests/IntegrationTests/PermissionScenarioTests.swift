import CScoreboard
import Foundation
import Glibc
import ScoreboardSources
import Testing
import TestSupport

/// A collector without privileges against a scoreboard it may not open, then may.
extension IntegrationSuite {
    @Suite struct PermissionScenarioTests {
        @Test(.enabled(if: getuid() == 0, "needs root to run the collector as nobody"))
        func deniedThenGrantedThenDeniedAgain() throws {
            let directory = "/tmp/sbc-perm-\(getpid())"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let scoreboardFile = directory + "/scoreboard"
            let name = ScoreboardPath.posixObjectName(forScoreboardFile: scoreboardFile)
            defer { shm_unlink(name) }
            try Self.createSegment(name: name, mode: 0o600)

            let collector = try CollectorProcess(
                ["--scoreboard-file", scoreboardFile, "--apache-pid-file", "/nonexistent/pid"],
                wrapper: ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--inh-caps=-all"])
            Thread.sleep(forTimeInterval: 1.5)

            // (a) 0600 root:root: reported as down with the reason, no values made up.
            let denied = try #require(try collector.json("/v1/metrics")["apache"] as? [String: Any])
            #expect(denied["up"] as? Bool == false)
            #expect(denied["reason_kind"] as? String == "permission_denied")
            #expect((denied["reason"] as? String)?.contains("EACCES") == true)
            #expect((denied["reason"] as? String)?.contains(name) == true)
            #expect(denied["workers"] == nil)

            // (b) 0640 with nobody's group: attached within 5 s, with read access only.
            chown("/dev/shm" + name, 0, Self.groupID("nogroup"))
            chmod("/dev/shm" + name, 0o640)
            var attached: [String: Any]?
            let deadline = Date().addingTimeInterval(5)
            while Date() < deadline {
                let apache = try collector.json("/v1/metrics")["apache"] as? [String: Any]
                if apache?["up"] as? Bool == true { attached = apache; break }
                Thread.sleep(forTimeInterval: 0.25)
            }
            #expect(attached != nil)
            #expect((attached?["workers"] as? [String: Any])?["busy"] as? Int == 1)

            // (c) Apache restarts and makes the object 0600 again: down, nothing stale shown.
            shm_unlink(name)
            try Self.createSegment(name: name, mode: 0o600)
            Thread.sleep(forTimeInterval: 2.2)
            let again = try #require(try collector.json("/v1/metrics")["apache"] as? [String: Any])
            #expect(again["up"] as? Bool == false)
            #expect(again["reason_kind"] as? String == "permission_denied")
            #expect(again["workers"] == nil)
            let logged = collector.log.split(separator: "\n").filter { $0.contains("Permission denied") }
            #expect(logged.count <= 2)
        }

        /// Creates a segment owned by root with one live (this test's) process and one busy worker.
        static func createSegment(name: String, mode: mode_t) throws {
            var board = SyntheticScoreboard(layout: ScoreboardLayout(group: .l5l6, serverLimit: 2, threadLimit: 2)!)
            board.setGlobal(runningGeneration: 0, restartTime: Clocks.wallMicroseconds() - 60_000_000)
            board.setProcess(0, pid: getpid(), generation: 0)
            var ready = SyntheticWorker(status: .ready)
            ready.lastUsed = Clocks.wallMicroseconds()
            board.setWorker(process: 0, thread: 0, ready)
            board.setWorker(process: 0, thread: 1, SyntheticWorker(status: .busyWrite))
            let bytes = board.bytesWithSizeHeader
            let fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, mode)
            guard fd >= 0 else { throw SubprocessError(message: "shm_open \(name) failed: errno \(errno)") }
            defer { close(fd) }
            fchmod(fd, mode)
            _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        }

        static func groupID(_ name: String) -> gid_t {
            getgrnam(name).map { $0.pointee.gr_gid } ?? 65534
        }
    }
}
