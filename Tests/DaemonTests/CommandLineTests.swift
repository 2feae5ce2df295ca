import CollectorDaemon
import Testing

/// A valid value for every option and the form `OptionDefinition.value(in:)` renders it in.
let sampleOptionValues: [String: (given: String, stored: String)] = [
    "scoreboard-file": ("/run/apache2/scoreboard", "/run/apache2/scoreboard"),
    "apache-pid-file": ("/run/httpd/httpd.pid", "/run/httpd/httpd.pid"),
    "listen": ("[::1]:9200", "[::1]:9200"),
    "interval": ("0.5", "0.5"),
    "history": ("3600", "3600"),
    "log-level": ("debug", "debug"),
    "log-target": ("stderr", "stderr"),
    "log-repeat-interval": ("30", "30"),
    "wsgi-dir": ("/srv/wsgi-scoreboard", "/srv/wsgi-scoreboard"),
    "apache-config": ("/etc/httpd/conf/httpd.conf", "/etc/httpd/conf/httpd.conf"),
    "max-request-workers": ("400", "400"),
    "threads-per-child": ("64", "64"),
    "redact-requests": ("true", "true"),
]

/// Parses `arguments` and applies the flags to default options.
private func optionsFrom(_ arguments: [String]) throws -> CollectorOptions {
    let parsed = try CommandLineArguments.parse(arguments)
    var options = CollectorOptions()
    try parsed.applyFlags(to: &options)
    return options
}

/// Returns the message of the error `parse` throws, or nil when it accepts the arguments.
private func parseError(_ arguments: [String]) -> String? {
    do {
        _ = try CommandLineArguments.parse(arguments)
        return nil
    } catch {
        return error.message
    }
}

@Suite struct CommandLineTests {
    @Test func sampleCoversEveryOption() {
        for definition in OptionTable.definitions {
            #expect(sampleOptionValues[definition.name] != nil, "no sample value for --\(definition.name)")
        }
    }

    @Test(arguments: OptionTable.definitions.map(\.name))
    func optionParsesInBothForms(name: String) throws {
        let definition = try #require(OptionTable.definition(flag: name))
        let sample = try #require(sampleOptionValues[name])
        #expect(definition.value(in: CollectorOptions()) != sample.stored, "sample equals the default, so the test proves nothing")

        let withEquals = try optionsFrom(["--\(name)=\(sample.given)"])
        #expect(definition.value(in: withEquals) == sample.stored)

        let separate = definition.isBooleanFlag ? ["--\(name)"] : ["--\(name)", sample.given]
        let withSpace = try optionsFrom(separate)
        #expect(definition.value(in: withSpace) == sample.stored)
    }

    @Test func parsedValuesReachTheirFields() throws {
        let options = try optionsFrom([
            "--scoreboard-file", "/run/apache2/scoreboard", "--listen=127.0.0.1:0", "--interval", "2.5",
            "--history=10", "--log-level", "WARNING", "--max-request-workers", "150",
            "--threads-per-child=25", "--redact-requests",
        ])
        #expect(options.scoreboardFile == "/run/apache2/scoreboard")
        #expect(options.listen == ListenAddress(host: "127.0.0.1", port: 0))
        #expect(options.intervalSeconds == 2.5)
        #expect(options.historySamples == 10)
        #expect(options.logLevel == .warning)
        #expect(options.maxRequestWorkers == 150)
        #expect(options.threadsPerChild == 25)
        #expect(options.redactRequests == true)
    }

    @Test func booleanFlagTakesExplicitValue() throws {
        #expect(try optionsFrom(["--redact-requests=false"]).redactRequests == false)
        #expect(try optionsFrom(["--redact-requests=yes"]).redactRequests == true)
    }

    @Test func localhostListensOnLoopback() throws {
        #expect(try optionsFrom(["--listen", "localhost:9118"]).listen == ListenAddress(host: "127.0.0.1", port: 9118))
    }

    @Test func flagsKeepTheirOrder() throws {
        let parsed = try CommandLineArguments.parse(["--interval", "3", "--log-level=debug", "--redact-requests"])
        #expect(
            parsed.flags == [
                .init(name: "interval", value: "3"), .init(name: "log-level", value: "debug"),
                .init(name: "redact-requests", value: "true"),
            ]
        )
    }

    @Test func actionsAndConfigPath() throws {
        let plain = try CommandLineArguments.parse([])
        #expect(plain.action == .run)
        #expect(plain.configurationPath == "/etc/scoreboard-collector.conf")
        #expect(plain.configurationPathIsExplicit == false)

        #expect(try CommandLineArguments.parse(["--once"]).action == .once)
        #expect(try CommandLineArguments.parse(["--check-config"]).action == .checkConfiguration)
        #expect(try CommandLineArguments.parse(["--help"]).action == .help)
        #expect(try CommandLineArguments.parse(["-h"]).action == .help)
        #expect(try CommandLineArguments.parse(["--version"]).action == .version)

        let explicit = try CommandLineArguments.parse(["--config", "/tmp/x.conf", "--once"])
        #expect(explicit.configurationPath == "/tmp/x.conf")
        #expect(explicit.configurationPathIsExplicit == true)
        #expect(explicit.action == .once)
        #expect(try CommandLineArguments.parse(["--config=relative.conf"]).configurationPath == "relative.conf")
    }

    @Test func helpEndsParsing() throws {
        // Arguments after --help are not looked at, so help works even on a broken line.
        #expect(try CommandLineArguments.parse(["--interval", "2", "--help", "--bogus"]).action == .help)
    }

    @Test(arguments: [
        (["--interval", "0"], "invalid --interval '0': give a number from 0.1 to 60"),
        (["--interval=fast"], "invalid --interval 'fast': give a number from 0.1 to 60"),
        (["--interval", "nan"], "invalid --interval 'nan': give a number from 0.1 to 60"),
        (["--history", "1"], "invalid --history '1': give a whole number from 2 to 86400"),
        (["--history=1.5"], "invalid --history '1.5': give a whole number from 2 to 86400"),
        (["--log-level", "verbose"], "invalid --log-level 'verbose': use error, warning, notice, info or debug"),
        (["--log-target=syslog"], "invalid --log-target 'syslog': use auto, journal or stderr"),
        (["--log-repeat-interval", "0.5"], "invalid --log-repeat-interval '0.5': give a number from 1 to 86400"),
        (["--scoreboard-file", "run/scoreboard"], "invalid --scoreboard-file 'run/scoreboard': give an absolute path starting with /"),
        (["--apache-pid-file=apache2.pid"], "invalid --apache-pid-file 'apache2.pid': give an absolute path starting with /"),
        (["--wsgi-dir", "wsgi"], "invalid --wsgi-dir 'wsgi': give an absolute path starting with /"),
        (["--apache-config", "apache2.conf"], "invalid --apache-config 'apache2.conf': give an absolute path starting with /"),
        (["--max-request-workers", "0"], "invalid --max-request-workers '0': give a whole number from 1 to 1000000"),
        (["--threads-per-child", "-4"], "invalid --threads-per-child '-4': give a whole number from 1 to 100000"),
        (["--redact-requests=maybe"], "invalid --redact-requests 'maybe': use true or false"),
        (["--listen", "9118"], "invalid --listen '9118': write ADDR:PORT, for example 127.0.0.1:9118 or [::1]:9118"),
        (["--listen", "127.0.0.1:99999"], "invalid --listen '127.0.0.1:99999': the port must be a number from 0 to 65535"),
        (
            ["--listen", "example.org:80"],
            "invalid --listen 'example.org:80': 'example.org' is not an IPv4 or IPv6 address; write ADDR:PORT, for example 127.0.0.1:9118 or [::1]:9118"
        ),
        (["--listen=[::1]9118"], "invalid --listen '[::1]9118': write ADDR:PORT, for example 127.0.0.1:9118 or [::1]:9118"),
    ])
    func invalidValueNamesValueAndFix(arguments: [String], expected: String) {
        #expect(parseError(arguments) == expected)
    }

    @Test(arguments: [
        (["--intervall", "1"], "unknown option '--intervall'; did you mean '--interval'?"),
        (["--log_level=debug"], "unknown option '--log_level'; did you mean '--log-level'?"),
        (["--chek-config"], "unknown option '--chek-config'; did you mean '--check-config'?"),
        (["--frobnicate"], "unknown option '--frobnicate'; see scoreboard-collector --help for the options"),
        (["-v"], "unknown option '-v'; options are written with two dashes, see scoreboard-collector --help"),
        (
            ["extra"],
            "unexpected argument 'extra': scoreboard-collector takes no positional arguments; write settings as --name value"
        ),
        (
            ["--interval", "1", "2"],
            "unexpected argument '2': scoreboard-collector takes no positional arguments; write settings as --name value"
        ),
        (["--interval"], "missing value for --interval: write --interval SECONDS or --interval=SECONDS"),
        (["--listen", "--once"], "missing value for --listen: write --listen ADDR:PORT or --listen=ADDR:PORT"),
        (["--config"], "missing value for --config: write --config PATH or --config=PATH"),
        (["--config="], "invalid --config '': give the path of the configuration file"),
        (["--interval", "1", "--interval=2"], "option --interval is given twice; give it once"),
        (["--once", "--check-config"], "--once and --check-config cannot be combined; give one of them"),
        (["--once=yes"], "option --once takes no value, but 'yes' was given; write --once alone"),
        (["--version=2"], "option --version takes no value, but '2' was given; write --version alone"),
    ])
    func badArgumentNamesFix(arguments: [String], expected: String) {
        #expect(parseError(arguments) == expected)
    }

    @Test func helpListsEveryOption() {
        let help = UsageText.render()
        let flattened = help.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")

        for definition in OptionTable.definitions {
            let flag = definition.valueName.map { "--\(definition.name) \($0)" } ?? "--\(definition.name)"
            #expect(help.contains("  \(flag)"), "help lacks \(flag)")
            #expect(flattened.contains(definition.help), "help lacks the help line of --\(definition.name)")
        }
        for control in ["--config PATH", "--once", "--check-config", "-h, --help", "--version"] {
            #expect(help.contains("  \(control)"), "help lacks \(control)")
        }
    }

    @Test func helpFitsEightyColumns() {
        for line in UsageText.render().split(separator: "\n") {
            #expect(line.count <= 80, "too long: \(line)")
        }
    }

    @Test func versionNamesProgram() {
        #expect(UsageText.version() == "scoreboard-collector \(CollectorVersion.string)\n")
    }
}
