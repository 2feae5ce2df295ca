import Derivation
import History
import ScoreboardSources

/// The collector's description of itself, written at the top of every document.
public struct CollectorInfo: Sendable {
    public var version: String
    public var nominalIntervalSeconds: Double
    public var historyCapacity: Int
    public var startedAtMicroseconds: Int64

    public init(version: String, nominalIntervalSeconds: Double, historyCapacity: Int, startedAtMicroseconds: Int64) {
        self.version = version
        self.nominalIntervalSeconds = nominalIntervalSeconds
        self.historyCapacity = historyCapacity
        self.startedAtMicroseconds = startedAtMicroseconds
    }

    func write(into json: inout JSONWriter) {
        json.object("collector") { json in
            json.field("version", version)
            json.field("interval_seconds", nominalIntervalSeconds)
            json.field("history_capacity", historyCapacity)
            json.field("started_unix_seconds", unixSeconds(startedAtMicroseconds))
        }
    }
}

/// `GET /v1/metrics`: the latest derived sample in full.
public enum MetricsDocument {
    /// Response-time windows published with the latest sample.
    public static let windowSeconds: [Double] = [60, 300]

    public static func render(
        info: CollectorInfo, history: SampleHistory, latestApache: ApacheScoreboardSnapshot?, redact: Bool,
        wsgiDirectory: String? = nil
    ) -> String {
        var json = JSONWriter(reservingCapacity: 8192)
        json.beginObject()
        info.write(into: &json)
        guard let sample = history.latest() else {
            json.field("sequence", nil as Int?)
            json.field("reason", "no sample taken yet")
            json.endObject()
            return json.text
        }
        json.field("sequence", sample.sequence)
        json.field("time_unix_seconds", unixSeconds(sample.wallTimeMicroseconds))
        json.field("interval_seconds", sample.intervalSeconds)

        let windows = sample.apache == nil ? [] : windowSeconds.map { history.apacheResponseTimes(windowSeconds: $0) }
        var inFlight: [InFlightRequest]? = nil
        if let snapshot = latestApache, sample.apache != nil, sample.apache?.countersUnavailableReason == nil {
            inFlight = InFlightRequests.list(in: snapshot.image, nowMicroseconds: snapshot.wallTimeMicroseconds, redact: redact)
        }
        ApacheJSON.writeFull(sample, windows: windows, inFlight: inFlight, into: &json)
        WSGIJSON.writeFull(sample, history: history, directory: wsgiDirectory, into: &json)
        ProcessJSON.write(sample.processes, compact: false, into: &json)
        json.endObject()
        return json.text
    }
}

/// `GET /v1/history`: compact samples, oldest first, with gaps marked.
public enum HistoryDocument {
    public static func render(info: CollectorInfo, history: SampleHistory, afterSequence: UInt64?, limit: Int?) -> String {
        let samples = history.samples(afterSequence: afterSequence, limit: limit)
        var json = JSONWriter(reservingCapacity: 256 + samples.count * 2048)
        json.beginObject()
        info.write(into: &json)
        json.field("count", samples.count)
        json.field("first_sequence", samples.first?.sequence)
        json.field("last_sequence", samples.last?.sequence)
        json.array("samples") { json in
            for sample in samples {
                writeSample(sample, gap: history.isGap(sample), into: &json)
            }
        }
        json.endObject()
        return json.text
    }

    /// Writes one compact sample, an element of the `samples` array.
    static func writeSample(_ sample: DerivedSample, gap: Bool, into json: inout JSONWriter) {
        json.beginObject()
        json.field("sequence", sample.sequence)
        json.field("time_unix_seconds", unixSeconds(sample.wallTimeMicroseconds))
        json.field("interval_seconds", sample.intervalSeconds)
        json.field("gap", gap)
        ApacheJSON.writeCompact(sample, into: &json)
        WSGIJSON.writeCompact(sample, into: &json)
        ProcessJSON.write(sample.processes, compact: true, into: &json)
        json.endObject()
    }

    /// Writes everything before the first sample: the collector block, the count, the first
    /// and last sequence numbers and the opening of the `samples` array.
    static func writePrefix(info: CollectorInfo, count: Int, firstSequence: UInt64?, lastSequence: UInt64?, into json: inout JSONWriter) {
        json.beginObject()
        info.write(into: &json)
        json.field("count", count)
        json.field("first_sequence", firstSequence)
        json.field("last_sequence", lastSequence)
        json.key("samples")
        json.beginArray()
    }

    /// Closes the `samples` array and the document.
    static let suffix = "]}"
}

/// `GET /v1/events`: restarts, stops, crashes, recycled children and anomalies.
public enum EventsDocument {
    public static func render(info: CollectorInfo, history: SampleHistory, sinceMicroseconds: Int64, limit: Int) -> String {
        let events = history.events(fromWallTimeMicroseconds: sinceMicroseconds, limit: limit)
        var json = JSONWriter()
        json.beginObject()
        info.write(into: &json)
        json.field("count", events.count)
        json.array("events") { json in
            for event in events {
                json.beginObject()
                json.field("time_unix_seconds", unixSeconds(event.wallTimeMicroseconds))
                json.field("kind", event.kind.rawValue)
                json.field("source", event.source)
                json.field("pid", event.pid)
                json.field("detail", event.detail)
                json.endObject()
            }
        }
        json.endObject()
        return json.text
    }
}

/// `GET /health`: whether the collector runs and whether each source is attached.
public enum HealthDocument {
    public static func render(info: CollectorInfo, history: SampleHistory) -> String {
        let latest = history.latest()
        var json = JSONWriter()
        json.beginObject()
        json.field("status", "ok")
        info.write(into: &json)
        json.field("samples", history.count)
        json.field("last_sample_unix_seconds", latest.map { unixSeconds($0.wallTimeMicroseconds) })
        json.object("sources") { json in
            json.object("apache") { json in
                json.field("up", latest?.apache != nil)
                json.field("reason", latest?.apacheUnavailable?.message ?? (latest == nil ? "no sample taken yet" : nil))
            }
            json.object("wsgi") { json in
                json.field("up", latest.map { $0.wsgiUnavailable == nil } ?? false)
                json.field("reason", latest?.wsgiUnavailable?.message ?? (latest == nil ? "no sample taken yet" : nil))
                json.field("groups", latest?.wsgiGroups.count ?? 0)
            }
        }
        json.endObject()
        return json.text
    }
}
