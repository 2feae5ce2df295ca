import Glibc

/// A rejected option value; `message` names the value and what would be accepted.
public struct InvalidOptionValue: Error, Sendable, Equatable {
    public var message: String
}

/// One setting as it appears on the command line (`--name`) and in the configuration
/// file (`name = value`, with `-` written as `_`).
public struct OptionDefinition: Sendable {
    /// Flag name without the leading dashes, such as `scoreboard-file`.
    public let name: String

    /// Placeholder shown in `--help`, or `nil` for a flag that takes no value.
    public let valueName: String?

    /// One line for `--help` that says what the option sets and in what unit.
    public let help: String

    /// Whether the configuration file may set it; `--config` and `--once` are command line only.
    public let allowedInFile: Bool

    let apply: @Sendable (inout CollectorOptions, String) throws(InvalidOptionValue) -> Void

    /// Key used in the configuration file.
    public var fileKey: String { name.replacingAll("-", with: "_") }
}

/// The options of `scoreboard-collector`, in the order `--help` lists them.
public enum OptionTable {
    public static let definitions: [OptionDefinition] = [
        OptionDefinition(
            name: "scoreboard-file", valueName: "PATH",
            help: "Apache's ScoreboardFile path, hashed as APR does to find the segment (default: discover through the PID file)",
            allowedInFile: true
        ) { options, value throws(InvalidOptionValue) in
            options.scoreboardFile = try absolutePath(value, option: "scoreboard-file")
        },
        OptionDefinition(
            name: "apache-pid-file", valueName: "PATH",
            help: "Apache's PidFile (default: /run/apache2/apache2.pid)",
            allowedInFile: true
        ) { options, value throws(InvalidOptionValue) in
            options.apachePIDFile = try absolutePath(value, option: "apache-pid-file")
        },
        OptionDefinition(
            name: "listen", valueName: "ADDR:PORT",
            help: "address and TCP port of the HTTP API (default: 127.0.0.1:9118)",
            allowedInFile: true
        ) { options, value throws(InvalidOptionValue) in
            options.listen = try parseListenAddress(value)
        },
        OptionDefinition(
            name: "interval", valueName: "SECONDS",
            help: "time between samples in seconds, 0.1 to 60 (default: 1)",
            allowedInFile: true
        ) { options, value throws(InvalidOptionValue) in
            options.intervalSeconds = try parseDouble(value, option: "interval", range: 0.1...60)
        },
        OptionDefinition(
            name: "history", valueName: "SAMPLES",
            help: "number of samples kept in memory, 2 to 86400 (default: 1800, 30 minutes at 1 s)",
            allowedInFile: true
        ) { options, value throws(InvalidOptionValue) in
            options.historySamples = try parseInteger(value, option: "history", range: 2...86_400)
        },
        OptionDefinition(
            name: "log-level", valueName: "LEVEL",
            help: "lowest priority logged: error, warning, notice, info or debug (default: info)",
            allowedInFile: true
        ) { options, value throws(InvalidOptionValue) in
            guard let level = LogLevel.allCases.first(where: { $0.name == value }) else {
                throw InvalidOptionValue(message: "invalid log-level '\(value)': use error, warning, notice, info or debug")
            }
            options.logLevel = level
        },
        OptionDefinition(
            name: "wsgi-dir", valueName: "PATH",
            help: "directory of the WSGI scoreboard segments (default: /run/scoreboard-collector/wsgi)",
            allowedInFile: true
        ) { options, value throws(InvalidOptionValue) in
            options.wsgiDirectory = try absolutePath(value, option: "wsgi-dir")
        },
        OptionDefinition(
            name: "apache-config", valueName: "PATH",
            help: "Apache's main configuration file, read for MaxRequestWorkers and ThreadsPerChild (default: /etc/apache2/apache2.conf)",
            allowedInFile: true
        ) { options, value throws(InvalidOptionValue) in
            options.apacheConfigFile = try absolutePath(value, option: "apache-config")
        },
        OptionDefinition(
            name: "max-request-workers", valueName: "N",
            help: "Apache's MaxRequestWorkers, when the configuration cannot be read (default: learned from it)",
            allowedInFile: true
        ) { options, value throws(InvalidOptionValue) in
            options.maxRequestWorkers = try parseInteger(value, option: "max-request-workers", range: 1...1_000_000)
        },
        OptionDefinition(
            name: "threads-per-child", valueName: "N",
            help: "Apache's ThreadsPerChild, when the configuration cannot be read (default: learned from it)",
            allowedInFile: true
        ) { options, value throws(InvalidOptionValue) in
            options.threadsPerChild = try parseInteger(value, option: "threads-per-child", range: 1...100_000)
        },
        OptionDefinition(
            name: "redact-requests", valueName: nil,
            help: "leave request lines and client addresses out of every API answer",
            allowedInFile: true
        ) { options, value throws(InvalidOptionValue) in
            options.redactRequests = try parseBoolean(value, option: "redact-requests")
        },
    ]

    /// Looks a definition up by its flag name or its configuration-file key.
    public static func definition(named name: String) -> OptionDefinition? {
        definitions.first { $0.name == name || $0.fileKey == name }
    }

    static func absolutePath(_ value: String, option: String) throws(InvalidOptionValue) -> String {
        guard value.hasPrefix("/") else {
            throw InvalidOptionValue(message: "invalid \(option) '\(value)': give an absolute path starting with /")
        }
        return value
    }

    static func parseInteger(_ value: String, option: String, range: ClosedRange<Int>) throws(InvalidOptionValue) -> Int {
        guard let number = Int(value), range.contains(number) else {
            throw InvalidOptionValue(
                message: "invalid \(option) '\(value)': give a whole number from \(range.lowerBound) to \(range.upperBound)"
            )
        }
        return number
    }

    static func parseDouble(_ value: String, option: String, range: ClosedRange<Double>) throws(InvalidOptionValue) -> Double {
        guard let number = Double(value), number.isFinite, range.contains(number) else {
            throw InvalidOptionValue(
                message: "invalid \(option) '\(value)': give a number from \(range.lowerBound) to \(range.upperBound)"
            )
        }
        return number
    }

    static func parseBoolean(_ value: String, option: String) throws(InvalidOptionValue) -> Bool {
        switch value.lowercased() {
        case "", "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default:
            throw InvalidOptionValue(message: "invalid \(option) '\(value)': use true or false")
        }
    }

    /// Parses `127.0.0.1:9118`, `[::1]:9118` or `localhost:9118`; port 0 asks the kernel for a free port.
    static func parseListenAddress(_ value: String) throws(InvalidOptionValue) -> ListenAddress {
        let usage = "invalid listen '\(value)': write ADDR:PORT, for example 127.0.0.1:9118 or [::1]:9118"
        var host: Substring
        var portText: Substring

        if value.hasPrefix("[") {
            guard let close = value.firstIndex(of: "]"),
                value[value.index(after: close)...].hasPrefix(":")
            else { throw InvalidOptionValue(message: usage) }
            host = value[value.index(after: value.startIndex)..<close]
            portText = value[value.index(close, offsetBy: 2)...]
        } else {
            guard let colon = value.lastIndex(of: ":") else { throw InvalidOptionValue(message: usage) }
            host = value[..<colon]
            portText = value[value.index(after: colon)...]
        }

        if host == "localhost" { host = "127.0.0.1" }
        guard let port = UInt16(portText) else {
            throw InvalidOptionValue(message: "invalid listen '\(value)': the port must be a number from 0 to 65535")
        }
        guard isNumericAddress(String(host)) else {
            throw InvalidOptionValue(message: "invalid listen '\(value)': '\(host)' is not an IPv4 or IPv6 address")
        }
        return ListenAddress(host: String(host), port: port)
    }

    private static func isNumericAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
