import Derivation
import Testing
import TestSupport

/// Percentiles found by selection equal those of a full sort, on value sets that are hard for a
/// quickselect: sorted, reversed, all equal, few distinct values, and random.
struct RankSelectionTests {
    static func nearestRank(_ sorted: [UInt64], _ quantile: Double) -> Double {
        let index = min(max(Int((quantile * Double(sorted.count)).rounded(.up)) - 1, 0), sorted.count - 1)
        return Double(sorted[index]) / 1e6
    }

    static func valueSets() -> [[UInt64]] {
        var random = SplitMix64(seed: 42)
        var sets: [[UInt64]] = (1...40).map { count in (0..<count).map { _ in random.next() % 1000 } }
        sets.append(Array(0..<5000))
        sets.append(Array((0..<5000).reversed()))
        sets.append([UInt64](repeating: 7, count: 4096))
        sets.append((0..<10_000).map { _ in random.next() % 3 })
        sets.append((0..<100_000).map { _ in random.next() % 5_000_000 })
        return sets
    }

    @Test func selectionMatchesSorting() {
        for (number, values) in Self.valueSets().enumerated() {
            let sorted = values.sorted()
            var scratch = values
            let summary = DurationSummary.summarize(microseconds: &scratch)
            #expect(summary?.count == values.count, "set \(number)")
            #expect(summary?.minSeconds == Double(sorted[0]) / 1e6, "set \(number)")
            #expect(summary?.maxSeconds == Double(sorted[sorted.count - 1]) / 1e6, "set \(number)")
            #expect(summary?.p50Seconds == Self.nearestRank(sorted, 0.50), "set \(number)")
            #expect(summary?.p90Seconds == Self.nearestRank(sorted, 0.90), "set \(number)")
            #expect(summary?.p95Seconds == Self.nearestRank(sorted, 0.95), "set \(number)")
            #expect(summary?.p99Seconds == Self.nearestRank(sorted, 0.99), "set \(number)")
            #expect(scratch.sorted() == sorted, "set \(number): the values are only reordered")
        }
    }
}
