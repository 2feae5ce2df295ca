import Derivation

/// The WSGI data of the latest sample that the exposition renders.
///
/// `groups` are the process groups of the latest sample. `histograms` are the collector's
/// accumulated latency histograms of every group seen since it started, so their counts never
/// decrease, even after every process of a group has exited.
public struct WSGIExpositionInput: Sendable {
    public var up: Bool
    /// Records skipped as torn or abandoned since the collector started.
    public var skippedRecordsTotal: UInt64?
    public var groups: [Group]
    public var histograms: [GroupHistograms]

    public init(up: Bool, skippedRecordsTotal: UInt64? = nil, groups: [Group] = [], histograms: [GroupHistograms] = []) {
        self.up = up
        self.skippedRecordsTotal = skippedRecordsTotal
        self.groups = groups
        self.histograms = histograms
    }

    /// Takes the groups of `latest` and the accumulated histograms the WSGI derivation keeps
    /// (`WSGIDerivation.cumulativeHistograms`).
    public init(latest: DerivedSample, cumulative: [WSGICumulativeHistograms]) {
        up = latest.wsgiUnavailable == nil
        skippedRecordsTotal = latest.wsgiSkippedRecordsTotal
        groups = latest.wsgiGroups.map(Group.init(metrics:))
        histograms = cumulative.map(GroupHistograms.init(cumulative:))
    }

    public struct Group: Sendable {
        /// `mod_wsgi.process_group`; "(embedded)" for embedded mode, as in the JSON.
        public var processGroup: String
        /// "daemon", "embedded", "standalone" or "unknown".
        public var mode: String
        public var liveProcesses: Int
        public var configuredProcesses: Int?
        public var threadsBusy: Int
        public var threadsTotal: Int
        /// Busy threads divided by the request threads of the live processes.
        public var utilisation: Double?
        public var requestsPerSecond: Double?
        /// Responses per second per status class, index 0 = 1xx … 4 = 5xx; nil without an interval.
        public var statusPerSecond: [Double]?
        public var requestsTotal: UInt64
        public var exceptionsTotal: UInt64?
        public var inFlight: Int
        public var oldestInFlightSeconds: Double?

        public init(
            processGroup: String, mode: String, liveProcesses: Int, configuredProcesses: Int?, threadsBusy: Int, threadsTotal: Int,
            utilisation: Double?, requestsPerSecond: Double?, statusPerSecond: [Double]? = nil, requestsTotal: UInt64,
            exceptionsTotal: UInt64? = nil, inFlight: Int, oldestInFlightSeconds: Double?
        ) {
            self.processGroup = processGroup
            self.mode = mode
            self.liveProcesses = liveProcesses
            self.configuredProcesses = configuredProcesses
            self.threadsBusy = threadsBusy
            self.threadsTotal = threadsTotal
            self.utilisation = utilisation
            self.requestsPerSecond = requestsPerSecond
            self.statusPerSecond = statusPerSecond
            self.requestsTotal = requestsTotal
            self.exceptionsTotal = exceptionsTotal
            self.inFlight = inFlight
            self.oldestInFlightSeconds = oldestInFlightSeconds
        }

        init(metrics group: WSGIGroupMetrics) {
            self.init(
                processGroup: group.processGroup, mode: group.mode.rawValue, liveProcesses: group.liveProcesses,
                configuredProcesses: group.configuredProcesses, threadsBusy: group.threadsBusy, threadsTotal: group.threadsTotal,
                utilisation: group.utilisation, requestsPerSecond: group.requestsPerSecond, statusPerSecond: group.statusPerSecond,
                requestsTotal: group.requestsTotal, exceptionsTotal: group.exceptionsTotal, inFlight: group.inFlight,
                oldestInFlightSeconds: group.oldestInFlightSeconds)
        }
    }

    /// The three latency histograms of one process group.
    public struct GroupHistograms: Sendable {
        public var processGroup: String
        public var application: CumulativeHistogram
        public var queue: CumulativeHistogram
        public var total: CumulativeHistogram

        public init(processGroup: String, application: CumulativeHistogram, queue: CumulativeHistogram, total: CumulativeHistogram) {
            self.processGroup = processGroup
            self.application = application
            self.queue = queue
            self.total = total
        }

        init(cumulative: WSGICumulativeHistograms) {
            self.init(
                processGroup: cumulative.processGroup,
                application: CumulativeHistogram(counts: cumulative.application, sumMicroseconds: cumulative.applicationSumMicroseconds),
                queue: CumulativeHistogram(counts: cumulative.queue, sumMicroseconds: cumulative.queueSumMicroseconds),
                total: CumulativeHistogram(counts: cumulative.total, sumMicroseconds: cumulative.totalSumMicroseconds))
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
