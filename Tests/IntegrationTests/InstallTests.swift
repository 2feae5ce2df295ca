import Foundation
import Testing
import TestSupport

/// `make install` and `make uninstall` into a staging directory.
extension IntegrationSuite {
    @Suite struct InstallTests {
        @Test func installIntoDestdirThenUninstall() throws {
            let stage = FileManager.default.temporaryDirectory.appendingPathComponent("sbc-install-\(getpid())").path
            defer { try? FileManager.default.removeItem(atPath: stage) }
            let repository = ApacheInstance.repository.path
            // The debug binary stands in for the release one, so the test needs no release build.
            let variables = ["DESTDIR=\(stage)", "PREFIX=/usr", "RELEASE_BINARY=\(CollectorProcess.binary)"]

            let install = try Subprocess.run("/usr/bin/make", ["-s", "-C", repository, "install"] + variables)
            #expect(install.status == 0, "\(install.output)")

            let expected = [
                "/usr/bin/scoreboard-collector",
                "/usr/lib/systemd/system/scoreboard-collector.service",
                "/usr/lib/sysusers.d/scoreboard-collector.conf",
                "/usr/lib/tmpfiles.d/scoreboard-collector.conf",
                "/usr/share/man/man8/scoreboard-collector.8",
                "/etc/scoreboard-collector.conf",
            ]
            for path in expected {
                #expect(FileManager.default.fileExists(atPath: stage + path), "\(path) missing")
            }
            let unit = try String(contentsOfFile: stage + "/usr/lib/systemd/system/scoreboard-collector.service", encoding: .utf8)
            #expect(unit.contains("ExecStart=/usr/bin/scoreboard-collector"))
            #expect(!unit.contains("@BINDIR@"))
            #expect(FileManager.default.isExecutableFile(atPath: stage + "/usr/bin/scoreboard-collector"))
            let version = try Subprocess.run(stage + "/usr/bin/scoreboard-collector", ["--version"])
            #expect(version.output.hasPrefix("scoreboard-collector "))

            let uninstall = try Subprocess.run("/usr/bin/make", ["-s", "-C", repository, "uninstall"] + variables)
            #expect(uninstall.status == 0)
            for path in expected.dropLast() {
                #expect(!FileManager.default.fileExists(atPath: stage + path), "\(path) left behind")
            }
            // The configuration is the administrator's: uninstall keeps it.
            #expect(FileManager.default.fileExists(atPath: stage + "/etc/scoreboard-collector.conf"))
        }
    }
}
