import ScoreboardSources

/// Resource use of one watched process over the last interval, from /proc.
public struct ProcessMetrics: Sendable, Equatable {
    public enum Role: String, Sendable {
        case apacheParent = "apache_parent"
        case apacheChild = "apache_child"
        case wsgi
    }

    public var pid: Int32
    public var role: Role
    /// The WSGI process group, for `.wsgi` processes.
    public var processGroup: String?
    /// `comm` from /proc/<pid>/stat, such as `apache2` or `(wsgi:app)` trimmed by the kernel to 15 bytes.
    public var command: String
    public var startTimeUnixSeconds: Double?
    public var residentBytes: UInt64?
    public var threads: Int
    /// nil where /proc/<pid>/fd is not readable by the collector.
    public var openFileDescriptors: Int?
    /// % of one core over the interval; nil for a process seen for the first time.
    public var cpuUserPercent: Double?
    public var cpuSystemPercent: Double?
    public var voluntaryContextSwitchesPerSecond: Double?
    public var involuntaryContextSwitchesPerSecond: Double?
}

/// The process a tick should read, and what it is.
public struct WatchedProcess: Sendable, Equatable {
    public var pid: Int32
    public var role: ProcessMetrics.Role
    public var processGroup: String?

    public init(pid: Int32, role: ProcessMetrics.Role, processGroup: String? = nil) {
        self.pid = pid
        self.role = role
        self.processGroup = processGroup
    }
}

/// Turns two /proc readings of the same processes into per-process rates.
public struct ProcessDerivation: Sendable {
    private var previous: [ProcessIdentity: ProcessSample] = [:]

    public init() {}

    /// Derives rates for processes found with the same identity (pid and start time) in both
    /// readings. A process seen for the first time, or a reused pid, has nil rates.
    public mutating func derive(
        _ reading: SourceReading<ProcessTableSnapshot>, watched: [WatchedProcess], intervalSeconds: Double?
    ) -> [ProcessMetrics] {
        guard case .snapshot(let table) = reading else {
            previous.removeAll(keepingCapacity: true)
            return []
        }
        var roles: [Int32: WatchedProcess] = [:]
        for process in watched { roles[process.pid] = process }

        var metrics: [ProcessMetrics] = []
        metrics.reserveCapacity(table.processes.count)
        var next: [ProcessIdentity: ProcessSample] = [:]
        for sample in table.processes {
            guard let role = roles[sample.pid] else { continue }
            next[sample.identity] = sample
            let rates = previous[sample.identity].flatMap { before in
                intervalSeconds.flatMap {
                    ProcessRates(from: before, to: sample, elapsedSeconds: $0, clockTicksPerSecond: table.clockTicksPerSecond)
                }
            }
            metrics.append(
                ProcessMetrics(
                    pid: sample.pid, role: role.role, processGroup: role.processGroup, command: sample.command,
                    startTimeUnixSeconds: sample.startTimeSecondsSinceEpoch, residentBytes: sample.residentBytes,
                    threads: sample.threads, openFileDescriptors: sample.openFileDescriptors,
                    cpuUserPercent: rates?.userCPUPercentOfOneCore, cpuSystemPercent: rates?.systemCPUPercentOfOneCore,
                    voluntaryContextSwitchesPerSecond: rates?.voluntaryContextSwitchesPerSecond,
                    involuntaryContextSwitchesPerSecond: rates?.involuntaryContextSwitchesPerSecond))
        }
        previous = next
        return metrics
    }
}
