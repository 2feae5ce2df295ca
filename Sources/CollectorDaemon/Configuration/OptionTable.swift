import Glibc

/// A rejected option value: the text as given and what would be accepted instead.
public struct InvalidOptionValue: Error, Sendable, Equatable {
    /// The rejected text.
    public var value: String

    /// Explanation of the problem and the fix, such as `give a number from 0.1 to 60`.
    public var reason: String

    public init(value: String, reason: String) {
        self.value = value
        self.reason = reason
    }

    /// Renders `invalid <option> '<value>': <reason>`, with the option spelled the way the
    /// reader wrote it (`--interval` on the command line, `interval` in the file).
    public func message(option: String) -> String {
        "invalid \(option) '\(value)': \(reason)"
    }
}

/// One setting as it appears on the command line (`--name`) and in the configuration
/// file (`name = value`, with `-` written as `_`).
public struct OptionDefinition: Sendable {
    /// Flag name without the leading dashes, such as `scoreboard-file`.
    public let name: String

    /// Placeholder shown in `--help`, or `nil` for a flag that takes no value.
    public let valueName: String?

    /// One line for `--help`: what the option sets and in what unit.
    public let help: String

    /// Whether a running daemon can take a new value on SIGHUP without restarting; the
    /// others keep their old value until the next start.
    public let appliesOnReload: Bool

    private let parseInto: @Sendable (inout CollectorOptions, String) throws(InvalidOptionValue) -> Void
    private let format: @Sendable (CollectorOptions) -> String?
    private let transfer: @Sendable (CollectorOptions, inout CollectorOptions) -> Void

    /// Defines an option that stores the result of `parse` in the `setting` field of
    /// `CollectorOptions`; `format` writes a value back in a form `parse` accepts.
    init<Value: Sendable>(
        name: String, valueName: String?, help: String, appliesOnReload: Bool,
        setting: WritableKeyPath<CollectorOptions, Value> & Sendable,
        parse: @escaping @Sendable (String) throws(InvalidOptionValue) -> Value,
        format: @escaping @Sendable (Value) -> String?
    ) {
        self.name = name
        self.valueName = valueName
        self.help = help
        self.appliesOnReload = appliesOnReload
        self.parseInto = { options, text throws(InvalidOptionValue) in
            options[keyPath: setting] = try parse(text)
        }
        self.format = { options in format(options[keyPath: setting]) }
        self.transfer = { source, target in target[keyPath: setting] = source[keyPath: setting] }
    }

    /// Key used in the configuration file.
    public var fileKey: String { name.replacingAll("-", with: "_") }

    /// Whether the option is a flag without a value on the command line, like `--redact-requests`.
    public var isBooleanFlag: Bool { valueName == nil }

    /// Parses `value` and stores it in `options`; throws without touching `options` on bad input.
    public func apply(_ value: String, to options: inout CollectorOptions) throws(InvalidOptionValue) {
        try parseInto(&options, value)
    }

    /// Returns the setting's value in `options`, written so that `apply` accepts it again,
    /// or `nil` for an unset optional setting.
    public func value(in options: CollectorOptions) -> String? {
        format(options)
    }

    /// Copies this option's value from `source` into `target`, leaving the other fields alone.
    public func copy(from source: CollectorOptions, to target: inout CollectorOptions) {
        transfer(source, &target)
    }
}

/// The options of `scoreboard-collector`, in the order `--help` lists them.
public enum OptionTable {
    public static let definitions: [OptionDefinition] = [
        OptionDefinition(
            name: "scoreboard-file", valueName: "PATH",
            help: "Apache's ScoreboardFile path, hashed as APR does to find the segment (default: discover through the PID file)",
            appliesOnReload: true, setting: \.scoreboardFile,
            parse: { value throws(InvalidOptionValue) in try absolutePath(value) },
            format: { $0 }
        ),
        OptionDefinition(
            name: "apache-pid-file", valueName: "PATH",
            help: "Apache's PidFile (default: /run/apache2/apache2.pid)",
            appliesOnReload: true, setting: \.apachePIDFile,
            parse: { value throws(InvalidOptionValue) in try absolutePath(value) },
            format: { $0 }
        ),
        OptionDefinition(
            name: "listen", valueName: "ADDR:PORT",
            help: "address and TCP port of the HTTP API (default: 127.0.0.1:9118)",
            appliesOnReload: false, setting: \.listen,
            parse: { value throws(InvalidOptionValue) in try parseListenAddress(value) },
            format: { $0.description }
        ),
        OptionDefinition(
            name: "interval", valueName: "SECONDS",
            help: "time between samples in seconds, 0.1 to 60 (default: 1)",
            appliesOnReload: true, setting: \.intervalSeconds,
            parse: { value throws(InvalidOptionValue) in try parseDouble(value, range: 0.1...60) },
            format: { formatNumber($0) }
        ),
        OptionDefinition(
            name: "history", valueName: "SAMPLES",
            help: "number of samples kept in memory, 2 to 86400 (default: 1800, 30 minutes at 1 s)",
            appliesOnReload: false, setting: \.historySamples,
            parse: { value throws(InvalidOptionValue) in try parseInteger(value, range: 2...86_400) },
            format: { String($0) }
        ),
        OptionDefinition(
            name: "log-level", valueName: "LEVEL",
            help: "lowest priority logged: error, warning, notice, info or debug (default: info)",
            appliesOnReload: true, setting: \.logLevel,
            parse: { value throws(InvalidOptionValue) in
                guard let level = LogLevel.allCases.first(where: { $0.name == value.lowercased() }) else {
                    throw InvalidOptionValue(value: value, reason: "use error, warning, notice, info or debug")
                }
                return level
            },
            format: { $0.name }
        ),
        OptionDefinition(
            name: "log-target", valueName: "TARGET",
            help: "where log entries go: auto (the journal when systemd connected stderr to it, else stderr), journal or stderr (default: auto)",
            appliesOnReload: false, setting: \.logTarget,
            parse: { value throws(InvalidOptionValue) in
                guard let target = LogTarget(rawValue: value.lowercased()) else {
                    throw InvalidOptionValue(value: value, reason: "use auto, journal or stderr")
                }
                return target
            },
            format: { $0.rawValue }
        ),
        OptionDefinition(
            name: "log-repeat-interval", valueName: "SECONDS",
            help: "minimum time in seconds, 1 to 86400, between two log entries of the same recurring error; the next entry counts the repeats left out (default: 60)",
            appliesOnReload: true, setting: \.logRepeatIntervalSeconds,
            parse: { value throws(InvalidOptionValue) in try parseDouble(value, range: 1...86_400) },
            format: { formatNumber($0) }
        ),
        OptionDefinition(
            name: "wsgi-dir", valueName: "PATH",
            help: "directory of the WSGI scoreboard segments (default: /run/scoreboard-collector/wsgi)",
            appliesOnReload: true, setting: \.wsgiDirectory,
            parse: { value throws(InvalidOptionValue) in try absolutePath(value) },
            format: { $0 }
        ),
        OptionDefinition(
            name: "apache-config", valueName: "PATH",
            help: "Apache's main configuration file, read for MaxRequestWorkers and ThreadsPerChild (default: /etc/apache2/apache2.conf)",
            appliesOnReload: true, setting: \.apacheConfigFile,
            parse: { value throws(InvalidOptionValue) in try absolutePath(value) },
            format: { $0 }
        ),
        OptionDefinition(
            name: "max-request-workers", valueName: "N",
            help: "Apache's MaxRequestWorkers, when the configuration cannot be read (default: learned from it)",
            appliesOnReload: true, setting: \.maxRequestWorkers,
            parse: { value throws(InvalidOptionValue) in try parseInteger(value, range: 1...1_000_000) },
            format: { $0.map { String($0) } }
        ),
        OptionDefinition(
            name: "threads-per-child", valueName: "N",
            help: "Apache's ThreadsPerChild, when the configuration cannot be read (default: learned from it)",
            appliesOnReload: true, setting: \.threadsPerChild,
            parse: { value throws(InvalidOptionValue) in try parseInteger(value, range: 1...100_000) },
            format: { $0.map { String($0) } }
        ),
        OptionDefinition(
            name: "redact-requests", valueName: nil,
            help: "leave request lines and client addresses out of every API response",
            appliesOnReload: true, setting: \.redactRequests,
            parse: { value throws(InvalidOptionValue) in try parseBoolean(value) },
            format: { $0 ? "true" : "false" }
        ),
    ]

    /// Looks a definition up by its flag name or its configuration-file key.
    public static func definition(named name: String) -> OptionDefinition? {
        definitions.first { $0.name == name || $0.fileKey == name }
    }

    /// Looks a definition up by its flag name (`log-level`), as written after `--`.
    public static func definition(flag name: String) -> OptionDefinition? {
        definitions.first { $0.name == name }
    }

    /// Looks a definition up by its configuration-file key (`log_level`).
    public static func definition(fileKey key: String) -> OptionDefinition? {
        definitions.first { $0.fileKey == key }
    }

    static func absolutePath(_ value: String) throws(InvalidOptionValue) -> String {
        guard value.hasPrefix("/") else {
            throw InvalidOptionValue(value: value, reason: "give an absolute path starting with /")
        }
        return value
    }

    static func parseInteger(_ value: String, range: ClosedRange<Int>) throws(InvalidOptionValue) -> Int {
        guard let number = Int(value), range.contains(number) else {
            throw InvalidOptionValue(
                value: value, reason: "give a whole number from \(range.lowerBound) to \(range.upperBound)"
            )
        }
        return number
    }

    static func parseDouble(_ value: String, range: ClosedRange<Double>) throws(InvalidOptionValue) -> Double {
        guard let number = Double(value), number.isFinite, range.contains(number) else {
            throw InvalidOptionValue(
                value: value,
                reason: "give a number from \(formatNumber(range.lowerBound)) to \(formatNumber(range.upperBound))"
            )
        }
        return number
    }

    static func parseBoolean(_ value: String) throws(InvalidOptionValue) -> Bool {
        switch value.lowercased() {
        case "", "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default:
            throw InvalidOptionValue(value: value, reason: "use true or false")
        }
    }

    /// Parses `127.0.0.1:9118`, `[::1]:9118` or `localhost:9118`; with port 0 the kernel picks a free port.
    static func parseListenAddress(_ value: String) throws(InvalidOptionValue) -> ListenAddress {
        let usage = "write ADDR:PORT, for example 127.0.0.1:9118 or [::1]:9118"
        var host: Substring
        var portText: Substring

        if value.hasPrefix("[") {
            guard let close = value.firstIndex(of: "]"),
                value[value.index(after: close)...].hasPrefix(":")
            else { throw InvalidOptionValue(value: value, reason: usage) }
            host = value[value.index(after: value.startIndex)..<close]
            portText = value[value.index(close, offsetBy: 2)...]
        } else {
            guard let colon = value.lastIndex(of: ":") else { throw InvalidOptionValue(value: value, reason: usage) }
            host = value[..<colon]
            portText = value[value.index(after: colon)...]
        }

        if host == "localhost" { host = "127.0.0.1" }
        guard let port = UInt16(portText) else {
            throw InvalidOptionValue(value: value, reason: "the port must be a number from 0 to 65535")
        }
        guard isNumericAddress(String(host)) else {
            throw InvalidOptionValue(value: value, reason: "'\(host)' is not an IPv4 or IPv6 address; \(usage)")
        }
        return ListenAddress(host: String(host), port: port)
    }

    private static func isNumericAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// Writes `1.0` as `1` and `0.5` as `0.5`, the way an operator would type it.
    static func formatNumber(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 {
            return String(Int(number))
        }
        return String(number)
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
