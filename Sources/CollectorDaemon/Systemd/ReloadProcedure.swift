/// The SIGHUP reload as systemd expects it from a `Type=notify` service with `ExecReload=`.
public enum ReloadProcedure {
    /// Sends `RELOADING=1`, re-reads the configuration (flags still winning), logs the outcome,
    /// applies the new log settings to `logger`, then sends `READY=1` with `readyStatus`.
    ///
    /// Returns the options to use from now on: the reloaded ones, or `current` when the
    /// configuration is invalid. Options that need a restart keep their current value and are
    /// logged at notice level as waiting for a restart. The caller applies the rest, such as a
    /// new interval or scoreboard path.
    public static func run(
        arguments: CommandLineArguments,
        current: CollectorOptions,
        logger: Logger,
        notifier: SystemdNotifier,
        readyStatus: String
    ) -> CollectorOptions {
        notifier.reloading(status: "reloading \(arguments.configurationPath)")
        defer { notifier.ready(status: readyStatus) }

        let configurationField = ["CONFIG_PATH": arguments.configurationPath]
        switch ConfigurationLoader.reload(arguments, current: current) {
        case .rejected(let error):
            logger.log(.error, "configuration reload failed, keeping the current settings: \(error.message)", fields: configurationField)
            return current

        case .applied(let options, let changes):
            logger.apply(options)
            let settings = changes.count == 1 ? "setting" : "settings"
            logger.log(
                .notice, "configuration reloaded, \(changes.count) \(settings) changed",
                fields: configurationField.merging(["CHANGED_SETTINGS": String(changes.count)]) { first, _ in first }
            )
            for change in changes {
                logger.log(
                    change.appliesOnReload ? .info : .notice, "setting \(change)",
                    fields: ["SETTING": change.option, "OLD_VALUE": change.oldValue ?? "", "NEW_VALUE": change.newValue ?? ""]
                )
            }
            return options
        }
    }
}
