import Foundation
import Glibc
import Testing
@testable import ScoreboardSources

@Suite struct ProcessReaderTests {
    private func sample(_ pid: Int32, reader: inout ProcessReader) throws -> ProcessSample {
        guard case .sample(let sample) = reader.readProcess(pid: pid) else {
            throw ProcTestFailure.missing(pid)
        }
        return sample
    }

    @Test func readsTestProcessItself() throws {
        var reader = ProcessReader()
        let me = try sample(getpid(), reader: &reader)

        #expect(me.pid == getpid())
        #expect(me.parentPID == getppid())
        #expect((me.residentBytes ?? 0) > 0)
        #expect(me.threads >= 1)
        #expect(me.voluntaryContextSwitches != nil)
        #expect(me.involuntaryContextSwitches != nil)
        #expect((me.openFileDescriptors ?? 0) >= 3)
        #expect(me.state == "R" || me.state == "S")
        #expect(reader.clockTicksPerSecond == sysconf(Int32(_SC_CLK_TCK)))
    }

    @Test func readsSpawnedChild() throws {
        let before = Date().timeIntervalSince1970
        let child = try ProcTestChild("/bin/sleep", ["5"])
        defer { child.killAndReap() }
        let after = Date().timeIntervalSince1970

        var reader = ProcessReader()
        let first = try sample(child.pid, reader: &reader)
        procTestSleep(seconds: 0.05)
        let second = try sample(child.pid, reader: &reader)

        #expect(first.parentPID == getpid())
        #expect((first.residentBytes ?? 0) > 0)
        #expect(first.threads == 1)
        #expect(first.identity == second.identity)

        // btime is whole seconds, so the absolute start time is exact to about one second.
        let started = try #require(first.startTimeSecondsSinceEpoch)
        #expect(started >= before.rounded(.down) - 1)
        #expect(started <= after + 1)

        let firstVoluntary = try #require(first.voluntaryContextSwitches)
        let secondVoluntary = try #require(second.voluntaryContextSwitches)
        #expect(secondVoluntary >= firstVoluntary)
        let firstInvoluntary = try #require(first.involuntaryContextSwitches)
        let secondInvoluntary = try #require(second.involuntaryContextSwitches)
        #expect(secondInvoluntary >= firstInvoluntary)
    }

    @Test func reportsCommandNameOfChild() throws {
        let child = try ProcTestChild("/bin/sleep", ["5"])
        defer { child.killAndReap() }

        // Between posix_spawn returning and exec the child may still be a copy of the test
        // runner, so wait until the command name changes.
        var reader = ProcessReader()
        var command = ""
        for _ in 0..<200 {
            command = try sample(child.pid, reader: &reader).command
            if command == "sleep" { break }
            procTestSleep(seconds: 0.01)
        }
        #expect(command == "sleep")
    }

    @Test func commandWithParenthesesFromRealProcess() throws {
        // The kernel sets comm from the executable's file name, so a copy of sleep named with
        // spaces and parentheses puts them into /proc/<pid>/stat.
        let directory = NSTemporaryDirectory() + "proc-comm-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let executable = directory + "/x) y (z"
        try FileManager.default.copyItem(atPath: "/bin/sleep", toPath: executable)

        let child = try ProcTestChild(executable, ["5"])
        defer { child.killAndReap() }

        var reader = ProcessReader()
        var latest = try sample(child.pid, reader: &reader)
        for _ in 0..<200 where latest.command != "x) y (z" {
            procTestSleep(seconds: 0.01)
            latest = try sample(child.pid, reader: &reader)
        }
        #expect(latest.command == "x) y (z")
        #expect(latest.parentPID == getpid())
        #expect(latest.threads == 1)
    }

    @Test func countsChildDescriptorsExactly() throws {
        let extra: [Int32] = [7, 9]
        let child = try ProcTestChild("/bin/sleep", ["5"], extraDescriptors: extra)
        defer { child.killAndReap() }

        var reader = ProcessReader()
        // Until exec completes, the child still has the descriptors it inherited and closes on exec.
        for _ in 0..<200 where try sample(child.pid, reader: &reader).command != "sleep" {
            procTestSleep(seconds: 0.01)
        }
        let counted = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(child.pid)/fd").count
        let read = try sample(child.pid, reader: &reader).openFileDescriptors

        #expect(read == counted)
        #expect(read == 3 + extra.count)
    }

    /// Counts the descriptors of this process with fcntl(F_GETFD), which opens none itself.
    private func descriptorsByFcntl() -> Int {
        var limits = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits)
        let highest = Int32(clamping: min(UInt64(limits.rlim_cur), 65_536))
        return (0..<highest).filter { fcntl($0, F_GETFD) >= 0 }.count
    }

    @Test func countsOwnDescriptors() throws {
        var reader = ProcessReader()

        // Other tests open descriptors concurrently, so retry until nothing changed around
        // the read. While it lists /proc/<pid>/fd, the reader keeps two descriptors of its
        // own open: the /proc/<pid> directory and the fd directory stream.
        var matched = false
        for _ in 0..<50 {
            let before = descriptorsByFcntl()
            let read = try sample(getpid(), reader: &reader).openFileDescriptors
            let after = descriptorsByFcntl()
            guard before == after else { continue }
            #expect(read == before + 2)
            matched = true
            break
        }
        #expect(matched)
    }

    @Test func busyChildUsesCPU() throws {
        let child = try ProcTestChild("/bin/sh", ["-c", "while :; do :; done"])
        defer { child.killAndReap() }

        var reader = ProcessReader()
        let startSeconds = procTestMonotonicSeconds()
        let first = try sample(child.pid, reader: &reader)
        procTestSleep(seconds: 0.5)
        let second = try sample(child.pid, reader: &reader)
        let elapsed = procTestMonotonicSeconds() - startSeconds

        let rates = try #require(ProcessRates(
            from: first, to: second, elapsedSeconds: elapsed,
            clockTicksPerSecond: reader.clockTicksPerSecond
        ))
        #expect(rates.userCPUPercentOfOneCore + rates.systemCPUPercentOfOneCore > 0)
        #expect(rates.userCPUPercentOfOneCore >= 0)
        #expect(rates.systemCPUPercentOfOneCore >= 0)
        #expect((rates.involuntaryContextSwitchesPerSecond ?? -1) >= 0)
    }

    @Test func reapedChildIsAbsentWithoutFailure() throws {
        let child = try ProcTestChild("/bin/sleep", ["5"])
        var reader = ProcessReader()
        let living = try sample(child.pid, reader: &reader)
        let aliveBeforeKill = reader.isAlive(living.identity)
        #expect(aliveBeforeKill)

        child.killAndReap()

        let outcome = reader.readProcess(pid: child.pid)
        let aliveAfterKill = reader.isAlive(living.identity)
        #expect(outcome == .vanished)
        #expect(!aliveAfterKill)
        guard case .snapshot(let snapshot) = reader.read(pids: [child.pid, getpid()]) else {
            Issue.record("read(pids:) returned unavailable")
            return
        }
        #expect(snapshot.processes.map(\.pid) == [getpid()])
        #expect(snapshot.failures.isEmpty)
    }

    @Test func isAliveRejectsOtherStartTime() throws {
        var reader = ProcessReader()
        let me = try sample(getpid(), reader: &reader)
        let aliveWithOwnStart = reader.isAlive(pid: getpid(), startTimeTicks: me.identity.startTimeTicks)
        let aliveWithOtherStart = reader.isAlive(pid: getpid(), startTimeTicks: me.identity.startTimeTicks + 1)
        #expect(aliveWithOwnStart)
        #expect(!aliveWithOtherStart)
    }

    @Test func listsSpawnedChildrenOfTestProcess() throws {
        let first = try ProcTestChild("/bin/sleep", ["5"])
        defer { first.killAndReap() }
        let second = try ProcTestChild("/bin/sleep", ["5"])
        defer { second.killAndReap() }

        var reader = ProcessReader()
        let children = reader.childPIDs(of: getpid())

        #expect(children.contains(first.pid))
        #expect(children.contains(second.pid))
        #expect(!children.contains(getpid()))
        #expect(children == children.sorted())
    }

    @Test func missingProcfsIsUnavailable() {
        var reader = ProcessReader(procRoot: "/nonexistent-procfs-\(getpid())")
        guard case .unavailable(let reason) = reader.read(pids: [getpid()]) else {
            Issue.record("expected unavailable for a missing procfs")
            return
        }
        #expect(reason.kind == .systemError)
        #expect(reason.errno == ENOENT)
        #expect(reason.message.contains("/nonexistent-procfs-"))
    }

    @Test func nonPositivePIDIsVanished() {
        var reader = ProcessReader()
        let zero = reader.readProcess(pid: 0)
        let negative = reader.readProcess(pid: -5)
        #expect(zero == .vanished)
        #expect(negative == .vanished)
    }
}

enum ProcTestFailure: Error {
    case missing(Int32)
}
