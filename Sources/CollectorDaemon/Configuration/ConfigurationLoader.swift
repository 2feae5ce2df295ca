/// Builds `CollectorOptions` from the defaults, the configuration file and the command-line
/// flags, in that order of precedence, at start and on every reload.
public enum ConfigurationLoader {
    /// Reads the configuration file named by `arguments` and applies the flags on top.
    ///
    /// A missing file is accepted only when it is the default path; `--config` with a
    /// missing file throws.
    public static func load(_ arguments: CommandLineArguments) throws(ConfigurationError) -> CollectorOptions {
        var options = CollectorOptions()

        let text = try ConfigurationFile.read(
            path: arguments.configurationPath, required: arguments.configurationPathIsExplicit
        )
        if let text {
            try ConfigurationFile.apply(text, path: arguments.configurationPath, to: &options)
        }

        try arguments.applyFlags(to: &options)
        return options
    }

    /// Reads the configuration again for SIGHUP, with the command-line flags still winning.
    ///
    /// On success the returned options carry the new value of every option that applies on
    /// reload and the current value of every other one, so the caller can swap them in whole.
    /// `changes` lists every difference, including the ones that wait for a restart.
    /// On error the caller keeps `current` and logs the message.
    public static func reload(_ arguments: CommandLineArguments, current: CollectorOptions) -> ReloadOutcome {
        let requested: CollectorOptions
        do {
            requested = try load(arguments)
        } catch {
            return .rejected(error)
        }

        var options = current
        var changes: [ConfigurationChange] = []
        for definition in OptionTable.definitions {
            let oldValue = definition.value(in: current)
            let newValue = definition.value(in: requested)
            if oldValue == newValue {
                continue
            }
            changes.append(
                ConfigurationChange(
                    option: definition.name, oldValue: oldValue, newValue: newValue,
                    appliesOnReload: definition.appliesOnReload
                )
            )
            if definition.appliesOnReload {
                definition.copy(from: requested, to: &options)
            }
        }
        return .applied(options: options, changes: changes)
    }

    /// Renders the settings as configuration-file lines, unset optional settings as
    /// comments; `--check-config` prints this.
    public static func describe(_ options: CollectorOptions) -> String {
        var text = ""
        for definition in OptionTable.definitions {
            if let value = definition.value(in: options) {
                text += "\(definition.fileKey) = \(quotedIfNeeded(value))\n"
            } else {
                text += "# \(definition.fileKey) is not set\n"
            }
        }
        return text
    }

    /// Quotes a value whose spaces or `#` the file parser would otherwise cut.
    static func quotedIfNeeded(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains(" ") || value.contains("\t") || value.contains("#")
            || value.hasPrefix("\"") || value.hasPrefix("'")
        guard needsQuotes else { return value }
        return value.contains("\"") ? "'\(value)'" : "\"\(value)\""
    }
}

/// Result of re-reading the configuration on SIGHUP.
public enum ReloadOutcome: Sendable, Equatable {
    /// The new configuration is valid; `options` is safe to use in place of the current ones.
    case applied(options: CollectorOptions, changes: [ConfigurationChange])

    /// The file or a flag is invalid; keep the current options.
    case rejected(ConfigurationError)
}

/// One option whose value differs after a reload.
public struct ConfigurationChange: Sendable, Equatable, CustomStringConvertible {
    /// Flag name, such as `log-level`.
    public let option: String
    /// Values as the configuration file writes them; `nil` for an unset optional setting.
    public let oldValue: String?
    public let newValue: String?
    /// Whether the new value is in effect now; `false` means it waits for a restart.
    public let appliesOnReload: Bool

    public init(option: String, oldValue: String?, newValue: String?, appliesOnReload: Bool) {
        self.option = option
        self.oldValue = oldValue
        self.newValue = newValue
        self.appliesOnReload = appliesOnReload
    }

    public var description: String {
        let change = "\(option) \(oldValue ?? "unset") -> \(newValue ?? "unset")"
        return appliesOnReload ? change : "\(change) (takes effect after a restart)"
    }
}
