/// One reading of the requested processes from `/proc`.
public struct ProcessTableSnapshot: Sendable {
    /// The requested processes that existed, in request order. A process that exited before or
    /// during the read is left out; that is normal, not a failure.
    public var processes: [ProcessSample]

    /// Requested processes that exist but could not be read, with the reason (for example
    /// EACCES under a `hidepid=1` mount of /proc).
    public var failures: [ProcessReadFailure]

    /// `sysconf(_SC_CLK_TCK)`: the unit of the tick counters in `processes`.
    public var clockTicksPerSecond: Int

    /// `btime` from `/proc/stat`: boot time in seconds since the Unix epoch; nil if unreadable.
    public var bootTimeSecondsSinceEpoch: UInt64?

    public init(
        processes: [ProcessSample], failures: [ProcessReadFailure],
        clockTicksPerSecond: Int, bootTimeSecondsSinceEpoch: UInt64?
    ) {
        self.processes = processes
        self.failures = failures
        self.clockTicksPerSecond = clockTicksPerSecond
        self.bootTimeSecondsSinceEpoch = bootTimeSecondsSinceEpoch
    }
}

/// A process that exists but whose `/proc` files could not be read.
public struct ProcessReadFailure: Sendable, Equatable {
    public var pid: Int32
    public var reason: SourceUnavailable

    public init(pid: Int32, reason: SourceUnavailable) {
        self.pid = pid
        self.reason = reason
    }
}
