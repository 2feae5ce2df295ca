/// A file and line in Apache's configuration.
public struct ApacheConfigurationLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// Counted from 1; for a directive continued over several lines, its first line.
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}

/// Origin of a setting's value.
public enum ApacheSettingSource: Sendable, Equatable, CustomStringConvertible {
    /// A directive at this location sets it.
    case configured(ApacheConfigurationLocation)
    /// No directive sets it, so httpd uses its compiled-in default for this MPM.
    case apacheDefault(ApacheMPM)
    /// No directive sets it, so httpd uses a default that does not depend on the MPM. The
    /// string describes that default.
    case serverDefault(String)
    /// The MPM fixes the value, whatever the configuration sets (prefork: one thread).
    case fixedByMPM(ApacheMPM)
    /// The value cannot be learned from the configuration, for this reason.
    case unknown(reason: String)

    public var description: String {
        switch self {
        case .configured(let location): return "configured in \(location)"
        case .apacheDefault(let mpm): return "Apache default for \(mpm)"
        case .serverDefault(let text): return text
        case .fixedByMPM(let mpm): return "fixed by \(mpm)"
        case .unknown(let reason): return "unknown: \(reason)"
        }
    }
}

/// One value read from Apache's configuration, with its provenance.
public struct ApacheSetting<Value: Sendable & Equatable>: Sendable, Equatable, CustomStringConvertible {
    /// The value httpd uses; nil when unknown or when the directive is absent and has no value
    /// by default (ScoreboardFile).
    public var value: Value?

    public var source: ApacheSettingSource

    /// Change httpd makes to the written value at startup, if any (for example
    /// "decreased from 1000 to 400 because ServerLimit 16 × ThreadsPerChild 25 = 400").
    public var adjustment: String?

    public init(value: Value?, source: ApacheSettingSource, adjustment: String? = nil) {
        self.value = value
        self.source = source
        self.adjustment = adjustment
    }

    static func unknown(_ reason: String) -> ApacheSetting {
        ApacheSetting(value: nil, source: .unknown(reason: reason))
    }

    public var description: String {
        let valueText = value.map { "\($0)" } ?? "none"
        if let adjustment { return "\(valueText) (\(source); \(adjustment))" }
        return "\(valueText) (\(source))"
    }
}
