// Writes a fixed set of entries through CollectorDaemon's Logger so that a test can read
// them back from a private journald (scripts/systemd-journal-roundtrip.sh).
//
// Usage: journal-probe MODE RUN_ID
//   stream  connect stderr to journald's stream socket and set JOURNAL_STREAM, as systemd
//           does for a service, then log with target auto (expects the native protocol)
//   forced  log with target journal and stderr left alone
//   plain   log with target auto and stderr left alone (expects plain lines on stderr)
// Every entry carries PROBE_RUN=RUN_ID. The resolved destination is printed on stdout.

import CSystemd
import CollectorDaemon
import Glibc
import Synchronization

JournalProbe.run(Array(CommandLine.arguments.dropFirst()))

enum JournalProbe {
    static func run(_ arguments: [String]) -> Never {
        guard arguments.count == 2, ["stream", "forced", "plain"].contains(arguments[0]) else {
            fail("usage: journal-probe stream|forced|plain RUN_ID")
        }
        let mode = arguments[0]
        let runID = arguments[1]

        if mode == "stream" {
            connectStandardErrorToJournal()
        }

        // A hand-stepped clock shows the repeat count without waiting a minute.
        let clockSeconds = Atomic<Int64>(0)
        let logger = Logger(
            level: .debug,
            target: mode == "forced" ? .journal : .automatic,
            repeatIntervalSeconds: 60,
            monotonicNow: { .seconds(clockSeconds.load(ordering: .relaxed)) }
        )
        print("destination=\(describe(logger.destination))")

        let run = ["PROBE_RUN": runID]
        logger.log(
            .warning, "probe warning",
            fields: run.merging([
                "SCOREBOARD_PATH": "/dev/shm/ShM.probe", "APACHE_PID": "4242", "ERRNO": "13",
                "MECHANISM": "posix", "SOURCE": "apache", "lower-case key": "normalized",
            ]) { first, _ in first }
        )
        logger.log(.info, "first line\nsecond line", fields: run)

        for _ in 0..<5 {
            logger.log(.error, "probe repeated error", fields: run, rateLimitKey: "probe:repeat")
        }
        clockSeconds.store(120, ordering: .relaxed)
        logger.log(.error, "probe repeated error", fields: run, rateLimitKey: "probe:repeat")

        logger.setLevel(.info)
        logger.log(.debug, "probe filtered debug", fields: run)
        logger.log(.notice, "probe done", fields: run)
        exit(0)
    }

    /// Does what systemd does for `StandardError=journal`: opens a stream to journald, puts
    /// it on fd 2 and names it in JOURNAL_STREAM as `<device>:<inode>`.
    static func connectStandardErrorToJournal() {
        let stream = sd_journal_stream_fd("journal-probe", LOG_INFO, 1)
        guard stream >= 0 else {
            fail("sd_journal_stream_fd failed: \(String(cString: strerror(-stream)))")
        }
        guard dup2(stream, STDERR_FILENO) >= 0 else {
            fail("dup2 failed: \(String(cString: strerror(errno)))")
        }
        close(stream)

        var status = stat()
        fstat(STDERR_FILENO, &status)
        setenv("JOURNAL_STREAM", "\(status.st_dev):\(status.st_ino)", 1)
    }

    static func describe(_ destination: LogDestination) -> String {
        switch destination {
        case .journal: "journal"
        case .standardError(let levelPrefix): levelPrefix ? "stderr-prefixed" : "stderr"
        }
    }

    static func fail(_ message: String) -> Never {
        print("journal-probe: \(message)")
        exit(2)
    }
}
