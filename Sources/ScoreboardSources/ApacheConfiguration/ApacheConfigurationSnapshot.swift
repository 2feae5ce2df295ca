/// Capacity and runtime-file settings read from Apache's configuration files, each value with
/// its provenance.
///
/// Capacity (MaxRequestWorkers, ThreadsPerChild) is not in the scoreboard, so it must come from
/// here. When a value is unknown, publish it as unknown: ServerLimit × ThreadLimit sizes the
/// scoreboard, not the number of requests httpd serves at once.
public struct ApacheConfigurationSnapshot: Sendable {
    public var mainConfigurationFile: String

    /// ServerRoot after the whole configuration was read: the base of relative paths.
    public var serverRoot: String

    public var mpm: ApacheSetting<ApacheMPM>

    /// The effective maximum of requests served at once, after httpd's startup adjustments;
    /// `MaxClients` is the pre-2.4 name of the same directive.
    public var maxRequestWorkers: ApacheSetting<Int>
    public var threadsPerChild: ApacheSetting<Int>
    public var serverLimit: ApacheSetting<Int>
    public var threadLimit: ApacheSetting<Int>
    public var startServers: ApacheSetting<Int>

    /// `ScoreboardFile` resolved to an absolute path; value nil when the directive is absent,
    /// which makes httpd use anonymous shared memory.
    public var scoreboardFile: ApacheSetting<String>

    /// `PidFile` resolved to an absolute path, or httpd's compiled-in default.
    public var pidFile: ApacheSetting<String>

    /// Whether httpd maintains per-request counters in the scoreboard. Without an
    /// `ExtendedStatus` directive, httpd 2.4 turns it on when mod_status is loaded.
    public var extendedStatus: ApacheSetting<Bool>

    /// Location of the `LoadModule status_module` line; nil when mod_status is not loaded.
    public var statusModule: ApacheConfigurationLocation?

    /// Names of loaded modules (`status_module`, …), compiled-in ones included, sorted.
    public var loadedModules: [String]

    /// Every file read, in the order httpd would read it.
    public var filesRead: [String]

    /// Problems an operator may want to fix: skipped sections, unreadable includes, include
    /// cycles, undefined variables, values httpd adjusts at startup.
    public var warnings: [String]

    /// MaxRequestWorkers when known: the number of requests httpd may serve at once.
    public var capacity: Int? { maxRequestWorkers.value }

    /// Builds a snapshot from parts, for callers that construct one without reading files
    /// (tests of later layers).
    public init(
        mainConfigurationFile: String,
        serverRoot: String,
        mpm: ApacheSetting<ApacheMPM>,
        maxRequestWorkers: ApacheSetting<Int>,
        threadsPerChild: ApacheSetting<Int>,
        serverLimit: ApacheSetting<Int>,
        threadLimit: ApacheSetting<Int>,
        startServers: ApacheSetting<Int>,
        scoreboardFile: ApacheSetting<String>,
        pidFile: ApacheSetting<String>,
        extendedStatus: ApacheSetting<Bool>,
        statusModule: ApacheConfigurationLocation?,
        loadedModules: [String],
        filesRead: [String],
        warnings: [String]
    ) {
        self.mainConfigurationFile = mainConfigurationFile
        self.serverRoot = serverRoot
        self.mpm = mpm
        self.maxRequestWorkers = maxRequestWorkers
        self.threadsPerChild = threadsPerChild
        self.serverLimit = serverLimit
        self.threadLimit = threadLimit
        self.startServers = startServers
        self.scoreboardFile = scoreboardFile
        self.pidFile = pidFile
        self.extendedStatus = extendedStatus
        self.statusModule = statusModule
        self.loadedModules = loadedModules
        self.filesRead = filesRead
        self.warnings = warnings
    }
}
