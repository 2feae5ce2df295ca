import Glibc

/// Reads per-process values from `/proc` for a caller-supplied list of PIDs (the Apache parent,
/// its children, mod_wsgi daemon processes).
///
/// Each process is read through a descriptor of its `/proc/<pid>` directory, so all files come
/// from the same process even if the PID is reused during the read. Once that process is gone,
/// the kernel fails `openat` on the descriptor with ESRCH instead of opening the new process's
/// files.
///
/// The reader keeps one reusable buffer, so it is a value type with `mutating` reads. Keep one
/// reader per sampling thread, or put it in a `Mutex`.
public struct ProcessReader: Sendable {
    /// `sysconf(_SC_CLK_TCK)`: the unit of `utime`, `stime` and `starttime`.
    public let clockTicksPerSecond: Int

    /// `btime` from `/proc/stat`, read once: boot time in seconds since the Unix epoch.
    public let bootTimeSecondsSinceEpoch: UInt64?

    /// Mount point of procfs.
    let procRoot: String
    var buffer = ProcFileBuffer()

    /// Linux's value of `sysconf(_SC_CLK_TCK)` on every architecture; used if sysconf fails.
    static let fallbackClockTicksPerSecond = 100

    /// - Parameter procRoot: where procfs is mounted; `/proc` except in tests.
    public init(procRoot: String = "/proc") {
        self.procRoot = procRoot
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        clockTicksPerSecond = ticks > 0 ? ticks : Self.fallbackClockTicksPerSecond
        bootTimeSecondsSinceEpoch = Self.readBootTime(procRoot: procRoot, buffer: &buffer)
    }

    /// The outcome of reading one process.
    public enum ProcessOutcome: Sendable, Equatable {
        case sample(ProcessSample)
        /// The process does not exist or exited during the read.
        case vanished
        case failed(SourceUnavailable)
    }

    /// Reads every PID in `pids`. Processes that exited are left out; the result is unavailable
    /// only when procfs itself cannot be opened.
    public mutating func read(pids: [Int32]) -> SourceReading<ProcessTableSnapshot> {
        guard access(procRoot + "/self/stat", R_OK) == 0 else {
            let failure = ProcErrno(code: errno)
            return .unavailable(SourceUnavailable(
                kind: .systemError,
                message: "cannot read \(procRoot)/self/stat: \(failure.text); mount procfs at \(procRoot)",
                errno: failure.code,
                object: procRoot
            ))
        }

        var processes: [ProcessSample] = []
        var failures: [ProcessReadFailure] = []
        processes.reserveCapacity(pids.count)
        for pid in pids {
            switch readProcess(pid: pid) {
            case .sample(let sample): processes.append(sample)
            case .vanished: continue
            case .failed(let reason): failures.append(ProcessReadFailure(pid: pid, reason: reason))
            }
        }

        return .snapshot(ProcessTableSnapshot(
            processes: processes,
            failures: failures,
            clockTicksPerSecond: clockTicksPerSecond,
            bootTimeSecondsSinceEpoch: bootTimeSecondsSinceEpoch
        ))
    }

    /// Reads `stat`, `status` and the `fd` directory of one process.
    public mutating func readProcess(pid: Int32) -> ProcessOutcome {
        guard pid > 0 else { return .vanished }
        let directoryPath = "\(procRoot)/\(pid)"
        let directory = open(directoryPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return outcome(for: ProcErrno(code: errno), path: directoryPath) }
        defer { close(directory) }

        let statResult = buffer.withContents(of: "stat", in: directory) { ProcStatFields($0) }
        let stat: ProcStatFields
        switch statResult {
        case .failure(let error): return outcome(for: error, path: directoryPath + "/stat")
        case .success(nil):
            return .failed(SourceUnavailable(
                kind: .systemError,
                message: "cannot parse \(directoryPath)/stat: the line does not match the layout in proc(5)",
                object: directoryPath + "/stat"
            ))
        case .success(let fields?): stat = fields
        }

        let statusResult = buffer.withContents(of: "status", in: directory) { ProcStatusFields($0) }
        let status: ProcStatusFields
        switch statusResult {
        case .failure(let error): return outcome(for: error, path: directoryPath + "/status")
        case .success(let fields): status = fields
        }

        let openFileDescriptors: Int?
        switch Self.countEntries(of: "fd", in: directory) {
        case .success(let count): openFileDescriptors = count
        case .failure(let error) where error.meansProcessVanished: return .vanished
        case .failure: openFileDescriptors = nil
        }

        return .sample(ProcessSample(
            identity: ProcessIdentity(pid: stat.pid, startTimeTicks: stat.startTimeTicks),
            parentPID: stat.parentPID,
            command: stat.command,
            state: stat.state,
            startTimeSecondsSinceEpoch: startTimeSecondsSinceEpoch(ticks: stat.startTimeTicks),
            residentBytes: status.residentBytes,
            userCPUTicks: stat.userCPUTicks,
            systemCPUTicks: stat.systemCPUTicks,
            threads: stat.threads,
            voluntaryContextSwitches: status.voluntaryContextSwitches,
            involuntaryContextSwitches: status.involuntaryContextSwitches,
            openFileDescriptors: openFileDescriptors
        ))
    }

    /// Converts `starttime` ticks after boot into seconds since the Unix epoch.
    public func startTimeSecondsSinceEpoch(ticks: UInt64) -> Double? {
        guard let boot = bootTimeSecondsSinceEpoch else { return nil }
        return Double(boot) + Double(ticks) / Double(clockTicksPerSecond)
    }

    private func outcome(for error: ProcErrno, path: String) -> ProcessOutcome {
        if error.meansProcessVanished { return .vanished }
        return .failed(SourceUnavailable(
            kind: error.meansPermissionDenied ? .permissionDenied : .systemError,
            message: "cannot read \(path): \(error.text)",
            errno: error.code,
            object: path
        ))
    }
}
