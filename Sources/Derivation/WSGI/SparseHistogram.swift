import ScoreboardSources

/// The non-zero buckets of a histogram delta: what one interval added to each bucket.
///
/// An idle interval stores nothing; a busy one stores one entry per bucket that moved, so a
/// 30-minute history of WSGI latencies stays small.
public struct SparseHistogram: Sendable, Equatable {
    public private(set) var buckets: [UInt16] = []
    public private(set) var counts: [UInt32] = []

    public init() {}

    public var isEmpty: Bool { buckets.isEmpty }
    public var total: UInt64 { counts.reduce(0) { $0 + UInt64($1) } }

    /// Adds the per-bucket growth from `previous` to `current`; buckets that shrank are ignored
    /// and reported through the return value (true when any bucket went backwards).
    @discardableResult
    public mutating func addDelta(from previous: [UInt64]?, to current: [UInt64]) -> Bool {
        var wentBackwards = false
        for index in current.indices {
            let before = previous.map { index < $0.count ? $0[index] : 0 } ?? 0
            let now = current[index]
            if now < before { wentBackwards = true; continue }
            if now > before { add(bucket: index, count: now - before) }
        }
        return wentBackwards
    }

    public mutating func add(bucket: Int, count: UInt64) {
        if let position = buckets.firstIndex(of: UInt16(bucket)) {
            counts[position] = counts[position] &+ UInt32(clamping: count)
        } else {
            buckets.append(UInt16(bucket))
            counts.append(UInt32(clamping: count))
        }
    }

    /// Adds these counts into a dense array of `WSGIHistogramGeometry.bucketCount` entries.
    public func accumulate(into dense: inout [UInt64]) {
        for (bucket, count) in zip(buckets, counts) where Int(bucket) < dense.count {
            dense[Int(bucket)] += UInt64(count)
        }
    }
}

/// Mean and percentiles of one request phase over a window, from histogram buckets (≤ 2 %
/// relative error) and exact sums.
public struct PhaseSummary: Sendable, Equatable {
    public var count: UInt64
    public var meanSeconds: Double?
    public var p50Seconds: Double?
    public var p90Seconds: Double?
    public var p95Seconds: Double?
    public var p99Seconds: Double?

    /// Summarises dense bucket counts; `sumMicroseconds` over `sumCount` requests gives the exact mean.
    public init(dense: [UInt64], sumMicroseconds: UInt64, sumCount: UInt64) {
        let geometry = WSGIHistogram.geometry
        count = dense.reduce(0, +)
        meanSeconds = sumCount > 0 ? Double(sumMicroseconds) / Double(sumCount) / 1e6 : nil
        p50Seconds = geometry.quantile(0.50, counts: dense).map { $0 / 1e6 }
        p90Seconds = geometry.quantile(0.90, counts: dense).map { $0 / 1e6 }
        p95Seconds = geometry.quantile(0.95, counts: dense).map { $0 / 1e6 }
        p99Seconds = geometry.quantile(0.99, counts: dense).map { $0 / 1e6 }
    }
}
