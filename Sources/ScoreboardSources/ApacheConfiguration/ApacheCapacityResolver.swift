/// Turns the directives found in the configuration into the values httpd 2.4 runs with.
///
/// The resolver applies the MPM's defaults where a directive is absent. Then it makes the same
/// adjustments as the MPM's check_config hook: ThreadsPerChild ≤ ThreadLimit, MaxRequestWorkers
/// a multiple of ThreadsPerChild and ≤ ServerLimit × ThreadsPerChild, and so on.
struct ApacheCapacityResolver {
    var mpm: ApacheSetting<ApacheMPM>
    var maxRequestWorkers: ApacheSetting<Int>
    var threadsPerChild: ApacheSetting<Int>
    var serverLimit: ApacheSetting<Int>
    var threadLimit: ApacheSetting<Int>
    var startServers: ApacheSetting<Int>
    var warnings: [String] = []

    init(walker: ApacheConfigurationWalker, mainFile: String) {
        mpm = Self.resolveMPM(walker: walker, mainFile: mainFile)
        maxRequestWorkers = .unknown("")
        threadsPerChild = .unknown("")
        serverLimit = .unknown("")
        threadLimit = .unknown("")
        startServers = .unknown("")

        guard let loadedMPM = mpm.value else {
            setAllUnknown("the MPM is unknown, because \(Self.reason(of: mpm))")
            return
        }
        if let unread = walker.unreadIncludes.first {
            setAllUnknown("a file httpd reads could not be read and may set this value: \(unread)")
            return
        }

        var values = ResolvedValues(directives: walker.directives, mpm: loadedMPM)
        if loadedMPM.isThreaded {
            values.resolveThreaded()
        } else {
            values.resolvePrefork()
        }
        maxRequestWorkers = values.maxRequestWorkers
        threadsPerChild = values.threadsPerChild
        serverLimit = values.serverLimit
        threadLimit = values.threadLimit
        startServers = values.startServers
        warnings = values.warnings
    }

    private mutating func setAllUnknown(_ reason: String) {
        maxRequestWorkers = .unknown(reason)
        threadsPerChild = .unknown(reason)
        serverLimit = .unknown(reason)
        threadLimit = .unknown(reason)
        startServers = .unknown(reason)
    }

    static func reason<Value>(of setting: ApacheSetting<Value>) -> String {
        if case .unknown(let reason) = setting.source { return reason }
        return setting.source.description
    }

    private static func resolveMPM(walker: ApacheConfigurationWalker, mainFile: String) -> ApacheSetting<ApacheMPM> {
        let loaded = ApacheMPM.allCases.filter { walker.loadedModules[$0.moduleName] != nil }
        switch loaded.count {
        case 0:
            var reason = "no LoadModule line for mpm_event_module, mpm_worker_module or mpm_prefork_module "
                + "was found in \(mainFile) or the files it includes"
            if let unread = walker.unreadIncludes.first { reason += "; \(unread)" }
            return .unknown(reason)
        case 1:
            let mpm = loaded[0]
            if let location = walker.loadedModules[mpm.moduleName] ?? nil {
                return ApacheSetting(value: mpm, source: .configured(location))
            }
            return ApacheSetting(value: mpm, source: .serverDefault("compiled into httpd"))
        default:
            let names = loaded.map(\.moduleName).joined(separator: " and ")
            return .unknown("\(names) are both loaded, and httpd fails to start with more than one MPM")
        }
    }
}

/// The per-directive arithmetic of the resolver.
private struct ResolvedValues {
    let directives: [String: ApacheDirectiveOccurrence]
    let mpm: ApacheMPM
    let defaults: ApacheMPMDefaults
    var maxRequestWorkers: ApacheSetting<Int> = .unknown("")
    var threadsPerChild: ApacheSetting<Int> = .unknown("")
    var serverLimit: ApacheSetting<Int> = .unknown("")
    var threadLimit: ApacheSetting<Int> = .unknown("")
    var startServers: ApacheSetting<Int> = .unknown("")
    var warnings: [String] = []

    init(directives: [String: ApacheDirectiveOccurrence], mpm: ApacheMPM) {
        self.directives = directives
        self.mpm = mpm
        self.defaults = ApacheMPMDefaults.of(mpm)
    }

    /// Returns the configured value of a numeric directive, or the default. The result is
    /// unknown when the argument is missing, uses an undefined variable or is not an integer.
    private mutating func setting(_ key: String, default value: Int) -> ApacheSetting<Int> {
        guard let directive = directives[key] else {
            return ApacheSetting(value: value, source: .apacheDefault(mpm))
        }
        let written = directive.arguments.joined(separator: " ")
        if !directive.undefinedVariables.isEmpty {
            return .unknown("\(directive.name) \(written) at \(directive.location) uses undefined variable "
                + directive.undefinedVariables.joined(separator: ", "))
        }
        guard directive.arguments.count == 1, let number = Int(written) else {
            let reason = "\(directive.name) at \(directive.location) needs one integer argument, not '\(written)'"
            warnings.append(reason)
            return .unknown(reason)
        }
        return ApacheSetting(value: number, source: .configured(directive.location))
    }

    /// Sets `setting` to `value` and records why httpd changes it.
    private static func adjust(
        _ setting: inout ApacheSetting<Int>, name: String, to value: Int, because reason: String,
        warnings: inout [String]
    ) {
        guard let old = setting.value, old != value else { return }
        let verb = value < old ? "decreased" : "increased"
        let text = "\(verb) from \(old) to \(value) because \(reason)"
        setting.adjustment = text
        setting.value = value
        warnings.append("\(name) \(text) (\(setting.source))")
    }

    private static func clamp(
        _ setting: inout ApacheSetting<Int>, name: String, maximum: Int, mpm: ApacheMPM,
        warnings: inout [String]
    ) {
        guard let value = setting.value else { return }
        if value > maximum {
            Self.adjust(&setting, name: name, to: maximum, because: "httpd's \(mpm) allows at most \(maximum)",
                warnings: &warnings)
        } else if value < 1 {
            Self.adjust(&setting, name: name, to: 1, because: "httpd raises values below 1 to 1",
                warnings: &warnings)
        }
    }

    private func unknownDependingOn(_ names: String) -> ApacheSetting<Int> {
        .unknown("it depends on \(names), which is unknown")
    }

    /// event and worker: the checks of `event_check_config` / `worker_check_config`.
    mutating func resolveThreaded() {
        serverLimit = setting("serverlimit", default: defaults.serverLimit)
        Self.clamp(&serverLimit, name: "ServerLimit", maximum: defaults.maximumServerLimit, mpm: mpm,
            warnings: &warnings)

        threadLimit = setting("threadlimit", default: defaults.threadLimit)
        Self.clamp(&threadLimit, name: "ThreadLimit", maximum: defaults.maximumThreadLimit, mpm: mpm,
            warnings: &warnings)

        threadsPerChild = setting("threadsperchild", default: defaults.threadsPerChild)
        if let limit = threadLimit.value, let threads = threadsPerChild.value, threads > limit {
            Self.adjust(&threadsPerChild, name: "ThreadsPerChild", to: limit, because: "ThreadLimit is \(limit)",
                warnings: &warnings)
        } else if threadLimit.value == nil {
            threadsPerChild = unknownDependingOn("ThreadLimit")
        }
        Self.clamp(&threadsPerChild, name: "ThreadsPerChild", maximum: Int.max, mpm: mpm, warnings: &warnings)

        maxRequestWorkers = setting("maxrequestworkers", default: defaults.maxRequestWorkers)
        guard let threads = threadsPerChild.value, let servers = serverLimit.value else {
            maxRequestWorkers = unknownDependingOn("ServerLimit or ThreadsPerChild")
            startServers = unknownDependingOn("ServerLimit or ThreadsPerChild")
            return
        }
        var processLimit = servers
        if let workers = maxRequestWorkers.value {
            if workers < threads {
                Self.adjust(&maxRequestWorkers, name: "MaxRequestWorkers", to: threads,
                because: "it must be at least ThreadsPerChild \(threads)", warnings: &warnings)
            }
            let current = maxRequestWorkers.value ?? threads
            processLimit = current / threads
            if current % threads != 0 {
                Self.adjust(&maxRequestWorkers, name: "MaxRequestWorkers", to: processLimit * threads,
                because: "it must be a multiple of ThreadsPerChild \(threads)", warnings: &warnings)
            }
            if processLimit > servers {
                processLimit = servers
                Self.adjust(&maxRequestWorkers, name: "MaxRequestWorkers", to: servers * threads,
                because: "ServerLimit \(servers) × ThreadsPerChild \(threads) = \(servers * threads)",
                           warnings: &warnings)
            }
        }

        startServers = setting("startservers", default: defaults.startServers)
        clampStartServers(processLimit: maxRequestWorkers.value == nil ? nil : processLimit)
    }

    /// prefork: the checks of `prefork_check_config`. MaxRequestWorkers counts processes, each
    /// serving one request.
    mutating func resolvePrefork() {
        serverLimit = setting("serverlimit", default: defaults.serverLimit)
        Self.clamp(&serverLimit, name: "ServerLimit", maximum: defaults.maximumServerLimit, mpm: mpm,
            warnings: &warnings)

        threadsPerChild = ApacheSetting(value: 1, source: .fixedByMPM(mpm))
        threadLimit = ApacheSetting(value: 1, source: .fixedByMPM(mpm))
        for key in ["threadsperchild", "threadlimit"] {
            if let directive = directives[key] {
                warnings.append(
                    "\(directive.name) at \(directive.location) is not a prefork directive, "
                        + "so httpd rejects it as an invalid command")
            }
        }

        maxRequestWorkers = setting("maxrequestworkers", default: defaults.maxRequestWorkers)
        if let servers = serverLimit.value, let workers = maxRequestWorkers.value, workers > servers {
            Self.adjust(
                &maxRequestWorkers, name: "MaxRequestWorkers", to: servers, because: "ServerLimit is \(servers)",
                warnings: &warnings)
        } else if serverLimit.value == nil {
            maxRequestWorkers = unknownDependingOn("ServerLimit")
        }
        Self.clamp(&maxRequestWorkers, name: "MaxRequestWorkers", maximum: Int.max, mpm: mpm,
            warnings: &warnings)

        startServers = setting("startservers", default: defaults.startServers)
        clampStartServers(processLimit: maxRequestWorkers.value)
    }

    /// httpd raises StartServers below 1 to 1 and, when it starts, never starts more processes
    /// than the process limit.
    private mutating func clampStartServers(processLimit: Int?) {
        Self.clamp(&startServers, name: "StartServers", maximum: Int.max, mpm: mpm, warnings: &warnings)
        if let limit = processLimit, let start = startServers.value, start > limit {
            Self.adjust(
                &startServers, name: "StartServers", to: limit, because: "only \(limit) server processes are allowed",
                warnings: &warnings)
        }
    }
}
