import Foundation
import Glibc
import Testing

/// What the round trip needs: root allowed to create a mount namespace, unshare and
/// systemd-journald.
private enum JournalRoundTrip {
    static let script = packageRoot + "/scripts/systemd-journal-roundtrip.sh"

    static var canRun: Bool {
        guard getuid() == 0,
            let unshare = findExecutable(["/usr/bin/unshare", "/bin/unshare"]),
            findExecutable(["/lib/systemd/systemd-journald", "/usr/lib/systemd/systemd-journald"]) != nil,
            findExecutable(["/usr/bin/journalctl", "/bin/journalctl"]) != nil
        else {
            return false
        }
        // A container's root may lack CAP_SYS_ADMIN, which unshare -m needs.
        let trial = try? runProcess(unshare, ["-m", "--propagation", "private", "/bin/true"])
        return trial?.status == 0
    }

    /// `journal-probe` next to the test bundle, where `swift build` puts every product.
    static var probePath: String {
        let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return URL(fileURLWithPath: testBinary).deletingLastPathComponent().appendingPathComponent("journal-probe").path
    }

    struct Run {
        var entries: [[String: String]]
        var probeOutput: String
        var probeErrors: String
    }

    /// Runs the probe in `mode` next to a private journald and returns the journal entries
    /// tagged with this run's id.
    static func run(mode: String) throws -> Run {
        let runID = "run-\(mode)-\(UUID().uuidString.prefix(8))"
        let result = try runProcess("/bin/bash", [script, probePath, mode, runID])
        #expect(result.status == 0, "round trip failed: \(result.standardError)")

        var entries: [[String: String]] = []
        for line in result.standardOutput.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            // journalctl writes a field that is not valid text as an array of bytes. The probe
            // sends no such field, so keeping only string values loses nothing here.
            guard let fields = object as? [String: Any] else { continue }
            let strings = fields.compactMapValues { $0 as? String }
            if strings["PROBE_RUN"] == runID {
                entries.append(strings)
            }
        }

        let stdoutMarker = "--- command stdout ---\n"
        let stderrMarker = "--- command stderr ---\n"
        let output = result.standardError
        let stdoutStart = output.range(of: stdoutMarker)?.upperBound ?? output.endIndex
        let stderrRange = output.range(of: stderrMarker)
        let probeOutput = String(output[stdoutStart..<(stderrRange?.lowerBound ?? output.endIndex)])
        let probeErrors = stderrRange.map { String(output[$0.upperBound...]) } ?? ""
        return Run(entries: entries, probeOutput: probeOutput, probeErrors: probeErrors)
    }
}

@Suite(
    .enabled(if: JournalRoundTrip.canRun, "needs root with CAP_SYS_ADMIN, unshare and systemd-journald to run a private journald"),
    .serialized
)
struct JournalRoundTripTests {
    @Test func probeIsBuilt() {
        #expect(
            FileManager.default.isExecutableFile(atPath: JournalRoundTrip.probePath),
            "missing \(JournalRoundTrip.probePath); build it with swift build --product journal-probe"
        )
    }

    @Test func journalStreamUpgradesToNativeFields() throws {
        let run = try JournalRoundTrip.run(mode: "stream")
        #expect(run.probeOutput == "destination=journal\n")
        #expect(run.probeErrors == "", "nothing goes through the stream when the native protocol works")

        let messages = run.entries.map { $0["MESSAGE"] ?? "" }
        #expect(
            messages == [
                "probe warning", "first line\nsecond line", "probe repeated error",
                "probe repeated error (repeated 4 times since last logged)", "probe done",
            ]
        )
        for entry in run.entries {
            #expect(entry["_TRANSPORT"] == "journal")
            #expect(entry["SYSLOG_IDENTIFIER"] == "scoreboard-collector")
            #expect(entry["CODE_FILE"] == "journal_probe/main.swift")
            #expect(entry["CODE_FUNC"] == "run(_:)")
            #expect(entry["CODE_LINE"].flatMap { Int($0) } != nil)
        }

        let warning = try #require(run.entries.first)
        #expect(warning["PRIORITY"] == "4")
        #expect(warning["SCOREBOARD_PATH"] == "/dev/shm/ShM.probe")
        #expect(warning["APACHE_PID"] == "4242")
        #expect(warning["ERRNO"] == "13")
        #expect(warning["MECHANISM"] == "posix")
        #expect(warning["SOURCE"] == "apache")
        #expect(warning["LOWER_CASE_KEY"] == "normalized")

        #expect(run.entries.map { $0["PRIORITY"] ?? "" } == ["4", "6", "3", "3", "5"])
        #expect(run.entries.map { $0["SUPPRESSED_REPEATS"] } == [nil, nil, nil, "4", nil])
    }

    @Test func journalTargetWithoutStream() throws {
        let run = try JournalRoundTrip.run(mode: "forced")
        #expect(run.probeOutput == "destination=journal\n")
        #expect(run.entries.count == 5)
        #expect(run.entries.allSatisfy { $0["_TRANSPORT"] == "journal" })
    }

    @Test func plainStderrBypassesJournal() throws {
        let run = try JournalRoundTrip.run(mode: "plain")
        #expect(run.probeOutput == "destination=stderr\n")
        #expect(run.entries.isEmpty, "a pipe on stderr keeps plain lines even with journald running")
        #expect(run.probeErrors.hasPrefix("warning: probe warning apache_pid=4242 errno=13 "))
        #expect(run.probeErrors.contains("\nerror: probe repeated error (repeated 4 times since last logged) "))
    }
}
