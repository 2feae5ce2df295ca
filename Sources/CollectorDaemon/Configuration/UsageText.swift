/// The `--help` text, generated from `OptionTable` so that every option appears with its
/// help line.
public enum UsageText {
    /// Width the help text is wrapped to, in columns.
    static let lineWidth = 80

    /// Column where help lines start; longer flag columns put the help on the next line.
    static let helpColumn = 30

    public static func render() -> String {
        let program = CollectorVersion.programName
        var text = """
            Usage: \(program) [OPTION]...
            Sample Apache httpd's scoreboard and the WSGI scoreboard of mod_wsgi processes,
            keep a history of the samples and serve it as JSON and Prometheus metrics.

            Settings (each can also be set in the configuration file as key = value,
            with _ in place of -; the command line wins over the file):

            """

        for definition in OptionTable.definitions {
            let flag = definition.valueName.map { "--\(definition.name) \($0)" } ?? "--\(definition.name)"
            text += entry(flag: flag, help: definition.help)
        }

        text += "\nCommand line only:\n"
        text += entry(
            flag: "--config PATH",
            help: "configuration file (default: \(CommandLineArguments.defaultConfigurationPath), which may be absent; a file given here must exist)"
        )
        text += entry(flag: "--once", help: "print one JSON sample on stdout and exit")
        text += entry(
            flag: "--check-config",
            help: "check the configuration file and the flags, print the resulting settings and exit with status 0, or 2 when they are invalid"
        )
        text += entry(flag: "-h, --help", help: "print this help and exit")
        text += entry(flag: "--version", help: "print the version and exit")

        text += """

            Signals: SIGHUP reloads the configuration file, SIGTERM stops the daemon.
            Exit status: \(ExitStatus.success) success, \(ExitStatus.failure) runtime failure,
            \(ExitStatus.usage) invalid command line or configuration.

            """
        return text
    }

    /// `--version` output.
    public static func version() -> String {
        "\(CollectorVersion.programName) \(CollectorVersion.string)\n"
    }

    /// Formats one option: the flag indented by 2, the help wrapped from `helpColumn`.
    static func entry(flag: String, help: String) -> String {
        let indent = String(repeating: " ", count: helpColumn)
        let helpLines = wrap(help, width: lineWidth - helpColumn)
        var text = "  " + flag
        if text.count >= helpColumn - 1 {
            text += "\n" + indent
        } else {
            text += String(repeating: " ", count: helpColumn - text.count)
        }
        text += helpLines.joined(separator: "\n" + indent)
        return text + "\n"
    }

    /// Greedy word wrap; a word longer than `width` stays whole on its own line.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty {
            lines.append(current)
        }
        return lines
    }
}
