import ScoreboardSources
import Testing

@Suite struct WSGIHistogramGeometryTests {
    let geometry = WSGIHistogramGeometry.version1

    @Test func bucketBoundsOfVersion1() {
        #expect(geometry.bucketCount == 413)
        #expect(geometry.upperBound(ofBucket: 0) == 10)
        #expect(abs(geometry.upperBound(ofBucket: 1) - 10.4) < 1e-9)
        #expect(geometry.lowerBound(ofBucket: 1) == 10)
        #expect(geometry.upperBound(ofBucket: 411) >= 100e6)
        #expect(geometry.upperBound(ofBucket: 410) < 100e6)
        #expect(geometry.upperBound(ofBucket: 412) == .infinity)
    }

    @Test func representativeWithinTwoPercent() {
        var value = 10.0
        var worst = 0.0
        while value <= 100e6 {
            let bucket = geometry.bucket(ofMicroseconds: value)
            let error = abs(geometry.representativeValue(ofBucket: bucket) - value) / value
            #expect(error <= 0.02, "value \(value) µs in bucket \(bucket)")
            worst = max(worst, error)
            value *= 1.0007
        }
        #expect(worst > 0.019)
        #expect(geometry.maximumRelativeError < 0.02)
    }

    @Test func quantileNearestRank() {
        // 5 × 100 ms, 10 × 200 ms, 5 × 500 ms: p50 200 ms, p90 and p99 500 ms.
        var counts = [UInt64](repeating: 0, count: geometry.bucketCount)
        counts[geometry.bucket(ofMicroseconds: 100_000)] += 5
        counts[geometry.bucket(ofMicroseconds: 200_000)] += 10
        counts[geometry.bucket(ofMicroseconds: 500_000)] += 5
        let histogram = WSGIHistogram(counts: counts)
        #expect(histogram.total == 20)
        let p25 = try! #require(histogram.quantile(0.25))
        let p50 = try! #require(histogram.quantile(0.5))
        let p90 = try! #require(histogram.quantile(0.9))
        let p99 = try! #require(histogram.quantile(0.99))
        #expect(abs(p25 - 100_000) / 100_000 <= 0.02)
        #expect(abs(p50 - 200_000) / 200_000 <= 0.02)
        #expect(abs(p90 - 500_000) / 500_000 <= 0.02)
        #expect(abs(p99 - 500_000) / 500_000 <= 0.02)
        #expect(histogram.quantile(0) == histogram.quantile(0.01))
    }

    @Test func quantileOfEmptyOrMisshapenCountsIsNil() {
        #expect(geometry.quantile(0.5, counts: [UInt64](repeating: 0, count: 413)) == nil)
        #expect(geometry.quantile(0.5, counts: [UInt64](repeating: 1, count: 12)) == nil)
        #expect(geometry.quantile(1.5, counts: [UInt64](repeating: 1, count: 413)) == nil)
    }

    @Test func underflowAndOverflowRepresentatives() {
        #expect(geometry.bucket(ofMicroseconds: 0) == 0)
        #expect(geometry.bucket(ofMicroseconds: 9.9) == 0)
        #expect(geometry.bucket(ofMicroseconds: 1e12) == 412)
        #expect(geometry.representativeValue(ofBucket: 0) == 5)
        #expect(geometry.representativeValue(ofBucket: 412) == geometry.lowerBound(ofBucket: 412))
    }
}
