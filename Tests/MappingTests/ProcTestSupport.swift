import Glibc

/// A child process started by a test with posix_spawn; the test kills and reaps it by PID.
struct ProcTestChild {
    let pid: Int32

    /// Starts `path` with `arguments`. Descriptors 3 and up are closed in the child, and
    /// `/dev/null` is opened at each of `extraDescriptors`, so the child's descriptor table is
    /// exactly 0, 1, 2 plus those.
    init(_ path: String, _ arguments: [String], extraDescriptors: [Int32] = []) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Glibc's Swift module does not export posix_spawn_file_actions_addclosefrom_np, so
        // close each descriptor this process has open now; glibc ignores EBADF on close actions.
        for descriptor in Self.openDescriptors() where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
        for descriptor in extraDescriptors {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_RDONLY, 0)
        }

        let argv = ([path] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var argvWithTerminator = argv + [nil]

        var childPID: pid_t = 0
        let status = posix_spawn(&childPID, path, &actions, nil, &argvWithTerminator, environ)
        guard status == 0 else { throw ProcTestError.spawnFailed(path: path, code: status) }
        pid = childPID
    }

    /// Lists the descriptors in /proc/self/fd.
    static func openDescriptors() -> [Int32] {
        guard let stream = opendir("/proc/self/fd") else { return [] }
        defer { closedir(stream) }
        var descriptors: [Int32] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if let descriptor = Int32(name) { descriptors.append(descriptor) }
        }
        return descriptors
    }

    /// Sends SIGKILL and waits for the child, so it is neither running nor a zombie afterwards.
    func killAndReap() {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
}

enum ProcTestError: Error {
    case spawnFailed(path: String, code: Int32)
}

/// Seconds on CLOCK_MONOTONIC.
func procTestMonotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
}

/// Sleeps for `seconds` with nanosleep.
func procTestSleep(seconds: Double) {
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) < 0 && errno == EINTR { request = remaining }
}
