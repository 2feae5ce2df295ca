import ScoreboardSources

/// One request phase's interval data: histogram delta and exact sums.
public struct PhaseInterval: Sendable, Equatable {
    public var histogram = SparseHistogram()
    public var sumMicroseconds: UInt64 = 0
    public var count: UInt64 = 0

    public init() {}
}

/// Metrics of one mod_wsgi process group (daemon group, or the embedded processes) for one interval.
public struct WSGIGroupMetrics: Sendable {
    /// `mod_wsgi.process_group`; embedded mode is reported as `(embedded)`.
    public var processGroup: String
    public var mode: WSGIProcessMode

    public var liveProcesses: Int
    /// `processes=` of the daemon group; nil in embedded mode, where mod_wsgi does not know it.
    public var configuredProcesses: Int?
    /// Processes that appeared and exited in the interval, by pid and start time.
    public var processesStarted: Int
    public var processesExited: Int

    public var threadsBusy: Int
    /// Request threads of the live processes (`threads=` × live processes).
    public var threadsTotal: Int
    /// busy ÷ total; nil with no live thread.
    public var utilisation: Double? { threadsTotal > 0 ? Double(threadsBusy) / Double(threadsTotal) : nil }

    public var inFlight: Int
    public var oldestInFlightSeconds: Double?

    /// Requests completed in the interval, and per second; nil without a previous sample.
    public var intervalRequests: UInt64?
    public var requestsPerSecond: Double?
    /// Responses per status class (1xx … 5xx) and exceptions per second.
    public var statusPerSecond: [Double]?
    public var exceptionsPerSecond: Double?
    public var bytesInPerSecond: Double?
    public var bytesOutPerSecond: Double?

    /// Monotonic totals the collector counted since it started.
    public var requestsTotal: UInt64
    public var exceptionsTotal: UInt64
    /// Negative phases the writers clamped to 0, over the live and recent processes.
    public var negativePhaseTotal: UInt64

    public var application: PhaseInterval
    public var queue: PhaseInterval
    public var total: PhaseInterval

    /// Interval deltas gathered across the group's processes before rates are computed.
    var statusDeltas: [UInt64] = [0, 0, 0, 0, 0]
    var exceptionsDelta: UInt64 = 0
    var bytesInDelta: UInt64 = 0
    var bytesOutDelta: UInt64 = 0
}

/// Collector-accumulated histograms of one group since the collector started: monotonic, for
/// Prometheus histograms. Only the latest copy is kept; history stores the sparse deltas.
public struct WSGICumulativeHistograms: Sendable, Equatable {
    public var processGroup: String
    public var application: [UInt64]
    public var queue: [UInt64]
    public var total: [UInt64]
    public var applicationSumMicroseconds: UInt64
    public var queueSumMicroseconds: UInt64
    public var totalSumMicroseconds: UInt64
}
