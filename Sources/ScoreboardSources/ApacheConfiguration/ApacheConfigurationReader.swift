import Glibc

/// Reads httpd's configuration files to learn what the scoreboard does not hold: the MPM,
/// MaxRequestWorkers, ThreadsPerChild, ServerLimit, ThreadLimit, StartServers, and where the
/// scoreboard and PID files are.
///
/// The reader parses the files itself instead of running `apache2ctl -t -D DUMP_RUN_CFG`, so it
/// needs only read access and never starts httpd. It reads the files as they are now, so the
/// values match the running httpd only if the files did not change since it last started or
/// reloaded.
public struct ApacheConfigurationReader: Sendable {
    /// Source of the shell variables used as `${NAME}` in the configuration.
    public enum EnvironmentFile: Sendable, Equatable {
        /// `envvars` in the directory of the main configuration file, if it exists (Debian).
        case besideMainConfiguration
        case path(String)
        case none
    }

    /// The main configuration file httpd is started with.
    public var mainConfigurationFile: String

    /// ServerRoot until a `ServerRoot` directive changes it; nil uses the directory of the main
    /// configuration file. httpd's compiled-in value (HTTPD_ROOT) is that directory on Debian.
    public var serverRoot: String?

    public var environmentFile: EnvironmentFile

    /// Variables in httpd's environment beyond the environment file, for example read from
    /// `/proc/<httpd pid>/environ`. They take precedence over the file.
    public var extraVariables: [String: String]

    /// The `-D` names httpd was started with, for `<IfDefine>`; nil when unknown, which makes
    /// the reader skip every `<IfDefine>` whose name no `Define` directive sets. Debian's
    /// `apache2ctl` passes none unless APACHE_ARGUMENTS sets some.
    public var commandLineDefines: Set<String>?

    /// Modules compiled into the httpd binary (`apache2 -l`), for `<IfModule>`.
    public var compiledInModules: Set<String>

    /// PidFile when no directive sets it: DEFAULT_PIDLOG of the httpd build (`apache2 -V`).
    public var compiledInPidFile: String

    /// Maximum nesting of Include directives; httpd's AP_MAX_INCLUDE_DEPTH is 128.
    public var maximumIncludeDepth: Int

    /// `apache2 -l` of Debian 12's apache2 2.4 package.
    public static let debianCompiledInModules: Set<String> = [
        "core_module", "so_module", "watchdog_module", "http_module", "log_config_module",
        "logio_module", "version_module", "unixd_module",
    ]

    /// DEFAULT_PIDLOG in `apache2 -V` of Debian 12's apache2 2.4 package.
    public static let debianCompiledInPidFile = "/run/apache2.pid"

    public init(
        mainConfigurationFile: String = "/etc/apache2/apache2.conf",
        serverRoot: String? = nil,
        environmentFile: EnvironmentFile = .besideMainConfiguration,
        extraVariables: [String: String] = [:],
        commandLineDefines: Set<String>? = nil,
        compiledInModules: Set<String> = ApacheConfigurationReader.debianCompiledInModules,
        compiledInPidFile: String = ApacheConfigurationReader.debianCompiledInPidFile,
        maximumIncludeDepth: Int = 128
    ) {
        self.mainConfigurationFile = mainConfigurationFile
        self.serverRoot = serverRoot
        self.environmentFile = environmentFile
        self.extraVariables = extraVariables
        self.commandLineDefines = commandLineDefines
        self.compiledInModules = compiledInModules
        self.compiledInPidFile = compiledInPidFile
        self.maximumIncludeDepth = maximumIncludeDepth
    }

    /// Reads the configuration. Unavailable when the main file cannot be read; otherwise a
    /// snapshot whose values are each known or unknown with a reason.
    public func read() -> SourceReading<ApacheConfigurationSnapshot> {
        let configurationDirectory = ApacheConfigurationFile.directory(of: mainConfigurationFile)
        let environment = loadEnvironment(configurationDirectory: configurationDirectory)

        var walker = ApacheConfigurationWalker(
            options: .init(
                compiledInModules: compiledInModules,
                commandLineDefines: commandLineDefines,
                maximumIncludeDepth: maximumIncludeDepth),
            serverRoot: serverRoot ?? configurationDirectory,
            variables: environment.variables,
            variableProblems: environment.unknownVariables)
        if let failure = walker.walkMainFile(mainConfigurationFile) {
            return .unavailable(Self.unavailable(failure))
        }

        let capacity = ApacheCapacityResolver(walker: walker, mainFile: mainConfigurationFile)
        let files = ApacheRuntimeFiles(walker: walker, compiledInPidFile: compiledInPidFile)

        var warnings = walker.warnings
        warnings += walker.unreadIncludes
        warnings += capacity.warnings
        warnings += files.warnings

        return .snapshot(ApacheConfigurationSnapshot(
            mainConfigurationFile: mainConfigurationFile,
            serverRoot: walker.serverRoot,
            mpm: capacity.mpm,
            maxRequestWorkers: capacity.maxRequestWorkers,
            threadsPerChild: capacity.threadsPerChild,
            serverLimit: capacity.serverLimit,
            threadLimit: capacity.threadLimit,
            startServers: capacity.startServers,
            scoreboardFile: files.scoreboardFile,
            pidFile: files.pidFile,
            extendedStatus: files.extendedStatus,
            statusModule: walker.loadedModules["status_module"] ?? nil,
            loadedModules: walker.loadedModules.keys.sorted(),
            filesRead: walker.filesRead,
            warnings: warnings))
    }

    private func loadEnvironment(configurationDirectory: String) -> ApacheEnvironmentFile {
        // Debian's envvars derives SUFFIX from APACHE_CONFDIR inside an if-block this parser
        // skips: "/etc/apache2-NAME" gives "-NAME", any other directory gives "".
        let instancePrefix = "/etc/apache2-"
        let suffix = configurationDirectory.hasPrefix(instancePrefix)
            ? "-" + configurationDirectory.dropFirst(instancePrefix.count) : ""
        let seed = ["APACHE_CONFDIR": configurationDirectory, "SUFFIX": suffix]

        let path: String?
        switch environmentFile {
        case .none: path = nil
        case .path(let given): path = given
        case .besideMainConfiguration:
            let candidate = configurationDirectory + "/envvars"
            path = ApacheConfigurationFile.exists(candidate) ? candidate : nil
        }

        var environment: ApacheEnvironmentFile
        if let path, case .success(let bytes) = ApacheConfigurationFile.read(path) {
            environment = ApacheEnvironmentFile(text: String(decoding: bytes, as: UTF8.self), path: path, seed: seed)
        } else {
            environment = ApacheEnvironmentFile(text: "", path: "", seed: seed)
        }
        for (name, value) in extraVariables {
            environment.variables[name] = value
            environment.unknownVariables[name] = nil
        }
        return environment
    }

    private static func unavailable(_ failure: ApacheConfigurationFile.Failure) -> SourceUnavailable {
        let kind: SourceUnavailable.Kind
        let fix: String
        switch failure.code {
        case ENOENT:
            kind = .absent
            fix = "install Apache or set the path of its main configuration file"
        case EACCES, EPERM:
            kind = .permissionDenied
            fix = "grant the collector read access to Apache's configuration"
        case EISDIR:
            kind = .systemError
            fix = "set the path of the main configuration file, not of its directory"
        default:
            kind = .systemError
            fix = "check the path of Apache's main configuration file"
        }
        return SourceUnavailable(
            kind: kind, message: "\(failure.message); \(fix)", errno: failure.code, object: failure.path)
    }
}
