import HTTPServer
import History
import Reporters

/// The HTTP API: every route, its parameters and the document it returns.
enum Routes {
    static let index: [(path: String, summary: String)] = [
        ("/v1/metrics", "latest derived sample, in full"),
        ("/v1/history", "derived samples, oldest first; ?since=SEQUENCE&limit=N"),
        ("/v1/events", "restarts, stops, crashes, recycled children, anomalies; ?since=UNIX_SECONDS&limit=N"),
        ("/v1/scoreboard/apache", "last raw Apache scoreboard snapshot"),
        ("/v1/scoreboard/wsgi", "last raw WSGI scoreboard records"),
        ("/health", "collector and source status"),
        ("/metrics", "Prometheus text exposition 0.0.4"),
    ]

    static func router(
        info: CollectorInfo, sampler: Sampler, redact: @escaping @Sendable () -> Bool,
        wsgiDirectory: @escaping @Sendable () -> String
    ) -> Router {
        let history = sampler.history
        let historyLimit = 1...max(1, info.historyCapacity)
        let cache = ResponseCache()
        let historyFragments = HistoryFragments(info: info, history: history)
        let sequence: @Sendable () -> UInt64 = { history.latestSequence }
        history.observeAppends { cache.sampleAppended(sequence: $0) }
        return Router(
            routes: [
                Route("/v1/metrics") { request in
                    // The redaction setting is part of the key, so a reload never serves stale text.
                    let key = redact() ? request.target + " redacted" : request.target
                    return cache.response(for: key, sequence: sequence()) {
                        let latest = sampler.latestReadings
                        return .json(
                            MetricsDocument.render(
                                info: info, history: history, latestApache: latest.apache, redact: redact(),
                                wsgiDirectory: wsgiDirectory()))
                    }
                },
                Route("/v1/history") { request in
                    try request.requireKnownQueryParameters(["since", "limit"])
                    let since = try request.queryInteger("since", in: 0...Int.max)
                    let limit = try request.queryInteger("limit", in: historyLimit)
                    return cache.response(for: request.target, sequence: sequence()) {
                        HTTPResponse(
                            contentType: "application/json",
                            body: historyFragments.render(afterSequence: since.map(UInt64.init), limit: limit))
                    }
                },
                Route("/v1/events") { request in
                    try request.requireKnownQueryParameters(["since", "limit"])
                    let since = try request.queryDecimal("since", in: 0...1e11) ?? 0
                    let limit = try request.queryInteger("limit", in: 1...100_000) ?? 4096
                    return .json(EventsDocument.render(info: info, history: history, sinceMicroseconds: Int64(since * 1e6), limit: limit))
                },
                Route("/v1/scoreboard/apache") { _ in
                    let latest = sampler.latestReadings
                    return .json(ScoreboardDocument.render(latest.apache, unavailable: latest.apacheUnavailable, redact: redact()))
                },
                Route("/v1/scoreboard/wsgi") { _ in
                    let latest = sampler.latestReadings
                    return .json(WSGIScoreboardDocument.render(latest.wsgi, unavailable: latest.wsgiUnavailable, redact: redact()))
                },
                Route("/metrics") { request in
                    cache.response(for: request.target, sequence: sequence()) {
                        let text = PrometheusExposition.render(
                            info: info, history: history, wsgiCumulative: sampler.latestReadings.wsgiCumulative)
                        return .text(text, contentType: PrometheusExposition.contentType)
                    }
                },
                Route("/health") { _ in .json(HealthDocument.render(info: info, history: history)) },
                Route("/v1/") { _ in .json(indexDocument()) },
                Route("/") { _ in .json(indexDocument()) },
            ],
            notFoundHint: "see /v1/ for the list of routes")
    }

    private static func indexDocument() -> String {
        var json = JSONWriter()
        json.beginObject()
        json.array("routes") { json in
            for route in index {
                json.beginObject()
                json.field("path", route.path)
                json.field("description", route.summary)
                json.endObject()
            }
        }
        json.endObject()
        return json.text
    }
}
