import CollectorDaemon
import Dispatch
import Foundation
import Glibc
import Testing

/// Tests that read or change environment variables (`JOURNAL_STREAM`, `NOTIFY_SOCKET`,
/// `WATCHDOG_*`) run one at a time, because setenv(3) is not safe against concurrent getenv(3).
@Suite(.serialized) enum ProcessEnvironmentTests {}

extension ProcessEnvironmentTests {
    @Suite struct LoggerTests {
        /// Creates a logger that writes plain lines to `pipe` and runs on a hand-stepped clock.
        private func makeLogger(_ pipe: CapturePipe, level: LogLevel = .debug, clock: ManualClock = ManualClock()) -> Logger {
            Logger(
                level: level, target: .stderr, repeatIntervalSeconds: 60, descriptor: pipe.writeEnd,
                monotonicNow: { clock.now }
            )
        }

        @Test func lineCarriesLevelMessageAndFields() throws {
            let pipe = try CapturePipe()
            let logger = makeLogger(pipe)
            #expect(logger.destination == .standardError(levelPrefix: false))

            logger.log(
                .warning, "cannot attach to the scoreboard",
                fields: ["SCOREBOARD_PATH": "/dev/shm/ShM.1H2", "ERRNO": "13", "note": "two words", "EMPTY": ""]
            )
            #expect(
                pipe.finish()
                    == "warning: cannot attach to the scoreboard empty=\"\" errno=13 note=\"two words\" scoreboard_path=/dev/shm/ShM.1H2\n"
            )
        }

        @Test func controlCharactersStayOnOneLine() throws {
            let pipe = try CapturePipe()
            let logger = makeLogger(pipe)
            logger.log(.info, "first\nsecond\tthird\u{1}", fields: ["VALUE": "say \"hi\"\n"])
            #expect(pipe.finish() == "info: first\\nsecond\\tthird\\u{1} value=\"say \\\"hi\\\"\\n\"\n")
        }

        @Test func fieldNamesAreNormalized() throws {
            let pipe = try CapturePipe()
            let logger = makeLogger(pipe)
            logger.log(.info, "m", fields: ["lower-case key": "a", "_HIDDEN": "b", "9LIVES": "c"])
            #expect(pipe.finish() == "info: m hidden=b lives=c lower_case_key=a\n")
        }

        @Test func levelFiltersAndChangesAtRuntime() throws {
            let pipe = try CapturePipe()
            let logger = makeLogger(pipe, level: .notice)
            #expect(logger.level == .notice)
            #expect(logger.isEnabled(.warning))
            #expect(!logger.isEnabled(.info))

            for level in LogLevel.allCases {
                logger.log(level, "at \(level.name)")
            }
            logger.setLevel(.debug)
            logger.log(.debug, "debug after change")
            logger.apply({ var options = CollectorOptions(); options.logLevel = .error; return options }())
            logger.log(.warning, "warning after reload")
            logger.log(.error, "error after reload")

            #expect(
                pipe.finish()
                    == "error: at error\nwarning: at warning\nnotice: at notice\ndebug: debug after change\nerror: error after reload\n"
            )
        }

        @Test func repeatsAreCountedAndReported() throws {
            let pipe = try CapturePipe()
            let clock = ManualClock()
            let logger = makeLogger(pipe, clock: clock)

            for _ in 0..<5 {
                logger.log(.error, "cannot attach", fields: ["SCOREBOARD_PATH": "/a"], rateLimitKey: "attach:/a")
            }
            #expect(logger.suppressedRepeats(forKey: "attach:/a") == 4)
            logger.log(.error, "cannot attach", fields: ["SCOREBOARD_PATH": "/b"], rateLimitKey: "attach:/b")

            clock.advance(seconds: 59)
            logger.log(.error, "cannot attach", fields: ["SCOREBOARD_PATH": "/a"], rateLimitKey: "attach:/a")
            #expect(logger.suppressedRepeats(forKey: "attach:/a") == 5)

            clock.advance(seconds: 1)
            logger.log(.error, "cannot attach", fields: ["SCOREBOARD_PATH": "/a"], rateLimitKey: "attach:/a")
            #expect(logger.suppressedRepeats(forKey: "attach:/a") == 0)
            logger.log(.error, "cannot attach", fields: ["SCOREBOARD_PATH": "/a"], rateLimitKey: "attach:/a")

            #expect(
                pipe.finish() == """
                    error: cannot attach scoreboard_path=/a
                    error: cannot attach scoreboard_path=/b
                    error: cannot attach (repeated 5 times since last logged) scoreboard_path=/a suppressed_repeats=5

                    """
            )
        }

        @Test func resetRepeatsReturnsCountAndWritesNextAtOnce() throws {
            let pipe = try CapturePipe()
            let logger = makeLogger(pipe)
            for _ in 0..<3 {
                logger.log(.warning, "Apache is not running", rateLimitKey: "apache-down")
            }
            #expect(logger.resetRepeats(forKey: "apache-down") == 2)
            #expect(logger.resetRepeats(forKey: "apache-down") == 0)
            logger.log(.warning, "Apache is not running", rateLimitKey: "apache-down")
            #expect(pipe.finish() == "warning: Apache is not running\nwarning: Apache is not running\n")
        }

        @Test func filteredEntriesAreNotCounted() throws {
            let pipe = try CapturePipe()
            let clock = ManualClock()
            let logger = makeLogger(pipe, level: .info, clock: clock)
            logger.log(.debug, "noise", rateLimitKey: "noise")
            logger.log(.debug, "noise", rateLimitKey: "noise")
            #expect(logger.suppressedRepeats(forKey: "noise") == 0)
            logger.log(.info, "noise", rateLimitKey: "noise")
            #expect(pipe.finish() == "info: noise\n")
        }

        @Test func repeatIntervalChangesAtRuntime() throws {
            let pipe = try CapturePipe()
            let clock = ManualClock()
            let logger = makeLogger(pipe, clock: clock)
            logger.log(.error, "e", rateLimitKey: "k")
            logger.log(.error, "e", rateLimitKey: "k")

            logger.setRepeatInterval(seconds: 5)
            clock.advance(seconds: 5)
            logger.log(.error, "e", rateLimitKey: "k")
            #expect(pipe.finish() == "error: e\nerror: e (repeated 1 time since last logged) suppressed_repeats=1\n")
        }

        @Test func journalStreamGetsPriorityPrefix() throws {
            let pipe = try CapturePipe()
            let other = try CapturePipe()
            defer { _ = other.finish() }

            withEnvironment("JOURNAL_STREAM", pipe.deviceAndInode()) {
                #expect(LogDestination.descriptorIsJournalStream(pipe.writeEnd))
                #expect(!LogDestination.descriptorIsJournalStream(other.writeEnd))

                let logger = Logger(level: .info, target: .stderr, descriptor: pipe.writeEnd)
                #expect(logger.destination == .standardError(levelPrefix: true))
                logger.log(.warning, "cannot attach", fields: ["ERRNO": "13"])
                logger.log(.error, "failed")
            }
            #expect(pipe.finish() == "<4>cannot attach errno=13\n<3>failed\n")
        }

        @Test func malformedJournalStreamIsIgnored() throws {
            let pipe = try CapturePipe()
            defer { _ = pipe.finish() }
            for value in ["", "12", "a:b", "1:2:3"] {
                withEnvironment("JOURNAL_STREAM", value) {
                    #expect(!LogDestination.descriptorIsJournalStream(pipe.writeEnd), "JOURNAL_STREAM='\(value)'")
                }
            }
        }

        @Test func automaticTargetWithoutJournalStreamUsesDescriptor() throws {
            let pipe = try CapturePipe()
            defer { _ = pipe.finish() }
            withEnvironment("JOURNAL_STREAM", nil) {
                // Even where journald runs, a descriptor that is not a journal stream (a
                // terminal, a pipe) keeps plain lines.
                #expect(LogDestination.resolve(target: .automatic, descriptor: pipe.writeEnd) == .standardError(levelPrefix: false))
            }
        }

        @Test func journalTargetNeedsTheSocket() throws {
            let pipe = try CapturePipe()
            defer { _ = pipe.finish() }
            let socketExists = FileManager.default.fileExists(atPath: LogDestination.journalSocketPath)
            let destination = withEnvironment("JOURNAL_STREAM", nil) {
                LogDestination.resolve(target: .journal, descriptor: pipe.writeEnd)
            }
            #expect(destination == (socketExists ? .journal : .standardError(levelPrefix: false)))
        }

        @Test func concurrentLinesStayWhole() throws {
            let pipe = try CapturePipe()
            let logger = makeLogger(pipe)
            let threads = 8
            let linesPerThread = 50

            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                for line in 0..<linesPerThread {
                    logger.log(.info, "thread \(thread) line \(line)", fields: ["THREAD": String(thread)])
                }
            }

            let lines = pipe.finish().split(separator: "\n")
            #expect(lines.count == threads * linesPerThread)
            for thread in 0..<threads {
                for line in 0..<linesPerThread {
                    #expect(lines.contains("info: thread \(thread) line \(line) thread=\(thread)"[...]))
                }
            }
        }
    }
}
