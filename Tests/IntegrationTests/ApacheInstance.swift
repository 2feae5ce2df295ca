import Foundation
import TestSupport

/// A private Debian apache2 on 127.0.0.1 and a free port, started through
/// scripts/apache-instance.sh and stopped when released.
final class ApacheInstance {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let script = repository.appendingPathComponent("scripts/apache-instance.sh").path

    let directory: String
    let port: UInt16
    let arguments: [String]
    private(set) var running = false

    var pidFile: String { directory + "/run/apache2.pid" }
    var accessLog: String { directory + "/access.log" }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(_ arguments: [String] = []) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/apache2") else {
            throw InstanceError.message("Debian's apache2 is not installed; run 'make deps'")
        }
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sbc-apache-\(getpid())-\(UUID().uuidString.prefix(8))").path
        port = try freePort()
        self.arguments = arguments
        try start()
    }

    func start() throws {
        try run(Self.script, ["start", directory, "--port", String(port)] + arguments)
        running = true
    }

    func stop() {
        guard running else { return }
        _ = try? run(Self.script, ["stop", directory])
        running = false
    }

    /// Sends `graceful`, `restart` or `stop` through `apache2 -k`.
    func signal(_ name: String) throws {
        try run(Self.script, ["signal", directory, name])
    }

    func parentPID() throws -> Int32 {
        let text = try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = Int32(text) else { throw InstanceError.message("invalid PID file \(pidFile): \(text)") }
        return pid
    }

    /// Sends `count` requests for `path` with ab and returns once every response has arrived.
    func load(_ path: String, count: Int, concurrency: Int = 4, keepAlive: Bool = false) throws {
        var arguments = ["-q", "-n", String(count), "-c", String(concurrency)]
        if keepAlive { arguments.append("-k") }
        let output = try run("/usr/bin/ab", arguments + [baseURL + path])
        guard output.contains("Complete requests:      \(count)"), output.contains("Failed requests:        0") else {
            throw InstanceError.message("ab did not complete \(count) requests:\n\(output)")
        }
    }

    /// Starts a request in a curl child; the caller waits for it with `Subprocess.wait`.
    func startRequest(_ path: String) throws -> pid_t {
        try Subprocess.start("/usr/bin/curl", ["-s", "-o", "/dev/null", baseURL + path])
    }

    deinit {
        stop()
        killLeftovers()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Kills every process still running with this instance's configuration file: after a test
    /// kills the parent, a child it forked just before can be missing from the scoreboard. The
    /// path contains this instance's unique directory, so no other Apache matches.
    private func killLeftovers() {
        let configuration = directory + "/httpd.conf"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return }
        for pid in entries.compactMap({ Int32($0) }) {
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if arguments.contains(configuration) { kill(pid, SIGKILL) }
        }
    }

    enum InstanceError: Error, CustomStringConvertible {
        case message(String)
        var description: String { if case .message(let text) = self { return text }; return "" }
    }
}

/// Runs a command to completion and returns its output; throws on a non-zero exit.
@discardableResult
func run(_ executable: String, _ arguments: [String]) throws -> String {
    let result = try Subprocess.run(executable, arguments)
    guard result.status == 0 else {
        throw ApacheInstance.InstanceError.message(
            "\(executable) \(arguments.joined(separator: " ")) exited with \(result.status):\n\(result.output)")
    }
    return result.output
}

/// Asks the kernel for a free TCP port on 127.0.0.1.
func freePort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw ApacheInstance.InstanceError.message("cannot find a free port: errno \(errno)") }
    return UInt16(bigEndian: address.sin_port)
}
