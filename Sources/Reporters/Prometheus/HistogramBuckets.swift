#if canImport(Glibc)
import Glibc
#endif
import ScoreboardSources

/// The `le` bounds at which a WSGI scoreboard latency histogram is exposed to Prometheus.
///
/// The scoreboard counts latencies in 413 logarithmic buckets (see `WSGIHistogramGeometry`).
/// Exposing all of them would make 413 series per histogram, so the exposition keeps a
/// subset: for each target in `targetSeconds` it uses the geometry bucket whose upper bound
/// is nearest to the target. Any subset of cumulative bounds is a valid Prometheus histogram,
/// and because every bound is a real bucket edge, each cumulative count is exact. The `le`
/// label shows that edge rounded to four significant digits, so the 0.5 s target becomes
/// `le="0.5026"`. The rounding moves a bound by less than 0.05 %, far less than the 4 %
/// bucket width. Every collector with the same geometry writes the same labels, so
/// `histogram_quantile` over `sum by (le)` works across hosts.
public struct HistogramBuckets: Sendable, Equatable {
    public struct Bound: Sendable, Equatable {
        /// Index of the geometry bucket whose upper bound this is.
        public var geometryBucket: Int
        /// The bound in seconds, rounded to four significant digits, as written in `le`.
        public var seconds: Double
        public var label: String
    }

    public let geometry: WSGIHistogramGeometry
    /// Finite bounds in increasing order; `+Inf` follows implicitly.
    public let bounds: [Bound]

    /// Targets from 0.5 ms to 60 s, about two per decade below 10 ms and three to four above.
    public static let defaultTargetSeconds: [Double] = [
        0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75,
        1, 1.5, 2, 3, 5, 7.5, 10, 15, 30, 60,
    ]

    public static let standard = HistogramBuckets(targetSeconds: defaultTargetSeconds, geometry: .version1)

    /// Maps each target onto the nearest upper bound of a finite geometry bucket. Targets that
    /// map onto the same bucket appear once.
    public init(targetSeconds: [Double], geometry: WSGIHistogramGeometry) {
        self.geometry = geometry
        var bounds: [Bound] = []
        for target in targetSeconds.sorted() where target > 0 {
            let bucket = Self.nearestBucket(microseconds: target * 1e6, geometry: geometry)
            if bounds.last?.geometryBucket == bucket { continue }
            let seconds = Self.roundedToSignificantDigits(geometry.upperBound(ofBucket: bucket) / 1e6, digits: 4)
            bounds.append(Bound(geometryBucket: bucket, seconds: seconds, label: PrometheusNumber.format(seconds)))
        }
        self.bounds = bounds
    }

    /// Cumulative counts at each bound, followed by the total for `le="+Inf"`. Returns nil when
    /// `counts` does not have one element per geometry bucket.
    public func cumulativeCounts(_ counts: [UInt64]) -> [UInt64]? {
        guard counts.count == geometry.bucketCount else { return nil }
        var result: [UInt64] = []
        result.reserveCapacity(bounds.count + 1)
        var running: UInt64 = 0
        var next = 0
        for bound in bounds {
            while next <= bound.geometryBucket {
                running &+= counts[next]
                next += 1
            }
            result.append(running)
        }
        while next < counts.count {
            running &+= counts[next]
            next += 1
        }
        result.append(running)
        return result
    }

    /// Returns the finite bucket whose exclusive upper bound is nearest to `microseconds` on a log scale.
    private static func nearestBucket(microseconds: Double, geometry: WSGIHistogramGeometry) -> Int {
        let lastFinite = geometry.overflowBucket - 1
        guard microseconds > geometry.lowestMicroseconds else { return geometry.underflowBucket }
        // Bucket b ends at lowest · ratio^b.
        let exact = log(microseconds / geometry.lowestMicroseconds) / log(geometry.ratio)
        return min(lastFinite, max(geometry.underflowBucket, Int(exact.rounded())))
    }

    static func roundedToSignificantDigits(_ value: Double, digits: Int) -> Double {
        guard value > 0, value.isFinite else { return value }
        let exponent = Int(floor(log10(value)))
        let shift = digits - 1 - exponent
        // Dividing an integer by an exact power of ten gives the double nearest the decimal,
        // so the shortest description prints only the kept digits.
        if shift >= 0 {
            let scale = pow(10, Double(shift))
            return (value * scale).rounded() / scale
        }
        let scale = pow(10, Double(-shift))
        return (value / scale).rounded() * scale
    }
}
