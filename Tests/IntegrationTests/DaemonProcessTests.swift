import Foundation
import Glibc
import Testing
import TestSupport

/// The scoreboard-collector binary as an operator runs it: HTTP, signals, systemd notify,
/// reload, --once, bad input.
extension IntegrationSuite {
    @Suite struct DaemonProcessTests {
        @Test func servesMetricsAndRejectsBadHTTP() throws {
            let apache = try ApacheInstance()
            let collector = try CollectorProcess(["--apache-pid-file", apache.pidFile, "--apache-config", apache.directory + "/httpd.conf"])
            Thread.sleep(forTimeInterval: 1.2)
            try apache.load("/index.html", count: 100)
            Thread.sleep(forTimeInterval: 2.2)

            let metrics = try collector.json("/v1/metrics")
            let apacheSection = try #require(metrics["apache"] as? [String: Any])
            #expect(apacheSection["up"] as? Bool == true)
            let counters = try #require(apacheSection["counters"] as? [String: Any])
            #expect(counters["requests_total"] as? Int == 100)
            let capacity = try #require(apacheSection["capacity"] as? [String: Any])
            #expect(capacity["max_request_workers"] as? Int == 20)

            let malformed = try HTTPClient.send(port: collector.port, raw: "GARBAGE\r\n\r\n")
            #expect(malformed.status == 400)
            #expect(malformed.text.contains("\"error\""))
            let missing = try collector.get("/nope")
            #expect(missing.status == 404)
            let post = try HTTPClient.send(port: collector.port, raw: "POST /v1/metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            #expect(post.status == 405)
            #expect(post.head.contains("Allow: GET, HEAD"))
            let badLimit = try collector.get("/v1/history?limit=abc")
            #expect(badLimit.status == 400)
            #expect(badLimit.text.contains("abc"))
            let unknownParameter = try collector.get("/v1/history?sinse=3")
            #expect(unknownParameter.status == 400)
            let head = try HTTPClient.send(port: collector.port, raw: "HEAD /v1/metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)

            let history = try collector.json("/v1/history?limit=2")
            #expect((history["samples"] as? [Any])?.count == 2)
            #expect(try collector.get("/health").status == 200)
            let raw = try collector.json("/v1/scoreboard/apache")
            #expect((raw["processes"] as? [Any])?.count == 4)
        }

        @Test func sigtermStopsWithinOneSecond() throws {
            let collector = try CollectorProcess(["--apache-pid-file", "/nonexistent/apache2.pid"])
            let result = collector.terminate()
            #expect(result.status == 0)
            #expect(result.seconds < 1.0)
            #expect(collector.log.contains("stopping on signal 15"))
        }

        @Test func unavailableApacheKeepsRunningAndLogsOnce() throws {
            let collector = try CollectorProcess(["--apache-pid-file", "/nonexistent/apache2.pid"])
            Thread.sleep(forTimeInterval: 3.2)
            let metrics = try collector.json("/v1/metrics")
            let apache = try #require(metrics["apache"] as? [String: Any])
            #expect(apache["up"] as? Bool == false)
            #expect((apache["reason"] as? String)?.contains("/nonexistent/apache2.pid") == true)
            #expect(apache["workers"] == nil)
            let lines = collector.log.split(separator: "\n").filter { $0.contains("Apache scoreboard unavailable") }
            #expect(lines.count == 1)
        }

        @Test func notifyProtocolInOrder() throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sbc-notify-\(getpid())").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let listener = try NotifyListener(path: directory + "/notify.sock")
            let configuration = directory + "/collector.conf"
            try "log_level = info\n".write(toFile: configuration, atomically: true, encoding: .utf8)

            let collector = try CollectorProcess(
                ["--apache-pid-file", "/nonexistent/apache2.pid", "--config", configuration],
                environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "4000000"])
            Thread.sleep(forTimeInterval: 2.3)
            collector.signal(SIGHUP)
            Thread.sleep(forTimeInterval: 0.5)
            _ = collector.terminate()

            let messages = listener.drain()
            let kinds = messages.map { message -> String in
                for key in ["READY=1", "RELOADING=1", "STOPPING=1", "WATCHDOG=1"] where message.contains(key) { return key }
                return message.hasPrefix("STATUS=") ? "STATUS" : message
            }
            let ready = try #require(kinds.firstIndex(of: "READY=1"))
            let reloading = try #require(kinds.firstIndex(of: "RELOADING=1"))
            let stopping = try #require(kinds.lastIndex(of: "STOPPING=1"))
            #expect(ready == 0)
            #expect(kinds[ready..<reloading].contains("WATCHDOG=1"))
            #expect(kinds[ready..<reloading].contains("STATUS"))
            #expect(kinds[(reloading + 1)...].contains("READY=1"))
            #expect(stopping == kinds.count - 1)
            #expect(messages[ready].contains("STATUS=listening on 127.0.0.1:\(collector.port)"))
        }

        @Test func sighupReloadKeepsHistory() throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sbc-reload-\(getpid())").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let configuration = directory + "/collector.conf"
            try "interval = 1\n".write(toFile: configuration, atomically: true, encoding: .utf8)
            let collector = try CollectorProcess(["--apache-pid-file", "/nonexistent/apache2.pid", "--config", configuration])
            Thread.sleep(forTimeInterval: 2.2)

            try "# faster sampling\ninterval = 0.5\nredact_requests = true\n".write(toFile: configuration, atomically: true, encoding: .utf8)
            collector.signal(SIGHUP)
            Thread.sleep(forTimeInterval: 1.6)
            #expect(collector.log.contains("configuration reloaded"))

            try "interval = 0.5\nintervall = 3\n".write(toFile: configuration, atomically: true, encoding: .utf8)
            collector.signal(SIGHUP)
            Thread.sleep(forTimeInterval: 1.1)
            #expect(collector.log.contains("configuration reload failed"))
            #expect(collector.log.contains("\(configuration):2"))

            let history = try collector.json("/v1/history")
            #expect(history["first_sequence"] as? Int == 1)
            let samples = try #require(history["samples"] as? [[String: Any]])
            // About 2 samples at 1 s, then about 5 at 0.5 s: more than the 1-second rate alone gives.
            #expect(samples.count >= 6)
            let intervals = samples.compactMap { $0["interval_seconds"] as? Double }
            #expect(intervals.contains { $0 < 0.75 })
        }

        @Test func onceModePrintsOneSample() throws {
            let apache = try ApacheInstance()
            let result = try Subprocess.run(
                CollectorProcess.binary, ["--once", "--apache-pid-file", apache.pidFile, "--config", "/dev/null", "--log-level", "error"])
            #expect(result.status == 0)
            let document = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
            let apacheSection = document?["apache"] as? [String: Any]
            #expect(apacheSection?["up"] as? Bool == true)
            #expect((apacheSection?["counters"] as? [String: Any])?["requests_per_second"] as? Double == 0)
        }

        @Test(arguments: [
            (["--interval", "abc"], "invalid --interval 'abc'"),
            (["--listen", "nowhere"], "listen"),
            (["--history", "1"], "history"),
            (["--bogus"], "--bogus"),
        ])
        func badFlagsExitTwo(arguments: [String], message: String) throws {
            let result = try Subprocess.run(CollectorProcess.binary, arguments + ["--config", "/dev/null"])
            #expect(result.status == 2)
            #expect(result.output.contains(message))
        }

        @Test func occupiedPortIsAClearError() throws {
            let first = try CollectorProcess(["--apache-pid-file", "/nonexistent/pid"])
            let result = try Subprocess.run(
                CollectorProcess.binary, ["--listen", "127.0.0.1:\(first.port)", "--apache-pid-file", "/nonexistent/pid", "--config", "/dev/null"])
            #expect(result.status == 1)
            #expect(result.output.contains("127.0.0.1:\(first.port)"))
            #expect(result.output.contains("EADDRINUSE") || result.output.contains("in use"))
        }
    }
}

/// An AF_UNIX datagram socket standing in for systemd's notify socket.
final class NotifyListener {
    let path: String
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        unlink(path)
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() where index < buffer.count - 1 { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw SubprocessError(message: "cannot bind \(path): errno \(errno)") }
    }

    /// Every datagram received so far, in order.
    func drain() -> [String] {
        var messages: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count <= 0 { break }
            messages.append(String(decoding: buffer[0..<count], as: UTF8.self))
        }
        return messages
    }

    deinit {
        close(fd)
        unlink(path)
    }
}
