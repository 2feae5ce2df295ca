import Foundation
import TestSupport
import Glibc

/// The built scoreboard-collector binary, run as a child process on a free port.
final class CollectorProcess {
    static var binary: String {
        ApacheInstance.repository.appendingPathComponent(".build/debug/scoreboard-collector").path
    }

    let pid: pid_t
    let port: UInt16
    let logPath: String
    private var exited = false

    /// Starts the collector with `arguments` (plus --listen and --config /dev/null unless given),
    /// optionally through a wrapper such as setpriv, and waits until /health responds.
    init(_ arguments: [String], environment: [String: String] = [:], wrapper: [String] = [], waitForHealth: Bool = true) throws {
        port = try freePort()
        logPath = FileManager.default.temporaryDirectory.appendingPathComponent("sbc-collector-\(getpid())-\(port).log").path
        var full = arguments
        if !arguments.contains("--listen") { full += ["--listen", "127.0.0.1:\(port)"] }
        if !arguments.contains("--config") { full += ["--config", "/dev/null"] }
        let command = wrapper.isEmpty ? [Self.binary] + full : wrapper + [Self.binary] + full
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        pid = try Subprocess.start(command[0], Array(command.dropFirst()), environment: merged, errorLog: logPath)
        if waitForHealth {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                if (try? HTTPClient.get(port: port, path: "/health"))?.status == 200 { return }
                Thread.sleep(forTimeInterval: 0.05)
            }
            throw SubprocessError(message: "collector did not answer /health within 10 s; log:\n\(log)")
        }
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func get(_ path: String) throws -> HTTPClient.Response { try HTTPClient.get(port: port, path: path) }

    func json(_ path: String) throws -> [String: Any] {
        let response = try get(path)
        guard let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw SubprocessError(message: "\(path) did not return a JSON object")
        }
        return object
    }

    func signal(_ number: Int32) { kill(pid, number) }

    /// Sends SIGTERM and waits; returns the exit status and the seconds it took.
    func terminate() -> (status: Int32, seconds: Double) {
        let start = Date()
        kill(pid, SIGTERM)
        let status = Subprocess.wait(pid)
        exited = true
        return (status, Date().timeIntervalSince(start))
    }

    deinit {
        if !exited {
            kill(pid, SIGKILL)
            Subprocess.wait(pid)
        }
        unlink(logPath)
    }
}

/// A minimal HTTP/1.1 client over a raw socket, for talking to the collector and for sending
/// deliberately malformed requests.
enum HTTPClient {
    struct Response {
        var status: Int
        var head: String
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    static func get(port: UInt16, path: String) throws -> Response {
        try send(port: port, raw: "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    }

    /// Sends `raw` bytes and reads until the server closes the connection.
    static func send(port: UInt16, raw: String) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SubprocessError(message: "socket failed") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw SubprocessError(message: "connect to 127.0.0.1:\(port) failed: errno \(errno)") }
        let bytes = Array(raw.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }

        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        let separator = Array("\r\n\r\n".utf8)
        guard let end = received.firstRange(of: separator) else {
            throw SubprocessError(message: "no HTTP response head in \(received.count) bytes")
        }
        let head = String(decoding: received[..<end.lowerBound], as: UTF8.self)
        let statusText = head.split(separator: " ").dropFirst().first ?? ""
        return Response(status: Int(statusText) ?? 0, head: head, body: Array(received[end.upperBound...]))
    }
}
