import Glibc

/// Next step of the process once its command line and configuration were read.
public enum StartupAction: Sendable, Equatable {
    /// Run the daemon. Keep `arguments` for `ConfigurationLoader.reload` on SIGHUP.
    case run(options: CollectorOptions, arguments: CommandLineArguments)

    /// `--once`: take one sample, print it as JSON on stdout, exit.
    case once(options: CollectorOptions, arguments: CommandLineArguments)

    /// `--help`, `--version`, `--check-config` or an error: print and exit.
    case exit(ProcessExit)
}

/// Output to print and the status to exit with.
public struct ProcessExit: Sendable, Equatable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String

    public init(status: Int32, standardOutput: String = "", standardError: String = "") {
        self.status = status
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// Writes both texts with write(2) and exits with `status`.
    public func perform() -> Never {
        if !standardOutput.isEmpty {
            DescriptorWriter.writeAll(standardOutput, to: STDOUT_FILENO)
        }
        if !standardError.isEmpty {
            DescriptorWriter.writeAll(standardError, to: STDERR_FILENO)
        }
        Glibc.exit(status)
    }
}

/// The first step of `main`: parse argv, read the configuration, and decide what to do.
public enum Startup {
    /// Resolves the arguments after the program name into an action. Errors become
    /// `.exit` with status 2 and `scoreboard-collector: <message>` on stderr.
    public static func resolve(_ arguments: [String]) -> StartupAction {
        let parsed: CommandLineArguments
        do {
            parsed = try CommandLineArguments.parse(arguments)
        } catch {
            return .exit(usageError(error))
        }

        switch parsed.action {
        case .help:
            return .exit(ProcessExit(status: ExitStatus.success, standardOutput: UsageText.render()))
        case .version:
            return .exit(ProcessExit(status: ExitStatus.success, standardOutput: UsageText.version()))
        case .run, .once, .checkConfiguration:
            break
        }

        let options: CollectorOptions
        do {
            options = try ConfigurationLoader.load(parsed)
        } catch {
            return .exit(usageError(error))
        }

        switch parsed.action {
        case .once:
            return .once(options: options, arguments: parsed)
        case .checkConfiguration:
            return .exit(ProcessExit(status: ExitStatus.success, standardOutput: checkReport(options, parsed)))
        default:
            return .run(options: options, arguments: parsed)
        }
    }

    static func usageError(_ error: ConfigurationError) -> ProcessExit {
        ProcessExit(status: ExitStatus.usage, standardError: "\(CollectorVersion.programName): \(error.message)\n")
    }

    private static func checkReport(_ options: CollectorOptions, _ arguments: CommandLineArguments) -> String {
        let source = arguments.flags.isEmpty
            ? arguments.configurationPath
            : "\(arguments.configurationPath) and the command line"
        return "# configuration is valid; settings from \(source):\n" + ConfigurationLoader.describe(options)
    }
}
