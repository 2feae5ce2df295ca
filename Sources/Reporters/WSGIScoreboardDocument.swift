import ScoreboardSources

/// `GET /v1/scoreboard/wsgi`: the last WSGI scoreboard records, with the segment's field names.
public enum WSGIScoreboardDocument {
    public static func render(_ snapshot: WSGIScoreboardSnapshot?, unavailable: SourceUnavailable?, redact: Bool) -> String {
        var json = JSONWriter(reservingCapacity: 16384)
        json.beginObject()
        guard let snapshot else {
            writeUnavailable(unavailable, into: &json)
            json.endObject()
            return json.text
        }
        json.field("up", true)
        json.field("directory", snapshot.directory)
        json.field("torn_records", snapshot.tornRecords)
        json.field("abandoned_records", snapshot.abandonedRecords)
        json.field("copy_retries", snapshot.copyRetries)
        json.array("skipped_segments") { json in
            for skipped in snapshot.skippedSegments {
                json.beginObject()
                json.field("name", skipped.name)
                json.field("reason", reasonName(skipped.reason))
                json.endObject()
            }
        }
        json.array("processes") { json in
            for process in snapshot.processes { writeProcess(process, redact: redact, into: &json) }
        }
        json.endObject()
        return json.text
    }

    private static func writeProcess(_ process: WSGIProcessSnapshot, redact: Bool, into json: inout JSONWriter) {
        let counters = process.counters
        json.beginObject()
        json.field("segment", process.segmentName)
        json.field("pid", process.pid)
        json.field("start_time_ticks", process.startTimeTicks)
        json.field("live", process.isLive)
        json.field("mode", process.mode.rawValue)
        json.field("process_group", process.processGroup)
        json.field("application_group", process.applicationGroup)
        json.field("configured_processes", process.configuredProcesses)
        json.field("configured_threads", process.configuredThreads)
        json.field("created_us", process.createdMicroseconds)
        json.field("updated_us", process.updatedMicroseconds)

        json.field("requests", counters.requests)
        for (index, name) in ["status_1xx", "status_2xx", "status_3xx", "status_4xx", "status_5xx"].enumerated() {
            json.field(name, index < counters.statusClasses.count ? counters.statusClasses[index] : nil)
        }
        json.field("status_other", counters.statusOther)
        json.field("exceptions", counters.exceptions)
        json.field("negative_server", counters.negativeServer)
        json.field("negative_queue", counters.negativeQueue)
        json.field("negative_daemon", counters.negativeDaemon)
        json.field("negative_application", counters.negativeApplication)
        json.field("malformed_timestamps", counters.malformedTimestamps)
        json.field("bytes_in", counters.bytesIn)
        json.field("bytes_out", counters.bytesOut)
        json.field("server_us_sum", counters.serverMicrosecondsSum)
        json.field("queue_us_sum", counters.queueMicrosecondsSum)
        json.field("daemon_us_sum", counters.daemonMicrosecondsSum)
        json.field("application_us_sum", counters.applicationMicrosecondsSum)
        json.field("total_us_sum", counters.totalMicrosecondsSum)

        json.field("thread_records", process.threadRecordCount)
        json.field("torn_thread_records", process.tornThreadRecords)
        json.array("threads") { json in
            for thread in process.threads {
                json.beginObject()
                json.field("record", thread.recordIndex)
                json.field("busy", thread.isBusy)
                json.field("thread_id", thread.wsgiThreadID)
                json.field("request_start_us", thread.requestStartMicroseconds)
                json.field("queue_start_us", thread.queueStartMicroseconds)
                json.field("daemon_start_us", thread.daemonStartMicroseconds)
                json.field("application_start_us", thread.applicationStartMicroseconds)
                json.field("requests", thread.requests)
                json.field("method", redact ? nil : thread.method)
                json.field("path", redact ? nil : thread.path)
                json.endObject()
            }
        }
        json.endObject()
    }

    /// Stable snake_case names for why a segment was skipped.
    private static func reasonName(_ reason: WSGISkippedSegment.Reason) -> String {
        switch reason {
        case .unreadable(let code): "unreadable: \(describeErrno(code))"
        case .invalid(let message): "invalid: \(message)"
        case .tornProcessRecord: "torn_process_record"
        case .abandonedProcessRecord: "abandoned_process_record"
        }
    }
}
