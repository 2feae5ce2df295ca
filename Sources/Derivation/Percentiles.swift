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

    /// Summarises durations in µs; sorts `values` in place. Returns nil for an empty set.
    public static func summarize(microseconds values: inout [UInt64]) -> DurationSummary? {
        guard !values.isEmpty else { return nil }
        values.sort()
        var sum = 0.0
        for value in values { sum += Double(value) }

        func rank(_ quantile: Double) -> Double {
            let index = Int((quantile * Double(values.count)).rounded(.up)) - 1
            return Double(values[min(max(index, 0), values.count - 1)]) / 1e6
        }
        return DurationSummary(
            count: values.count,
            minSeconds: Double(values[0]) / 1e6,
            maxSeconds: Double(values[values.count - 1]) / 1e6,
            meanSeconds: sum / Double(values.count) / 1e6,
            p50Seconds: rank(0.50),
            p90Seconds: rank(0.90),
            p95Seconds: rank(0.95),
            p99Seconds: rank(0.99))
    }
}
