/// One process instance: a PID together with its start time, so that a reused PID is a
/// different identity.
public struct ProcessIdentity: Hashable, Sendable, CustomStringConvertible {
    public var pid: Int32

    /// `/proc/<pid>/stat` field 22, `starttime`, in clock ticks after boot.
    public var startTimeTicks: UInt64

    public init(pid: Int32, startTimeTicks: UInt64) {
        self.pid = pid
        self.startTimeTicks = startTimeTicks
    }

    public var description: String { "pid \(pid) started at tick \(startTimeTicks)" }
}
