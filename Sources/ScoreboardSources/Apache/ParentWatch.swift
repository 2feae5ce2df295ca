import CScoreboard
import Glibc

/// Watches the Apache parent through a process file descriptor (`pidfd_open`).
///
/// One `poll` per tick shows whether this very process has exited, without reading
/// `/proc/<pid>/stat`. Once the watch is open, a reused PID cannot pass for the parent. A zombie
/// counts as exited, because a parent killed with SIGKILL no longer manages its children.
final class ParentWatch {
    let pid: Int32
    private let descriptor: Int32

    /// Opens the watch; nil when the kernel or a seccomp filter refuses `pidfd_open`, or the
    /// process is already gone. The caller then falls back to `ProcessLiveness`.
    init?(pid: Int32) {
        let descriptor = sc_pidfd_open(pid)
        guard descriptor >= 0 else { return nil }
        self.pid = pid
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Whether the process is still running; nil when the check itself failed.
    var isRunning: Bool? {
        let state = sc_pidfd_exited(descriptor)
        return state < 0 ? nil : state == 0
    }
}
