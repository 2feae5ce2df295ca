/// Summary statistics of a set of durations, by the nearest-rank method.
///
/// Nearest rank returns an observed value (the one at rank ⌈q·n⌉ of the sorted values), so a
/// percentile is never a value no request took, and the result does not depend on the order
/// in which the values arrived.
public struct DurationSummary: Sendable, Equatable {
    public var count: Int
    public var minSeconds: Double
    public var maxSeconds: Double
    public var meanSeconds: Double
    public var p50Seconds: Double
    public var p90Seconds: Double
    public var p95Seconds: Double
    public var p99Seconds: Double

    /// Summarises durations in µs; reorders `values` in place. Returns nil for an empty set.
    ///
    /// The percentile ranks are found by selection, highest first, each within the part below the
    /// previous one, so a window of 262,144 durations is not sorted in full on every render.
    public static func summarize(microseconds values: inout [UInt64]) -> DurationSummary? {
        guard !values.isEmpty else { return nil }
        let count = values.count

        func rankIndex(_ quantile: Double) -> Int {
            min(max(Int((quantile * Double(count)).rounded(.up)) - 1, 0), count - 1)
        }
        let quantiles = [0.99, 0.95, 0.90, 0.50]
        let indices = quantiles.map(rankIndex)

        var sum = 0.0
        var smallest = UInt64.max
        var largest = UInt64.min
        var ranked: [UInt64] = []
        values.withUnsafeMutableBufferPointer { buffer in
            for value in buffer {
                sum += Double(value)
                smallest = min(smallest, value)
                largest = max(largest, value)
            }
            var upper = count
            for index in indices {
                RankSelection.select(rank: index, in: buffer, range: 0..<max(upper, index + 1))
                ranked.append(buffer[index])
                upper = index + 1
            }
        }

        return DurationSummary(
            count: count,
            minSeconds: Double(smallest) / 1e6,
            maxSeconds: Double(largest) / 1e6,
            meanSeconds: sum / Double(count) / 1e6,
            p50Seconds: Double(ranked[3]) / 1e6,
            p90Seconds: Double(ranked[2]) / 1e6,
            p95Seconds: Double(ranked[1]) / 1e6,
            p99Seconds: Double(ranked[0]) / 1e6)
    }
}
