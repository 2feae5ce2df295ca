import CollectorDaemon
import Foundation
import Testing

/// Applies `text` to default options, as the file at `/etc/test.conf` would.
private func optionsFromFile(_ text: String) throws(ConfigurationError) -> CollectorOptions {
    var options = CollectorOptions()
    try ConfigurationFile.apply(text, path: "/etc/test.conf", to: &options)
    return options
}

private func fileError(_ text: String) -> String? {
    do {
        _ = try optionsFromFile(text)
        return nil
    } catch {
        return error.message
    }
}

@Suite struct ConfigurationFileTests {
    @Test func commentsBlanksAndQuotes() throws {
        let text = """
            # a comment
               # an indented comment

            interval = 2.5
            \tlog_level\t=\tdebug\t
            scoreboard_file = "/run/apache 2/scoreboard # not a comment"
            wsgi_dir = '/srv/wsgi'   # trailing comment
            apache_pid_file=/run/httpd.pid#not-a-comment
            history = 120 # samples
            redact_requests = yes
            """
        let options = try optionsFromFile(text)
        #expect(options.intervalSeconds == 2.5)
        #expect(options.logLevel == .debug)
        #expect(options.scoreboardFile == "/run/apache 2/scoreboard # not a comment")
        #expect(options.wsgiDirectory == "/srv/wsgi")
        #expect(options.apachePIDFile == "/run/httpd.pid#not-a-comment")
        #expect(options.historySamples == 120)
        #expect(options.redactRequests == true)
    }

    @Test func windowsLineEndings() throws {
        let options = try optionsFromFile("interval = 3\r\nlisten = [::1]:9000\r\n")
        #expect(options.intervalSeconds == 3)
        #expect(options.listen == ListenAddress(host: "::1", port: 9000))
    }

    @Test func emptyFileKeepsDefaults() throws {
        #expect(try optionsFromFile("") == CollectorOptions())
        #expect(try optionsFromFile("\n\n# nothing\n") == CollectorOptions())
    }

    @Test(arguments: [
        ("interval = 1\nintervall = 2", "/etc/test.conf:2: unknown key 'intervall'; did you mean 'interval'?"),
        ("\n\nlog-level = debug", "/etc/test.conf:3: unknown key 'log-level'; did you mean 'log_level'?"),
        (
            "colour = blue",
            "/etc/test.conf:1: unknown key 'colour'; the keys are scoreboard_file, apache_pid_file, listen, interval, history, log_level, log_target, log_repeat_interval, wsgi_dir, apache_config, max_request_workers, threads_per_child, redact_requests"
        ),
        ("# ok\ninterval 2", "/etc/test.conf:2: missing '=' in 'interval 2'; write key = value"),
        ("= 2", "/etc/test.conf:1: missing key before '='; write key = value"),
        ("interval =", "/etc/test.conf:1: missing value for 'interval'; write interval = SECONDS"),
        ("redact_requests = # later", "/etc/test.conf:1: missing value for 'redact_requests'; write redact_requests = true"),
        ("interval = 0", "/etc/test.conf:1: invalid interval '0': give a number from 0.1 to 60"),
        ("history = 10\n\nmax_request_workers = lots", "/etc/test.conf:3: invalid max_request_workers 'lots': give a whole number from 1 to 1000000"),
        ("listen = \"127.0.0.1\"", "/etc/test.conf:1: invalid listen '127.0.0.1': write ADDR:PORT, for example 127.0.0.1:9118 or [::1]:9118"),
        ("wsgi_dir = relative/dir", "/etc/test.conf:1: invalid wsgi_dir 'relative/dir': give an absolute path starting with /"),
        (
            "interval = 1\n# again\ninterval = 2",
            "/etc/test.conf:3: duplicate key 'interval', already set on line 1; keep one of the two lines"
        ),
        ("wsgi_dir = \"/srv/wsgi", "/etc/test.conf:1: missing closing \" in the value of 'wsgi_dir'"),
        (
            "wsgi_dir = '/srv/wsgi' extra",
            "/etc/test.conf:1: unexpected text 'extra' after the closing ' of 'wsgi_dir'; put it inside the quotes or after a #"
        ),
    ])
    func errorNamesLineAndFix(text: String, expected: String) {
        #expect(fileError(text) == expected)
    }

    @Test func errorLeavesOptionsUnchanged() {
        var options = CollectorOptions()
        options.intervalSeconds = 5
        #expect(throws: ConfigurationError.self) {
            try ConfigurationFile.apply("interval = 2\nhistory = 1", path: "/etc/test.conf", to: &options)
        }
        #expect(options.intervalSeconds == 5)
    }

    @Test func missingDefaultFileIsAccepted() throws {
        let directory = try TemporaryDirectory("missing-default")
        defer { directory.remove() }
        #expect(try ConfigurationFile.read(path: directory.path + "/absent.conf", required: false) == nil)
    }

    @Test func missingExplicitFileIsAnError() throws {
        let directory = try TemporaryDirectory("missing-explicit")
        defer { directory.remove() }
        let path = directory.path + "/absent.conf"
        #expect(throws: ConfigurationError("\(path): cannot open configuration file: No such file or directory; create it or pass --config with an existing file")) {
            try ConfigurationFile.read(path: path, required: true)
        }
    }

    @Test func directoryIsAnError() throws {
        let directory = try TemporaryDirectory("directory")
        defer { directory.remove() }
        #expect(throws: ConfigurationError("\(directory.path): cannot read configuration file: Is a directory; give the path of a file")) {
            try ConfigurationFile.read(path: directory.path, required: false)
        }
    }

    @Test func invalidUTF8IsAnError() throws {
        let directory = try TemporaryDirectory("utf8")
        defer { directory.remove() }
        let path = directory.path + "/latin1.conf"
        try Data([0x23, 0x20, 0xE9, 0x0A]).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConfigurationError("\(path): configuration file is not valid UTF-8; save it as UTF-8 text")) {
            try ConfigurationFile.read(path: path, required: true)
        }
    }

    @Test func fileIsReadWhole() throws {
        let directory = try TemporaryDirectory("read")
        defer { directory.remove() }
        // Larger than one read(2) chunk of 64 KiB, so the loop runs more than once.
        let padding = String(repeating: "# padding line\n", count: 6000)
        let path = try directory.write("big.conf", padding + "interval = 4\n")
        let text = try #require(try ConfigurationFile.read(path: path, required: true))
        #expect(text.utf8.count == padding.utf8.count + 13)
        #expect(try optionsFromFile(text).intervalSeconds == 4)
    }

    @Test func oversizedFileIsAnError() throws {
        let directory = try TemporaryDirectory("oversized")
        defer { directory.remove() }
        let path = try directory.write("huge.conf", String(repeating: "#", count: (1 << 20) + 1))
        #expect(throws: ConfigurationError("\(path): configuration file is larger than 1048576 bytes; check that the path names the right file")) {
            try ConfigurationFile.read(path: path, required: true)
        }
    }

    @Test func exampleFileListsEveryDefault() throws {
        let text = try String(contentsOfFile: packageRoot + "/systemd/scoreboard-collector.conf", encoding: .utf8)
        let defaults = CollectorOptions()

        for definition in OptionTable.definitions {
            if let value = definition.value(in: defaults) {
                #expect(text.contains("\n# \(definition.fileKey) = \(value)\n"), "example lacks '# \(definition.fileKey) = \(value)'")
            } else {
                #expect(text.contains("\n# \(definition.fileKey) = "), "example lacks '# \(definition.fileKey) = …'")
            }
        }
    }

    @Test func exampleFileParsesUncommented() throws {
        let text = try String(contentsOfFile: packageRoot + "/systemd/scoreboard-collector.conf", encoding: .utf8)
        let keys = Set(OptionTable.definitions.map(\.fileKey))

        // Uncomment the lines that set a key, as an operator would.
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("# "), let equals = line.firstIndex(of: "=") else { return String(line) }
            let key = line.dropFirst(2)[..<equals].trimmingCharacters(in: .whitespaces)
            return keys.contains(key) ? String(line.dropFirst(2)) : String(line)
        }.joined(separator: "\n")

        let options = try optionsFromFile(uncommented)
        var expected = CollectorOptions()
        expected.scoreboardFile = "/run/apache2/scoreboard"
        expected.maxRequestWorkers = 150
        expected.threadsPerChild = 25
        #expect(options == expected)
    }
}
