import CollectorDaemon
import Foundation
import Glibc
import Testing

/// An AF_UNIX datagram socket bound in a fresh temporary directory, standing in for the
/// service manager's notification socket.
private struct NotificationListener {
    let directory: TemporaryDirectory
    let path: String
    let descriptor: Int32

    init() throws {
        // sockaddr_un has room for 107 path bytes, so the path stays short.
        directory = try TemporaryDirectory("notify")
        path = directory.path + "/n.sock"
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        precondition(pathBytes.count < MemoryLayout.size(ofValue: address.sun_path), "socket path too long: \(path)")
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: pathBytes)
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }

        // A missing datagram must fail the test rather than hang it.
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Receives the next datagram as text; nil when none arrives within the timeout.
    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    /// Checks without blocking whether a datagram is waiting.
    func hasPending() -> Bool {
        var byte: UInt8 = 0
        return recv(descriptor, &byte, 1, Int32(MSG_DONTWAIT) | Int32(MSG_PEEK)) >= 0
    }

    func close() {
        Glibc.close(descriptor)
        directory.remove()
    }
}

extension ProcessEnvironmentTests {
    @Suite struct SystemdNotifierTests {
        @Test func messagesArriveInOrder() throws {
            let listener = try NotificationListener()
            defer { listener.close() }
            let notifier = SystemdNotifier()

            let before = MonotonicClock.microseconds()
            let results = withEnvironment("NOTIFY_SOCKET", listener.path) {
                #expect(notifier.isEnabled)
                return [
                    notifier.ready(status: "listening on 127.0.0.1:9118"),
                    notifier.status("attached to /dev/shm/ShM.1H2\nsecond line"),
                    notifier.watchdog(),
                    notifier.reloading(),
                    notifier.ready(status: "reloaded"),
                    notifier.stopping(status: "stopping on SIGTERM"),
                ]
            }
            let after = MonotonicClock.microseconds()
            #expect(results == [true, true, true, true, true, true])

            #expect(listener.receive() == "READY=1\nSTATUS=listening on 127.0.0.1:9118")
            #expect(listener.receive() == "STATUS=attached to /dev/shm/ShM.1H2 second line")
            #expect(listener.receive() == "WATCHDOG=1")

            let reloading = try #require(listener.receive())
            let lines = reloading.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines.first == "RELOADING=1")
            let stamp = try #require(lines.last.flatMap { $0.hasPrefix("MONOTONIC_USEC=") ? UInt64($0.dropFirst(15)) : nil })
            #expect(stamp >= before)
            #expect(stamp <= after)

            #expect(listener.receive() == "READY=1\nSTATUS=reloaded")
            #expect(listener.receive() == "STOPPING=1\nSTATUS=stopping on SIGTERM")
            #expect(!listener.hasPending())
        }

        @Test func withoutSocketNothingIsSent() throws {
            let listener = try NotificationListener()
            defer { listener.close() }
            let notifier = SystemdNotifier()

            let results = withEnvironment("NOTIFY_SOCKET", nil) {
                #expect(!notifier.isEnabled)
                return [notifier.ready(status: "x"), notifier.watchdog(), notifier.stopping()]
            }
            #expect(results == [false, false, false])
            #expect(!listener.hasPending())
        }

        @Test func watchdogIntervalFromEnvironment() {
            let notifier = SystemdNotifier()
            withEnvironment("WATCHDOG_USEC", "10000000") {
                withEnvironment("WATCHDOG_PID", String(getpid())) {
                    #expect(notifier.watchdogTimeout == .seconds(10))
                    #expect(notifier.watchdogPingInterval == .seconds(5))
                }
                // A watchdog meant for another process (the PID differs) is not ours.
                withEnvironment("WATCHDOG_PID", String(getpid() + 1)) {
                    #expect(notifier.watchdogTimeout == nil)
                }
            }
            withEnvironment("WATCHDOG_USEC", nil) {
                #expect(notifier.watchdogTimeout == nil)
                #expect(notifier.watchdogPingInterval == nil)
            }
        }
    }
}

extension ProcessEnvironmentTests {
    @Suite struct ReloadProcedureTests {
        @Test func reloadNotifiesLogsAndApplies() throws {
            let directory = try TemporaryDirectory("reload-procedure")
            defer { directory.remove() }
            let path = try directory.write("collector.conf", "interval = 1\n")
            let arguments = try CommandLineArguments.parse(["--config", path])
            let current = try ConfigurationLoader.load(arguments)
            try directory.write("collector.conf", "interval = 2\nlog_level = notice\nlisten = 127.0.0.1:9200\n")

            let listener = try NotificationListener()
            defer { listener.close() }
            let pipe = try CapturePipe()
            let logger = Logger(level: .info, target: .stderr, descriptor: pipe.writeEnd)

            let options = withEnvironment("NOTIFY_SOCKET", listener.path) {
                ReloadProcedure.run(
                    arguments: arguments, current: current, logger: logger, notifier: SystemdNotifier(),
                    readyStatus: "sampling every 2 s"
                )
            }

            #expect(options.intervalSeconds == 2)
            #expect(options.logLevel == .notice)
            #expect(options.listen == current.listen)
            #expect(logger.level == .notice)

            let reloading = try #require(listener.receive())
            #expect(reloading.hasPrefix("RELOADING=1\nMONOTONIC_USEC="))
            #expect(reloading.hasSuffix("\nSTATUS=reloading \(path)"))
            #expect(listener.receive() == "READY=1\nSTATUS=sampling every 2 s")

            // The interval line is at info level, below the reloaded level of notice.
            #expect(
                pipe.finish() == """
                    notice: configuration reloaded, 3 settings changed changed_settings=3 config_path=\(path)
                    notice: setting listen 127.0.0.1:9118 -> 127.0.0.1:9200 (takes effect after a restart) new_value=127.0.0.1:9200 old_value=127.0.0.1:9118 setting=listen

                    """
            )
        }

        @Test func failedReloadKeepsOptionsAndStillReportsReady() throws {
            let directory = try TemporaryDirectory("reload-procedure-bad")
            defer { directory.remove() }
            let path = try directory.write("collector.conf", "interval = 1\n")
            let arguments = try CommandLineArguments.parse(["--config", path])
            let current = try ConfigurationLoader.load(arguments)
            try directory.write("collector.conf", "interval = 0\n")

            let listener = try NotificationListener()
            defer { listener.close() }
            let pipe = try CapturePipe()
            let logger = Logger(level: .info, target: .stderr, descriptor: pipe.writeEnd)

            let options = withEnvironment("NOTIFY_SOCKET", listener.path) {
                ReloadProcedure.run(
                    arguments: arguments, current: current, logger: logger, notifier: SystemdNotifier(),
                    readyStatus: "sampling every 1 s"
                )
            }

            #expect(options == current)
            #expect(listener.receive()?.hasPrefix("RELOADING=1\n") == true)
            #expect(listener.receive() == "READY=1\nSTATUS=sampling every 1 s")
            #expect(
                pipe.finish()
                    == "error: configuration reload failed, keeping the current settings: \(path):1: invalid interval '0': give a number from 0.1 to 60 config_path=\(path)\n"
            )
        }
    }
}
