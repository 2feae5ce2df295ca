/// ScoreboardFile, PidFile and ExtendedStatus as httpd 2.4 resolves them.
struct ApacheRuntimeFiles {
    var scoreboardFile: ApacheSetting<String>
    var pidFile: ApacheSetting<String>
    var extendedStatus: ApacheSetting<Bool>
    var warnings: [String] = []

    /// DEFAULT_REL_RUNTIMEDIR of upstream httpd: where relative runtime files go when no
    /// DefaultRuntimeDir is configured, relative to ServerRoot.
    // NOTE: taken from upstream httpd; Debian's build may set another value, but Debian's
    // configuration sets DefaultRuntimeDir, so the fallback is not used there.
    static let defaultRelativeRuntimeDirectory = "logs"

    init(walker: ApacheConfigurationWalker, compiledInPidFile: String) {
        let unreadReason = walker.unreadIncludes.first.map {
            "a file httpd reads could not be read and may set this value: \($0)"
        }

        // httpd 2.4 resolves a relative PidFile against DefaultRuntimeDir (ap_runtime_dir_relative),
        // which itself is relative to ServerRoot. A relative ScoreboardFile goes against ServerRoot:
        // with ServerRoot /etc/apache2, httpd 2.4.71 created the object for /etc/apache2/<file>
        // even with DefaultRuntimeDir set.
        let serverRoot = walker.serverRoot
        var runtimeDirectory = ApacheConfigurationFile.resolve(Self.defaultRelativeRuntimeDirectory, against: serverRoot)
        if let directive = walker.directives["defaultruntimedir"], let path = directive.arguments.first,
           directive.undefinedVariables.isEmpty {
            runtimeDirectory = ApacheConfigurationFile.resolve(path, against: serverRoot)
        }

        scoreboardFile = ApacheSetting(
            value: nil,
            source: .serverDefault("not configured, so httpd keeps the scoreboard in anonymous shared memory"))
        pidFile = ApacheSetting(value: compiledInPidFile, source: .serverDefault("httpd's compiled-in default"))
        extendedStatus = ApacheSetting(
            value: false, source: .serverDefault("not configured and mod_status is not loaded"))

        if let directive = walker.directives["scoreboardfile"] {
            scoreboardFile = Self.path(
                from: directive, runtimeDirectory: serverRoot, variableProblems: walker.variableProblems)
        } else if let unreadReason {
            scoreboardFile = .unknown(unreadReason)
        }

        if let directive = walker.directives["pidfile"] {
            pidFile = Self.path(
                from: directive, runtimeDirectory: runtimeDirectory, variableProblems: walker.variableProblems)
        } else if let unreadReason {
            pidFile = .unknown(unreadReason)
        }

        if let directive = walker.directives["extendedstatus"] {
            switch directive.arguments.first?.lowercased() {
            case "on": extendedStatus = ApacheSetting(value: true, source: .configured(directive.location))
            case "off": extendedStatus = ApacheSetting(value: false, source: .configured(directive.location))
            default:
                let written = directive.arguments.joined(separator: " ")
                let reason = "ExtendedStatus at \(directive.location) must be On or Off, not '\(written)'"
                warnings.append(reason)
                extendedStatus = .unknown(reason)
            }
        } else if let unreadReason {
            extendedStatus = .unknown(unreadReason)
        } else if walker.loadedModules["status_module"] != nil {
            extendedStatus = ApacheSetting(
                value: true,
                source: .serverDefault("not configured, and httpd 2.4 turns it on because mod_status is loaded"))
        }
    }

    /// Resolves the path argument of a directive to an absolute path. The result is unknown when
    /// the argument uses an undefined variable.
    private static func path(
        from directive: ApacheDirectiveOccurrence, runtimeDirectory: String, variableProblems: [String: String]
    ) -> ApacheSetting<String> {
        guard let written = directive.arguments.first else {
            return .unknown("\(directive.name) at \(directive.location) has no path")
        }
        if let name = directive.undefinedVariables.first {
            let cause = variableProblems[name] ?? "no Define directive or environment file sets it"
            return .unknown(
                "\(directive.name) \(written) at \(directive.location) uses undefined variable \(name): \(cause)")
        }
        return ApacheSetting(
            value: ApacheConfigurationFile.resolve(written, against: runtimeDirectory),
            source: .configured(directive.location))
    }
}
