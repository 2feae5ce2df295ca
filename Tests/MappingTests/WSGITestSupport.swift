import Foundation
import ScoreboardSources

/// A uniquely named temporary directory for WSGI segments, removed by `remove()`.
struct WSGITestDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "wsgi-scoreboard-swift-XXXXXX").utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw WSGITestFailure("mkdtemp failed: errno \(errno)")
        }
        path = String(cString: created)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func segmentNames() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".wsb") }.sorted()
    }
}

struct WSGITestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The Python writer's test tool (python/tests/segment_tool.py) run as a child process with
/// /usr/bin/python3 and PYTHONPATH=python/, talking JSON lines over pipes.
final class WSGIWriterProcess {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffered = Data()

    init(command: String, directory: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Self.packageRoot + "/python/tests/segment_tool.py", command, directory]
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = Self.packageRoot + "/python"
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Next JSON line the tool printed; throws when it exits first.
    func readMessage() throws -> [String: Any] {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffered[buffered.startIndex..<newline]
                buffered = Data(buffered[(newline + 1)...])
                guard let message = try JSONSerialization.jsonObject(with: line) as? [String: Any] else {
                    throw WSGITestFailure("segment_tool printed a line that is not a JSON object")
                }
                return message
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty {
                throw WSGITestFailure("segment_tool exited before printing a message")
            }
            buffered.append(chunk)
        }
    }

    func sendLine() throws {
        try input.fileHandleForWriting.write(contentsOf: Data("go\n".utf8))
    }

    func closeInput() throws {
        try input.fileHandleForWriting.close()
    }

    /// Waits for the tool and returns its exit status (or the signal number for a kill).
    @discardableResult
    func waitForExit() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }
}

extension WSGIRequestCounters {
    /// The counters by their segment field names, for comparison with the writer's own values.
    var byFieldName: [String: UInt64] {
        [
            "requests": requests,
            "status_1xx": statusClasses[0], "status_2xx": statusClasses[1], "status_3xx": statusClasses[2],
            "status_4xx": statusClasses[3], "status_5xx": statusClasses[4], "status_other": statusOther,
            "exceptions": exceptions,
            "negative_server": negativeServer, "negative_queue": negativeQueue,
            "negative_daemon": negativeDaemon, "negative_application": negativeApplication,
            "malformed_timestamps": malformedTimestamps,
            "requests_without_thread_record": requestsWithoutThreadRecord,
            "bytes_in": bytesIn, "bytes_out": bytesOut,
            "server_us_sum": serverMicrosecondsSum, "queue_us_sum": queueMicrosecondsSum,
            "daemon_us_sum": daemonMicrosecondsSum, "application_us_sum": applicationMicrosecondsSum,
            "total_us_sum": totalMicrosecondsSum,
            "server_count": serverCount, "queue_count": queueCount, "daemon_count": daemonCount,
            "application_count": applicationCount, "total_count": totalCount,
        ]
    }
}

/// Unwraps `.snapshot`, or throws with the reason the source gave.
func requireSnapshot(_ reading: SourceReading<WSGIScoreboardSnapshot>) throws -> WSGIScoreboardSnapshot {
    switch reading {
    case .snapshot(let snapshot):
        return snapshot
    case .unavailable(let reason):
        throw WSGITestFailure("expected a snapshot, got unavailable: \(reason.kind) \(reason.message)")
    }
}

/// Numbers decoded by JSONSerialization, as UInt64.
func jsonUInt64(_ value: Any?) -> UInt64? {
    (value as? NSNumber)?.uint64Value
}
