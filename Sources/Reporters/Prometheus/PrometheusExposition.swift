import Derivation
import History

/// `GET /metrics`: the latest derived sample in the Prometheus text format 0.0.4.
///
/// Counters (`*_total`) are accumulated by the collector and never decrease while it runs,
/// across Apache restarts. A source that is unavailable exports only its up gauge, and a
/// value the collector cannot measure is absent, never 0.
public enum PrometheusExposition {
    /// Content type of the text format 0.0.4.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Renders the collector's own state and the Apache, WSGI and process families of the
    /// latest sample. `wsgiCumulative` is `WSGIDerivation.cumulativeHistograms` at that sample.
    public static func render(
        info: CollectorInfo, history: SampleHistory, wsgiCumulative: [WSGICumulativeHistograms], buckets: HistogramBuckets = .standard
    ) -> String {
        let wsgi = history.latest().map { WSGIExpositionInput(latest: $0, cumulative: wsgiCumulative) }
        return render(info: info, history: history, wsgi: wsgi, buckets: buckets)
    }

    /// Renders with WSGI data given directly; without `wsgi`, no WSGI family is written.
    public static func render(
        info: CollectorInfo, history: SampleHistory, wsgi: WSGIExpositionInput?, buckets: HistogramBuckets = .standard
    ) -> String {
        let latest = history.latest()
        let families = CollectorExposition.families(info: info, latest: latest, history: history)
            + ApacheExposition.families(latest: latest, history: history)
            + WSGIExposition.families(wsgi, buckets: buckets)
            + ProcessExposition.families(latest?.processes ?? [], apacheUp: latest?.apache != nil, wsgiUp: wsgi?.up ?? false)

        var text = ""
        text.reserveCapacity(16384)
        for family in families {
            family.write(into: &text)
        }
        return text
    }
}
