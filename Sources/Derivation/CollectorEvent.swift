/// Something that happened to a watched server, kept in the event log.
public struct CollectorEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// A new scoreboard appeared: Apache started.
        case start
        /// The collector attached to an Apache that was already running.
        case attach
        /// The scoreboard was removed: Apache stopped.
        case stop
        /// SIGUSR1: new generation, counters kept.
        case gracefulRestart = "graceful_restart"
        /// SIGHUP: records zeroed, new restart time.
        case hardRestart = "hard_restart"
        /// The Apache parent died without removing its scoreboard.
        case crash
        /// A process slot got a new pid without a restart (MaxConnectionsPerChild, a crash of one child).
        case childRecycled = "child_recycled"
        /// A slot counter was rejected as implausible or decreasing.
        case anomaly
        /// The source became unavailable for a reason other than a stop (permission, invalid segment).
        case unavailable
    }

    public var kind: Kind
    /// `apache` or `wsgi:<process group>`.
    public var source: String
    public var wallTimeMicroseconds: Int64
    /// One sentence an operator can read in a log.
    public var detail: String
    public var pid: Int32?

    public init(kind: Kind, source: String, wallTimeMicroseconds: Int64, detail: String, pid: Int32? = nil) {
        self.kind = kind
        self.source = source
        self.wallTimeMicroseconds = wallTimeMicroseconds
        self.detail = detail
        self.pid = pid
    }
}
