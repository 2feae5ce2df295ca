/// Version of `scoreboard-collector`, printed by `--version` and served by the API.
public enum CollectorVersion {
    public static let string = "0.1.0"

    /// Program name used in `--version`, `--help`, error messages and `SYSLOG_IDENTIFIER`.
    public static let programName = "scoreboard-collector"
}
