import Foundation
import Glibc
import Testing
import TestSupport

/// The real daemon logging into a private journald: started, reloaded and stopped.
extension IntegrationSuite {
    @Suite struct JournalDaemonTests {
        @Test(.enabled(if: getuid() == 0, "needs root for a private mount namespace"))
        func structuredEntriesReachJournald() throws {
            let script = ApacheInstance.repository.appendingPathComponent("scripts/systemd-journal-roundtrip.sh").path
            let port = try freePort()
            let lifecycle = """
                "$0" --listen 127.0.0.1:\(port) --apache-pid-file /nonexistent/apache2.pid --config /dev/null --log-target journal &
                pid=$!
                sleep 1.5
                kill -HUP "$pid"
                sleep 0.5
                kill -TERM "$pid"
                wait "$pid"
                """
            let result = try Subprocess.run(script, ["/bin/bash", "-c", lifecycle, CollectorProcess.binary])
            if result.status == 77 {
                Issue.record("journald round trip could not run here: \(result.output)")
                return
            }
            #expect(result.status == 0)

            let entries = result.output.split(separator: "\n").compactMap { line -> [String: Any]? in
                guard line.hasPrefix("{") else { return nil }
                return try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            }.filter { $0["SYSLOG_IDENTIFIER"] as? String == "scoreboard-collector" }
            let messages = entries.compactMap { $0["MESSAGE"] as? String }

            #expect(messages.contains { $0.hasPrefix("starting scoreboard-collector") })
            let listening = entries.first { ($0["MESSAGE"] as? String)?.hasPrefix("listening on") == true }
            #expect(listening?["LISTEN"] as? String == "127.0.0.1:\(port)")
            #expect(listening?["PRIORITY"] as? String == "5")
            let unavailable = entries.first { ($0["MESSAGE"] as? String)?.contains("Apache scoreboard unavailable") == true }
            #expect(unavailable?["SOURCE"] as? String == "apache")
            #expect(unavailable?["REASON"] as? String == "absent")
            #expect(messages.contains { $0.contains("configuration reloaded") })
            #expect(messages.contains { $0.contains("stopping on signal 15") })
        }
    }
}
