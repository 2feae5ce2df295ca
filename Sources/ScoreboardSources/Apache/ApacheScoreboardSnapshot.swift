/// How APR stored the scoreboard that a snapshot was copied from.
public enum StorageMechanism: String, Sendable, Equatable {
    /// POSIX named object in /dev/shm (`ScoreboardFile` set, APR 1.7.1 and later).
    case posix
    /// SysV segment (`ScoreboardFile` set, APR 1.7.0 and earlier).
    case sysv
    /// Anonymous shared mapping of the Apache parent (no `ScoreboardFile`).
    case anonymous
}

/// The segment a snapshot came from.
public struct SegmentIdentity: Sendable, Equatable {
    public var mechanism: StorageMechanism
    /// `/dev/shm/ShM.…`, `SysV shmid N (key 0x…)` or `/proc/<pid>/map_files/<range>`.
    public var object: String
    /// Increments with every new attachment, so a consumer can tell a new segment
    /// (Apache stopped and started) from the same one.
    public var attachment: UInt64

    public init(mechanism: StorageMechanism, object: String, attachment: UInt64) {
        self.mechanism = mechanism
        self.object = object
        self.attachment = attachment
    }
}

/// Whether the Apache parent that owns the segment is alive.
public enum ParentState: Sendable, Equatable {
    /// The parent is running.
    case running(pid: Int32)
    /// The parent is gone but `orphans` child processes in the process records still run
    /// (after `kill -9` of the parent): data is live but no longer managed.
    case orphaned(formerPID: Int32?, orphans: Int)
    /// No PID file was given or readable, so the parent could not be checked.
    case unknown
}

/// One copy of Apache's scoreboard, with where and when it was taken.
public struct ApacheScoreboardSnapshot: Sendable {
    public let image: ScoreboardImage
    public let segment: SegmentIdentity
    public let parent: ParentState
    /// Wall clock at the copy, µs since the epoch: compared with scoreboard timestamps.
    public let wallTimeMicroseconds: Int64
    /// Monotonic clock at the copy, ns: used for intervals.
    public let monotonicNanoseconds: UInt64

    public init(
        image: ScoreboardImage, segment: SegmentIdentity, parent: ParentState,
        wallTimeMicroseconds: Int64, monotonicNanoseconds: UInt64
    ) {
        self.image = image
        self.segment = segment
        self.parent = parent
        self.wallTimeMicroseconds = wallTimeMicroseconds
        self.monotonicNanoseconds = monotonicNanoseconds
    }
}
