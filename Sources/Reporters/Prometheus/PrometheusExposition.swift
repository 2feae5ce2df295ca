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

    /// Renders the collector's own state, the Apache families of the latest sample and, when
    /// `wsgi` is given, the WSGI families.
    public static func render(
        info: CollectorInfo, history: SampleHistory, wsgi: WSGIExpositionInput? = nil, buckets: HistogramBuckets = .standard
    ) -> String {
        let latest = history.latest()
        let families = CollectorExposition.families(info: info, latest: latest, history: history)
            + ApacheExposition.families(latest: latest, history: history)
            + WSGIExposition.families(wsgi, buckets: buckets)

        var text = ""
        text.reserveCapacity(16384)
        for family in families {
            family.write(into: &text)
        }
        return text
    }
}
