import Reporters
import ScoreboardSources
import Testing

@Suite struct HistogramBucketsTests {
    let buckets = HistogramBuckets.standard
    let geometry = WSGIHistogramGeometry.version1

    @Test func boundsIncreaseAndMatchGeometry() throws {
        #expect(buckets.bounds.count == HistogramBuckets.defaultTargetSeconds.count)
        for (bound, next) in zip(buckets.bounds, buckets.bounds.dropFirst()) {
            #expect(bound.seconds < next.seconds)
        }
        for bound in buckets.bounds {
            let edge = geometry.upperBound(ofBucket: bound.geometryBucket) / 1e6
            #expect(abs(bound.seconds - edge) / edge < 0.0005, "label \(bound.label) is not the edge \(edge)")
            #expect(Double(bound.label) == bound.seconds)
        }
    }

    @Test func boundsNearTargets() {
        for (target, bound) in zip(HistogramBuckets.defaultTargetSeconds, buckets.bounds) {
            // The nearest edge of 4 % buckets is within 2 % of the target.
            #expect(abs(bound.seconds - target) / target < 0.02, "target \(target) became \(bound.label)")
        }
    }

    @Test func labelsAreShortDecimals() {
        #expect(buckets.bounds.map(\.label).allSatisfy { $0.count <= 9 && !$0.contains("e") })
        #expect(buckets.bounds.first?.label == "0.0004995" || buckets.bounds.first?.label.hasPrefix("0.000") == true)
    }

    @Test func cumulativeCountsExact() throws {
        // Values just below and above edges land in the buckets the writer would use.
        var values: [Double] = []
        for bound in buckets.bounds {
            let edge = geometry.upperBound(ofBucket: bound.geometryBucket)
            values.append(edge * 0.999)
            values.append(edge * 1.001)
        }
        values += [1, 5, 200_000_000]
        let histogram = WSGISamples.histogram(microseconds: values)

        let cumulative = try #require(buckets.cumulativeCounts(histogram.counts))

        #expect(cumulative.count == buckets.bounds.count + 1)
        for (index, bound) in buckets.bounds.enumerated() {
            let edge = geometry.upperBound(ofBucket: bound.geometryBucket)
            let expected = values.filter { $0 < edge }.count
            #expect(cumulative[index] == UInt64(expected), "le=\(bound.label)")
        }
        #expect(cumulative.last == UInt64(values.count))
    }

    @Test func wrongBucketCountRejected() {
        #expect(buckets.cumulativeCounts([1, 2, 3]) == nil)
    }

    @Test func duplicateTargetsCollapse() {
        let close = HistogramBuckets(targetSeconds: [0.1, 0.1001, 0.5], geometry: geometry)
        #expect(close.bounds.count == 2)
    }

    @Test func significantDigitRounding() {
        let tiny = HistogramBuckets(targetSeconds: [0.00001], geometry: geometry)
        #expect(tiny.bounds.map(\.label) == ["1e-05"])
        let large = HistogramBuckets(targetSeconds: [100], geometry: geometry)
        #expect(large.bounds.first.map { abs($0.seconds - 100) / 100 < 0.02 } == true)
    }
}
