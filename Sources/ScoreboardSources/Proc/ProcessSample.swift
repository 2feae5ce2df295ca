/// Values `/proc` reported for one process at one moment.
///
/// Counters are cumulative since the process started; turn two samples into rates with
/// `ProcessRates`. A value the kernel did not report, or this collector may not read, is nil.
public struct ProcessSample: Sendable, Equatable {
    public var identity: ProcessIdentity

    public var pid: Int32 { identity.pid }

    /// `/proc/<pid>/stat` field 4, `ppid`.
    public var parentPID: Int32

    /// `/proc/<pid>/stat` field 2, `comm`, without parentheses.
    public var command: String

    /// `/proc/<pid>/stat` field 3, `state`: R, S, D, Z, …
    public var state: Character

    /// `/proc/<pid>/stat` field 22, `starttime`, converted to seconds since the Unix epoch with
    /// `btime` from `/proc/stat`. Precise to about one second, because `btime` is whole seconds.
    public var startTimeSecondsSinceEpoch: Double?

    /// `/proc/<pid>/status` `VmRSS`, in bytes; nil for zombies and kernel threads.
    public var residentBytes: UInt64?

    /// `/proc/<pid>/stat` field 14, `utime`, in clock ticks.
    public var userCPUTicks: UInt64

    /// `/proc/<pid>/stat` field 15, `stime`, in clock ticks.
    public var systemCPUTicks: UInt64

    /// `/proc/<pid>/stat` field 20, `num_threads`.
    public var threads: Int

    /// `/proc/<pid>/status` `voluntary_ctxt_switches`.
    public var voluntaryContextSwitches: UInt64?

    /// `/proc/<pid>/status` `nonvoluntary_ctxt_switches`.
    public var involuntaryContextSwitches: UInt64?

    /// Entries in `/proc/<pid>/fd`; nil when that directory may not be read (another user's
    /// process without CAP_SYS_PTRACE), which is different from zero open descriptors.
    public var openFileDescriptors: Int?

    public init(
        identity: ProcessIdentity, parentPID: Int32, command: String, state: Character,
        startTimeSecondsSinceEpoch: Double?, residentBytes: UInt64?,
        userCPUTicks: UInt64, systemCPUTicks: UInt64, threads: Int,
        voluntaryContextSwitches: UInt64?, involuntaryContextSwitches: UInt64?,
        openFileDescriptors: Int?
    ) {
        self.identity = identity
        self.parentPID = parentPID
        self.command = command
        self.state = state
        self.startTimeSecondsSinceEpoch = startTimeSecondsSinceEpoch
        self.residentBytes = residentBytes
        self.userCPUTicks = userCPUTicks
        self.systemCPUTicks = systemCPUTicks
        self.threads = threads
        self.voluntaryContextSwitches = voluntaryContextSwitches
        self.involuntaryContextSwitches = involuntaryContextSwitches
        self.openFileDescriptors = openFileDescriptors
    }
}
