/// Every setting of the daemon, with its default.
///
/// The command line and the configuration file fill this one struct through the same
/// table of option definitions (`OptionTable`), so a key accepted in one place is
/// accepted, with the same validation, in the other.
public struct CollectorOptions: Sendable, Equatable {
    /// Path written as `ScoreboardFile` in Apache's configuration; `nil` discovers the
    /// scoreboard through the Apache parent's `/proc/<pid>/maps`.
    public var scoreboardFile: String? = nil

    /// Apache's `PidFile`; Debian's default is `/run/apache2/apache2.pid`.
    public var apachePIDFile: String = "/run/apache2/apache2.pid"

    /// Address the HTTP server binds.
    public var listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 9118)

    /// Time between two samples, in seconds.
    public var intervalSeconds: Double = 1.0

    /// Number of samples the history keeps (1,800 at 1 s = 30 minutes).
    public var historySamples: Int = 1800

    /// Lowest priority that is logged.
    public var logLevel: LogLevel = .info

    /// Destination of log entries: the journal's native protocol, stderr, or chosen at start.
    public var logTarget: LogTarget = .automatic

    /// Minimum time between two entries with the same rate-limit key, in seconds.
    public var logRepeatIntervalSeconds: Double = 60

    /// Directory where mod_wsgi processes create their WSGI scoreboard segments.
    public var wsgiDirectory: String = "/run/scoreboard-collector/wsgi"

    /// Apache's main configuration file, read to learn MaxRequestWorkers and ThreadsPerChild.
    public var apacheConfigFile: String = "/etc/apache2/apache2.conf"

    /// MaxRequestWorkers given by the operator; overrides the value in the configuration.
    public var maxRequestWorkers: Int? = nil

    /// ThreadsPerChild given by the operator; overrides the value in the configuration.
    public var threadsPerChild: Int? = nil

    /// Leave request lines and client addresses out of every API response.
    public var redactRequests: Bool = false

    public init() {}
}

/// An IPv4 or IPv6 literal and a TCP port, as written `ADDR:PORT` or `[ADDR]:PORT`.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// Log priorities, with the syslog numbers that journald's `PRIORITY=` field uses.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case error = 3
    case warning = 4
    case notice = 5
    case info = 6
    case debug = 7

    public var name: String {
        switch self {
        case .error: "error"
        case .warning: "warning"
        case .notice: "notice"
        case .info: "info"
        case .debug: "debug"
        }
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool {
        // A lower syslog number is more severe, so `.error < .debug` reads as "less verbose".
        lhs.rawValue < rhs.rawValue
    }
}

/// Destination of log entries.
public enum LogTarget: String, Sendable, Equatable, CaseIterable {
    /// The journal's native protocol when systemd connected stderr to the journal
    /// (`JOURNAL_STREAM` names stderr's device and inode), stderr otherwise.
    case automatic = "auto"

    /// The journal's native protocol (`sd_journal_sendv`), with stderr as the fallback when
    /// `/run/systemd/journal/socket` is missing.
    case journal

    /// Plain leveled lines on stderr.
    case stderr
}
