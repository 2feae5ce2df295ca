import ScoreboardSources

/// Everything derived at one sampling tick; the unit the history stores and reporters read.
public struct DerivedSample: Sendable {
    /// Tick number since the collector started, from 1.
    public var sequence: UInt64
    /// Wall clock at the tick, µs since the epoch.
    public var wallTimeMicroseconds: Int64
    /// Monotonic time since the previous tick; nil for the first one.
    public var intervalSeconds: Double?
    /// Apache metrics, or nil when the scoreboard could not be read (see `apacheUnavailable`).
    public var apache: ApacheMetrics?
    public var apacheUnavailable: SourceUnavailable?
    /// WSGI process groups, empty when the WSGI scoreboard is unavailable (see `wsgiUnavailable`).
    public var wsgiGroups: [WSGIGroupMetrics]
    public var wsgiUnavailable: SourceUnavailable?
    /// WSGI records skipped as torn or abandoned since the collector started.
    public var wsgiSkippedRecordsTotal: UInt64
    /// The Apache parent, Apache children and WSGI processes, from /proc.
    public var processes: [ProcessMetrics]

    public init(
        sequence: UInt64, wallTimeMicroseconds: Int64, intervalSeconds: Double?, apache: ApacheMetrics?,
        apacheUnavailable: SourceUnavailable?, wsgiGroups: [WSGIGroupMetrics] = [],
        wsgiUnavailable: SourceUnavailable? = nil, wsgiSkippedRecordsTotal: UInt64 = 0, processes: [ProcessMetrics] = []
    ) {
        self.sequence = sequence
        self.wallTimeMicroseconds = wallTimeMicroseconds
        self.intervalSeconds = intervalSeconds
        self.apache = apache
        self.apacheUnavailable = apacheUnavailable
        self.wsgiGroups = wsgiGroups
        self.wsgiUnavailable = wsgiUnavailable
        self.wsgiSkippedRecordsTotal = wsgiSkippedRecordsTotal
        self.processes = processes
    }
}
