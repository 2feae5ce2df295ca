import Glibc

/// Runs a program with posix_spawn, collects its combined output and waits for it.
///
/// The child starts with an empty signal mask and default signal actions. The test runner
/// blocks signals in its threads, and a daemon started from it (apache2) would inherit the
/// mask and ignore `apache2 -k graceful/restart/stop`.
public enum Subprocess {
    public struct Result: Sendable {
        public var status: Int32
        public var output: String
    }

    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Result {
        let pid = try spawn(executable, arguments, environment: environment, captureOutput: true)
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(pid.outputDescriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            output.append(contentsOf: buffer[0..<count])
        }
        close(pid.outputDescriptor)
        return Result(status: wait(pid.pid), output: String(decoding: output, as: UTF8.self))
    }

    /// Starts a program whose output goes to /dev/null, or its stderr to `errorLog`; the caller
    /// waits with `wait`.
    public static func start(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, errorLog: String? = nil
    ) throws -> pid_t {
        try spawn(executable, arguments, environment: environment, captureOutput: false, errorLog: errorLog).pid
    }

    /// Waits for a child and returns its exit status (128 + signal number when signalled).
    @discardableResult
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String]?, captureOutput: Bool,
        errorLog: String? = nil
    ) throws -> (pid: pid_t, outputDescriptor: Int32) {
        var pipeDescriptors: [Int32] = [-1, -1]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if captureOutput {
            guard pipe(&pipeDescriptors) == 0 else { throw SubprocessError(message: "pipe failed: errno \(errno)") }
            posix_spawn_file_actions_adddup2(&actions, pipeDescriptors[1], 1)
            posix_spawn_file_actions_adddup2(&actions, pipeDescriptors[1], 2)
            posix_spawn_file_actions_addclose(&actions, pipeDescriptors[0])
            posix_spawn_file_actions_addclose(&actions, pipeDescriptors[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, errorLog ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_addopen(&actions, 2, errorLog ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var environmentStrings: [UnsafeMutablePointer<CChar>?] = []
        if let environment {
            environmentStrings = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        }
        defer { environmentStrings.forEach { free($0) } }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var pid: pid_t = 0
        let status = argv.withUnsafeBufferPointer { argvPointer in
            if environment == nil {
                return posix_spawn(&pid, executable, &actions, &attributes, argvPointer.baseAddress!, environ)
            }
            return environmentStrings.withUnsafeBufferPointer {
                posix_spawn(&pid, executable, &actions, &attributes, argvPointer.baseAddress!, $0.baseAddress)
            }
        }
        if captureOutput { close(pipeDescriptors[1]) }
        guard status == 0 else {
            if captureOutput { close(pipeDescriptors[0]) }
            throw SubprocessError(message: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        return (pid, pipeDescriptors[0])
    }
}

public struct SubprocessError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) {
        self.message = message
    }
}
