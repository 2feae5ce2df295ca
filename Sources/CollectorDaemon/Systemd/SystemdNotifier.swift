import CSystemd
import Glibc

/// Messages to systemd's service manager over `NOTIFY_SOCKET` (`sd_notify`), for a unit with
/// `Type=notify` or `Type=notify-reload` and `WatchdogSec=`.
///
/// Every call is a no-op returning `false` when `NOTIFY_SOCKET` is unset, as when the daemon
/// runs from a shell. The order a daemon sends: `ready(status:)` once it serves; `status(_:)`
/// when something changes; `watchdog()` every `watchdogPingInterval`; on SIGHUP
/// `reloading()`, then `ready(status:)` again; on SIGTERM `stopping()`.
public struct SystemdNotifier: Sendable {
    public init() {}

    /// Whether a service manager listens: `NOTIFY_SOCKET` is set.
    public var isEnabled: Bool {
        getenv("NOTIFY_SOCKET") != nil
    }

    /// Sends `READY=1`, with `STATUS=` when given; systemd then counts the service as started.
    @discardableResult
    public func ready(status: String? = nil) -> Bool {
        send(["READY=1"] + statusLine(status))
    }

    /// Sends `STATUS=`, the one-line text `systemctl status` shows.
    @discardableResult
    public func status(_ text: String) -> Bool {
        send(statusLine(text))
    }

    /// Sends `WATCHDOG=1`; without one per `WatchdogSec=`, systemd kills and restarts the service.
    @discardableResult
    public func watchdog() -> Bool {
        send(["WATCHDOG=1"])
    }

    /// Sends `RELOADING=1` with `MONOTONIC_USEC=` (CLOCK_MONOTONIC now, in µs). systemd 253
    /// and later need the timestamp for `Type=notify-reload`; earlier versions ignore it.
    /// Follow with `ready(status:)` when the reload is done, whether it succeeded or not.
    @discardableResult
    public func reloading(status: String? = nil) -> Bool {
        send(["RELOADING=1", "MONOTONIC_USEC=\(MonotonicClock.microseconds())"] + statusLine(status))
    }

    /// Sends `STOPPING=1` at the start of a shutdown.
    @discardableResult
    public func stopping(status: String? = nil) -> Bool {
        send(["STOPPING=1"] + statusLine(status))
    }

    /// `WatchdogSec=` of the unit, read from `WATCHDOG_USEC` through `sd_watchdog_enabled`;
    /// `nil` when no watchdog applies to this process (unset, or `WATCHDOG_PID` names another).
    public var watchdogTimeout: Duration? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 else {
            return nil
        }
        return .microseconds(Int64(clamping: microseconds))
    }

    /// How often to call `watchdog()`: half the watchdog timeout, as sd_watchdog_enabled(3)
    /// recommends, so one late ping does not trip it. `nil` without a watchdog.
    public var watchdogPingInterval: Duration? {
        watchdogTimeout.map { $0 / 2 }
    }

    /// Sends the lines as one datagram. Returns true when sent, false when `NOTIFY_SOCKET` is
    /// unset or the send failed.
    @discardableResult
    public func send(_ lines: [String]) -> Bool {
        let message = lines.joined(separator: "\n")
        return sd_notify(0, message) > 0
    }

    /// `STATUS=` line for `text`, on one line because a newline would end the field.
    private func statusLine(_ text: String?) -> [String] {
        guard let text else { return [] }
        let oneLine = String(text.map { $0 == "\n" || $0 == "\r\n" || $0 == "\r" ? " " : $0 })
        return ["STATUS=\(oneLine)"]
    }
}
