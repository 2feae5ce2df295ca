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

    @Test func labelsAreTheDocumentedOnes() {
        // docs/metrics.md lists these; PromQL in dashboards and alerts depends on them.
        let documented = [
            "0.000505", "0.0009838", "0.001993", "0.004912", "0.009951", "0.02016", "0.02984", "0.04969", "0.07355",
            "0.1007", "0.149", "0.2039", "0.3018", "0.5026", "0.7439", "1.018", "1.507", "1.983", "3.053", "5.084",
            "7.525", "9.902", "15.24", "29.69", "60.15",
        ]
        #expect(buckets.bounds.map(\.label) == documented)
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
