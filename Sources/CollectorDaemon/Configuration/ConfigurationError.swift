/// A rejected command line or configuration file. At start the daemon prints `message` on
/// stderr and exits with `ExitStatus.usage`; on reload it logs it and keeps its settings.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Description of the problem, its place (`PATH:LINE:` for the file, the flag for the
    /// command line) and the fix.
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Exit statuses of `scoreboard-collector`.
public enum ExitStatus {
    /// Normal end, and `--check-config` with a valid configuration.
    public static let success: Int32 = 0

    /// A runtime failure after the configuration was accepted.
    public static let failure: Int32 = 1

    /// Invalid command line or configuration file.
    public static let usage: Int32 = 2
}
