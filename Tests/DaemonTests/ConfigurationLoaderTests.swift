import CollectorDaemon
import Foundation
import Testing

@Suite struct ConfigurationLoaderTests {
    @Test func flagsWinOverFileOverDefaults() throws {
        let directory = try TemporaryDirectory("precedence")
        defer { directory.remove() }
        let path = try directory.write("collector.conf", "interval = 2\nhistory = 600\n")

        let arguments = try CommandLineArguments.parse(["--config", path, "--interval", "5"])
        let options = try ConfigurationLoader.load(arguments)
        #expect(options.intervalSeconds == 5, "flag wins over file")
        #expect(options.historySamples == 600, "file wins over default")
        #expect(options.logLevel == .info, "default kept")
    }

    @Test func missingExplicitConfigFails() throws {
        let directory = try TemporaryDirectory("explicit")
        defer { directory.remove() }
        let arguments = try CommandLineArguments.parse(["--config", directory.path + "/none.conf"])
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.load(arguments) }
    }

    @Test func reloadAppliesFileAndKeepsFlags() throws {
        let directory = try TemporaryDirectory("reload")
        defer { directory.remove() }
        let path = try directory.write("collector.conf", "interval = 2\nlog_level = info\n")
        let arguments = try CommandLineArguments.parse(["--config", path, "--history", "100"])
        let current = try ConfigurationLoader.load(arguments)

        try directory.write("collector.conf", "interval = 3\nlog_level = debug\nhistory = 900\n")
        guard case .applied(let options, let changes) = ConfigurationLoader.reload(arguments, current: current) else {
            Issue.record("reload rejected a valid file")
            return
        }
        #expect(options.intervalSeconds == 3)
        #expect(options.logLevel == .debug)
        #expect(options.historySamples == 100, "the --history flag keeps winning")
        #expect(
            changes == [
                ConfigurationChange(option: "interval", oldValue: "2", newValue: "3", appliesOnReload: true),
                ConfigurationChange(option: "log-level", oldValue: "info", newValue: "debug", appliesOnReload: true),
            ]
        )
    }

    @Test func reloadWithBadFileKeepsOldOptions() throws {
        let directory = try TemporaryDirectory("reload-bad")
        defer { directory.remove() }
        let path = try directory.write("collector.conf", "interval = 2\n")
        let arguments = try CommandLineArguments.parse(["--config", path])
        let current = try ConfigurationLoader.load(arguments)

        try directory.write("collector.conf", "interval = 2\nintervall = 3\n")
        let outcome = ConfigurationLoader.reload(arguments, current: current)
        #expect(outcome == .rejected(ConfigurationError("\(path):2: unknown key 'intervall'; did you mean 'interval'?")))
        #expect(current.intervalSeconds == 2)
    }

    @Test func reloadWithDeletedFileIsRejected() throws {
        let directory = try TemporaryDirectory("reload-deleted")
        defer { directory.remove() }
        let path = try directory.write("collector.conf", "interval = 2\n")
        let arguments = try CommandLineArguments.parse(["--config", path])
        let current = try ConfigurationLoader.load(arguments)

        try FileManager.default.removeItem(atPath: path)
        guard case .rejected(let error) = ConfigurationLoader.reload(arguments, current: current) else {
            Issue.record("reload accepted a deleted --config file")
            return
        }
        #expect(error.message.hasPrefix("\(path): cannot open configuration file: No such file or directory"))
    }

    @Test func restartOnlyChangesWait() throws {
        let directory = try TemporaryDirectory("reload-restart")
        defer { directory.remove() }
        let path = try directory.write("collector.conf", "listen = 127.0.0.1:9118\nscoreboard_file = /run/a\n")
        let arguments = try CommandLineArguments.parse(["--config", path])
        let current = try ConfigurationLoader.load(arguments)

        try directory.write("collector.conf", "listen = 127.0.0.1:9200\nhistory = 50\nlog_target = stderr\n")
        guard case .applied(let options, let changes) = ConfigurationLoader.reload(arguments, current: current) else {
            Issue.record("reload rejected a valid file")
            return
        }
        #expect(options.listen == current.listen, "listen waits for a restart")
        #expect(options.historySamples == current.historySamples, "history waits for a restart")
        #expect(options.logTarget == current.logTarget, "log_target waits for a restart")
        #expect(options.scoreboardFile == nil, "removing scoreboard_file unsets it at once")
        #expect(
            changes == [
                ConfigurationChange(option: "scoreboard-file", oldValue: "/run/a", newValue: nil, appliesOnReload: true),
                ConfigurationChange(option: "listen", oldValue: "127.0.0.1:9118", newValue: "127.0.0.1:9200", appliesOnReload: false),
                ConfigurationChange(option: "history", oldValue: "1800", newValue: "50", appliesOnReload: false),
                ConfigurationChange(option: "log-target", oldValue: "auto", newValue: "stderr", appliesOnReload: false),
            ]
        )
        #expect(changes[1].description == "listen 127.0.0.1:9118 -> 127.0.0.1:9200 (takes effect after a restart)")
    }

    @Test func describedOptionsParseBack() throws {
        var options = CollectorOptions()
        options.scoreboardFile = "/run/apache 2/score#board"
        options.listen = ListenAddress(host: "::1", port: 9300)
        options.intervalSeconds = 0.25
        options.logLevel = .warning
        options.logTarget = .journal
        options.maxRequestWorkers = 64
        options.redactRequests = true

        var parsed = CollectorOptions()
        try ConfigurationFile.apply(ConfigurationLoader.describe(options), path: "/described", to: &parsed)
        #expect(parsed == options)
    }

    @Test(arguments: OptionTable.definitions.map(\.name))
    func copyMovesOneOption(name: String) throws {
        let definition = try #require(OptionTable.definition(flag: name))
        let sample = try #require(sampleOptionValues[name])
        var source = CollectorOptions()
        try definition.apply(sample.given, to: &source)

        var target = CollectorOptions()
        definition.copy(from: source, to: &target)
        #expect(target == source, "copy moved exactly the one changed option")
    }

    @Test func startupHelpVersionAndErrors() {
        guard case .exit(let help) = Startup.resolve(["--help"]) else {
            Issue.record("--help did not exit")
            return
        }
        #expect(help.status == 0)
        #expect(help.standardOutput == UsageText.render())

        #expect(Startup.resolve(["--version"]) == .exit(ProcessExit(status: 0, standardOutput: UsageText.version())))
        #expect(
            Startup.resolve(["--bogus"])
                == .exit(
                    ProcessExit(
                        status: 2,
                        standardError: "scoreboard-collector: unknown option '--bogus'; see scoreboard-collector --help for the options\n"
                    )
                )
        )
    }

    @Test func startupCheckConfig() throws {
        let directory = try TemporaryDirectory("check")
        defer { directory.remove() }
        let good = try directory.write("good.conf", "interval = 2\n")
        let bad = try directory.write("bad.conf", "interval = 0\n")

        guard case .exit(let accepted) = Startup.resolve(["--config", good, "--check-config", "--history=60"]) else {
            Issue.record("--check-config did not exit")
            return
        }
        #expect(accepted.status == 0)
        #expect(accepted.standardOutput.hasPrefix("# configuration is valid; settings from \(good) and the command line:\n"))
        #expect(accepted.standardOutput.contains("\ninterval = 2\n"))
        #expect(accepted.standardOutput.contains("\nhistory = 60\n"))

        #expect(
            Startup.resolve(["--config", bad, "--check-config"])
                == .exit(
                    ProcessExit(
                        status: 2,
                        standardError: "scoreboard-collector: \(bad):1: invalid interval '0': give a number from 0.1 to 60\n"
                    )
                )
        )
    }

    @Test func startupRunAndOnce() throws {
        let directory = try TemporaryDirectory("run")
        defer { directory.remove() }
        let path = try directory.write("collector.conf", "log_level = debug\n")

        guard case .run(let options, let arguments) = Startup.resolve(["--config", path]) else {
            Issue.record("no run action")
            return
        }
        #expect(options.logLevel == .debug)
        #expect(arguments.configurationPath == path)

        guard case .once(let onceOptions, _) = Startup.resolve(["--config", path, "--once", "--interval=2"]) else {
            Issue.record("no once action")
            return
        }
        #expect(onceOptions.intervalSeconds == 2)
    }
}
