/// Cumulative bucket counts of one latency histogram of a WSGI process (µs, see
/// `WSGIHistogramGeometry`). Counts only grow for the life of a process; subtract two samples to
/// get the requests of an interval.
public struct WSGIHistogram: Sendable, Equatable {
    /// One count per bucket, `WSGIHistogramGeometry.version1.bucketCount` elements.
    public var counts: [UInt64]

    public init(counts: [UInt64]) {
        self.counts = counts
    }

    public static var geometry: WSGIHistogramGeometry { .version1 }

    /// Number of values counted.
    public var total: UInt64 { counts.reduce(0, +) }

    /// Value in µs at quantile `q`, or nil when empty (see `WSGIHistogramGeometry.quantile`).
    public func quantile(_ q: Double) -> Double? {
        Self.geometry.quantile(q, counts: counts)
    }
}
