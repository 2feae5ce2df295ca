import ScoreboardSources

/// Metrics derived from one Apache scoreboard sample and the sample before it.
public struct ApacheMetrics: Sendable {
    public var mechanism: StorageMechanism
    public var segment: String
    public var layoutGroup: LayoutGroup
    public var serverLimit: Int
    public var threadLimit: Int

    /// `running_generation`.
    public var generation: Int32
    /// `restart_time`, µs since the epoch.
    public var restartTimeMicroseconds: Int64
    /// Time since `restart_time`, advanced on the monotonic clock between samples.
    public var uptimeSeconds: Double
    public var parent: ParentState

    public var workers: WorkerCensus
    public var capacity: CapacityMetrics

    /// The reason request counters cannot be used, or nil when they can (ExtendedStatus on).
    public var countersUnavailableReason: String?
    /// Requests and bytes per second over the interval; nil without a previous sample or counters.
    public var requestsPerSecond: Double?
    public var bytesPerSecond: Double?
    /// Requests, bytes and cumulative request time (µs) counted in the interval; nil without
    /// a previous sample or counters. History weights window aggregates by these.
    public var intervalRequests: UInt64?
    public var intervalBytes: UInt64?
    public var intervalDurationMicroseconds: UInt64?
    /// Requests and bytes the collector has counted since it started, across restarts: monotonic.
    public var requestsTotal: UInt64?
    public var bytesTotal: UInt64?
    /// Σ`access_count` and Σ`bytes_served` over every worker record, as mod_status totals them;
    /// reset by a hard restart. nil when the counters are unavailable.
    public var accessCountSum: UInt64?
    public var bytesServedSum: UInt64?
    /// Mean time per request completed in the interval, from Δ`duration` / Δ`access_count`.
    public var meanResponseTimeSeconds: Double?
    /// The reason `meanResponseTimeSeconds` is nil, when it is.
    public var meanResponseTimeUnavailableReason: String?
    /// Requests whose completion is visible in the interval (each slot shows only its last one);
    /// nil when the counters are unavailable.
    public var completedSampleCount: Int?

    /// Processes that appeared in and left process slots during the interval (pid replacement).
    public var processesStarted: Int
    public var processesStopped: Int

    /// Restarts seen in this interval, if any.
    public var restart: RestartKind?
    /// Slot counters rejected in this interval, and since the collector started.
    public var anomalies: [CounterAnomaly]
    public var anomaliesTotal: UInt64
    public var restartsTotal: UInt64
    public var gracefulRestartsTotal: UInt64
    public var hardRestartsTotal: UInt64
}

public enum RestartKind: String, Sendable, Equatable {
    /// SIGUSR1: `running_generation` +1, counters kept.
    case graceful
    /// SIGHUP: records zeroed, new `restart_time`.
    case hard
}

/// A slot counter value that was rejected.
public struct CounterAnomaly: Sendable, Equatable {
    public enum Field: String, Sendable { case accessCount = "access_count", bytesServed = "bytes_served", duration }
    public enum Kind: String, Sendable { case implausibleIncrease = "implausible_increase", decrease }

    public var process: Int
    public var thread: Int
    public var field: Field
    public var kind: Kind
    /// The last accepted value and the rejected one.
    public var previous: UInt64
    public var current: UInt64
}

/// MaxRequestWorkers and ThreadsPerChild, as learned from Apache's configuration or given by
/// the operator; neither is in the scoreboard.
public struct CapacityLimits: Sendable, Equatable {
    public var maxRequestWorkers: Int?
    public var threadsPerChild: Int?
    /// The origin of the values, or the reason they are unknown.
    public var source: String

    public init(maxRequestWorkers: Int?, threadsPerChild: Int?, source: String) {
        self.maxRequestWorkers = maxRequestWorkers
        self.threadsPerChild = threadsPerChild
        self.source = source
    }

    public static let unknown = CapacityLimits(maxRequestWorkers: nil, threadsPerChild: nil, source: "unknown")
}

/// Capacity and its use. Values are nil when MaxRequestWorkers is unknown: server_limit ×
/// thread_limit bounds memory, not capacity, and is never used in its place.
public struct CapacityMetrics: Sendable, Equatable {
    public var maxRequestWorkers: Int?
    public var threadsPerChild: Int?
    public var source: String
    /// busy ÷ MaxRequestWorkers.
    public var utilisation: Double?
    /// busy ÷ started threads.
    public var startedUtilisation: Double?
    /// MaxRequestWorkers − started threads, never below 0.
    public var notYetStarted: Int?
}
