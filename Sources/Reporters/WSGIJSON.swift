import Derivation
import History
import ScoreboardSources

/// Writes the `wsgi` object of a derived sample.
enum WSGIJSON {
    /// Phase windows published with the latest sample: the last interval, 1 and 5 minutes.
    static let windowSeconds: [Double] = [1, 60, 300]

    static func writeFull(_ sample: DerivedSample, history: SampleHistory, directory: String?, into json: inout JSONWriter) {
        json.object("wsgi") { json in
            writeAvailability(sample, directory: directory, into: &json)
            json.array("groups") { json in
                for group in sample.wsgiGroups {
                    json.beginObject()
                    writeGroupHeader(group, into: &json)
                    json.field("requests_total", group.requestsTotal)
                    json.field("exceptions_total", group.exceptionsTotal)
                    json.field("bytes_in_per_second", group.bytesInPerSecond)
                    json.field("bytes_out_per_second", group.bytesOutPerSecond)
                    json.object("status_per_second") { json in
                        for (index, name) in ["1xx", "2xx", "3xx", "4xx", "5xx"].enumerated() {
                            json.field(name, group.statusPerSecond?[index])
                        }
                    }
                    json.field("exceptions_per_second", group.exceptionsPerSecond)
                    json.field("negative_phase_total", group.negativePhaseTotal)
                    json.array("windows") { json in
                        for seconds in windowSeconds {
                            writeWindow(history.wsgiWindow(group: group.processGroup, windowSeconds: seconds), into: &json)
                        }
                    }
                    json.endObject()
                }
            }
        }
    }

    static func writeCompact(_ sample: DerivedSample, into json: inout JSONWriter) {
        json.object("wsgi") { json in
            json.field("up", sample.wsgiUnavailable == nil)
            json.array("groups") { json in
                for group in sample.wsgiGroups {
                    json.beginObject()
                    json.field("process_group", group.processGroup)
                    json.field("requests_per_second", group.requestsPerSecond)
                    json.field("utilisation", group.utilisation)
                    json.field("threads_busy", group.threadsBusy)
                    json.field("threads_total", group.threadsTotal)
                    json.field("in_flight", group.inFlight)
                    json.field("queue_time_mean_seconds", mean(group.queue))
                    json.field("application_time_mean_seconds", mean(group.application))
                    json.field("total_time_mean_seconds", mean(group.total))
                    json.endObject()
                }
            }
        }
    }

    private static func mean(_ phase: PhaseInterval) -> Double? {
        phase.count > 0 ? Double(phase.sumMicroseconds) / Double(phase.count) / 1e6 : nil
    }

    private static func writeAvailability(_ sample: DerivedSample, directory: String?, into json: inout JSONWriter) {
        json.field("up", sample.wsgiUnavailable == nil)
        json.field("reason", sample.wsgiUnavailable?.message)
        json.field("reason_kind", sample.wsgiUnavailable?.kind.rawValue)
        json.field("directory", directory)
        json.field("skipped_records_total", sample.wsgiSkippedRecordsTotal)
    }

    private static func writeGroupHeader(_ group: WSGIGroupMetrics, into json: inout JSONWriter) {
        json.field("process_group", group.processGroup)
        json.field("mode", group.mode.rawValue)
        json.object("processes") { json in
            json.field("live", group.liveProcesses)
            json.field("configured", group.configuredProcesses)
            json.field("started", group.processesStarted)
            json.field("exited", group.processesExited)
        }
        json.object("threads") { json in
            json.field("busy", group.threadsBusy)
            json.field("total", group.threadsTotal)
        }
        json.field("utilisation", group.utilisation)
        json.field("requests_per_second", group.requestsPerSecond)
        json.field("interval_requests", group.intervalRequests)
        json.object("in_flight") { json in
            json.field("count", group.inFlight)
            json.field("oldest_age_seconds", group.oldestInFlightSeconds)
        }
    }

    private static func writeWindow(_ window: WSGIWindow, into json: inout JSONWriter) {
        json.beginObject()
        json.field("window_seconds", window.windowSeconds)
        json.field("requests", window.requests)
        for (name, phase) in [("application_time", window.application), ("queue_time", window.queue), ("total_time", window.total)] {
            json.object(name) { json in
                json.field("count", phase.count)
                json.field("mean_seconds", phase.meanSeconds)
                json.field("p50_seconds", phase.p50Seconds)
                json.field("p90_seconds", phase.p90Seconds)
                json.field("p95_seconds", phase.p95Seconds)
                json.field("p99_seconds", phase.p99Seconds)
            }
        }
        json.endObject()
    }
}
