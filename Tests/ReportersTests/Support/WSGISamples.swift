import Reporters
import ScoreboardSources

/// WSGI exposition inputs whose histograms are filled through the scoreboard geometry, the
/// way the writer buckets durations.
enum WSGISamples {
    static let geometry = WSGIHistogramGeometry.version1
    static let applicationMicroseconds: [Double] = [2_000, 40_000, 40_000, 900_000]

    /// Returns a cumulative histogram of the given durations in µs.
    static func histogram(microseconds: [Double]) -> WSGIExpositionInput.CumulativeHistogram {
        var counts = [UInt64](repeating: 0, count: geometry.bucketCount)
        for value in microseconds {
            counts[geometry.bucket(ofMicroseconds: value)] += 1
        }
        return WSGIExpositionInput.CumulativeHistogram(counts: counts, sumMicroseconds: UInt64(microseconds.reduce(0, +)))
    }

    static func group(_ name: String) -> WSGIExpositionInput.Group {
        WSGIExpositionInput.Group(
            processGroup: name, mode: "daemon", liveProcesses: 2, configuredProcesses: 2, threadsBusy: 3, threadsTotal: 8,
            utilisation: 0.375, requestsPerSecond: 4, statusPerSecond: [0, 3, 0, 0, 1], requestsTotal: 4, exceptionsTotal: 1,
            inFlight: 3, oldestInFlightSeconds: 1.25)
    }

    static func histograms(_ name: String) -> WSGIExpositionInput.GroupHistograms {
        WSGIExpositionInput.GroupHistograms(
            processGroup: name,
            application: histogram(microseconds: applicationMicroseconds),
            queue: histogram(microseconds: applicationMicroseconds.map { _ in 150 }),
            total: histogram(microseconds: applicationMicroseconds.map { $0 + 300 }))
    }

    static func input(groups: [String] = ["app", "reports"]) -> WSGIExpositionInput {
        WSGIExpositionInput(up: true, skippedRecordsTotal: 0, groups: groups.map(group), histograms: groups.map(histograms))
    }
}
