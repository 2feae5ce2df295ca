/// The parsed command line: what to do, which configuration file to read, and the option
/// flags that override it.
///
/// The flags are kept as text, in the order given, because every reload re-reads the file
/// and applies them again on top of it, so a flag keeps winning over the file.
public struct CommandLineArguments: Sendable, Equatable {
    /// Action the invocation requests.
    public enum Action: Sendable, Equatable {
        /// Run the daemon (no action flag).
        case run
        /// `--once`: print one JSON sample on stdout and exit.
        case once
        /// `--check-config`: validate the file and the flags, print the effective settings, exit.
        case checkConfiguration
        /// `--help` or `-h`.
        case help
        /// `--version`.
        case version
    }

    /// One option flag as given, such as `--interval 2` stored as `("interval", "2")`.
    public struct Flag: Sendable, Equatable {
        /// Flag name without dashes; `OptionTable.definition(flag:)` finds its definition.
        public var name: String
        /// Value text; `"true"` for a boolean flag given without `=value`.
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Configuration file read when `--config` is not given.
    public static let defaultConfigurationPath = "/etc/scoreboard-collector.conf"

    public var action: Action = .run

    /// Configuration file to read at start and on every reload.
    public var configurationPath: String = CommandLineArguments.defaultConfigurationPath

    /// Whether `--config` named the file; only then is a missing file an error.
    public var configurationPathIsExplicit: Bool = false

    /// Option flags in the order given, each already checked against its definition.
    public var flags: [Flag] = []

    public init() {}

    /// Applies the flags to `options`, later flags over earlier ones.
    public func applyFlags(to options: inout CollectorOptions) throws(ConfigurationError) {
        for flag in flags {
            guard let definition = OptionTable.definition(flag: flag.name) else {
                throw ConfigurationError("unknown option '--\(flag.name)'; see \(CollectorVersion.programName) --help")
            }
            do {
                try definition.apply(flag.value, to: &options)
            } catch {
                throw ConfigurationError(error.message(option: "--\(flag.name)"))
            }
        }
    }
}

extension CommandLineArguments {
    /// Names of the flags that are not settings in `OptionTable`.
    static let controlFlagNames = ["config", "once", "check-config", "help", "version"]

    /// Parses the arguments after the program name.
    ///
    /// Accepts `--name value` and `--name=value`; a boolean flag such as `--redact-requests`
    /// takes no separate value but accepts `--redact-requests=false`. `--help` and
    /// `--version` end parsing where they appear. Throws on an unknown flag, a missing or
    /// invalid value, a flag given twice, a positional argument, or `--once` together with
    /// `--check-config`. The message names the argument and the fix.
    public static func parse(_ arguments: [String]) throws(ConfigurationError) -> CommandLineArguments {
        var result = CommandLineArguments()
        var seenFlags: Set<String> = []
        var scratch = CollectorOptions()
        var index = 0

        while index < arguments.count {
            let argument = arguments[index]
            index += 1

            if argument == "-h" {
                result.action = .help
                return result
            }
            guard argument.hasPrefix("--"), argument != "--" else {
                throw unexpectedArgument(argument)
            }

            let (name, inlineValue) = splitFlag(argument)
            if seenFlags.contains(name) {
                throw ConfigurationError("option --\(name) is given twice; give it once")
            }
            seenFlags.insert(name)

            switch name {
            case "help", "version":
                try rejectValue(inlineValue, flag: name)
                result.action = name == "help" ? .help : .version
                return result

            case "once", "check-config":
                try rejectValue(inlineValue, flag: name)
                let action: Action = name == "once" ? .once : .checkConfiguration
                if result.action != .run {
                    throw ConfigurationError("--once and --check-config cannot be combined; give one of them")
                }
                result.action = action

            case "config":
                let value = try takeValue(inlineValue, flag: name, valueName: "PATH", arguments: arguments, index: &index)
                guard !value.isEmpty else {
                    throw ConfigurationError("invalid --config '': give the path of the configuration file")
                }
                result.configurationPath = value
                result.configurationPathIsExplicit = true

            default:
                guard let definition = OptionTable.definition(flag: name) else {
                    throw unknownFlag(name)
                }
                let value: String
                if let valueName = definition.valueName {
                    value = try takeValue(inlineValue, flag: name, valueName: valueName, arguments: arguments, index: &index)
                } else {
                    value = inlineValue ?? "true"
                }
                do {
                    try definition.apply(value, to: &scratch)
                } catch {
                    throw ConfigurationError(error.message(option: "--\(name)"))
                }
                result.flags.append(Flag(name: name, value: value))
            }
        }
        return result
    }

    private static func splitFlag(_ argument: String) -> (name: String, value: String?) {
        let body = argument.dropFirst(2)
        guard let equals = body.firstIndex(of: "=") else {
            return (String(body), nil)
        }
        return (String(body[..<equals]), String(body[body.index(after: equals)...]))
    }

    /// Returns the inline value, or consumes the next argument. An argument that starts
    /// with `--` is taken as the next flag, so the value counts as missing.
    private static func takeValue(
        _ inlineValue: String?, flag: String, valueName: String, arguments: [String], index: inout Int
    ) throws(ConfigurationError) -> String {
        if let inlineValue {
            return inlineValue
        }
        guard index < arguments.count, !arguments[index].hasPrefix("--") else {
            throw ConfigurationError("missing value for --\(flag): write --\(flag) \(valueName) or --\(flag)=\(valueName)")
        }
        let value = arguments[index]
        index += 1
        return value
    }

    private static func rejectValue(_ inlineValue: String?, flag: String) throws(ConfigurationError) {
        if let inlineValue {
            throw ConfigurationError("option --\(flag) takes no value, but '\(inlineValue)' was given; write --\(flag) alone")
        }
    }

    private static func unknownFlag(_ name: String) -> ConfigurationError {
        let known = OptionTable.definitions.map(\.name) + controlFlagNames
        if let suggestion = SpellingSuggestion.closest(to: name, among: known) {
            return ConfigurationError("unknown option '--\(name)'; did you mean '--\(suggestion)'?")
        }
        return ConfigurationError("unknown option '--\(name)'; see \(CollectorVersion.programName) --help for the options")
    }

    private static func unexpectedArgument(_ argument: String) -> ConfigurationError {
        if argument.hasPrefix("-"), argument.count > 1, argument != "--" {
            return ConfigurationError(
                "unknown option '\(argument)'; options are written with two dashes, see \(CollectorVersion.programName) --help"
            )
        }
        return ConfigurationError(
            "unexpected argument '\(argument)': \(CollectorVersion.programName) takes no positional arguments; write settings as --name value"
        )
    }
}
