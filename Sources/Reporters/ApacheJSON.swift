import Derivation
import History
import ScoreboardSources

/// Writes the `apache` object of a derived sample.
enum ApacheJSON {
    /// Full detail for the latest sample; history entries use `writeCompact`.
    static func writeFull(
        _ sample: DerivedSample, windows: [ApacheResponseTimeWindow], inFlight: [InFlightRequest]?, into json: inout JSONWriter
    ) {
        json.object("apache") { json in
            writeAvailability(sample, into: &json)
            guard let apache = sample.apache else { return }

            json.object("scoreboard") { json in
                json.field("mechanism", apache.mechanism.rawValue)
                json.field("segment", apache.segment)
                json.field("httpd_layout", apache.layoutGroup.httpdVersions)
                json.field("server_limit", apache.serverLimit)
                json.field("thread_limit", apache.threadLimit)
            }
            json.field("generation", apache.generation)
            json.field("restart_time_unix_seconds", unixSeconds(apache.restartTimeMicroseconds))
            json.field("uptime_seconds", apache.uptimeSeconds)
            writeParent(apache.parent, into: &json)
            writeWorkers(apache.workers, into: &json)
            writeProcesses(apache, into: &json)
            writeConnections(apache.workers, into: &json)
            writeCounters(apache, into: &json)
            writeResponseTime(apache, windows: windows, into: &json)
            writeInFlight(apache.workers, known: apache.countersUnavailableReason == nil, requests: inFlight, into: &json)
            writeCapacity(apache.capacity, into: &json)
            writeRestarts(apache, into: &json)
            writeAnomalies(apache, into: &json)
        }
    }

    /// Writes the numbers of one history entry, flat, so that 30 minutes of history stay small.
    static func writeCompact(_ sample: DerivedSample, into json: inout JSONWriter) {
        json.object("apache") { json in
            writeAvailability(sample, into: &json)
            guard let apache = sample.apache else { return }
            json.field("generation", apache.generation)
            json.field("busy", apache.workers.busy)
            json.field("idle", apache.workers.idle)
            json.object("states") { json in writeStates(apache.workers, into: &json) }
            json.field("live_processes", apache.workers.liveProcesses)
            json.field("requests_per_second", apache.requestsPerSecond)
            json.field("bytes_per_second", apache.bytesPerSecond)
            json.field("interval_requests", apache.intervalRequests)
            json.field("mean_response_time_seconds", apache.meanResponseTimeSeconds)
            json.field("completed_samples", apache.completedSampleCount)
            json.field("in_flight", apache.countersUnavailableReason == nil ? apache.workers.inFlight : nil)
            json.field("oldest_in_flight_seconds", apache.workers.oldestInFlightSeconds)
            json.field("utilisation", apache.capacity.utilisation)
            json.field("processes_started", apache.processesStarted)
            json.field("processes_stopped", apache.processesStopped)
            json.field("restart", apache.restart?.rawValue)
            json.field("anomalies", apache.anomalies.count)
        }
    }

    private static func writeAvailability(_ sample: DerivedSample, into json: inout JSONWriter) {
        json.field("up", sample.apache != nil)
        json.field("reason", sample.apacheUnavailable?.message)
        json.field("reason_kind", sample.apacheUnavailable?.kind.rawValue)
    }

    private static func writeParent(_ parent: ParentState, into json: inout JSONWriter) {
        json.object("parent") { json in
            switch parent {
            case .running(let pid):
                json.field("state", "running")
                json.field("pid", pid)
                json.field("orphaned_children", nil as Int?)
            case .orphaned(let pid, let orphans):
                json.field("state", "gone")
                json.field("pid", pid)
                json.field("orphaned_children", orphans)
            case .unknown:
                json.field("state", "unknown")
                json.field("pid", nil as Int32?)
                json.field("orphaned_children", nil as Int?)
            }
        }
    }

    private static func writeStates(_ workers: WorkerCensus, into json: inout JSONWriter) {
        for status in WorkerStatus.ordered {
            json.field(status.name, workers.perState[status.index])
        }
    }

    private static func writeWorkers(_ workers: WorkerCensus, into json: inout JSONWriter) {
        json.object("workers") { json in
            json.field("busy", workers.busy)
            json.field("idle", workers.idle)
            json.field("busy_excluding_graceful", workers.busyExcludingGraceful)
            json.field("graceful", workers.gracefulBusy)
            json.field("gracefully_finishing", workers.gracefullyFinishing)
            json.field("started_threads", workers.startedThreads)
            json.object("states") { json in writeStates(workers, into: &json) }
        }
    }

    private static func writeProcesses(_ apache: ApacheMetrics, into json: inout JSONWriter) {
        json.object("processes") { json in
            json.field("live", apache.workers.liveProcesses)
            json.field("old_generation", apache.workers.oldGenerationProcesses)
            json.field("quiescing", apache.workers.quiescingProcesses)
            json.field("started", apache.processesStarted)
            json.field("stopped", apache.processesStopped)
        }
    }

    private static func writeConnections(_ workers: WorkerCensus, into json: inout JSONWriter) {
        json.object("connections") { json in
            json.field("total", workers.connections)
            json.field("keep_alive", workers.keepAlive)
            json.field("write_completion", workers.writeCompletion)
            json.field("lingering_close", workers.lingeringClose)
            json.field("suspended", workers.suspended)
        }
    }

    private static func writeCounters(_ apache: ApacheMetrics, into json: inout JSONWriter) {
        json.object("counters") { json in
            json.field("available", apache.countersUnavailableReason == nil)
            json.field("unavailable_reason", apache.countersUnavailableReason)
            json.field("requests_per_second", apache.requestsPerSecond)
            json.field("bytes_per_second", apache.bytesPerSecond)
            json.field("interval_requests", apache.intervalRequests)
            json.field("interval_bytes", apache.intervalBytes)
            json.field("requests_total", apache.requestsTotal)
            json.field("bytes_total", apache.bytesTotal)
            json.field("access_count_sum", apache.accessCountSum)
            json.field("bytes_served_sum", apache.bytesServedSum)
        }
    }

    private static func writeResponseTime(_ apache: ApacheMetrics, windows: [ApacheResponseTimeWindow], into json: inout JSONWriter) {
        json.object("response_time") { json in
            json.field("mean_seconds", apache.meanResponseTimeSeconds)
            json.field("mean_unavailable_reason", apache.meanResponseTimeUnavailableReason)
            json.field("completed_samples", apache.completedSampleCount)
            json.array("windows") { json in
                for window in windows {
                    json.beginObject()
                    json.field("window_seconds", window.windowSeconds)
                    json.field("requests", window.requests)
                    json.field("mean_seconds", window.meanSeconds)
                    json.field("samples", window.sampleCount)
                    json.field("coverage", window.coverage)
                    json.field("truncated", window.truncated)
                    let sampled = window.sampled
                    json.field("min_seconds", sampled?.minSeconds)
                    json.field("p50_seconds", sampled?.p50Seconds)
                    json.field("p90_seconds", sampled?.p90Seconds)
                    json.field("p95_seconds", sampled?.p95Seconds)
                    json.field("p99_seconds", sampled?.p99Seconds)
                    json.field("max_seconds", sampled?.maxSeconds)
                    json.endObject()
                }
            }
        }
    }

    /// In-flight requests need ExtendedStatus's request times; without them the count is unknown.
    private static func writeInFlight(
        _ workers: WorkerCensus, known: Bool, requests: [InFlightRequest]?, into json: inout JSONWriter
    ) {
        json.object("in_flight") { json in
            json.field("count", known ? workers.inFlight : nil)
            json.field("oldest_age_seconds", workers.oldestInFlightSeconds)
            guard let requests else { return }
            json.array("requests") { json in
                for request in requests {
                    json.beginObject()
                    json.field("process_slot", request.process)
                    json.field("thread_slot", request.thread)
                    json.field("pid", request.pid)
                    json.field("status", request.status.name)
                    json.field("age_seconds", request.ageSeconds)
                    json.field("vhost", request.vhost)
                    json.field("request", request.request)
                    json.field("client", request.client)
                    json.endObject()
                }
            }
        }
    }

    private static func writeCapacity(_ capacity: CapacityMetrics, into json: inout JSONWriter) {
        json.object("capacity") { json in
            json.field("known", capacity.maxRequestWorkers != nil)
            json.field("max_request_workers", capacity.maxRequestWorkers)
            json.field("threads_per_child", capacity.threadsPerChild)
            json.field("source", capacity.source)
            json.field("utilisation", capacity.utilisation)
            json.field("started_threads_utilisation", capacity.startedUtilisation)
            json.field("not_yet_started", capacity.notYetStarted)
        }
    }

    private static func writeRestarts(_ apache: ApacheMetrics, into json: inout JSONWriter) {
        json.object("restarts") { json in
            json.field("total", apache.restartsTotal)
            json.field("graceful_total", apache.gracefulRestartsTotal)
            json.field("hard_total", apache.hardRestartsTotal)
            json.field("this_interval", apache.restart?.rawValue)
        }
    }

    private static func writeAnomalies(_ apache: ApacheMetrics, into json: inout JSONWriter) {
        json.object("anomalies") { json in
            json.field("total", apache.anomaliesTotal)
            json.array("this_interval") { json in
                for anomaly in apache.anomalies {
                    json.beginObject()
                    json.field("process_slot", anomaly.process)
                    json.field("thread_slot", anomaly.thread)
                    json.field("field", anomaly.field.rawValue)
                    json.field("kind", anomaly.kind.rawValue)
                    json.field("previous", anomaly.previous)
                    json.field("rejected", anomaly.current)
                    json.endObject()
                }
            }
        }
    }
}
