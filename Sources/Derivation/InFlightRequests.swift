import ScoreboardSources

/// A request running now, as one worker record shows it.
public struct InFlightRequest: Sendable, Equatable {
    public var process: Int
    public var thread: Int
    public var pid: Int32
    public var status: WorkerStatus
    public var ageSeconds: Double
    public var vhost: String
    /// The request line, or nil when redacted.
    public var request: String?
    /// The client address, or nil when redacted.
    public var client: String?
}

/// Lists in-flight requests of an image; used by reporters on demand, never on the sampling
/// path, because decoding strings allocates per busy worker.
public enum InFlightRequests {
    /// Requests in live processes, oldest first.
    public static func list(in image: ScoreboardImage, nowMicroseconds: Int64, redact: Bool) -> [InFlightRequest] {
        var requests: [InFlightRequest] = []
        for process in 0..<image.serverLimit {
            let record = image.process(process)
            guard record.pid != 0 else { continue }
            for thread in 0..<image.threadLimit {
                let worker = image.workers[process * image.threadLimit + thread]
                guard InFlightRule.isInFlight(worker) else { continue }
                let client = image.string(.client64, process: process, thread: thread)
                    ?? image.string(.client, process: process, thread: thread) ?? ""
                requests.append(
                    InFlightRequest(
                        process: process, thread: thread, pid: worker.pid != 0 ? worker.pid : record.pid,
                        status: worker.status,
                        ageSeconds: max(0, Double(nowMicroseconds - worker.startTime) / 1e6),
                        vhost: image.string(.vhost, process: process, thread: thread) ?? "",
                        request: redact ? nil : image.string(.request, process: process, thread: thread) ?? "",
                        client: redact ? nil : client))
            }
        }
        return requests.sorted { $0.ageSeconds > $1.ageSeconds }
    }
}
