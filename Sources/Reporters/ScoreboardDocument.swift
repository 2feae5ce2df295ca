import ScoreboardSources

/// `GET /v1/scoreboard/apache`: the last raw snapshot, with httpd's field names.
public enum ScoreboardDocument {
    public static func render(_ snapshot: ApacheScoreboardSnapshot?, unavailable: SourceUnavailable?, redact: Bool) -> String {
        var json = JSONWriter(reservingCapacity: 65536)
        json.beginObject()
        guard let snapshot else {
            writeUnavailable(unavailable, into: &json)
            json.endObject()
            return json.text
        }
        let image = snapshot.image
        let global = image.global
        json.field("up", true)
        json.field("time_unix_seconds", Double(snapshot.wallTimeMicroseconds) / 1e6)
        json.field("mechanism", snapshot.segment.mechanism.rawValue)
        json.field("segment", snapshot.segment.object)
        json.field("httpd_layout", image.layout.group.httpdVersions)
        json.object("global") { json in
            json.field("server_limit", global.serverLimit)
            json.field("thread_limit", global.threadLimit)
            json.field("running_generation", global.runningGeneration)
            json.field("restart_time", global.restartTime)
        }
        json.array("processes") { json in
            for index in 0..<image.serverLimit {
                writeProcess(image, index: index, redact: redact, into: &json)
            }
        }
        json.endObject()
        return json.text
    }

    private static func writeProcess(_ image: ScoreboardImage, index: Int, redact: Bool, into json: inout JSONWriter) {
        let process = image.process(index)
        json.beginObject()
        json.field("slot", index)
        json.field("pid", process.pid)
        json.field("generation", process.generation)
        json.field("quiescing", process.quiescing)
        json.field("not_accepting", process.notAccepting)
        json.field("connections", process.connections)
        json.field("write_completion", process.writeCompletion)
        json.field("lingering_close", process.lingeringClose)
        json.field("keep_alive", process.keepAlive)
        json.field("suspended", process.suspended)
        json.field("wait_io", process.waitIO)
        json.array("workers") { json in
            for thread in 0..<image.threadLimit {
                writeWorker(image, process: index, thread: thread, redact: redact, into: &json)
            }
        }
        json.endObject()
    }

    private static func writeWorker(_ image: ScoreboardImage, process: Int, thread: Int, redact: Bool, into json: inout JSONWriter) {
        let worker = image.worker(process: process, thread: thread)
        json.beginObject()
        json.field("thread_num", worker.threadNum)
        json.field("pid", worker.pid)
        json.field("generation", worker.generation)
        json.field("status", String(worker.status.letter))
        json.field("status_name", worker.status.name)
        json.field("access_count", worker.accessCount)
        json.field("bytes_served", worker.bytesServed)
        json.field("my_access_count", worker.myAccessCount)
        json.field("my_bytes_served", worker.myBytesServed)
        json.field("conn_count", worker.connectionRequests)
        json.field("conn_bytes", worker.connectionBytes)
        json.field("start_time", worker.startTime)
        json.field("stop_time", worker.stopTime)
        json.field("last_used", worker.lastUsed)
        json.field("duration", image.layout.group.hasDuration ? worker.duration : nil)
        json.field("vhost", image.string(.vhost, process: process, thread: thread))
        json.field("protocol", image.string(.protocol, process: process, thread: thread))
        json.field("request", redact ? nil : image.string(.request, process: process, thread: thread))
        json.field(
            "client",
            redact ? nil : (image.string(.client64, process: process, thread: thread) ?? image.string(.client, process: process, thread: thread)))
        json.endObject()
    }
}
