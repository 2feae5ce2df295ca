#if canImport(Glibc)
import Glibc
#endif

/// Bucket scheme of the WSGI scoreboard latency histograms (format version 1), in µs.
///
/// Bucket 0 counts values below 10 µs, bucket `i` in 1…411 counts `10·1.04^(i−1) ≤ v < 10·1.04^i`,
/// and bucket 412 counts everything from `10·1.04^411` µs (≈ 100.16 s) up. The geometric midpoint
/// of a bucket is within √1.04 − 1 ≈ 1.98 % of any value in it between 10 µs and 100 s. Mirrors
/// `CSB_WSGI_HISTOGRAM_*` in cscoreboard_wsgi.h and the writer's histogram.py.
public struct WSGIHistogramGeometry: Sendable, Equatable {
    /// Lower bound of bucket 1 in µs (`histogram_lowest_us`).
    public let lowestMicroseconds: Double
    /// Ratio between the bounds of consecutive buckets (`histogram_ratio`).
    public let ratio: Double
    /// Number of logarithmic buckets between the underflow and overflow buckets.
    public let logarithmicBucketCount: Int

    /// The geometry of format version 1, the only one this reader accepts.
    public static let version1 = WSGIHistogramGeometry(lowestMicroseconds: 10, ratio: 1.04, logarithmicBucketCount: 411)

    public init(lowestMicroseconds: Double, ratio: Double, logarithmicBucketCount: Int) {
        self.lowestMicroseconds = lowestMicroseconds
        self.ratio = ratio
        self.logarithmicBucketCount = logarithmicBucketCount
    }

    /// Buckets per histogram, underflow and overflow included (`histogram_bucket_count`).
    public var bucketCount: Int { logarithmicBucketCount + 2 }

    public var underflowBucket: Int { 0 }

    public var overflowBucket: Int { bucketCount - 1 }

    /// Largest relative error of a bucket's representative value for values inside 1…411.
    public var maximumRelativeError: Double { ratio.squareRoot() - 1 }

    /// Smallest µs value counted in `bucket`; 0 for the underflow bucket.
    public func lowerBound(ofBucket bucket: Int) -> Double {
        precondition(bucket >= 0 && bucket < bucketCount, "bucket \(bucket) outside 0..<\(bucketCount)")
        if bucket == underflowBucket {
            return 0
        }
        return lowestMicroseconds * pow(ratio, Double(bucket - 1))
    }

    /// Exclusive upper µs bound of `bucket`; `.infinity` for the overflow bucket.
    public func upperBound(ofBucket bucket: Int) -> Double {
        precondition(bucket >= 0 && bucket < bucketCount, "bucket \(bucket) outside 0..<\(bucketCount)")
        if bucket == overflowBucket {
            return .infinity
        }
        return lowestMicroseconds * pow(ratio, Double(bucket))
    }

    /// µs value that represents `bucket`: its geometric midpoint. The underflow bucket is
    /// represented by half the lowest bound. The overflow bucket has no upper bound, so it is
    /// represented by its lower bound.
    public func representativeValue(ofBucket bucket: Int) -> Double {
        precondition(bucket >= 0 && bucket < bucketCount, "bucket \(bucket) outside 0..<\(bucketCount)")
        if bucket == underflowBucket {
            return lowestMicroseconds / 2
        }
        if bucket == overflowBucket {
            return lowerBound(ofBucket: bucket)
        }
        return lowestMicroseconds * pow(ratio, Double(bucket) - 0.5)
    }

    /// Bucket the writer puts a duration of `microseconds` into.
    public func bucket(ofMicroseconds microseconds: Double) -> Int {
        if !(microseconds >= lowestMicroseconds) {
            return underflowBucket
        }
        let index = Int((log(microseconds) - log(lowestMicroseconds)) / log(ratio)) + 1
        return min(index, overflowBucket)
    }

    /// Value in µs at quantile `q` (0…1) of the counted values: the representative value of the
    /// bucket holding the value of rank ⌈q·n⌉ (nearest rank, at least 1). Returns nil when the
    /// counts are all zero, or when `counts` does not have `bucketCount` elements.
    public func quantile<Counts: Collection>(_ q: Double, counts: Counts) -> Double? where Counts.Element == UInt64 {
        guard counts.count == bucketCount, q >= 0, q <= 1 else {
            return nil
        }
        let total = counts.reduce(UInt64(0), +)
        if total == 0 {
            return nil
        }
        let rank = max(UInt64(1), UInt64((q * Double(total)).rounded(.up)))
        var seen: UInt64 = 0
        for (bucket, count) in counts.enumerated() {
            seen += count
            if seen >= rank {
                return representativeValue(ofBucket: bucket)
            }
        }
        return representativeValue(ofBucket: overflowBucket)
    }
}
