import Derivation
import ScoreboardSources

/// One WSGI process group's request phases over a window of history.
public struct WSGIWindow: Sendable {
    public var windowSeconds: Double
    public var requests: UInt64
    public var application: PhaseSummary
    public var queue: PhaseSummary
    public var total: PhaseSummary
}

extension SampleHistory {
    /// Merges the interval histograms of `group` over the last `seconds`, ending at the newest sample.
    public func wsgiWindow(group: String, windowSeconds seconds: Double) -> WSGIWindow {
        cachedWSGIWindow(group: group, seconds: seconds) { computeWSGIWindow(group: group, windowSeconds: seconds) }
    }

    private func computeWSGIWindow(group: String, windowSeconds seconds: Double) -> WSGIWindow {
        let bucketCount = WSGIHistogram.geometry.bucketCount
        var application = [UInt64](repeating: 0, count: bucketCount)
        var queue = application
        var total = application
        var sums = (application: UInt64(0), applicationCount: UInt64(0), queue: UInt64(0), queueCount: UInt64(0),
                    total: UInt64(0), totalCount: UInt64(0))
        var requests: UInt64 = 0

        forEachSample(inLastSeconds: seconds) { sample in
            guard let metrics = sample.wsgiGroups.first(where: { $0.processGroup == group }) else { return }
            requests += metrics.intervalRequests ?? 0
            metrics.application.histogram.accumulate(into: &application)
            metrics.queue.histogram.accumulate(into: &queue)
            metrics.total.histogram.accumulate(into: &total)
            sums.application += metrics.application.sumMicroseconds
            sums.applicationCount += metrics.application.count
            sums.queue += metrics.queue.sumMicroseconds
            sums.queueCount += metrics.queue.count
            sums.total += metrics.total.sumMicroseconds
            sums.totalCount += metrics.total.count
        }
        return WSGIWindow(
            windowSeconds: seconds, requests: requests,
            application: PhaseSummary(dense: application, sumMicroseconds: sums.application, sumCount: sums.applicationCount),
            queue: PhaseSummary(dense: queue, sumMicroseconds: sums.queue, sumCount: sums.queueCount),
            total: PhaseSummary(dense: total, sumMicroseconds: sums.total, sumCount: sums.totalCount))
    }
}
