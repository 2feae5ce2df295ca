/// What the exposition needs from the WSGI source at the latest sample.
///
/// The caller fills it from the derived WSGI metrics. Counters and histograms are collector
/// accumulated: they never decrease while the collector runs, even when WSGI processes exit
/// and their segments disappear.
public struct WSGIExpositionInput: Sendable {
    public var up: Bool
    /// Thread records skipped since the collector started because they stayed torn.
    public var tornRecordsTotal: UInt64?
    public var groups: [Group]

    public init(up: Bool, tornRecordsTotal: UInt64? = nil, groups: [Group] = []) {
        self.up = up
        self.tornRecordsTotal = tornRecordsTotal
        self.groups = groups
    }

    public struct Group: Sendable {
        /// `mod_wsgi.process_group`; "(embedded)" for embedded mode, as in the JSON.
        public var processGroup: String
        /// "daemon", "embedded" or "standalone".
        public var mode: String
        public var liveProcesses: Int
        public var configuredProcesses: Int?
        public var threadsBusy: Int
        public var threadsTotal: Int
        /// Busy threads divided by configured threads; nil when the configuration is unknown.
        public var utilisation: Double?
        public var requestsPerSecond: Double?
        public var requestsTotal: UInt64
        /// Completed requests per status class, index 0 = 1xx … 4 = 5xx; nil when unknown.
        public var statusClassTotals: [UInt64]?
        public var exceptionsTotal: UInt64?
        public var inFlight: Int
        public var oldestInFlightSeconds: Double?
        public var applicationTime: CumulativeHistogram?
        public var queueTime: CumulativeHistogram?
        public var totalTime: CumulativeHistogram?

        public init(
            processGroup: String, mode: String, liveProcesses: Int, configuredProcesses: Int?, threadsBusy: Int, threadsTotal: Int,
            utilisation: Double?, requestsPerSecond: Double?, requestsTotal: UInt64, statusClassTotals: [UInt64]? = nil,
            exceptionsTotal: UInt64? = nil, inFlight: Int, oldestInFlightSeconds: Double?,
            applicationTime: CumulativeHistogram? = nil, queueTime: CumulativeHistogram? = nil, totalTime: CumulativeHistogram? = nil
        ) {
            self.processGroup = processGroup
            self.mode = mode
            self.liveProcesses = liveProcesses
            self.configuredProcesses = configuredProcesses
            self.threadsBusy = threadsBusy
            self.threadsTotal = threadsTotal
            self.utilisation = utilisation
            self.requestsPerSecond = requestsPerSecond
            self.requestsTotal = requestsTotal
            self.statusClassTotals = statusClassTotals
            self.exceptionsTotal = exceptionsTotal
            self.inFlight = inFlight
            self.oldestInFlightSeconds = oldestInFlightSeconds
            self.applicationTime = applicationTime
            self.queueTime = queueTime
            self.totalTime = totalTime
        }
    }

    /// Counts per bucket of the WSGI scoreboard geometry since the collector started, and the
    /// sum of the counted values.
    public struct CumulativeHistogram: Sendable, Equatable {
        /// One count per `WSGIHistogramGeometry` bucket.
        public var counts: [UInt64]
        public var sumMicroseconds: UInt64

        public init(counts: [UInt64], sumMicroseconds: UInt64) {
            self.counts = counts
            self.sumMicroseconds = sumMicroseconds
        }
    }
}
