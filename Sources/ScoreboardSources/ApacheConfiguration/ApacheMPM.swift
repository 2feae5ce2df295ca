/// The multi-processing module httpd runs with, found from its `LoadModule` line.
public enum ApacheMPM: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    case event
    case worker
    case prefork

    /// The module name in `LoadModule mpm_event_module …`.
    public var moduleName: String { "mpm_\(rawValue)_module" }

    /// The source file name httpd also accepts in `<IfModule event.c>`.
    var sourceFileName: String { "\(rawValue).c" }

    public var description: String { "mpm_\(rawValue)" }

    /// Whether the MPM runs several worker threads per child process.
    public var isThreaded: Bool { self != .prefork }

    init?(moduleName: String) {
        guard let mpm = Self.allCases.first(where: { $0.moduleName == moduleName }) else { return nil }
        self = mpm
    }
}

/// Compiled-in defaults and hard limits of each MPM in httpd 2.4, from `mpm_default.h` and the
/// top of `event.c`, `worker.c` and `prefork.c`.
struct ApacheMPMDefaults: Sendable {
    var serverLimit: Int
    var maximumServerLimit: Int
    var threadLimit: Int
    var maximumThreadLimit: Int
    var threadsPerChild: Int
    var startServers: Int

    /// MaxRequestWorkers when the directive is absent. event and worker compute it once in
    /// pre-config as DEFAULT_SERVER_LIMIT × DEFAULT_THREADS_PER_CHILD (16 × 25), before any
    /// directive is read, so a configured ServerLimit or ThreadsPerChild does not change it.
    /// prefork uses DEFAULT_SERVER_LIMIT.
    var maxRequestWorkers: Int

    static func of(_ mpm: ApacheMPM) -> ApacheMPMDefaults {
        switch mpm {
        case .event:
            return ApacheMPMDefaults(
                serverLimit: 16, maximumServerLimit: 20_000, threadLimit: 64, maximumThreadLimit: 100_000,
                threadsPerChild: 25, startServers: 3, maxRequestWorkers: 16 * 25)
        case .worker:
            return ApacheMPMDefaults(
                serverLimit: 16, maximumServerLimit: 20_000, threadLimit: 64, maximumThreadLimit: 20_000,
                threadsPerChild: 25, startServers: 3, maxRequestWorkers: 16 * 25)
        case .prefork:
            return ApacheMPMDefaults(
                serverLimit: 256, maximumServerLimit: 200_000, threadLimit: 1, maximumThreadLimit: 1,
                threadsPerChild: 1, startServers: 5, maxRequestWorkers: 256)
        }
    }
}
